"""What one client may hold: sockets per user and address, subscribes, topics, unsent bytes."""

import asyncio
import functools
import json
import os
import uuid

import pytest
import redis
from django.contrib.auth.models import AnonymousUser

from tests.realtime.test_presence import redis_store
from treffpunkt.realtime import gateway, hub, limits, presence

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def realtime(settings):
    settings.REALTIME = {**settings.REALTIME, "MAX_SOCKETS_PER_USER": 2, "MAX_SOCKETS_PER_IP": 3}
    return settings.REALTIME


async def test_a_user_holds_at_most_the_socket_limit(connect, people, realtime):
    first = await connect(people["anna"])
    await connect(people["anna"])

    assert await connect(people["anna"], expect=False) == 4029
    assert (await connect(people["ben"])).hello["type"] == "hello"
    await first.close()
    assert (await connect(people["anna"])).hello["type"] == "hello"


async def test_anonymous_sockets_are_limited_per_address(connect, people, realtime):
    sockets = [await connect() for _ in range(3)]

    assert await connect(expect=False) == 4029
    assert (await connect(people["anna"])).hello["type"] == "hello"
    await sockets[0].close()
    assert (await connect()).hello["type"] == "hello"


async def test_subscribes_are_rate_limited_per_socket(connect, people, live_session, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "subscribe": (3, 10, "local")}
    client = await connect()
    topic = f"session:{live_session.pk}"

    replies = [await client.request("subscribe", {"topic": topic}) for _ in range(4)]

    assert [reply["ok"] for reply in replies] == [True, True, True, False]
    assert replies[-1]["error"]["code"] == "rate_limited"
    assert (await client.request("ping"))["ok"] is True


async def test_subscribes_are_rate_limited_per_client_over_its_sockets(
    connect, people, live_session, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "subscribe_anonymous": (4, 10, "local")}
    topic = f"session:{live_session.pk}"
    sockets = [await connect() for _ in range(2)]

    codes = []
    for _ in range(3):
        for client in sockets:
            reply = await client.request("subscribe", {"topic": topic})
            codes.append(reply["ok"] or reply["error"]["code"])

    assert codes == [True, True, True, True, "rate_limited", "rate_limited"]


async def test_a_socket_holds_at_most_max_topics(connect, people, live_session, settings):
    settings.REALTIME = {**settings.REALTIME, "MAX_TOPICS": 1}
    client = await connect()

    first = await client.request("subscribe", {"topic": f"session:{live_session.pk}"})
    second = await client.request("subscribe", {"topic": f"event:{live_session.event.slug}"})

    assert first["ok"] is True
    assert second["error"]["code"] == "too_many_topics"


class FakeTransport:
    """Twisted's TCP transport as daphne's send leaves it: bytes it could not write yet."""

    def __init__(self):
        self.dataBuffer = b""
        self.offset = 0
        self._tempDataLen = 0
        self.aborted = False

    def abortConnection(self):  # noqa: N802 (Twisted's name)
        self.aborted = True


class FakeProtocol:
    def __init__(self):
        self.transport = FakeTransport()
        self.sent = []


async def handle_reply(protocol, message):
    """daphne's send (``partial(server.handle_reply, protocol)``): buffers, never waits."""
    protocol.sent.append(message)
    if message["type"] == "websocket.send":
        protocol.transport._tempDataLen += len(message["text"])


