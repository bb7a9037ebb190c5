"""Fan-out of one live session's chat to many websockets: Treffpunkt (daphne) against bare websockets.

    .venv/bin/python benchmarks/live_fanout.py [--clients 650,2000,5000] [--duration 10]
                                               [--processes 1,2] [--database-url postgres://…]

What it does, per client count:

1. ``bare``: ``benchmarks/bare_broadcast.py`` (``websockets.asyncio.server`` + ``websockets.broadcast``,
   no database) — the floor to compare against.
2. Treffpunkt, 1 daphne process, embedded default (in-memory channel layer, local-memory cache).
3. Treffpunkt, 1 daphne process, ``REDIS_URL`` set (``RedisPubSubChannelLayer`` + Redis cache).
4. Treffpunkt, 2 daphne processes on one Redis, clients split evenly across the two ports.

Each daphne runs as production runs it: ``python -m treffpunkt.serve`` (a master and its worker).

(``--processes 1`` runs 1–3, ``--processes 2`` runs 1 and 4; ``--configs bare,memory,redis,redis2``
picks a subset for investigations.) Every configuration gets fresh server processes and its own LIVE
session, so the subscribe snapshot (chat history) is the same each time.

Set-up, once per run: a fresh database (SQLite in a temp dir, or with ``--database-url`` a throwaway
``treffpunkt_bench_<hex>`` database created on that PostgreSQL server and dropped at the end),
``manage.py migrate``, one published event (yesterday to tomorrow), one LIVE session per
configuration, one sender registered for the event with a DRF token. Redis keys live under a
prefix unique to the run (``CHANNEL_PREFIX``/``CACHE_PREFIX``) in ``--redis-url``'s database and
are deleted at the end. Daphne runs with ``DEBUG=1`` and ``REALTIME_CHAT_RATE=100000``.

Measurement, per configuration:

- Connect: ``--client-procs`` load-generator processes open the sockets anonymously (``Origin``
  equal to ``Host``, both ``127.0.0.1:PORT``), each sends
  ``{"id":1,"type":"subscribe","data":{"topic":"session:<id>"}}`` and waits for its reply. At most
  ``--connect-concurrency`` handshakes are in flight per server port (kept from when plain daphne
  listened with Twisted's backlog of 50: more in flight overflowed it and cost 1 s SYN
  retransmits, measuring the kernel instead of the server; both servers now listen with 4,096). Connect rate = subscribed sockets / wall time until the last
  reply.
- Send: one sender (``Authorization: Token …``, subscribed to the topic, on the first port) sends
  ``chat.send`` once a second for ``--duration`` seconds with a 200-byte text that embeds the
  message's index and ``time.time()`` at sending. Every receiver computes latency = its receive
  time − the embedded send time (one machine, one clock). This is end to end: for Treffpunkt it
  includes the handler, the database commit (sequence number, chat message, topic log), the
  channel-layer publish, the hub and daphne's writes; for the bare server only the broadcast.
- Delivered: expected = subscribed sockets × messages the server acknowledged; lost = expected −
  received, after waiting up to ``--drain`` seconds past the last send. Sockets the server closed
  (e.g. 4008 for a full send queue) are counted.
- Server CPU per delivery: utime+stime of the server processes from ``/proc/<pid>/stat`` (10 ms
  ticks) just before the first send and after the last delivery arrived, divided by the deliveries
  received. The window also holds the 10 ``chat.send`` handlers, presence ticks and any websocket
  keep-alive pings that fall in it (daphne and websockets both ping every 20 s by default; the
  client answers). Redis's own CPU (from ``INFO``) is shown separately.

Caveats:

- Client and server share this machine (``nproc`` is printed; 2 cores here). The load generator is a
  lean raw-asyncio websocket client (``asyncio.Protocol``, hand-parsed frames, one pre-masked
  subscribe frame) so it costs far less per delivery than the server; its CPU per delivery is
  printed too. Its processing delay is part of every latency, for the bare server as much as for
  Treffpunkt — which is why the ratio to the bare server in the same run is the figure to watch.
- The client does not offer permessage-deflate; browsers do. Neither server compresses here.
- Loopback only: no network latency, no TLS, no proxy.
- One sender at 1 message/s: this measures fan-out, not chat write throughput.
- ``websockets.broadcast`` skips a socket whose write buffer is full instead of queueing; Treffpunkt
  queues up to ``REALTIME_SEND_QUEUE`` frames per socket and closes a laggard with 4008.
- p99 over 10 messages is decided by the slowest one or two: a pause in the server (a full Python
  garbage collection over thousands of sockets' objects takes a few hundred ms) delays every
  delivery of the message it hits. The "last receiver, message by message" line shows such
  outliers; run with a longer ``--duration`` for steadier figures.
- Run to run, figures vary by about ±15 % (CPU) and more for p99. Other processes on the machine
  add to that: the "machine during the send phase" line shows CPU that was not ours.

Targets (printed as met / not met; the script exits 0 either way): 650 clients p99 ≤ 100 ms;
5,000 clients on two daphne processes p99 ≤ 1 s with none lost.

Everything started here (servers, load generators) is stopped at the end, also on Ctrl-C or an
error; the run is bounded by the client counts, ``--duration``, ``--drain`` and timeouts.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import errno
import json
import math
import os
import platform
import resource
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import child_pids, free_port  # noqa: E402 (below the ephemeral range: a restart rebinds it)

BENCHMARKS = Path(__file__).resolve().parent
MARKER = b"bench@"  # text = "bench@NNNN@<time.time() as %17.6f>@" + filler
TEXT_BYTES = 200
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
NOFILE_WANTED = 20000


def raise_nofile(wanted=NOFILE_WANTED):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def message_text(index, sent):
    head = f"bench@{index:04d}@{sent:17.6f}@ "
    return head + "Live aus Saal 1: " + "x" * (TEXT_BYTES - len(head) - 17)


# ================================================================================================
# Load generator (runs in child processes: ``live_fanout.py --worker``); stdlib only.
# ================================================================================================


def _client_frame(payload, opcode=0x1):
    """A masked client frame (RFC 6455 §5.3)."""
    mask = os.urandom(4)
    length = len(payload)
    if length < 126:
        header = bytes([0x80 | opcode, 0x80 | length])
    elif length < 65536:
        header = bytes([0x80 | opcode, 0x80 | 126]) + length.to_bytes(2, "big")
    else:
        header = bytes([0x80 | opcode, 0x80 | 127]) + length.to_bytes(8, "big")
    masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
    return header + mask + masked


def server_frames(data):
    """The whole server frames at the start of ``data`` (unmasked, RFC 6455 §5.2): a list of
    ``(opcode, start, end)`` of each payload, and where the unread rest begins (an incomplete
    frame, kept for the next read)."""
    frames = []
    size = len(data)
    position = 0
    while size - position >= 2:
        length = data[position + 1] & 0x7F
        head = 2
        if length == 126:
            if size - position < 4:
                break
            length = int.from_bytes(data[position + 2 : position + 4], "big")
            head = 4
        elif length == 127:
            if size - position < 10:
                break
            length = int.from_bytes(data[position + 2 : position + 10], "big")
            head = 10
        end = position + head + length
        if end > size:
            break
        frames.append((data[position] & 0x0F, position + head, end))
        position = end
    return frames, position


class Stats:
    def __init__(self):
        self.latencies = []
        self.per_message = {}  # index -> [count, first, last]
        self.closed = 0
        self.received = 0
        self.errors = {}

    def error(self, reason):
        reason = reason[:200]
        self.errors[reason] = self.errors.get(reason, 0) + 1


class RawClient:
    """One non-blocking websocket, hand-parsed: the cheapest client that still speaks the protocol."""

    __slots__ = ("sock", "fd", "state", "buffer", "started")

    def __init__(self, sock, started):
        self.sock = sock
        self.fd = sock.fileno()
        self.state = 0  # 0 connecting, 1 handshake, 2 awaiting the subscribe reply, 3 subscribed
        self.buffer = b""
        self.started = started


class LoadGenerator:
    """Many sockets on one ``select.epoll``: no event-loop machinery per delivery."""

    def __init__(self, ports, topic, count, concurrency, timeout):
        self.ports = ports
        self.count = count
        self.concurrency = concurrency
        self.timeout = timeout
        self.poller = select.epoll()
        self.clients = {}  # fd -> RawClient
        self.stats = Stats()
        key = base64.b64encode(os.urandom(16)).decode()
        self.requests = {
            port: (
                f"GET /ws/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                f"Sec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:{port}\r\n\r\n"
            ).encode()
            for port in ports
        }
        self.subscribe = _client_frame(
            json.dumps({"id": 1, "type": "subscribe", "data": {"topic": topic}}).encode()
        )
        self.ports_of = {}
        self.connecting = 0
        self.next_number = 0
        self.subscribed = 0
        self.control = -1

    # -- connect phase ----------------------------------------------------------------------
    def _open_next(self):
        while self.connecting < self.concurrency and self.next_number < self.count:
            port = self.ports[self.next_number % len(self.ports)]
            self.next_number += 1
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            error = sock.connect_ex(("127.0.0.1", port))
            if error not in (0, errno.EINPROGRESS):
                self.stats.error(f"connect: {os.strerror(error)}")
                sock.close()
                continue
            client = RawClient(sock, time.monotonic())
            self.clients[client.fd] = client
            self.ports_of[client.fd] = port
            self.poller.register(client.fd, select.EPOLLOUT)
            self.connecting += 1

    def _drop(self, client, reason=None):
        with contextlib.suppress(OSError, KeyError, ValueError):
            self.poller.unregister(client.fd)
        self.clients.pop(client.fd, None)
        if client.state == 3:
            self.stats.closed += 1
            self.subscribed -= 1
        else:
            self.connecting -= 1
            self.stats.error(reason or "closed before subscribing")
        client.state = 4
        client.sock.close()

    def _expire(self, now):
        for client in [c for c in self.clients.values() if c.state < 3]:
            if now - client.started > self.timeout:
                self._drop(client, "timeout")

    def connect_all(self):
        started = time.perf_counter()
        self._open_next()
        last_check = time.monotonic()
        while self.connecting or self.next_number < self.count:
            self.poll(0.05)
            self._open_next()
            now = time.monotonic()
            if now - last_check > 0.5:
                last_check = now
                self._expire(now)
        return time.perf_counter() - started

    # -- both phases ------------------------------------------------------------------------
    def poll(self, timeout):
        """Serve the sockets once; True when the control pipe (stdin) has something to read."""
        clients = self.clients
        control = False
        for fd, events in self.poller.poll(timeout):
            client = clients.get(fd)
            if client is None:
                control = control or fd == self.control
                continue
            if client.state == 0:
                error = client.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if error or events & (select.EPOLLERR | select.EPOLLHUP):
                    self._drop(client, f"connect: {os.strerror(error) if error else 'hang-up'}")
                    continue
                client.state = 1
                client.sock.send(self.requests[self.ports_of[fd]])
                self.poller.modify(fd, select.EPOLLIN)
                continue
            try:
                data = client.sock.recv(262144)
            except BlockingIOError:
                continue
            except OSError as error:
                self._drop(client, f"recv: {error}")
                continue
            if not data:
                self._drop(client, "closed by the server")
                continue
            self._received(client, data, time.time())
        return control

    def _received(self, client, data, now):
        if client.buffer:
            data = client.buffer + data
            client.buffer = b""
        if client.state == 1:
            end = data.find(b"\r\n\r\n")
            if end < 0:
                client.buffer = data
                return
            if not data.startswith(b"HTTP/1.1 101"):
                self._drop(client, "handshake: " + data.split(b"\r\n", 1)[0].decode("latin-1"))
                return
            client.state = 2
            client.sock.send(self.subscribe)
            data = data[end + 4 :]
        frames, rest = server_frames(data)
        for opcode, start, end in frames:
            if opcode == 0x1:
                index = data.find(MARKER, start, end)
                if index >= 0:
                    self._record(
                        int(data[index + 6 : index + 10]),
                        now - float(data[index + 11 : index + 28]),
                    )
                elif client.state == 2 and data.startswith(b'{"reply_to":1,', start, end):
                    if data.startswith(b'"ok":true', start + 14, end):
                        client.state = 3
                        self.connecting -= 1
                        self.subscribed += 1
                    else:
                        reason = data[start : min(end, start + 200)].decode(errors="replace")
                        self._drop(client, "subscribe refused: " + reason)
                        return
            elif opcode == 0x9:  # ping → pong with the same payload
                client.sock.send(_client_frame(data[start:end], 0xA))
            elif opcode == 0x8:
                self._drop(client, "close frame")
                return
        if rest < len(data):
            client.buffer = data[rest:]

    def _record(self, number, latency):
        stats = self.stats
        stats.latencies.append(latency)
        stats.received += 1
        entry = stats.per_message.get(number)
        if entry is None:
            stats.per_message[number] = [1, latency, latency]
        else:
            entry[0] += 1
            if latency < entry[1]:
                entry[1] = latency
            if latency > entry[2]:
                entry[2] = latency


def _emit(payload):
    sys.stdout.write(json.dumps(payload, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def worker_main(args):
    """Commands on stdin (one JSON object a line), answers on stdout; ends with stdin or ``quit``."""
    raise_nofile()
    generator = LoadGenerator(
        [int(port) for port in args.ports.split(",")],
        args.topic,
        args.count,
        args.concurrency,
        args.timeout,
    )
    stdin = sys.stdin.fileno()
    os.set_blocking(stdin, False)
    generator.poller.register(stdin, select.EPOLLIN)
    generator.control = stdin
    pending = b""
    _emit({"event": "started"})
    while True:
        if not generator.poll(1.0):
            continue
        try:
            chunk = os.read(stdin, 65536)
        except BlockingIOError:
            continue
        if not chunk:
            break
        pending += chunk
        lines = pending.split(b"\n")
        pending = lines.pop()
        stop = False
        for line in lines:
            command = json.loads(line)["cmd"]
            stats = generator.stats
            if command == "connect":
                seconds = generator.connect_all()
                _emit(
                    {
                        "event": "connected",
                        "ok": generator.subscribed,
                        "errors": stats.errors,
                        "seconds": seconds,
                    }
                )
            elif command == "count":
                _emit({"event": "count", "received": stats.received, "closed": stats.closed})
            elif command == "report":
                _emit(
                    {
                        "event": "report",
                        "received": stats.received,
                        "closed": stats.closed,
                        "open": generator.subscribed,
                        "latencies": [round(value * 1000, 3) for value in stats.latencies],
                        "per_message": stats.per_message,
                    }
                )
            elif command == "quit":
                stop = True
        if stop:
            break
    for client in list(generator.clients.values()):
        client.sock.close()


# ================================================================================================
# Orchestrator
# ================================================================================================

SETUP = """
import json, os
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.authtoken.models import Token
from congress.models import Event, Registration, Session

