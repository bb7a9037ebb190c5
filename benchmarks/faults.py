"""Two daphne servers on their own PostgreSQL and Redis, under faults; prints what was lost.

    .venv/bin/python benchmarks/faults.py [--rate 10]

Set-up: a throwaway PostgreSQL 15 and redis-server on free ports (tests/faults.py), migrated, one
event with a LIVE session and two users with tokens; two servers (A and B) on them, each started as
production starts daphne (``python -m treffpunkt.serve``: a master and its worker), with
``REALTIME_CHAT_RATE`` lifted.

Load: a sender on A posts a chat message ``--rate`` times a second, each with its own
``client_id``; a request that fails (error reply, time-out, dropped socket) is sent again with the
same ``client_id`` after reconnecting (to A or B), until it is acknowledged. Two receivers, one
per process, subscribe to the session, hand pushes on in seq order, resume with ``since`` on a
gap and after every reconnect (like web/static/web/lib/socket.js).

Faults, one after another: ``kill -9`` of B, A, B (each restarted after 1 s); Redis down 5 s;
PostgreSQL down 10 s (HTTP GETs to both processes meanwhile: status and time of each); SIGTERM of
A (restarted). Then the sender stops and the receivers resume one last time.

Printed: messages acknowledged; per receiver lost (acknowledged but never received), duplicates
(a seq received twice) and whether its order equals the sender's; HTTP answers while PostgreSQL
was down (counts by status, median, slowest, every answer time); recovery time after PostgreSQL came back (first 200) and
after each kill (first acknowledged message).
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import faults  # noqa: E402
from tests.servers import _wait_until_serving, free_port  # noqa: E402

SETUP = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.authtoken.models import Token
from congress.models import Event, Registration, Room, Session
today = timezone.localdate()
event = Event.objects.create(slug="faults", acronym="faults", name="Faults", is_published=True,
    start_date=today - timedelta(days=1), end_date=today + timedelta(days=1))
now = timezone.now()
session = Session.objects.create(event=event, room=Room.objects.create(event=event, name="Saal"),
    title="Live", start=now - timedelta(minutes=10), end=now + timedelta(hours=2), state="live")
tokens = []
for name in ("sender", "reader-a", "reader-b"):
    user = get_user_model().objects.create_user(name, password="x")
    Registration.objects.create(event=event, user=user, role="attendee")
    tokens.append(Token.objects.create(user=user).key)
print(json.dumps({"session": session.pk, "tokens": tokens}))
"""


def log(*parts):
    print(f"[{time.strftime('%H:%M:%S')}]", *parts, flush=True)


class Daphne:
    def __init__(self, name, env, directory):
        self.name, self.env, self.directory = name, env, directory
        self.port = free_port()
        self.process = None

    def start(self):
        # As production starts daphne (Dockerfile, Makefile): a master that binds the port and
        # forks the worker. A kill -9 of the master takes its worker with it.
        log_file = (self.directory / f"daphne-{self.name}.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "treffpunkt.serve", "--port", str(self.port)],
            env=self.env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        _wait_until_serving(f"http://127.0.0.1:{self.port}", self.process)

    def kill(self, sig=signal.SIGKILL):
        self.process.send_signal(sig)
        self.process.wait(timeout=15)


async def ws(port, token):
    import websockets

    return await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/", additional_headers={"Authorization": f"Token {token}"},
        open_timeout=3, close_timeout=1,
    )  # fmt: skip