async def test_a_client_that_never_reads_is_closed_with_4008_and_dropped(settings, monkeypatch):
    settings.REALTIME = {**settings.REALTIME, "MAX_UNSENT_BYTES": 10_000}
    monkeypatch.setattr(gateway, "ABORT_AFTER_SECONDS", 0.05)
    protocol = FakeProtocol()
    send = functools.partial(handle_reply, protocol)
    assert limits.unsent_bytes_probe(send)() == 0
    incoming = asyncio.Queue()
    scope = {"type": "websocket", "headers": [(b"host", b"testserver")], "user": AnonymousUser()}
    connection = gateway.Connection(scope, incoming.get, send)
    serving = asyncio.create_task(connection.serve())
    await incoming.put({"type": "websocket.connect"})
    while len(protocol.sent) < 2:
        await asyncio.sleep(0.01)

    push = json.dumps({"type": "chat.message", "data": {"text": "x" * 1000}})
    for _ in range(30):
        connection.deliver("session:1", push, None)
    await asyncio.sleep(0.2)

    texts = [message["text"] for message in protocol.sent if message["type"] == "websocket.send"]
    hello = len(texts[0])
    # Pushes until the unsent bytes passed 10,000; the rest is not even buffered.
    assert len(texts) - 1 == -(-(10_000 - hello + 1) // len(push))
    assert protocol.sent[-1] == {"type": "websocket.close", "code": 4008}
    assert protocol.transport.aborted is True
    await incoming.put({"type": "websocket.disconnect", "code": 1006})
    await asyncio.wait_for(serving, 1)


def test_each_forked_worker_reports_its_socket_counts_under_a_name_of_its_own():
    # treffpunkt.serve forks its workers from a master that imported this module: with the
    # master's name, a worker's report of its sockets would overwrite its sibling's, and a user's
    # sockets on the two would count once.
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        os.write(write, hub.PROCESS_ID.encode())
        os._exit(0)
    os.close(write)
    child = os.read(read, 256).decode()
    os.close(read)
    os.waitpid(pid, 0)
    assert child != hub.PROCESS_ID
    assert f":{pid}:" in child


class Someone:
    is_authenticated = True

    def __init__(self):
        self.pk = uuid.uuid4().hex


def hold(monkeypatch, store, name):
    """Hold the store's ``name`` trips until ``go_on`` is set; ``reached`` is set when one waits."""
    original = getattr(store, name)
    reached, go_on = asyncio.Event(), asyncio.Event()

    async def held(*args, **kwargs):
        reached.set()
        await go_on.wait()
        return await original(*args, **kwargs)

    monkeypatch.setattr(store, name, held)
    return reached, go_on


@pytest.fixture
def shared(monkeypatch):
    """A fresh SocketCounts of a process of its own, on the real Redis store."""
    store = redis_store()
    monkeypatch.setattr(presence, "_store", store)
    monkeypatch.setattr(hub, "PROCESS_ID", f"test-{uuid.uuid4().hex}")
    return limits.SocketCounts(), store


async def lose_a_release(counts, store, monkeypatch, key):
    """Release one of ``key``'s sockets while Redis is away: the store still counts it."""
    original = store.release_socket

    async def away(*args, **kwargs):
        monkeypatch.setattr(store, "release_socket", original)
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(store, "release_socket", away)
    await counts.release(key)


async def test_a_plain_heartbeat_holds_up_no_handshake(shared, monkeypatch, realtime):
    counts, store = shared
    user = Someone()
    await counts.admit(user, None)
    reached, go_on = hold(monkeypatch, store, "keep_sockets_alive")
    beat = asyncio.create_task(counts.beat())
    await asyncio.wait_for(reached.wait(), 5)

    key = await asyncio.wait_for(counts.admit(Someone(), None), limits.BEAT_WAIT / 2)

    assert store.count_sockets(key) == 1
    go_on.set()
    await beat
    await store.aclose()


async def test_counts_that_redis_lost_are_written_again_at_the_next_heartbeat(shared, realtime):
    counts, store = shared
    user = Someone()
    key = await counts.admit(user, None)
    await counts.admit(user, None)
    registry = store._socket_registry()
    redis.Redis.from_url(store._url).delete(f"{registry}:{hub.PROCESS_ID}")  # a Redis restart
    lost = store.count_sockets(key)

    await counts.beat()

    assert (lost, store.count_sockets(key)) == (0, 2)
    await store.aclose()


@pytest.mark.parametrize("trip", ["admit_socket", "release_socket"])
async def test_a_repair_while_a_socket_is_counted_leaves_the_shared_count_true(
    shared, monkeypatch, trip, settings
):
    # A release was lost while Redis was away: the next heartbeat writes this process's counts as
    # it knows them. A release between its reading and its write was taken off twice, and the
    # user could open one socket more than allowed. A count on its way is left for the beat after.
    settings.REALTIME = {**settings.REALTIME, "MAX_SOCKETS_PER_USER": 4}
    counts, store = shared
    user = Someone()
    key = await counts.admit(user, None)
    for _ in range(2):
        await counts.admit(user, None)
    await lose_a_release(counts, store, monkeypatch, key)
    unrepaired = store.count_sockets(key)
    reached, go_on = hold(monkeypatch, store, trip)

    if trip == "admit_socket":
        on_the_way = asyncio.create_task(counts.admit(user, None))
    else:
        on_the_way = asyncio.create_task(counts.release(key))
    await asyncio.wait_for(reached.wait(), 5)
    await counts.beat()
    go_on.set()
    await on_the_way
    held, between = counts.by_key.get(key, 0), store.count_sockets(key)
    await counts.beat()  # the count on its way was kept; this beat repairs it

    assert unrepaired == 3
    assert held == (3 if trip == "admit_socket" else 1)
    assert between >= held  # never fewer than the sockets held
    assert store.count_sockets(key) == held
    await store.aclose()


async def test_admits_and_releases_wait_while_the_repair_is_written(shared, monkeypatch, realtime):
    counts, store = shared
    user = Someone()
    first = await counts.admit(user, None)
    await counts.admit(user, None)
    await lose_a_release(counts, store, monkeypatch, first)
    reached, go_on = hold(monkeypatch, store, "refresh_sockets")

    beat = asyncio.create_task(counts.beat())
    await asyncio.wait_for(reached.wait(), 5)
    second = asyncio.create_task(counts.admit(user, None))
    released = asyncio.create_task(counts.release(first))
    await asyncio.sleep(0.05)
    waited = (second.done(), released.done(), store.count_sockets(first))
    go_on.set()
    await asyncio.gather(beat, second, released)

    assert waited == (False, False, 2)
    assert (counts.by_key.get(first, 0), store.count_sockets(first)) == (1, 1)
    assert await counts.admit(user, None) == first
    assert await counts.admit(user, None) is None  # the limit is 2
    await store.aclose()


async def test_a_repair_that_hangs_holds_up_the_handshakes_only_briefly(
    shared, monkeypatch, realtime
):
    counts, store = shared
    first = await counts.admit(Someone(), None)
    await lose_a_release(counts, store, monkeypatch, first)
    monkeypatch.setattr(limits, "BEAT_WAIT", 0.1)
    reached, _never = hold(monkeypatch, store, "refresh_sockets")
    beat = asyncio.create_task(counts.beat())
    await asyncio.wait_for(reached.wait(), 5)

    key = await asyncio.wait_for(counts.admit(Someone(), None), 1)

    assert store.count_sockets(key) == 1
    beat.cancel()
    await store.aclose()
