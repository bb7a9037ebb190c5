"""Clients that attack one daphne process: figures for issue 11, holes 3 and 4.

    .venv/bin/python benchmarks/abuse.py slow-readers [--sockets 80] [--duration 60]
    .venv/bin/python benchmarks/abuse.py flood [--sockets 50] [--duration 20]

Set-up: a fresh SQLite database in a temp dir (migrated), one published event with a LIVE
session, two registered users with tokens; one daphne process with the embedded defaults and
``REALTIME_CHAT_RATE=100000`` (so the chat limit does not pace the sender).

``slow-readers``: ``--sockets`` raw TCP websocket clients (receive buffer 4 KiB) subscribe to the
session and then never read. A sender posts a 1,000-character chat message every 20 ms. Printed
every 5 s: the daphne process's RSS; at the end, how many of the non-readers the server closed
(close frame 4008 found in what they finally read, or the connection dropped) and the RSS before,
at the peak and at the end. Before issue 11 the server buffered every push for them (80 sockets:
100 → 357 MB in 60 s).

``flood``: a reader subscribed to the session measures the delivery latency of one chat message
every 100 ms (send time embedded in the text) for ``--duration`` seconds, first unloaded, then
while ``--sockets`` anonymous sockets subscribe to the session in a loop as fast as the server
answers (they reconnect when refused). Printed: p50 and p95 of both phases, their ratio, and how
the flood was answered (ok, rate_limited, refused at the handshake).
"""

import argparse
import asyncio
import base64
import json
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SETUP = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.authtoken.models import Token
from congress.models import Event, Registration, Room, Session
today = timezone.localdate()
event = Event.objects.create(slug="bench", acronym="bench", name="Bench", is_published=True,
    start_date=today - timedelta(days=1), end_date=today + timedelta(days=1))
room = Room.objects.create(event=event, name="Saal")
now = timezone.now()
session = Session.objects.create(event=event, room=room, title="Live",
    start=now - timedelta(minutes=10), end=now + timedelta(hours=2), state="live")
tokens = []
for name in ("sender", "reader"):
    user = get_user_model().objects.create_user(name, password="x")
    Registration.objects.create(event=event, user=user, role="attendee")
    tokens.append(Token.objects.create(user=user).key)
print(json.dumps({"session": session.pk, "tokens": tokens}))
"""


def log(*parts):
    print(*parts, flush=True)


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_server(directory, **extra_env):
    env = {
        **{key: value for key, value in os.environ.items() if key not in {"REDIS_URL"}},
        "DATABASE_URL": f"sqlite:///{directory / 'db.sqlite3'}",
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
        "REALTIME_CHAT_RATE": "100000",
        **extra_env,
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], env=env, cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip
    made = subprocess.run([*manage, "shell", "-c", SETUP], env=env, cwd=ROOT, check=True,
                          capture_output=True, text=True)  # fmt: skip
    return env, json.loads(made.stdout.strip().splitlines()[-1])


def frame(payload):
    """A masked client text frame."""
    data = payload.encode()
    mask = os.urandom(4)
    header = bytearray([0x81])
    if len(data) < 126:
        header.append(0x80 | len(data))
    elif len(data) < 65536:
        header.append(0x80 | 126)
        header += struct.pack("!H", len(data))
    else:
        header.append(0x80 | 127)
        header += struct.pack("!Q", len(data))
    return bytes(header) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))


def raw_socket(port, request):
    """A blocking websocket that sends ``request`` after the handshake and then never reads."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET /ws/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: http://127.0.0.1:{port}\r\n\r\n"
        ).encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        response += sock.recv(1)
    if b" 101 " not in response.split(b"\r\n", 1)[0]:
        sock.close()
        return None
    sock.sendall(frame(json.dumps(request)))
    return sock


def closed_with(sock):
    """Read what the server sent until it closed: "4008", "dropped", or "open"."""
    sock.settimeout(3)
    data = b""
    try:
        while True:
            chunk = sock.recv(1 << 20)
            if not chunk:
                break
            data += chunk
    except TimeoutError:
        return "4008" if b"\x88\x02\x0f\xa8" in data else "open"
    except OSError:
        pass
    finally:
        sock.close()
    return "4008" if b"\x88\x02\x0f\xa8" in data else "dropped"


async def ws_client(port, token=None):
    import websockets

    headers = {"Authorization": f"Token {token}"} if token else {}
    return await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/", additional_headers=headers, max_size=None,
        origin=f"http://127.0.0.1:{port}",
    )  # fmt: skip


async def request(ws, number, type_, data):
    await ws.send(json.dumps({"id": number, "type": type_, "data": data}))
    while True:
        message = json.loads(await ws.recv())
        if message.get("reply_to") == number:
            return message


async def slow_readers(port, made, pid, args):
    topic = f"session:{made['session']}"
    sockets = [raw_socket(port, {"id": 1, "type": "subscribe", "data": {"topic": topic}})
               for _ in range(args.sockets)]  # fmt: skip
    sockets = [sock for sock in sockets if sock is not None]
    sender = await ws_client(port, made["tokens"][0])
    await request(sender, 1, "subscribe", {"topic": topic})

    async def drain():  # the sender reads everything, so it is never the laggard itself
        async for _message in sender:
            pass

    draining = asyncio.create_task(drain())
    before = rss_mb(pid)
    log(f"{len(sockets)} non-reading sockets subscribed; daphne RSS {before:.0f} MB")
    peak, number, started = before, 1, time.monotonic()
    next_report = started + 5
    text = "x" * 1000
    while time.monotonic() - started < args.duration:
        number += 1
        await sender.send(json.dumps({"id": number, "type": "chat.send",
                                      "data": {"topic": topic, "text": text,
                                               "client_id": f"m{number}"}}))  # fmt: skip
        await asyncio.sleep(0.02)
        if time.monotonic() >= next_report:
            current = rss_mb(pid)
            peak = max(peak, current)
            log(
                f"  t={time.monotonic() - started:4.0f} s  messages={number - 1}  RSS {current:.0f} MB"
            )
            next_report += 5
    await asyncio.sleep(3)
    end = rss_mb(pid)
    outcomes = [closed_with(sock) for sock in sockets]
    draining.cancel()
    await sender.close()
    log(
        f"RESULT slow-readers: {len(sockets)} sockets, {number - 1} messages of 1 KB in "
        f"{args.duration} s; closed 4008: {outcomes.count('4008')}, dropped: "
        f"{outcomes.count('dropped')}, still open: {outcomes.count('open')}; RSS before "
        f"{before:.0f} MB, peak {max(peak, end):.0f} MB, end {end:.0f} MB"
    )