today = timezone.localdate()
event = Event.objects.create(slug="bench", acronym="bench", name="Fan-out benchmark",
                             start_date=today - timedelta(days=1), end_date=today + timedelta(days=1),
                             is_published=True)
now = timezone.now()
sessions = [
    Session.objects.create(event=event, title=f"Live {number}", start=now - timedelta(minutes=5),
                           end=now + timedelta(hours=3), state="live").pk
    for number in range(int(os.environ["BENCH_SESSIONS"]))
]
user = get_user_model().objects.create_user("sender", password="treffpunkt-bench",
                                            first_name="Bench", last_name="Sender")
Registration.objects.create(event=event, user=user)
print(json.dumps({"sessions": sessions, "token": Token.objects.create(user=user).key}))
"""

_children = []  # every Popen / asyncio Process started here, stopped in cleanup()


def log(text=""):
    print(text, flush=True)


def cpu_seconds(pid, reaped=False):
    """utime + stime of one process (all its threads), in seconds; with ``reaped``, also the
    children it has waited for (cutime + cstime)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS


def machine_cpu():
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields) - idle) / CLOCK_TICKS, sum(fields) / CLOCK_TICKS


def redis_cpu(url):
    if not url:
        return 0.0
    try:
        import redis

        info = redis.Redis.from_url(url, socket_connect_timeout=2).info("cpu")
        return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])
    except Exception:  # noqa: BLE001
        return 0.0