class Receiver:
    def __init__(self, name, ports, token, topic):
        self.name, self.ports, self.token, self.topic = name, ports, token, topic
        self.seq = 0
        self.received = []  # (seq, client_id) in the order handed on
        self.seen = Counter()
        self.held = {}
        self.stop = False

    def hand_on(self, push):
        seq = push["seq"]
        self.seen[seq] += 1
        if seq <= self.seq:
            return True
        if seq != self.seq + 1:
            self.held[seq] = push
            return False
        self.seq = seq
        self.received.append((seq, push["data"].get("client_id")))
        while self.seq + 1 in self.held:
            self.hand_on(self.held.pop(self.seq + 1))
        return True

    async def subscribe(self, socket, number):
        await socket.send(json.dumps({"id": number, "type": "subscribe",
                                      "data": {"topic": self.topic, "since": self.seq}}))  # fmt: skip
        while True:
            message = json.loads(await asyncio.wait_for(socket.recv(), 5))
            if message.get("reply_to") == number:
                if not message["ok"]:
                    raise ConnectionError(message["error"]["code"])
                for push in message["data"]["missed"]:
                    if push["type"] == "chat.message":
                        self.hand_on(push)
                    else:
                        self.seq = max(self.seq, push["seq"])  # chat.deleted etc. also count
                return

    async def run(self):
        attempt, number = 0, 0
        while not self.stop:
            port = self.ports[attempt % len(self.ports)]
            attempt += 1
            try:
                socket = await ws(port(), self.token)
                json.loads(await socket.recv())  # hello
                number += 1
                await self.subscribe(socket, number)
                gap_since = None
                while not self.stop:
                    try:
                        message = json.loads(await asyncio.wait_for(socket.recv(), 0.5))
                    except TimeoutError:
                        message = None
                    if message and message.get("type") == "chat.message":
                        self.hand_on(message)
                    if self.held and gap_since is None:
                        gap_since = time.monotonic()
                    if self.held and time.monotonic() - gap_since > 1.0:
                        number += 1
                        await self.subscribe(socket, number)
                        gap_since = None
                    if not self.held:
                        gap_since = None
                await socket.close()
            except Exception:  # noqa: BLE001 (any failure: reconnect, as the web client does)
                await asyncio.sleep(0.2)

    async def final_resume(self):
        for _ in range(20):
            try:
                socket = await ws(self.ports[0](), self.token)
                json.loads(await socket.recv())
                await self.subscribe(socket, 999)
                await socket.close()
                return
            except Exception:  # noqa: BLE001
                await asyncio.sleep(0.5)


class Sender:
    def __init__(self, ports, token, topic, rate):
        self.ports, self.token, self.topic, self.rate = ports, token, topic, rate
        self.acked = {}  # client_id → seq
        self.order = []
        self.stop = False
        self.last_ack = time.monotonic()

    async def run(self):
        attempt, number, pending = 0, 0, None
        counter = 0
        while not (self.stop and pending is None):
            port = self.ports[attempt % len(self.ports)]
            attempt += 1
            try:
                socket = await ws(port(), self.token)
                json.loads(await socket.recv())
                number += 1
                await socket.send(json.dumps({"id": number, "type": "subscribe",
                                              "data": {"topic": self.topic}}))  # fmt: skip
                while True:
                    if pending is None:
                        if self.stop:
                            break
                        counter += 1
                        pending = f"m{counter}"
                    number += 1
                    await socket.send(json.dumps({"id": number, "type": "chat.send", "data": {
                        "topic": self.topic, "text": pending, "client_id": pending}}))  # fmt: skip
                    deadline = time.monotonic() + 5
                    reply = None
                    while time.monotonic() < deadline:
                        message = json.loads(await asyncio.wait_for(socket.recv(), 5))
                        if message.get("reply_to") == number:
                            reply = message
                            break
                    if reply is not None and reply["ok"]:
                        if pending not in self.acked:
                            self.acked[pending] = reply["data"]["seq"]
                            self.order.append(pending)
                        self.last_ack = time.monotonic()
                        pending = None
                        await asyncio.sleep(1 / self.rate)
                    else:
                        await asyncio.sleep(0.2)
                await socket.close()
            except Exception:  # noqa: BLE001
                await asyncio.sleep(0.2)


async def http_status(port):
    def get():
        import urllib.error
        import urllib.request

        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/events/", timeout=20) as r:  # noqa: S310
                return r.status, time.monotonic() - started
        except urllib.error.HTTPError as error:
            return error.code, time.monotonic() - started
        except OSError:
            return "refused", time.monotonic() - started

    return await asyncio.to_thread(get)