async def measure_latency(port, made, seconds):
    topic = f"session:{made['session']}"
    reader = await ws_client(port, made["tokens"][1])
    await request(reader, 1, "subscribe", {"topic": topic})
    sender = await ws_client(port, made["tokens"][0])
    await request(sender, 1, "subscribe", {"topic": topic})
    latencies = []

    async def read():
        async for raw in reader:
            message = json.loads(raw)
            if message.get("type") == "chat.message":
                latencies.append(time.time() - float(message["data"]["text"].split()[1]))

    reading = asyncio.create_task(read())
    started, number = time.monotonic(), 1
    while time.monotonic() - started < seconds:
        number += 1
        await sender.send(json.dumps({"id": number, "type": "chat.send", "data": {
            "topic": topic, "text": f"t {time.time()!r}", "client_id": f"l{number}{started}"}}))  # fmt: skip
        await asyncio.sleep(0.1)
    await asyncio.sleep(1)
    reading.cancel()
    await reader.close()
    await sender.close()
    return latencies


async def attack(port, topic, sockets, seconds):
    """``sockets`` anonymous sockets subscribing in a loop (run in its own process)."""
    import websockets

    answers = {"ok": 0, "rate_limited": 0, "refused": 0, "other": 0}
    deadline = time.monotonic() + seconds

    async def attacker():
        number = 0
        while time.monotonic() < deadline:
            try:
                async with websockets.connect(f"ws://127.0.0.1:{port}/ws/",
                                              origin=f"http://127.0.0.1:{port}") as ws:  # fmt: skip
                    while time.monotonic() < deadline:
                        number += 1
                        reply = await request(ws, number, "subscribe", {"topic": topic})
                        code = "ok" if reply["ok"] else reply["error"]["code"]
                        answers[code if code in answers else "other"] += 1
            except (websockets.InvalidStatus, websockets.ConnectionClosed, OSError):
                answers["refused"] += 1
                await asyncio.sleep(0.05)

    await asyncio.gather(*(attacker() for _ in range(sockets)), return_exceptions=True)
    print(json.dumps(answers), flush=True)


async def flood(port, made, args):
    topic = f"session:{made['session']}"
    quiet = await measure_latency(port, made, args.duration)
    # The attackers run in a process of their own, so they do not slow the measuring client.
    attackers = subprocess.Popen(
        [sys.executable, __file__, "attack", "--port", str(port), "--topic", topic,
         "--sockets", str(args.sockets), "--duration", str(args.duration + 4)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    await asyncio.sleep(2)
    loaded = await measure_latency(port, made, args.duration)
    answers = attackers.communicate(timeout=60)[0].strip().splitlines()[-1]

    def figures(values):
        values = sorted(values)
        return statistics.median(values) * 1000, values[int(len(values) * 0.95)] * 1000

    (quiet_p50, quiet_p95), (loaded_p50, loaded_p95) = figures(quiet), figures(loaded)
    log(
        f"RESULT flood: {args.sockets} anonymous sockets subscribing in a loop; delivery p50 "
        f"{quiet_p50:.1f} → {loaded_p50:.1f} ms ({loaded_p50 / quiet_p50:.2f}×), p95 "
        f"{quiet_p95:.1f} → {loaded_p95:.1f} ms; {len(quiet)}/{len(loaded)} samples; flood "
        f"answers {answers}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=["slow-readers", "flood", "attack"])
    parser.add_argument("--sockets", type=int)
    parser.add_argument("--duration", type=float)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--topic", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenario == "attack":
        asyncio.run(attack(args.port, args.topic, args.sockets, args.duration))
        return
    if args.sockets is None:
        args.sockets = 80 if args.scenario == "slow-readers" else 50
    if args.duration is None:
        args.duration = 60 if args.scenario == "slow-readers" else 20
    from tests.servers import daphne_processes

    with tempfile.TemporaryDirectory() as temp:
        directory = Path(temp)
        # The non-readers all come from 127.0.0.1: lift the per-address socket limit for them;
        # the flood runs against the limits as configured by default.
        extra = {"REALTIME_MAX_SOCKETS_PER_IP": "1000"} if args.scenario == "slow-readers" else {}
        env, made = start_server(directory, **extra)
        with daphne_processes(env, 1, directory / "daphne.log") as (url,):
            port = int(url.rsplit(":", 1)[1])
            pid = find_pid(port)
            if args.scenario == "slow-readers":
                asyncio.run(slow_readers(port, made, pid, args))
            else:
                asyncio.run(flood(port, made, args))


def find_pid(port):
    """The daphne process listening on ``port`` (by its command line)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        # tests.servers starts daphne as production does: python -m treffpunkt.serve --port N
        if b"treffpunkt.serve" in command and str(port).encode() in command:
            return int(entry.name)
    raise RuntimeError(f"no daphne on port {port}")


if __name__ == "__main__":
    main()
