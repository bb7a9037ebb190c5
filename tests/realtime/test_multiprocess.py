"""Two real daphne processes on one Redis (and PostgreSQL when DATABASE_URL names it).

What a user notices: a chat message sent to one server process reaches a subscriber on another,
viewers see the same count on both (and the organizer's report keeps their peak over both), and
a subscriber that was away resumes with ``since`` and gets every missed message once, in order; a
meeting requested over REST on one process is announced on the other; two booth staff who come
online at the same moment on different processes are both counted; a client holds at most its
socket limit over both processes together; under daphne, a too-long request gets its ``too_long``
reply on an open socket (past the hard cap: 1009); an upgrade opens the socket of its token whether
it arrives whole or in pieces, and one with a header daphne refuses gets 400.
"""

import asyncio
import base64
import json
import os
import socket
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import websockets

from tests.conftest import skip_or_fail
from tests.servers import daphne_processes, run_setup

pytestmark = pytest.mark.multiprocess

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.authtoken.models import Token
from congress.models import Event, Registration, Session

today = timezone.localdate()
event = Event.objects.create(slug="mp", acronym="mp2026", name="Mehrprozess", start_date=today - timedelta(days=1),
                             end_date=today + timedelta(days=1), is_published=True)
now = timezone.now()
session = Session.objects.create(event=event, title="Live", start=now - timedelta(minutes=5),
                                 end=now + timedelta(hours=1), state="live")
tokens = {}
for name in ("anna", "ben"):
    user = get_user_model().objects.create_user(name, password="treffpunkt", first_name=name.title())
    Registration.objects.create(event=event, user=user)
    tokens[name] = Token.objects.create(user=user).key
from matchmaking.models import MeetingSlot, Profile
users = {}
for name in ("anna", "ben"):
    users[name] = get_user_model().objects.get(username=name)
    Profile.objects.create(event=event, user=users[name], is_visible=True)
start = event.starts_at + timedelta(days=2, hours=10)
slot = MeetingSlot.objects.create(event=event, start=start, end=start + timedelta(minutes=30))
user = get_user_model().objects.create_user("carla", password="treffpunkt")
tokens["carla"] = Token.objects.create(user=user).key
from expo.models import Exhibitor, ExhibitorStaff
staff = []
for name in ("sina", "tom"):
    user = get_user_model().objects.create_user(name, password="treffpunkt")
    tokens[name] = Token.objects.create(user=user).key
    staff.append(user)
booths = []
for number in range(BOOTHS):
    booth = Exhibitor.objects.create(event=event, name=f"Stand {number}", slug=f"stand-{number}",
                                     status=Exhibitor.Status.PUBLISHED)
    ExhibitorStaff.objects.bulk_create([ExhibitorStaff(exhibitor=booth, user=user) for user in staff])
    booths.append(booth.pk)
print(json.dumps({"session": session.pk, "tokens": tokens, "event": event.slug, "booths": booths,
                  "ben": users["ben"].pk, "slot": [slot.start.isoformat(), slot.end.isoformat()]}))
"""
RACE_RUNS = 50
SETUP = SETUP.replace("BOOTHS", str(RACE_RUNS))
SOCKETS_PER_USER = 4
SOCKETS_PER_IP = 4
HARD_CAP = 4 * 1024 * 1024


def redis_url():
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001
        skip_or_fail(f"Redis at {url} is not reachable: {error}")
    return url


@pytest.fixture(scope="module")
def database_url(database_templates, tmp_path_factory):
    """A copy of the migrated template: on PostgreSQL when the suite runs there, else SQLite."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://")):
        return database_templates.sqlite_url(tmp_path_factory.mktemp("mp"))
    import psycopg

    try:
        return database_templates.postgres_url(configured)
    except psycopg.Error as error:
        skip_or_fail(f"PostgreSQL at {configured} refused a test database: {error}")


