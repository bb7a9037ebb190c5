"""The presence store: expiring weighted marks, in process memory and in Redis."""

import asyncio
import threading
import time
import uuid

import pytest

from tests.conftest import skip_or_fail
from treffpunkt.realtime import presence


def redis_store():
    import os

    import redis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001
        skip_or_fail(f"Redis at {url} is not reachable: {error}")
    return presence.RedisPresence(url)


@pytest.fixture(params=["local", "redis"])
def store(request):
    return presence.LocalPresence() if request.param == "local" else redis_store()


@pytest.fixture
def group():
    return f"test:{uuid.uuid4().hex}"


def test_total_sums_the_members_weights(store, group):
    assert store.mark(group, "a", ttl=30) == 1
    assert store.mark(group, "b", weight=3, ttl=30) == 4
    assert store.mark(group, "a", ttl=30) == 4
    assert store.total(group) == 4


def test_unmark_removes_only_that_member(store, group):
    store.mark(group, "a", ttl=30)
    store.mark(group, "b", ttl=30)

    assert store.unmark(group, "a") == 1
    assert store.unmark(group, "a") == 1
    assert store.total(group) == 1


def test_marks_expire_after_their_ttl(store, group):
    store.mark(group, "a", ttl=30)
    store.mark(group, "b", ttl=0.05)

    time.sleep(0.1)

    assert store.total(group) == 1


def test_groups_are_independent(store, group):
    store.mark(group, "a", ttl=30)

    assert store.total(f"{group}:other") == 0


def test_async_and_sync_forms_share_the_marks(store, group):
    async def scenario():
        await store.amark(group, "a", ttl=30)
        total = await store.atotal(group)
        await store.aclose()
        return total

    store.mark(group, "b", ttl=30)

    assert asyncio.run(scenario()) == 2


def test_marks_at_the_same_moment_from_many_threads_all_count(store, group):
    start = threading.Barrier(16)

    def mark(number):
        start.wait()
        store.mark(group, f"member-{number}", ttl=30)

    threads = [threading.Thread(target=mark, args=(number,)) for number in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert store.total(group) == 16


def test_viewer_reports_sum_over_processes_and_a_zero_report_drops_out(store, group):
    async def scenario():
        await store.report(group, "process-1", 3)
        await store.report(group, "process-2", 2)
        both = await store.viewers(group)
        await store.report(group, "process-1", 0)
        after = await store.viewers(group)
        await store.aclose()
        return both, after

    assert asyncio.run(scenario()) == (5, 2)


@pytest.fixture
def redis_only():
    return redis_store()


def test_socket_counts_add_up_over_processes_and_a_release_frees_a_place(redis_only, group):
    store = redis_only

    async def scenario():
        admitted = [
            await store.admit_socket(group, process, maximum=3, ttl=30)
            for process in ("process-1", "process-2", "process-1", "process-2")
        ]
        await store.release_socket(group, "process-1")
        again = await store.admit_socket(group, "process-2", maximum=3, ttl=30)
        full = await store.admit_socket(group, "process-1", maximum=3, ttl=30)
        await store.aclose()
        return admitted, again, full

    assert asyncio.run(scenario()) == ([True, True, True, False], True, False)


def test_sockets_of_a_process_that_stopped_its_heartbeat_stop_counting(redis_only, group):
    store = redis_only

    async def scenario():
        dead = await store.admit_socket(group, "killed", maximum=1, ttl=0.05)
        refused = await store.admit_socket(group, "alive", maximum=1, ttl=30)
        await asyncio.sleep(0.1)
        after_expiry = await store.admit_socket(group, "alive", maximum=1, ttl=30)
        await store.aclose()
        return dead, refused, after_expiry

    assert asyncio.run(scenario()) == (True, False, True)


def test_a_clients_sockets_are_counted_over_the_live_processes_only(redis_only, group):
    # What treffpunkt.notify.is_online asks: does this person hold a socket anywhere?
    store = redis_only

    async def scenario():
        await store.admit_socket(group, "process-1", maximum=5, ttl=30)
        await store.admit_socket(group, "process-2", maximum=5, ttl=30)
        await store.admit_socket(group, "killed", maximum=5, ttl=0.05)
        await asyncio.sleep(0.1)
        await store.aclose()

    asyncio.run(scenario())
    assert store.count_sockets(group) == 2

    async def release():
        await store.release_socket(group, "process-2")
        await store.aclose()

    asyncio.run(release())
    assert store.count_sockets(group) == 1
    assert store.count_sockets(f"{group}:other") == 0


def test_heartbeat_keeps_a_process_alive_and_writes_its_true_counts(redis_only, group):
    store = redis_only

    async def scenario():
        for _ in range(2):
            await store.admit_socket(group, "process-1", maximum=2, ttl=0.2)
        # A release that never reached Redis: the process knows it holds one socket.
        await store.refresh_sockets("process-1", {group: 1}, ttl=30)
        await asyncio.sleep(0.3)
        admitted = await store.admit_socket(group, "process-2", maximum=2, ttl=30)
        full = await store.admit_socket(group, "process-2", maximum=2, ttl=30)
        await store.aclose()
        return admitted, full

    assert asyncio.run(scenario()) == (True, False)


def test_admissions_at_the_same_moment_take_each_place_once(redis_only, group):
    store = redis_only

    async def scenario():
        admitted = await asyncio.gather(
            *(
                store.admit_socket(group, f"process-{number % 3}", maximum=5, ttl=30)
                for number in range(20)
            )
        )
        await store.aclose()
        return admitted

    assert sorted(asyncio.run(scenario())) == [False] * 15 + [True] * 5


def test_a_storm_of_commands_at_once_waits_for_connections_and_loses_none(redis_only, group):
    # A reconnect storm: thousands of sockets admitted, marked online and released at once.
    store = redis_only
    sockets = 3 * presence.ASYNC_CONNECTIONS + 150  # past the pool and redis-py's default 100

    async def scenario():
        admitted = await asyncio.gather(
            *(
                store.admit_socket(f"{group}:{number}", "process-1", maximum=1, ttl=30)
                for number in range(sockets)
            )
        )
        totals = await asyncio.gather(
            *(store.amark(group, f"socket-{number}", ttl=30) for number in range(sockets))
        )
        await asyncio.gather(
            *(store.release_socket(f"{group}:{number}", "process-1") for number in range(sockets))
        )
        again = await asyncio.gather(
            *(
                store.admit_socket(f"{group}:{number}", "process-2", maximum=1, ttl=30)
                for number in range(sockets)
            )
        )
        await store.aclose()
        return admitted, max(totals), again

    admitted, online, again = asyncio.run(scenario())

    assert admitted == [True] * sockets
    assert online == sockets
    assert again == [True] * sockets  # every release reached Redis