def percentile(ordered, fraction):
    if not ordered:
        return math.nan
    return ordered[max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))]


def stop_process(process, timeout=10):
    """Stop one child we started (Popen), politely first."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        process.wait()


def cleanup_children():
    for child in reversed(_children):
        if isinstance(child, subprocess.Popen):
            stop_process(child, timeout=5)
        elif child.returncode is None:  # asyncio.subprocess.Process
            with contextlib.suppress(ProcessLookupError):
                child.kill()
    _children.clear()


class Servers:
    """The server processes of one configuration."""

    def __init__(self, kind, ports, processes, log_path):
        self.kind = kind
        self.ports = ports
        self.processes = processes
        self.log_path = log_path

    @property
    def pids(self):
        """The processes started and their children (``treffpunkt.serve``'s daphne workers)."""
        return [
            pid for process in self.processes for pid in (process.pid, *child_pids(process.pid))
        ]

    def cpu(self):
        return sum(cpu_seconds(pid) for pid in self.pids)

    def stop(self):
        for process in self.processes:
            stop_process(process)
            with contextlib.suppress(ValueError):
                _children.remove(process)

    def log_tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def wait_for_http(port, deadline):
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(  # noqa: S310 — loopback only
                f"http://127.0.0.1:{port}/api/v1/events/", timeout=2
            ) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.2)
    return False