@pytest.fixture(scope="module")
def cluster(database_url, tmp_path_factory):
    """Migrate a fresh database, create the people, start two daphne processes."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url(),
        "CHANNEL_PREFIX": f"mp{uuid.uuid4().hex[:6]}",
        "CACHE_PREFIX": f"mp{uuid.uuid4().hex[:6]}",
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
        "REALTIME_MAX_SOCKETS_PER_USER": str(SOCKETS_PER_USER),
        "REALTIME_MAX_SOCKETS_PER_IP": str(SOCKETS_PER_IP),
        "REALTIME_MAX_MESSAGE_BYTES": str(HARD_CAP),
        # Tests give their anonymous sockets addresses of their own (X-Forwarded-For).
        "TRUSTED_PROXIES": "127.0.0.1",
    }
    people = run_setup(env, SETUP)
    log = tmp_path_factory.mktemp("daphne") / "daphne.log"
    with daphne_processes(env, 2, log) as urls:
        yield {"ports": [int(url.rsplit(":", 1)[1]) for url in urls], "env": env, **people}


class Peer:
    def __init__(self, socket_, name):
        self.socket = socket_
        self.name = name
        self.next_id = 0
        self.backlog = []

    @classmethod
    async def open(cls, cluster, name, process):
        port = cluster["ports"][process]
        socket_ = await websockets.connect(
            f"ws://127.0.0.1:{port}/ws/",
            origin=f"http://127.0.0.1:{port}",
            additional_headers={"Authorization": f"Token {cluster['tokens'][name]}"},
            open_timeout=5,
        )
        peer = cls(socket_, name)
        assert (await peer.receive())["type"] == "hello"
        return peer

    async def receive(self, timeout=5):
        return json.loads(await asyncio.wait_for(self.socket.recv(), timeout))

    async def request(self, type_, data):
        self.next_id += 1
        await self.socket.send(json.dumps({"id": self.next_id, "type": type_, "data": data}))
        while True:
            message = await self.receive()
            if message.get("reply_to") == self.next_id:
                assert message["ok"], message
                return message["data"]
            self.backlog.append(message)

    async def next_push(self, type_, timeout=5):
        for index, message in enumerate(self.backlog):
            if message.get("type") == type_:
                return self.backlog.pop(index)
        while True:
            message = await self.receive(timeout)
            if message.get("type") == type_:
                return message

    async def pushes(self, type_, within):
        found = [m for m in self.backlog if m.get("type") == type_]
        self.backlog = [m for m in self.backlog if m.get("type") != type_]
        deadline = time.monotonic() + within
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                message = await self.receive(remaining)
            except TimeoutError:
                break
            if message.get("type") == type_:
                found.append(message)
        return found


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 60))


def test_chat_crosses_processes_and_resume_replays_missed_once_in_order(cluster):
    topic = f"session:{cluster['session']}"

    async def scenario():
        anna = await Peer.open(cluster, "anna", 0)
        ben = await Peer.open(cluster, "ben", 1)
        await anna.request("subscribe", {"topic": topic})
        await ben.request("subscribe", {"topic": topic})

        sent = await anna.request(
            "chat.send", {"topic": topic, "text": "Hallo aus Prozess A", "client_id": "a-1"}
        )
        arrived = await ben.next_push("chat.message")
        assert (arrived["seq"], arrived["data"]["text"]) == (sent["seq"], "Hallo aus Prozess A")
        last_seen = arrived["seq"]

        await ben.socket.close()
        texts = ["zwei", "drei", "vier"]
        for number, text in enumerate(texts):
            await anna.request(
                "chat.send", {"topic": topic, "text": text, "client_id": f"a-{number + 2}"}
            )

        # Ben comes back on the other process and resumes from the last message he saw.
        ben = await Peer.open(cluster, "ben", 0)
        resumed = await ben.request("subscribe", {"topic": topic, "since": last_seen})
        missed = [(m["seq"], m["data"]["text"]) for m in resumed["missed"]]
        assert missed == [(last_seen + 1, "zwei"), (last_seen + 2, "drei"), (last_seen + 3, "vier")]

        await anna.request("chat.send", {"topic": topic, "text": "fünf", "client_id": "a-5"})
        later = await ben.pushes("chat.message", within=1.5)
        assert [(m["seq"], m["data"]["text"]) for m in later] == [(last_seen + 4, "fünf")]
        await anna.socket.close()
        await ben.socket.close()

    run(scenario())


def test_viewer_count_and_peak_are_the_same_in_both_processes(cluster):
    topic = f"session:{cluster['session']}"

    async def scenario():
        anna = await Peer.open(cluster, "anna", 0)
        ben = await Peer.open(cluster, "ben", 1)
        await anna.request("subscribe", {"topic": topic})
        await ben.request("subscribe", {"topic": topic})
        seen = {}
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline and seen != {"anna": 2, "ben": 2}:
            for peer in (anna, ben):
                try:
                    push = await peer.next_push("presence", timeout=0.5)
                except TimeoutError:
                    continue
                seen[peer.name] = push["data"]["viewers"]
        assert seen == {"anna": 2, "ben": 2}
        # The organizer's report keeps the peak over both processes, though each holds one.
        peak = None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and peak != 2:
            peak = await asyncio.to_thread(stored_peak, cluster)
        await anna.socket.close()
        await ben.socket.close()
        return peak

    assert run(scenario()) == 2


def stored_peak(cluster):
    return run_setup(
        cluster["env"],
        "import json; from backoffice.models import SessionPeak; "
        f"print(json.dumps(SessionPeak.objects.filter(session={cluster['session']})"
        ".values_list('peak', flat=True).first()))",
    )


def post(cluster, process, path, token, body=None):
    """A REST POST to one of the processes; returns (status, JSON body)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{cluster['ports'][process]}/api/v1/events/{cluster['event']}/{path}",
        data=json.dumps(body or {}).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