async def scenario(servers, postgres, redis, made, rate):
    a, b = servers
    topic = f"session:{made['session']}"
    sender = Sender([lambda: a.port, lambda: b.port], made["tokens"][0], topic, rate)
    receivers = [
        Receiver("A", [lambda: a.port, lambda: b.port], made["tokens"][1], topic),
        Receiver("B", [lambda: b.port, lambda: a.port], made["tokens"][2], topic),
    ]
    tasks = [asyncio.create_task(sender.run())] + [asyncio.create_task(r.run()) for r in receivers]
    figures = {"kill_recovery": [], "pg_down": [], "pg_down_log": [], "pg_recovery": None}

    async def kill(server, sig=signal.SIGKILL, label="kill -9"):
        log(f"{label} {server.name}")
        await asyncio.to_thread(server.kill, sig)
        await asyncio.sleep(1)
        await asyncio.to_thread(server.start)
        before = sender.last_ack
        started = time.monotonic()
        while sender.last_ack == before and time.monotonic() - started < 20:
            await asyncio.sleep(0.05)
        figures["kill_recovery"].append((label, server.name, time.monotonic() - started))

    await asyncio.sleep(4)
    for server in (b, a, b):
        await kill(server)
        await asyncio.sleep(3)
    log("Redis down for 5 s")
    redis.stop()
    await asyncio.sleep(5)
    redis.start()
    await asyncio.sleep(4)
    log("PostgreSQL down for 10 s")
    await asyncio.to_thread(postgres.stop, "immediate")
    stopped = time.monotonic()
    down_until = stopped + 10
    while time.monotonic() < down_until:
        sent = time.monotonic() - stopped
        answers = await asyncio.gather(http_status(a.port), http_status(b.port))
        figures["pg_down"] += answers
        figures["pg_down_log"] += [
            (sent, name, *answer) for name, answer in zip("AB", answers, strict=True)
        ]
        await asyncio.sleep(0.5)
    await asyncio.to_thread(postgres.start)
    started = time.monotonic()
    while True:
        statuses = await asyncio.gather(http_status(a.port), http_status(b.port))
        if all(status == 200 for status, _seconds in statuses):
            break
        await asyncio.sleep(0.1)
    figures["pg_recovery"] = time.monotonic() - started
    await asyncio.sleep(3)
    await kill(a, signal.SIGTERM, "SIGTERM")
    await asyncio.sleep(3)
    sender.stop = True
    await asyncio.wait_for(tasks[0], 60)
    await asyncio.sleep(3)
    for receiver in receivers:
        receiver.stop = True
    await asyncio.gather(*tasks[1:])
    for receiver in receivers:
        await receiver.final_resume()
    return sender, receivers, figures


def main():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=10)
    args = parser.parse_args()
    with faults.throwaway_services() as (postgres, redis):
        directory = postgres.directory.parent
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(directory),
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis.url,
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
            "REALTIME_CHAT_RATE": "100000",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput"], env=env, cwd=ROOT, check=True,
                       capture_output=True)  # fmt: skip
        made = json.loads(
            subprocess.run([*manage, "shell", "-c", SETUP], env=env, cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.strip().splitlines()[-1]
        )  # fmt: skip
        servers = [Daphne("A", env, directory), Daphne("B", env, directory)]
        for server in servers:
            server.start()
        try:
            sender, receivers, figures = asyncio.run(
                scenario(servers, postgres, redis, made, args.rate)
            )
        finally:
            for server in servers:
                if server.process and server.process.poll() is None:
                    server.process.kill()
    expected = [(sender.acked[client_id], client_id) for client_id in sender.order]
    expected.sort()
    log(f"RESULT acknowledged messages: {len(expected)}")
    for receiver in receivers:
        got = {client_id for _seq, client_id in receiver.received}
        lost = [client_id for _seq, client_id in expected if client_id not in got]
        duplicates = sum(1 for seq, count in receiver.seen.items() if count > 1)
        handed = [pair for pair in receiver.received if pair[1] in sender.acked]
        log(
            f"RESULT receiver {receiver.name}: lost {len(lost)}, duplicate pushes seen "
            f"{duplicates} (handed on twice: {len(receiver.received) - len(set(receiver.received))}), "
            f"same order as the sender's seqs: {handed == expected}"
        )
    statuses = Counter(status for status, _seconds in figures["pg_down"])
    times = sorted(seconds for _status, seconds in figures["pg_down"])
    slowest = times[-1] if times else 0
    median = times[len(times) // 2] if times else 0
    log(
        f"RESULT while PostgreSQL was down: {dict(statuses)}, median answer {median:.2f} s, "
        f"slowest {slowest:.2f} s; over 1 s: {sum(1 for t in times if t > 1)}"
    )
    log("RESULT answer times while down (s): " + " ".join(f"{t:.2f}" for t in times))
    log(
        "RESULT answers while down (sent s after the stop, process, status, seconds): "
        + ", ".join(
            f"{sent:.1f} {name} {status} {seconds:.2f}"
            for sent, name, status, seconds in figures["pg_down_log"]
        )
    )
    log(f"RESULT PostgreSQL recovery (both processes 200): {figures['pg_recovery']:.2f} s")
    for label, name, seconds in figures["kill_recovery"]:
        log(f"RESULT {label} {name}: next acknowledged message after {seconds:.2f} s")


if __name__ == "__main__":
    main()