def start_daphne(count, env, log_dir, tag):
    ports = [free_port() for _ in range(count)]
    log_path = log_dir / f"{tag}.log"
    log_file = log_path.open("wb")
    processes = []
    for port in ports:
        # As production starts daphne (Dockerfile, Makefile): a master binds the port and forks
        # the worker that serves; Servers.cpu counts both.
        process = subprocess.Popen(
            [sys.executable, "-m", "treffpunkt.serve", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        _children.append(process)
        processes.append(process)
    log_file.close()
    servers = Servers("treffpunkt", ports, processes, log_path)
    deadline = time.monotonic() + 60
    for port in ports:
        if not wait_for_http(port, deadline):
            servers.stop()
            raise RuntimeError(f"daphne on {port} did not start:\n{servers.log_tail()}")
    return servers


def start_bare(log_dir, tag):
    port = free_port()
    log_path = log_dir / f"{tag}.log"
    log_file = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, str(BENCHMARKS / "bare_broadcast.py"), "--port", str(port)],
        cwd=ROOT,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    log_file.close()
    _children.append(process)
    servers = Servers("bare", [port], [process], log_path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if "ready" in log_path.read_text(errors="replace"):
            return servers
        if process.poll() is not None:
            break
        time.sleep(0.1)
    servers.stop()
    raise RuntimeError(f"bare server did not start:\n{servers.log_tail()}")


class Worker:
    def __init__(self, process):
        self.process = process

    @classmethod
    async def start(cls, ports, topic, count, concurrency, timeout):
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            "--ports",
            ",".join(map(str, ports)),
            "--topic",
            topic,
            "--count",
            str(count),
            "--concurrency",
            str(concurrency),
            "--timeout",
            str(timeout),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=256 * 1024 * 1024,
        )
        _children.append(process)
        worker = cls(process)
        await worker.expect("started", 30)
        return worker

    async def command(self, name):
        self.process.stdin.write(json.dumps({"cmd": name}).encode() + b"\n")
        await self.process.stdin.drain()

    async def expect(self, event, timeout):
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        if not line:
            raise RuntimeError(f"load generator exited (code {await self.process.wait()})")
        payload = json.loads(line)
        if payload.get("event") != event:
            raise RuntimeError(f"load generator said {payload!r}, expected {event}")
        return payload

    async def ask(self, name, event, timeout):
        await self.command(name)
        return await self.expect(event, timeout)

    async def stop(self):
        if self.process.returncode is None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                await self.command("quit")
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        with contextlib.suppress(ValueError):
            _children.remove(self.process)


class Sender:
    """The one authenticated chat author (websockets client; one socket, negligible load)."""

    def __init__(self, connection, topic):
        self.connection = connection
        self.topic = topic
        self.replies = {}
        self.waiters = {}
        self.reader = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, port, token, topic):
        from websockets.asyncio.client import connect

        headers = {"Authorization": f"Token {token}"} if token else {}
        connection = await connect(
            f"ws://127.0.0.1:{port}/ws/",
            origin=f"http://127.0.0.1:{port}",
            additional_headers=headers,
            compression=None,
            max_size=None,
            open_timeout=30,
        )
        sender = cls(connection, topic)
        reply = await sender.request(1, "subscribe", {"topic": topic})
        if not reply.get("ok"):
            raise RuntimeError(f"sender could not subscribe: {reply}")
        return sender

    async def _read(self):
        with contextlib.suppress(Exception):
            async for text in self.connection:
                if text.startswith('{"reply_to"'):
                    reply = json.loads(text)
                    self.replies[reply["reply_to"]] = reply
                    waiter = self.waiters.pop(reply["reply_to"], None)
                    if waiter is not None and not waiter.done():
                        waiter.set_result(reply)

    async def send(self, request_id, type_, data):
        waiter = self.waiters[request_id] = asyncio.get_running_loop().create_future()
        await self.connection.send(json.dumps({"id": request_id, "type": type_, "data": data}))
        return waiter

    async def request(self, request_id, type_, data, timeout=30):
        return await asyncio.wait_for(await self.send(request_id, type_, data), timeout)

    async def chat(self, duration, tag):
        """One message a second; returns how many the server acknowledged, and its refusals."""
        loop = asyncio.get_running_loop()
        start = loop.time() + 0.05
        waiters = []
        for index in range(duration):
            await asyncio.sleep(max(0.0, start + index - loop.time()))
            text = message_text(index, time.time())
            waiters.append(
                await self.send(
                    index + 2,
                    "chat.send",
                    {"topic": self.topic, "text": text, "client_id": f"{tag}-{index}"},
                )
            )
        done, _pending = await asyncio.wait(waiters, timeout=30)
        ok = sum(1 for waiter in done if waiter.result().get("ok"))
        refused = [waiter.result().get("error") for waiter in done if not waiter.result().get("ok")]
        return ok, refused, len(waiters) - len(done)

    async def close(self):
        self.reader.cancel()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.connection.close(), 5)