def test_meeting_request_on_one_process_reaches_the_invitee_on_the_other(cluster):
    tokens = cluster["tokens"]
    start, end = cluster["slot"]

    async def scenario():
        anna = await Peer.open(cluster, "anna", 0)
        ben = await Peer.open(cluster, "ben", 1)

        status, meeting = await asyncio.to_thread(
            post,
            cluster,
            0,
            "meetings/",
            tokens["anna"],
            {"invitee": cluster["ben"], "start": start, "end": end, "message": "Kaffee?"},
        )
        assert status == 201
        requested = await ben.next_push("meeting.requested")
        assert (requested["data"]["id"], requested["data"]["awaiting_me"]) == (meeting["id"], True)

        status, _body = await asyncio.to_thread(
            post, cluster, 1, f"meetings/{meeting['id']}/accept/", tokens["ben"]
        )
        assert status == 200
        accepted = await anna.next_push("meeting.accepted")
        assert accepted["data"]["state"] == "accepted"
        await anna.socket.close()
        await ben.socket.close()

    run(scenario())


def test_booth_staff_coming_online_at_once_on_two_processes_are_both_counted(cluster):
    """Each run: both staff open a fresh booth at the same moment (the topic kind marks them),
    then go offline and come back at the same moment (``booth.staff_online``)."""

    async def scenario():
        peers = []
        seen = []
        for run_number, booth in enumerate(cluster["booths"]):
            if run_number % 8 == 0:
                # Fresh sockets: a socket may send 30 requests per 3 s, and a run takes 3.
                for peer in peers:
                    await peer.socket.close()
                peers = [
                    await Peer.open(cluster, "sina", 0),
                    await Peer.open(cluster, "tom", 1),
                    await Peer.open(cluster, "anna", 0),
                ]
            sina, tom, anna = peers
            topic = f"booth:{booth}"
            await asyncio.gather(
                sina.request("subscribe", {"topic": topic}),
                tom.request("subscribe", {"topic": topic}),
            )
            opened = (await anna.request("subscribe", {"topic": topic}))["snapshot"]
            await sina.request("booth.staff_online", {"booth": booth, "online": False})
            gone = await tom.request("booth.staff_online", {"booth": booth, "online": False})
            await asyncio.gather(
                sina.request("booth.staff_online", {"booth": booth, "online": True}),
                tom.request("booth.staff_online", {"booth": booth, "online": True}),
            )
            back = (await anna.request("subscribe", {"topic": topic}))["snapshot"]
            seen.append((opened["staff_online"], gone["staff_online"], back["staff_online"]))
        for peer in peers:
            await peer.socket.close()
        return seen

    seen = run(scenario())
    lost = {
        "at subscribe": sum(1 for opened, _gone, _back in seen if opened != 2),
        "at booth.staff_online": sum(1 for _opened, _gone, back in seen if back != 2),
    }
    assert (lost, seen) == (
        {"at subscribe": 0, "at booth.staff_online": 0},
        [(2, 0, 2)] * RACE_RUNS,
    )


class TooManySockets(Exception):
    pass


async def open_socket(cluster, process, *, token=None, address=None):
    """A socket that got ``hello``; :class:`TooManySockets` when it was closed with 4029 instead
    (accepted only to say why: a refused handshake would be a bare HTTP 403)."""
    port = cluster["ports"][process]
    headers = {"Authorization": f"Token {token}"} if token else {"X-Forwarded-For": address}
    socket_ = await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/",
        origin=f"http://127.0.0.1:{port}",
        additional_headers=headers,
        open_timeout=5,
    )
    try:
        first = json.loads(await asyncio.wait_for(socket_.recv(), 5))
    except websockets.ConnectionClosed as closed:
        if closed.rcvd is not None and closed.rcvd.code == 4029:
            raise TooManySockets from closed
        raise
    assert first["type"] == "hello"
    return socket_


async def refused(cluster, process, **who):
    """Whether the socket is closed with 4029 (too many sockets) instead of getting ``hello``."""
    try:
        socket_ = await open_socket(cluster, process, **who)
    except TooManySockets:
        return True
    await socket_.close()
    return False


async def admitted_again(cluster, process, **who):
    """Open a socket once the server has counted a closed one out (it does so after the close)."""
    deadline = time.monotonic() + 5
    while True:
        try:
            return await open_socket(cluster, process, **who)
        except TooManySockets:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


@pytest.mark.parametrize(
    "who",
    [{"token": "carla"}, {"address": "203.0.113.40"}],
    ids=["per user", "anonymous per address"],
)
def test_socket_limit_counts_the_sockets_of_both_processes(cluster, who):
    limit = SOCKETS_PER_USER if "token" in who else SOCKETS_PER_IP
    if "token" in who:
        who = {"token": cluster["tokens"][who["token"]]}
    half = limit // 2

    async def scenario():
        sockets = [await open_socket(cluster, number % 2, **who) for number in range(2 * half)]
        over_limit = [await refused(cluster, process, **who) for process in (0, 1)]
        await sockets[0].close()  # one on process 0 closes: process 1 may admit one more
        again = await admitted_again(cluster, 1, **who)
        full_again = await refused(cluster, 0, **who)
        for socket_ in [*sockets[1:], again]:
            await socket_.close()
        return over_limit, full_again

    assert run(scenario()) == ([True, True], True)


def test_too_long_request_gets_too_long_on_an_open_socket_and_past_the_hard_cap_1009(cluster):
    async def scenario():
        socket_ = await open_socket(cluster, 0, address="203.0.113.41")
        await socket_.send("x" * (2 * 1024 * 1024))  # twice daphne's own limit, under the cap
        too_long = json.loads(await asyncio.wait_for(socket_.recv(), 5))
        await socket_.send(json.dumps({"id": 1, "type": "ping", "data": {}}))
        pong = json.loads(await asyncio.wait_for(socket_.recv(), 5))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await socket_.send("x" * (HARD_CAP + 1))
            await asyncio.wait_for(socket_.recv(), 5)
        return too_long, pong, closed.value.rcvd.code

    too_long, pong, close_code = run(scenario())

    assert (too_long["reply_to"], too_long["ok"], too_long["error"]["code"]) == (
        None,
        False,
        "too_long",
    )
    assert (pong["reply_to"], pong["ok"]) == (1, True)
    assert close_code == 1009


# -- the handshake as it arrives: whole, in pieces, refused ------------------------------------


def handshake(port, token, address, *, pieces=1, extra=b""):
    """Send a websocket upgrade (with ``token`` and ``?lang=de``) in ``pieces``; return the
    status line and, after a 101, the text of the first frame."""
    key = base64.b64encode(os.urandom(16))
    head = (
        b"GET /ws/?lang=de HTTP/1.1\r\nHost: 127.0.0.1:" + str(port).encode() + b"\r\n"
        b"Upgrade: websocket\r\n"
        b"Connection: Upgrade\r\nSec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: 13\r\n"
        b"Origin: http://127.0.0.1:" + str(port).encode() + b"\r\n"
        b"Authorization: Token " + token.encode() + b"\r\n"
        b"X-Forwarded-For: " + address.encode() + b"\r\n" + extra + b"\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        step = -(-len(head) // pieces)
        for start in range(0, len(head), step):
            connection.sendall(head[start : start + step])
            if pieces > 1:
                time.sleep(0.2)  # each piece its own read on the server
        received = b""
        while b"\r\n\r\n" not in received and (chunk := connection.recv(65536)):
            received += chunk
        status, _, rest = received.partition(b"\r\n")
        if not status.startswith(b"HTTP/1.1 101"):
            return status.decode(), None
        rest = rest.partition(b"\r\n\r\n")[2]
        while (text := first_text_frame(rest)) is None and (chunk := connection.recv(65536)):
            rest += chunk
        return status.decode(), text


def first_text_frame(data):
    """The text of the unmasked frame at the start of ``data``, or ``None`` while incomplete."""
    if len(data) < 2:
        return None
    length, start = data[1] & 0x7F, 2
    if length == 126:
        length, start = int.from_bytes(data[2:4]), 4
    elif length == 127:
        length, start = int.from_bytes(data[2:10]), 10
    if data[0] != 0x81 or len(data) < start + length:
        return None
    return data[start : start + length].decode("utf-8")


@pytest.mark.parametrize("pieces", [1, 3])
def test_an_upgrade_whole_or_in_pieces_opens_the_socket_of_its_token(cluster, pieces):
    status, text = handshake(
        cluster["ports"][pieces % 2],
        cluster["tokens"]["ben"],
        f"203.0.113.5{pieces}",
        pieces=pieces,
    )

    hello = json.loads(text)
    assert status == "HTTP/1.1 101 Switching Protocols"
    assert (hello["type"], hello["data"]["user"]["id"]) == ("hello", cluster["ben"])


@pytest.mark.parametrize(
    "extra", [b"Bad Header: x\r\n", b"X-Caf\xc3\xa9: 1\r\n", b"X-Control: a\x0bb\r\n"]
)
def test_an_upgrade_with_a_header_daphne_refuses_gets_400(cluster, extra):
    status, text = handshake(
        cluster["ports"][0], cluster["tokens"]["ben"], "203.0.113.60", extra=extra
    )

    assert (status.split(" ")[1], text) == ("400", None)