async def warm_up(port, topic):
    """One anonymous subscribe per process, so imports and the hub's first join are not timed."""
    sender = await Sender.open(port, None, topic)
    await sender.close()


async def run_configuration(config, args, setup, log_dir):
    clients = config["clients"]
    label = config["label"]
    log(f"\n== {label}, {clients} clients ==")
    if config["kind"] == "bare":
        servers = start_bare(log_dir, config["tag"])
        topic = "session:1"
        token = None
    else:
        env = dict(setup["env"])
        env["CHANNEL_PREFIX"] = env["CACHE_PREFIX"] = f"{setup['prefix']}{config['tag']}"
        if config["redis"]:
            env["REDIS_URL"] = args.redis_url
        else:
            env.pop("REDIS_URL", None)
        servers = start_daphne(config["processes"], env, log_dir, config["tag"])
        topic = f"session:{config['session']}"
        token = setup["token"]
    workers = []
    sender = None
    result = {**config, "ports": servers.ports}
    try:
        for port in servers.ports:
            await warm_up(port, topic)
        sender = await Sender.open(servers.ports[0], token, topic)
        # Split the clients evenly over the load generators; each alternates over the ports.
        counts = [
            clients // args.client_procs + (1 if number < clients % args.client_procs else 0)
            for number in range(args.client_procs)
        ]
        per_worker = max(1, args.connect_concurrency * len(servers.ports) // args.client_procs)
        workers = [
            await Worker.start(servers.ports, topic, count, per_worker, args.connect_timeout)
            for count in counts
            if count
        ]
        started = time.perf_counter()
        for worker in workers:
            await worker.command("connect")
        connected = [await worker.expect("connected", 120 + clients * 0.2) for worker in workers]
        connect_wall = time.perf_counter() - started
        subscribed = sum(item["ok"] for item in connected)
        errors = {}
        for item in connected:
            for reason, number in item["errors"].items():
                errors[reason] = errors.get(reason, 0) + number
        result.update(
            subscribed=subscribed,
            connect_seconds=connect_wall,
            connect_rate=subscribed / connect_wall if connect_wall else 0.0,
            connect_errors=errors,
        )
        log(
            f"connect: {subscribed}/{clients} subscribed in {connect_wall:.2f} s → "
            f"{result['connect_rate']:.0f} connections+subscribe/s"
            + (f"; failures: {errors}" if errors else "")
        )
        await asyncio.sleep(args.settle)  # presence ticks for the new viewers pass

        cpu_before = servers.cpu()
        client_cpu_before = sum(cpu_seconds(worker.process.pid) for worker in workers)
        redis_before = redis_cpu(args.redis_url if config.get("redis") else None)
        own_before = cpu_seconds(os.getpid())
        machine_before = machine_cpu()
        sent_ok, refused, unanswered = await sender.chat(args.duration, config["tag"])
        expected = subscribed * sent_ok
        deadline = time.monotonic() + args.drain
        received = closed = 0
        while True:
            counts_now = [await worker.ask("count", "count", 30) for worker in workers]
            received = sum(item["received"] for item in counts_now)
            closed = sum(item["closed"] for item in counts_now)
            if received >= expected or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        cpu_after = servers.cpu()
        client_cpu_after = sum(cpu_seconds(worker.process.pid) for worker in workers)
        redis_after = redis_cpu(args.redis_url if config.get("redis") else None)
        own_after = cpu_seconds(os.getpid())
        machine_after = machine_cpu()

        reports = [await worker.ask("report", "report", 120) for worker in workers]
        latencies = sorted(value for report in reports for value in report["latencies"])
        received = sum(report["received"] for report in reports)
        closed = sum(report["closed"] for report in reports)
        merged = {}
        for report in reports:
            for number, (count, first, last) in report["per_message"].items():
                entry = merged.setdefault(number, [0, first, last])
                entry[0] += count
                entry[1] = min(entry[1], first)
                entry[2] = max(entry[2], last)
        ordered = [merged[number] for number in sorted(merged, key=int)]
        firsts = sorted(first * 1000 for _count, first, _last in ordered)
        lasts = sorted(last * 1000 for _count, _first, last in ordered)
        server_cpu = cpu_after - cpu_before
        result.update(
            sent=args.duration,
            sent_ok=sent_ok,
            refused=refused,
            unanswered=unanswered,
            expected=expected,
            received=received,
            lost=expected - received,
            closed=closed,
            p50=percentile(latencies, 0.50),
            p99=percentile(latencies, 0.99),
            max=latencies[-1] if latencies else math.nan,
            first_median=percentile(firsts, 0.5),
            last_median=percentile(lasts, 0.5),
            server_cpu=server_cpu,
            cpu_per_delivery=server_cpu / received * 1e6 if received else math.nan,
            client_cpu=client_cpu_after - client_cpu_before,
            client_cpu_per_delivery=(client_cpu_after - client_cpu_before) / received * 1e6
            if received
            else math.nan,
            redis_cpu=redis_after - redis_before,
            machine_busy=machine_after[0] - machine_before[0],
            machine_total=machine_after[1] - machine_before[1],
            sender_cpu=own_after - own_before,
        )
        result["other_cpu"] = max(
            0.0,
            result["machine_busy"]
            - server_cpu
            - result["client_cpu"]
            - result["sender_cpu"]
            - result["redis_cpu"],
        )
        log(
            f"sent {args.duration} chat.send, {sent_ok} acknowledged"
            + (f", refused {refused}" if refused else "")
            + (f", {unanswered} unanswered" if unanswered else "")
        )
        log(
            f"deliveries: expected {expected}, received {received}, lost {expected - received}"
            f" ({(expected - received) / expected * 100 if expected else 0:.2f} %)"
            f"; sockets closed by the server: {closed}"
        )
        log(
            f"latency: p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms, "
            f"max {result['max']:.1f} ms; per message (median): first receiver "
            f"{result['first_median']:.1f} ms, last receiver {result['last_median']:.1f} ms"
        )
        log(
            "last receiver, message by message (ms): "
            + " ".join(f"{last * 1000:.0f}" for _count, _first, last in ordered)
        )
        log(
            f"server CPU: {server_cpu:.2f} s over the send phase → "
            f"{result['cpu_per_delivery']:.1f} µs/delivery"
            + (f" (+ Redis {result['redis_cpu'] * 1000:.0f} ms)" if config.get("redis") else "")
            + f"; load generator: {result['client_cpu_per_delivery']:.1f} µs/delivery"
        )
        log(
            f"machine during the send phase: {result['machine_busy']:.1f} of "
            f"{result['machine_total']:.1f} core-seconds busy — servers {server_cpu:.1f}, load "
            f"generator {result['client_cpu']:.1f}, sender {result['sender_cpu']:.1f}, Redis "
            f"{result['redis_cpu']:.1f}, rest (kernel, other processes) {result['other_cpu']:.1f}"
        )
        return result
    except Exception as error:  # noqa: BLE001 — one broken configuration does not stop the run
        log(f"FAILED: {type(error).__name__}: {error}")
        tail = servers.log_tail()
        if tail:
            log("server log (tail):\n" + tail)
        result["error"] = f"{type(error).__name__}: {error}"
        return result
    finally:
        if sender is not None:
            await sender.close()
        for worker in workers:
            await worker.stop()
        servers.stop()


def setup_database(args, temp):
    """Create and migrate a fresh database; returns (DATABASE_URL, drop callback or None)."""
    if not args.database_url:
        return f"sqlite:///{temp / 'bench.sqlite3'}", None
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        return args.database_url, None
    import psycopg

    name = f"treffpunkt_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.database_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = args.database_url.rsplit("/", 1)[0] + "/" + name

    def drop():
        with psycopg.connect(args.database_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, drop


def redis_reachable(url):
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        return True
    except Exception:  # noqa: BLE001
        return False


def delete_redis_keys(url, prefix):
    with contextlib.suppress(Exception):
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
        if keys:
            client.delete(*keys)


def fmt(value, digits=1):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{digits}f}"


def summary(results, args):
    bare = {result["clients"]: result for result in results if result["kind"] == "bare"}
    header = (
        f"{'clients':>7} | {'server':<34} | {'conn/s':>6} | {'p50 ms':>7} | {'p99 ms':>7} | "
        f"{'max ms':>7} | {'expected':>8} | {'received':>8} | {'lost':>5} | {'µs/deliv':>8} | "
        f"{'p99 ×bare':>9} | {'CPU ×bare':>9}"
    )
    log(
        "\n== Summary (client and server share this machine: "
        f"{os.cpu_count()} cores; lower is better except conn/s) =="
    )
    log(header)
    log("-" * len(header))
    for result in results:
        if "error" in result and "p99" not in result:
            log(f"{result['clients']:>7} | {result['label']:<34} | FAILED: {result['error']}")
            continue
        reference = bare.get(result["clients"])
        p99_ratio = cpu_ratio = None
        if result["kind"] != "bare" and reference and "p99" in reference:
            p99_ratio = result["p99"] / reference["p99"] if reference["p99"] else None
            cpu_ratio = (
                result["cpu_per_delivery"] / reference["cpu_per_delivery"]
                if reference["cpu_per_delivery"]
                else None
            )
        log(
            f"{result['clients']:>7} | {result['label']:<34} | {result['connect_rate']:>6.0f} | "
            f"{fmt(result['p50']):>7} | {fmt(result['p99']):>7} | {fmt(result['max']):>7} | "
            f"{result['expected']:>8} | {result['received']:>8} | {result['lost']:>5} | "
            f"{fmt(result['cpu_per_delivery']):>8} | "
            f"{(fmt(p99_ratio) + '×') if p99_ratio else '—' if result['kind'] != 'bare' else '':>9} | "
            f"{(fmt(cpu_ratio) + '×') if cpu_ratio else '—' if result['kind'] != 'bare' else '':>9}"
        )

    log("\n== Targets ==")
    treffpunkt = [
        result for result in results if result["kind"] == "treffpunkt" and "p99" in result
    ]
    at_650 = [result for result in treffpunkt if result["clients"] == 650]
    if not at_650:
        log("650 clients p99 ≤ 100 ms: not measured (add 650 to --clients)")
    for result in at_650:
        met = result["p99"] <= 100 and result["lost"] == 0
        log(
            f"650 clients p99 ≤ 100 ms — {result['label']}: p99 {result['p99']:.1f} ms, "
            f"lost {result['lost']} → {'MET' if met else 'NOT MET'}"
        )
    at_5000 = [
        result for result in treffpunkt if result["clients"] == 5000 and result["processes"] == 2
    ]
    if not at_5000:
        log(
            "5,000 clients on 2 daphne processes p99 ≤ 1 s, 0 lost: not measured "
            "(needs --clients 5000 and --processes 2)"
        )
    for result in at_5000:
        met = result["p99"] <= 1000 and result["lost"] == 0 and result["subscribed"] == 5000
        log(
            f"5,000 clients on 2 daphne processes p99 ≤ 1 s, 0 lost: p99 {result['p99']:.1f} ms, "
            f"lost {result['lost']}, subscribed {result['subscribed']}/5000 → "
            f"{'MET' if met else 'NOT MET'}"
        )


def plan(args, sessions):
    configs = []
    session = iter(sessions)
    for clients in args.clients:
        configs.append(
            {"kind": "bare", "label": "bare websockets broadcast", "processes": 1, "redis": False}
            | {"clients": clients, "tag": f"bare{clients}"}
        )
        if 1 in args.processes:
            configs.append(
                {
                    "kind": "treffpunkt",
                    "label": "daphne ×1, in-memory layer",
                    "processes": 1,
                    "redis": False,
                    "clients": clients,
                    "tag": f"mem{clients}",
                }
            )
            configs.append(
                {
                    "kind": "treffpunkt",
                    "label": "daphne ×1, Redis pub/sub layer",
                    "processes": 1,
                    "redis": True,
                    "clients": clients,
                    "tag": f"r1-{clients}",
                }
            )
        if 2 in args.processes:
            configs.append(
                {
                    "kind": "treffpunkt",
                    "label": "daphne ×2, Redis pub/sub layer",
                    "processes": 2,
                    "redis": True,
                    "clients": clients,
                    "tag": f"r2-{clients}",
                }
            )
    for config in configs:
        if config["kind"] == "treffpunkt":
            config["session"] = next(session)
    names = {"bare": "bare", "mem": "memory", "r1-": "redis", "r2-": "redis2"}
    return [
        config for config in configs if names[config["tag"].rstrip("0123456789")] in args.configs
    ]


async def orchestrate(args):
    nofile = raise_nofile()
    temp = Path(tempfile.mkdtemp(prefix="treffpunkt-fanout-"))
    drop_database = None
    prefix = f"bench{uuid.uuid4().hex[:6]}"
    redis_ok = redis_reachable(args.redis_url)
    try:
        import daphne
        import websockets

        log("Treffpunkt live fan-out benchmark")
        log(
            f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, daphne "
            f"{daphne.__version__}, websockets {websockets.__version__}; open-file limit {nofile}"
        )
        log(
            "NOTE: the load generator, the sender and the servers share this machine and its "
            f"{os.cpu_count()} cores; latencies include the client's own delay — compare with the "
            "bare websockets server measured in the same run."
        )
        log(
            f"clients {args.clients}, processes {args.processes}, {args.duration} messages "
            f"of {TEXT_BYTES} bytes at 1/s, {args.client_procs} load-generator processes, "
            f"≤ {args.connect_concurrency} handshakes in flight per port"
        )
        if not redis_ok:
            log(f"Redis at {args.redis_url} is not reachable: the Redis configurations are skipped")
        database_url, drop_database = setup_database(args, temp)
        shown = database_url.split("@")[-1] if "@" in database_url else database_url
        log(f"database: {shown}")
        configs_needed = len(args.clients) * (2 * (1 in args.processes) + (2 in args.processes))
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "CHANNEL_PREFIX", "CACHE_PREFIX"}
        }
        env.update(
            DATABASE_URL=database_url,
            # Every load socket comes from 127.0.0.1: lift the per-address socket limit.
            REALTIME_MAX_SOCKETS_PER_IP="1000000",
            REALTIME_SUBSCRIBES_PER_IP="1000000",  # and the anonymous subscribes per address
            DEBUG="1",
            DJANGO_SETTINGS_MODULE="treffpunkt.settings",
            REALTIME_CHAT_RATE="100000",
            LOG_LEVEL="WARNING",
            BENCH_SESSIONS=str(max(1, configs_needed)),
        )
        manage = [sys.executable, str(ROOT / "manage.py")]
        started = time.perf_counter()
        migrated = subprocess.run(
            [*manage, "migrate", "--noinput"], env=env, cwd=ROOT, capture_output=True, timeout=300
        )
        if migrated.returncode:
            raise RuntimeError("migrate failed:\n" + migrated.stderr.decode(errors="replace"))
        made = subprocess.run(
            [*manage, "shell", "-c", SETUP],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if made.returncode:
            raise RuntimeError("set-up failed:\n" + made.stderr)
        people = json.loads(made.stdout.strip().splitlines()[-1])
        log(f"migrated and set up in {time.perf_counter() - started:.1f} s")
        setup = {"env": env, "prefix": prefix, "token": people["token"]}

        results = []
        for config in plan(args, people["sessions"]):
            if config.get("redis") and not redis_ok:
                continue
            results.append(await run_configuration(config, args, setup, temp))
        summary(results, args)
    finally:
        cleanup_children()
        if redis_ok:
            delete_redis_keys(args.redis_url, prefix)
        if drop_database is not None:
            try:
                drop_database()
            except Exception as error:  # noqa: BLE001
                log(f"could not drop the benchmark database: {error}")
        shutil.rmtree(temp, ignore_errors=True)


def number_list(text):
    return [int(item) for item in text.split(",") if item.strip()]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n", 1)[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--clients", type=number_list, default=[650, 2000, 5000])
    parser.add_argument("--duration", type=int, default=10, help="messages (one a second)")
    parser.add_argument("--processes", type=number_list, default=[1, 2])
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL server URL: a throwaway database is created on it and dropped after",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument(
        "--configs",
        type=lambda text: {item.strip() for item in text.split(",") if item.strip()},
        default={"bare", "memory", "redis", "redis2"},
        help="subset to run (for investigations): bare, memory, redis, redis2",
    )
    parser.add_argument("--client-procs", type=int, default=2, help="load-generator processes")
    parser.add_argument("--connect-concurrency", type=int, default=40, help="per server port")
    parser.add_argument("--connect-timeout", type=float, default=30.0)
    parser.add_argument("--settle", type=float, default=2.5, help="seconds before sending")
    parser.add_argument("--drain", type=float, default=15.0, help="seconds to wait after sending")
    # The load generator's own mode.
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--ports", help=argparse.SUPPRESS)
    parser.add_argument("--topic", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--concurrency", type=int, default=40, help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=30.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        with contextlib.suppress(KeyboardInterrupt, BrokenPipeError):
            worker_main(args)
        return 0
    if any(count < 1 or count > 5000 for count in args.clients):
        parser.error("--clients: each between 1 and 5000")
    if not set(args.processes) <= {1, 2} or not args.processes:
        parser.error("--processes: 1, 2 or 1,2")
    if not 1 <= args.duration <= 120:
        parser.error("--duration: 1 to 120 seconds")
    args.client_procs = max(1, min(args.client_procs, 8))

    def terminate(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    # Ctrl-C stops the run even when started from a shell that ignores SIGINT for background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        asyncio.run(orchestrate(args))
    except KeyboardInterrupt:
        log("interrupted; servers and load generators stopped")
    finally:
        cleanup_children()
    return 0


if __name__ == "__main__":
    sys.exit(main())
