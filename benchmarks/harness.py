"""What the keynote scenarios share: set-up, servers, and a load generator that speaks the protocol.

The scenarios (``reconnect_storm.py``, ``chat_storm.py``, ``reaction_storm.py``, ``page_rush.py``,
``memory.py``) import this module; ``live_fanout.py`` provides the lower pieces (process control,
CPU readings, the bare server). Everything here is stdlib plus what the project installs.

- :func:`prepare`: a fresh database (SQLite in a temp dir, or a throwaway PostgreSQL database),
  migrated, with one published event, one LIVE session and ``people`` registered attendees, each
  with a DRF token and a logged-in session (cookie); written to ``people.json`` for the load
  generators.
- :class:`Cluster`: N server processes on fixed ports (daphne, uvicorn, granian, or the bare
  ``websockets`` server), which can be killed and started again on the same ports.
- :class:`Swarm`: load-generator processes (``harness.py --worker``), each driving its share of the
  clients on one ``select.epoll``: handshake (token header, session cookie + Origin, or anonymous),
  ``subscribe`` (with ``since`` when resuming), reconnect with socket.js's backoff (full jitter,
  0.5 s doubling, within 2 s for an outage's first 10 s), chat sends and reactions on a
  schedule, latencies into a 1 ms histogram.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import heapq
import importlib.util
import json
import os
import random
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))

from live_fanout import (  # noqa: E402
    ROOT,
    _children,
    _client_frame,
    child_pids,
    cleanup_children,
    cpu_seconds,
    delete_redis_keys,
    log,
    machine_cpu,
    percentile,
    raise_nofile,
    redis_cpu,
    redis_reachable,
    server_frames,
    setup_database,
    stop_process,
)

sys.path.insert(0, str(ROOT))
# A port below the kernel's ephemeral range, as a production server's is: a port from that range
# can be taken, while its server is down, by one of the thousands of client sockets that reconnect
# meanwhile, and the restarted server then fails to bind it.
from tests.servers import free_port as server_port  # noqa: E402

__all__ = ["ROOT", "cpu_seconds", "machine_cpu", "percentile", "redis_cpu"]  # re-exported

# Every server of a run listens with this backlog, the bare one too (bare_broadcast.py): daphne's
# in production (treffpunkt.serve), systemd's default for a socket unit (the kernel's SOMAXCONN).
# daphne's own 50 overflows in a reconnect storm (each dropped connect waits 1–3 s to retry).
LISTEN_BACKLOG = 4096
MARK = b"kbench@"  # chat text: "kbench@<6-digit index>@<time.time() %17.6f>@ …"
BATCHED = b'{"type":"'  # where each push of a batch frame begins (bus.batch_frame)
BACKOFF_BASE = 0.5  # web/static/web/lib/socket.js
BACKOFF_CAP = 30.0
QUICK_RETRY_WINDOW = 10.0
QUICK_RETRY_CEILING = 2.0

SETUP = r"""
import json, os, secrets
from datetime import timedelta
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session as StoredSession
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from congress.models import Event, Registration, Room, Session

count = int(os.environ["BENCH_PEOPLE"])
today = timezone.localdate()
event = Event.objects.create(slug="keynote", acronym="keynote", name="Keynote benchmark",
                             start_date=today - timedelta(days=1), end_date=today + timedelta(days=1),
                             is_published=True)
room = Room.objects.create(event=event, name="Saal 1", capacity=5000)
now = timezone.now()
live = Session.objects.create(event=event, room=room, title="Eröffnungs-Keynote",
                              start=now - timedelta(minutes=5), end=now + timedelta(hours=3),
                              state="live")
# A programme to open at 09:00: 40 more sessions over two days in four rooms.
rooms = [room] + [Room.objects.create(event=event, name=f"Saal {n}", capacity=300) for n in (2, 3, 4)]
start = timezone.localtime(now).replace(hour=9, minute=0, second=0, microsecond=0)
Session.objects.bulk_create(
    Session(event=event, room=rooms[n % 4], title=f"Vortrag {n}: Digitale Verwaltung",
            abstract="Worum es geht. " * 10,
            start=start + timedelta(days=n // 20, minutes=45 * ((n % 20) // 4)),
            end=start + timedelta(days=n // 20, minutes=45 * ((n % 20) // 4) + 40))
    for n in range(40)
)
User = get_user_model()
password = make_password("keynote-bench")
users = User.objects.bulk_create(
    User(username=f"gast{n:05d}", first_name="Gast", last_name=f"{n:05d}", password=password)
    for n in range(count)
)
Registration.objects.bulk_create(Registration(event=event, user=user) for user in users)
tokens = Token.objects.bulk_create(Token(key=Token.generate_key(), user=user) for user in users)
backend = settings.AUTHENTICATION_BACKENDS[0]
expire = now + timedelta(days=1)
store = SessionStore()
sessions = []
for user in users:
    data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash()}
    sessions.append(StoredSession(session_key=secrets.token_hex(16), session_data=store.encode(data),
                                  expire_date=expire))
StoredSession.objects.bulk_create(sessions)
print(json.dumps({
    "event": event.slug, "session": live.pk, "cookie_name": settings.SESSION_COOKIE_NAME,
    "users": [user.pk for user in users], "tokens": [token.key for token in tokens],
    "cookies": [stored.session_key for stored in sessions],
    "urls": {"programme": reverse("web:programme", args=[event.slug]),
             "session": reverse("web:session", args=[event.slug, live.pk]),
             "inbox": reverse("notification-inbox")},
}))
"""


def speed_probe():
    """CPU milliseconds of a fixed, allocation-heavy piece of Python. This machine's speed varies
    from minute to minute and from day to day (docs/performance.md); a figure compares with
    another only at a similar probe."""
    started = time.process_time()
    rows = [
        {"id": n, "text": f"Guten Morgen aus Kassel {n}", "seen": [n, n + 1]} for n in range(50_000)
    ]
    json.loads(json.dumps(rows))
    return (time.process_time() - started) * 1000


def load_note():
    """The load average, whether the CI run (``/tmp/ci.log``) has finished and the speed probe,
    for every figure."""
    one, five, fifteen = os.getloadavg()
    ci = "no CI log"
    with contextlib.suppress(OSError):
        lines = Path("/tmp/ci.log").read_text(errors="replace").strip().splitlines()
        ci = "CI finished" if lines and lines[-1].startswith("exit") else "CI running"
    probe = speed_probe()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}, {ci}, speed probe {probe:.0f} ms"


def rss_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_groups(live=False):
    """(pid, process group) of every process on the machine (``live``: zombies left out)."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with (
                contextlib.suppress(OSError, IndexError, ValueError),
                open(f"/proc/{entry.name}/stat") as stat,
            ):
                fields = stat.read().rsplit(")", 1)[1].split()
                if not (live and fields[0] == "Z"):
                    found.append((int(entry.name), int(fields[2])))
    return found


def histogram_percentile(histogram, fraction):
    """``histogram``: {milliseconds: count}; the value at ``fraction`` of all counts."""
    total = sum(histogram.values())
    if not total:
        return float("nan")
    wanted = max(1, int(fraction * total + 0.999999))
    seen = 0
    for key in sorted(histogram):
        seen += histogram[key]
        if seen >= wanted:
            return float(key)
    return float(max(histogram))


def common_arguments(parser, *, clients, processes=2):
    parser.add_argument("--clients", type=int, default=clients, help=f"default {clients}")
    parser.add_argument("--processes", type=int, default=processes, help="server processes")
    parser.add_argument(
        "--server",
        default="daphne",
        type=server_list,
        help="ASGI server(s) for Treffpunkt, comma-separated, run one after the other on the same "
        f"set-up: {', '.join(SERVERS)} (uvicorn and granian only when installed)",
    )
    parser.add_argument("--database-url", default="", help="PostgreSQL server: throwaway database")
    parser.add_argument("--redis-url", default="", help="e.g. redis://127.0.0.1:6379/7 (else none)")
    parser.add_argument("--client-procs", type=int, default=2, help="load-generator processes")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare websockets baseline")
    parser.add_argument("--keep", action="store_true", help=argparse.SUPPRESS)


# ================================================================================================
# Set-up
# ================================================================================================


class Prepared:
    def __init__(self, temp, env, people, drop_database, redis_url, prefix):
        self.temp = temp
        self.env = env
        self.people = people
        self.drop_database = drop_database
        self.redis_url = redis_url
        self.prefix = prefix
        self.people_file = temp / "people.json"
        self.people_file.write_text(json.dumps(people))

    def server_env(self, tag, *, redis=True):
        env = dict(self.env)
        env["CHANNEL_PREFIX"] = env["CACHE_PREFIX"] = f"{self.prefix}{tag}"
        if redis and self.redis_url:
            env["REDIS_URL"] = self.redis_url
        else:
            env.pop("REDIS_URL", None)
        return env

    def close(self):
        cleanup_children()
        if self.redis_url:
            delete_redis_keys(self.redis_url, self.prefix)
        if self.drop_database is not None:
            try:
                self.drop_database()
            except Exception as error:  # noqa: BLE001
                log(f"could not drop the benchmark database: {error}")
        shutil.rmtree(self.temp, ignore_errors=True)


def prepare(args, people, **extra_env):
    """Database, migrations, event, LIVE session, ``people`` attendees with token and session."""
    raise_nofile()
    temp = Path(tempfile.mkdtemp(prefix="treffpunkt-keynote-"))
    database_url, drop = setup_database(args, temp)
    if args.redis_url and not redis_reachable(args.redis_url):
        log(f"Redis at {args.redis_url} is not reachable: running without Redis")
        args.redis_url = ""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CHANNEL_PREFIX", "CACHE_PREFIX"}
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="treffpunkt.settings",
        DEBUG="0",
        SECRET_KEY="keynote-benchmark-" + os.urandom(32).hex(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
        MEDIA_ROOT=str(temp / "media"),
        # Every load socket comes from 127.0.0.1: the per-address limits would refuse them.
        REALTIME_MAX_SOCKETS_PER_IP="1000000",
        REALTIME_SUBSCRIBES_PER_IP="1000000",
        BENCH_PEOPLE=str(people),
    )
    env.update(extra_env)
    # The project's bytecode, as the image has it (Dockerfile): with PYTHONDONTWRITEBYTECODE set,
    # as on this machine, every server start would compile the project's modules again.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "compileall",
            "-q",
            "-x",
            r"(^|/)(\.|node_modules|\.venv)",
            str(ROOT),
        ],
        check=True,
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    started = time.perf_counter()
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        subprocess.run(
            [*manage, "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
        )
    done = subprocess.run(
        [*manage, "migrate", "--noinput"], env=env, cwd=ROOT, capture_output=True, timeout=600
    )
    if done.returncode:
        raise RuntimeError("migrate failed:\n" + done.stderr.decode(errors="replace"))
    made = subprocess.run(
        [*manage, "shell", "-c", SETUP],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if made.returncode:
        raise RuntimeError("set-up failed:\n" + made.stderr)
    data = json.loads(made.stdout.strip().splitlines()[-1])
    shown = database_url.split("@")[-1] if "@" in database_url else "SQLite"
    log(
        f"database {shown}, Redis {args.redis_url or 'none (in-memory layer)'}; "
        f"{people} attendees set up in {time.perf_counter() - started:.1f} s"
    )
    return Prepared(temp, env, data, drop, args.redis_url, f"kb{uuid.uuid4().hex[:6]}")


class ChatWriter:
    """A Django process that stores chat messages through the service when asked, from outside
    the servers (which may be down). It is started before a storm, so that writing the missed
    messages while the servers restart does not charge the machine a Django start-up then; nor
    its first write's imports (the channel layer and the cache with their Redis client: 0.2 s of
    CPU for the first 20 messages, 0.1 s for the next), which the processes it stands for, where
    people go on writing, have done long before."""

    SCRIPT = (
        "import sys\n"
        "from channels.layers import get_channel_layer\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.core.cache import caches\n"
        "from congress.models import Session\n"
        "from congress.live_services import send_chat_message\n"
        "from treffpunkt.realtime.events import latest_seq\n"
        "get_channel_layer(), caches['default']\n"
        "session = Session.objects.get(pk={session})\n"
        "user = get_user_model().objects.get(pk={user})\n"
        "print('ready', flush=True)\n"
        "for line in sys.stdin:\n"
        "    count, tag = line.split()\n"
        "    for n in range(int(count)):\n"
        "        send_chat_message(user=user, session=session, text=f'Verpasst {{n}}',"
        " client_id=f'{{tag}}-{{n}}')\n"
        "    print(latest_seq('session:{session}'), flush=True)\n"
    )

    def __init__(self, prepared, env):
        script = self.SCRIPT.format(
            session=prepared.people["session"], user=prepared.people["users"][0]
        )
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "shell", "--no-imports", "-c", script],
            env={**env, "REALTIME_CHAT_RATE": "1000000"},
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        _children.append(self.process)
        self._answer()

    def _answer(self):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the chat writer exited (its output is above)")
        return line.strip()

    def write(self, count, tag):
        """Store ``count`` messages; returns the topic's newest seq afterwards."""
        self.process.stdin.write(f"{count} {tag}\n")
        self.process.stdin.flush()
        return int(self._answer())

    def close(self):
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


# ================================================================================================
# Servers
# ================================================================================================


class Cluster:
    """Server processes on fixed ports; ``kill`` and ``start`` again keep the ports.

    With ``held=True`` the cluster itself holds each port's listening socket and hands it to the
    process it starts, as systemd does with a socket unit (docs/deployment.md): while a process is
    down, the kernel still accepts connections into the socket's queue, and the restarted process
    answers them. Only daphne and the bare server take a held socket.
    """

    def __init__(self, kind, count, env, log_dir, tag, *, held=False):
        self.kind = kind  # "daphne", "uvicorn", "granian" or "bare"
        self.env = env
        self.ports = [server_port() for _ in range(count)]
        self.processes = [None] * count
        self.log_path = log_dir / f"{tag}.log"
        self.listeners = [self._listen(port) for port in self.ports] if held else None

    def _listen(self, port):
        if self.kind not in ("daphne", "bare"):
            raise SystemExit(f"--held-sockets: {self.kind} cannot take a held socket here")
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(LISTEN_BACKLOG)
        return listener

    def _command(self, port):
        if self.listeners is None:
            return self._server_command(port)
        fd = str(self.listeners[self.ports.index(port)].fileno())
        if self.kind == "bare":
            return [sys.executable, str(BENCHMARKS / "bare_broadcast.py"), "--fd", fd]
        return [sys.executable, "-m", "treffpunkt.serve", "--fd", fd]  # as systemd hands it over

    def _server_command(self, port):
        python = sys.executable
        backlog = str(LISTEN_BACKLOG)
        if self.kind == "bare":
            return [python, str(BENCHMARKS / "bare_broadcast.py"), "--port", str(port),
                    "--backlog", backlog]  # fmt: skip
        # Frames up to the gateway's hard cap, as under daphne.
        max_bytes = str(16 * 1024 * 1024)
        if self.kind == "uvicorn":
            return [
                python, "-m", "uvicorn", "treffpunkt.asgi:application", "--host", "127.0.0.1",
                "--port", str(port), "--no-access-log", "--log-level", "warning",
                "--loop", "uvloop", "--http", "httptools", "--ws", "websockets",
                "--ws-max-size", max_bytes, "--backlog", backlog, "--lifespan", "off",
            ]  # fmt: skip
        if self.kind == "granian":
            return [
                python, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1",
                "--port", str(port), "--workers", "1", "--log-level", "warning",
                "--backlog", backlog, "treffpunkt.asgi:application",
            ]  # fmt: skip
        # daphne as production starts it (Makefile, Dockerfile): the port listens before the
        # application loads.
        return [python, "-m", "treffpunkt.serve", "--port", str(port), "--backlog", backlog]

    def start(self, which=None, wait=True):
        """Start the processes (all, or the indexes in ``which``); returns seconds until serving."""
        started = time.perf_counter()
        indexes = range(len(self.ports)) if which is None else which
        with self.log_path.open("ab") as log_file:
            for index in indexes:
                process = subprocess.Popen(
                    self._command(self.ports[index]),
                    env=self.env if self.kind != "bare" else None,
                    cwd=ROOT,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    # granian serves from a worker process it starts: each server gets its own
                    # process group, which is killed and measured as a whole.
                    start_new_session=True,
                    pass_fds=() if self.listeners is None else (self.listeners[index].fileno(),),
                )
                _children.append(process)
                self.processes[index] = process
        if wait:
            for index in indexes:
                self.wait_serving(index)
        return time.perf_counter() - started

    def wait_serving(self, index, timeout=90):
        """Until the server answers an HTTP request, with any status: a port may listen before
        its application has loaded (treffpunkt.serve), and a held one always does."""
        port = self.ports[index]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.processes[index].poll() is not None:
                raise RuntimeError(f"{self.kind} on {port} exited:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                wait = max(0.1, deadline - time.monotonic())
                with socket.create_connection(("127.0.0.1", port), timeout=wait) as probe:
                    probe.sendall(b"GET /health/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    if probe.recv(16).startswith(b"HTTP/"):
                        return
            time.sleep(0.05)
        raise RuntimeError(f"{self.kind} on {port} did not start:\n{self.log_tail()}")

    def kill(self, which=None):
        indexes = range(len(self.ports)) if which is None else which
        for index in indexes:
            process = self.processes[index]
            if process is not None and process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                # A master's workers are in its group too: the port is free once all have exited
                # (a zombie holds no socket).
                while any(group == process.pid for _, group in process_groups(live=True)):
                    time.sleep(0.005)
            with contextlib.suppress(ValueError):
                _children.remove(process)

    @property
    def has_master(self):
        """Whether a master process replaces a worker that dies (treffpunkt.serve)."""
        return self.kind == "daphne"

    def workers(self):
        """The pids of the masters' children: the processes that serve."""
        return [
            pid
            for process in self.processes
            if process is not None
            for pid in child_pids(process.pid)
        ]

    def reload(self):
        """SIGHUP every master: each loads the code again while its workers serve, then hands
        over to new workers (treffpunkt.serve)."""
        for process in self.processes:
            if process is not None:
                os.kill(process.pid, signal.SIGHUP)

    def tree_cpu(self):
        """CPU seconds of the masters (with every worker they reaped) and their live workers:
        what a reload costs, its old workers' drain included, though they exit meanwhile."""
        masters = sum(cpu_seconds(p.pid, reaped=True) for p in self.processes if p is not None)
        return masters + sum(cpu_seconds(pid) for pid in self.workers())

    def kill_workers(self):
        """SIGKILL every worker, as a crash would; each master forks a replacement at once."""
        for pid in self.workers():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def master_cpu(self):
        return sum(cpu_seconds(process.pid) or 0.0 for process in self.processes if process)

    def stop(self):
        for process in self.processes:
            if process is not None:
                stop_process(process)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)  # a worker left behind
                with contextlib.suppress(ValueError):
                    _children.remove(process)
        for listener in self.listeners or ():
            listener.close()

    @property
    def pids(self):
        """Every live process of the servers' groups (granian's workers included)."""
        groups = {process.pid for process in self.processes if process is not None}
        return [pid for pid, group in process_groups() if group in groups]

    def cpu(self):
        return sum(cpu_seconds(pid) for pid in self.pids)

    def rss_kib(self):
        return sum(rss_kib(pid) for pid in self.pids)

    def log_tail(self, lines=30):
        with contextlib.suppress(OSError):
            text = self.log_path.read_text(errors="replace")
            return "\n".join(text.splitlines()[-lines:])
        return ""


SERVERS = ("daphne", "uvicorn", "granian")


def server_list(value):
    """``--server daphne,uvicorn`` → ``["daphne", "uvicorn"]``, each known and installed."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    for name in names:
        if name not in SERVERS:
            raise argparse.ArgumentTypeError(
                f"unknown server {name!r} (one of {', '.join(SERVERS)})"
            )
        if name != "daphne" and importlib.util.find_spec(name) is None:
            hint = "'uvicorn[standard]'" if name == "uvicorn" else name
            raise argparse.ArgumentTypeError(f"{name} is not installed (pip install {hint})")
    if not names:
        raise argparse.ArgumentTypeError("name at least one server")
    return names


# ================================================================================================
# Load generator: the worker side (``harness.py --worker``), stdlib only
# ================================================================================================


def retry_ceiling(attempt, outage):
    """socket.js's ``retryCeiling``, in seconds: the longest wait after ``attempt`` failed attempts
    in an outage that began ``outage`` seconds ago."""
    if outage < QUICK_RETRY_WINDOW:
        return min(QUICK_RETRY_CEILING, BACKOFF_BASE * 2**attempt)
    doublings = (outage - QUICK_RETRY_WINDOW) / QUICK_RETRY_WINDOW
    return min(BACKOFF_CAP, QUICK_RETRY_CEILING * 2**doublings)


IDLE, CONNECTING, HANDSHAKE, SUBSCRIBING, SUBSCRIBED = range(5)


class Client:
    __slots__ = (
        "attempt",
        "buffer",
        "caught_at",
        "fd",
        "number",
        "outage_start",
        "port",
        "reply_bytes",
        "request",
        "resubscribed",
        "resumes",
        "retry_at",
        "seq",
        "sock",
        "started",
        "state",
        "writes",
    )

    def __init__(self, number, port, request, writes):
        self.number = number
        self.port = port
        self.request = request
        self.writes = writes
        self.sock = None
        self.fd = -1
        self.state = IDLE
        self.buffer = b""
        self.seq = None
        self.attempt = 0
        self.outage_start = 0.0
        self.retry_at = 0.0
        self.started = 0.0
        self.caught_at = None
        self.reply_bytes = 0
        self.resumes = 0
        self.resubscribed = False


class Generator:
    def __init__(self, config):
        self.topic = config["topic"]
        self.concurrency = config.get("concurrency", 40)
        self.timeout = config.get("timeout", 60.0)
        people = json.loads(Path(config["people"]).read_text()) if config.get("people") else {}
        key = "dGhlIHNhbXBsZSBub25jZQ=="
        self.clients = []
        for number in range(config["first"], config["first"] + config["count"]):
            port = config["ports"][number % len(config["ports"])]
            auth = config["auth"][number] if number < len(config["auth"]) else "anonymous"
            headers = [
                "GET /ws/ HTTP/1.1",
                f"Host: 127.0.0.1:{port}",
                "Upgrade: websocket",
                "Connection: Upgrade",
                f"Sec-WebSocket-Key: {key}",
                "Sec-WebSocket-Version: 13",
                f"Origin: http://127.0.0.1:{port}",
            ]
            writes = auth != "anonymous"
            if auth == "token":
                headers.append(f"Authorization: Token {people['tokens'][number]}")
            elif auth == "cookie":
                headers.append(f"Cookie: {people['cookie_name']}={people['cookies'][number]}")
            request = ("\r\n".join(headers) + "\r\n\r\n").encode()
            self.clients.append(Client(number, port, request, writes))
        self.first = config["first"]
        # Clients waiting to (re)connect, as (retry_at, number); entries whose client was
        # rescheduled or opened meanwhile are skipped when they come up (open_due).
        self.due = []
        self.caught = 0  # clients caught up in the current storm
        self.next_expire = 0.0
        self.by_fd = {}
        self.poller = select.epoll()
        self.control = -1
        self.in_flight = 0
        self.reconnect = False
        self.target = None
        self.storm_started = None
        # A reload's storm: a client is back only through a new subscribe (pushes reach it on
        # its old socket until that closes); and when the first subscribed socket closed.
        self.resubscribe = False
        self.first_closed = self.last_closed = None
        self.errors = {}
        self.closed = 0
        self.histogram = {}
        self.per_message = {}
        self.received = 0
        self.replies = {}
        self.pushes = {}
        self.plan = []
        self.next_id = 10

    # -- bookkeeping ---------------------------------------------------------------------------
    def error(self, reason):
        reason = reason[:160]
        self.errors[reason] = self.errors.get(reason, 0) + 1

    def subscribed(self):
        return sum(1 for client in self.clients if client.state == SUBSCRIBED)

    def caught_up(self):
        return sum(1 for client in self.clients if client.caught_at is not None)

    # -- connecting ----------------------------------------------------------------------------
    def open(self, client):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        code = sock.connect_ex(("127.0.0.1", client.port))
        if code not in (0, errno.EINPROGRESS):
            sock.close()
            self.failed(client, f"connect: {os.strerror(code)}")
            return
        client.sock = sock
        client.fd = sock.fileno()
        client.state = CONNECTING
        client.started = time.monotonic()
        client.buffer = b""
        self.by_fd[client.fd] = client
        self.poller.register(client.fd, select.EPOLLOUT)
        self.in_flight += 1

    def close(self, client, *, abort=False):
        if client.sock is None:
            return
        if client.state in (CONNECTING, HANDSHAKE, SUBSCRIBING):
            self.in_flight -= 1
        with contextlib.suppress(OSError, KeyError, ValueError):
            self.poller.unregister(client.fd)
        self.by_fd.pop(client.fd, None)
        if abort:  # RST instead of FIN: the network dropped the connection
            client.sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, (1).to_bytes(4, "little") + bytes(4)
            )
        client.sock.close()
        client.sock = None
        client.fd = -1
        client.state = IDLE

    def failed(self, client, reason):
        """The socket is gone (refused, closed, reset): retry later if reconnecting, else count."""
        was = client.state
        self.close(client)
        if was == SUBSCRIBED:
            self.closed += 1
            if self.storm_started is not None:
                self.last_closed = time.time()
                if self.first_closed is None:
                    self.first_closed = self.last_closed
        if self.reconnect:
            now = time.monotonic()
            if client.attempt == 0:
                client.outage_start = now
            ceiling = retry_ceiling(client.attempt, now - client.outage_start)
            client.attempt += 1
            self.schedule(client, now + random.random() * ceiling)
        else:
            if was != SUBSCRIBED:
                self.error(reason)
            client.retry_at = float("inf")

    def schedule(self, client, at):
        """Let ``client`` (re)connect at ``at`` (monotonic time), as its browser's timer would."""
        client.retry_at = at
        heapq.heappush(self.due, (at, client.number))

    def open_due(self, now):
        """Open the clients whose time has come, earliest first, while fewer than
        ``concurrency`` connects are in flight. A heap, not a walk over every client: 5,000
        clients walked after every poll cost this load generator about a third of its CPU in a
        reconnect storm (docs/performance.md), taken from the servers it shares the cores with."""
        due = self.due
        while due and self.in_flight < self.concurrency:
            at, number = due[0]
            if at > now:
                return
            heapq.heappop(due)
            client = self.clients[number - self.first]
            if client.state == IDLE and client.retry_at == at:
                self.open(client)

    def wait(self, now, longest):
        """How long a poll may wait: ``longest``, or less when a client's timer is due sooner."""
        if self.due and self.in_flight < self.concurrency:
            return max(0.0, min(longest, self.due[0][0] - now))
        return longest

    def expire(self, now):
        """Give up on connects older than the timeout; looked at four times a second."""
        if now < self.next_expire:
            return
        self.next_expire = now + 0.25
        for client in list(self.by_fd.values()):
            if client.state != SUBSCRIBED and now - client.started > self.timeout:
                self.failed(client, "timeout")

    # -- the event loop ------------------------------------------------------------------------
    def poll(self, timeout):
        control = False
        for fd, events in self.poller.poll(timeout):
            client = self.by_fd.get(fd)
            if client is None:
                control = control or fd == self.control
                continue
            if client.state == CONNECTING:
                code = client.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if code or events & (select.EPOLLERR | select.EPOLLHUP):
                    self.failed(client, f"connect: {os.strerror(code) if code else 'hang-up'}")
                    continue
                client.state = HANDSHAKE
                client.sock.send(client.request)
                self.poller.modify(fd, select.EPOLLIN)
                continue
            try:
                data = client.sock.recv(262144)
            except BlockingIOError:
                continue
            except OSError as error:
                self.failed(client, f"recv: {error}")
                continue
            if not data:
                self.failed(client, "closed by the server")
                continue
            self.received_bytes(client, data, time.time())
        return control

    def subscribe_frame(self, client):
        data = {"topic": self.topic}
        if client.seq is not None:
            data["since"] = client.seq
            client.resumes += 1
        return _client_frame(json.dumps({"id": 1, "type": "subscribe", "data": data}).encode())

    def received_bytes(self, client, data, now):
        if client.buffer:
            data = client.buffer + data
            client.buffer = b""
        if client.state == HANDSHAKE:
            end = data.find(b"\r\n\r\n")
            if end < 0:
                client.buffer = data
                return
            if not data.startswith(b"HTTP/1.1 101"):
                self.failed(client, "handshake: " + data.split(b"\r\n", 1)[0].decode("latin-1"))
                return
            client.state = SUBSCRIBING
            client.sock.send(self.subscribe_frame(client))
            data = data[end + 4 :]
        frames, rest = server_frames(data)
        for opcode, start, end in frames:
            if opcode == 0x1:
                if self.frame(client, data, start, end, now) is False:
                    return
            elif opcode == 0x9:
                client.sock.send(_client_frame(data[start:end], 0xA))
            elif opcode == 0x8:
                code = int.from_bytes(data[start : start + 2], "big") if end - start >= 2 else 0
                self.failed(client, f"close frame {code}")
                return
        if rest < len(data):
            client.buffer = data[rest:]

    def frame(self, client, data, start, end, now):
        if data.startswith(b'{"reply_to":', start, end):
            reply_to = data[start + 12 : data.find(b",", start + 12, end)]
            if reply_to == b"1":
                return self.subscribe_reply(client, data[start:end], now)
            ok = data.startswith(b'"ok":true', start + 13 + len(reply_to), end)
            code = "ok"
            if not ok:
                found = data.find(b'"code":"', start, end)
                code = (
                    data[found + 8 : data.find(b'"', found + 8, end)].decode()
                    if found >= 0
                    else "?"
                )
            self.replies[code] = self.replies.get(code, 0) + 1
            return None
        # A batch frame (several pushes of a busy topic) carries one mark per chat message.
        index = data.find(MARK, start, end)
        while index >= 0:
            number = int(data[index + 7 : index + 13])
            latency = now - float(data[index + 14 : index + 31])
            self.record(number, latency)
            index = data.find(MARK, index + 31, end)
        type_start = data.find(b'"type":"', start, end)
        if type_start >= 0:
            type_end = data.find(b'"', type_start + 8, end)
            kind = data[type_start + 8 : type_end].decode()
            self.pushes[kind] = self.pushes.get(kind, 0) + 1
            if kind == "batch":
                self.count_batched(data, type_end, end)
        seq_at = data.rfind(b',"seq":', start, end)
        if seq_at >= 0 and client.seq is not None:
            tail = data[seq_at + 7 : end].rstrip(b"}")
            if tail.isdigit():
                client.seq = max(client.seq, int(tail))
                self.check_caught(client, now)
        return None

    def count_batched(self, data, start, end):
        """Count a batch frame's pushes by type (each push frame begins with its type)."""
        at = data.find(BATCHED, start, end)
        while at >= 0:
            type_end = data.find(b'"', at + len(BATCHED), end)
            kind = data[at + len(BATCHED) : type_end].decode()
            self.pushes[kind] = self.pushes.get(kind, 0) + 1
            at = data.find(BATCHED, type_end, end)

    def subscribe_reply(self, client, payload, now):
        self.in_flight -= 1
        reply = json.loads(payload)
        if not reply.get("ok"):
            self.failed(client, "subscribe refused: " + json.dumps(reply.get("error"))[:120])
            return False
        data = reply["data"]
        client.state = SUBSCRIBED
        client.resubscribed = self.storm_started is not None
        client.reply_bytes = len(payload)
        seq = data.get("seq", 0) or 0
        for push in data.get("missed", ()):
            seq = max(seq, push.get("seq", 0))
            self.pushes["missed"] = self.pushes.get("missed", 0) + 1
        client.seq = seq if client.seq is None else max(client.seq, seq)
        self.check_caught(client, time.time())
        return None

    def check_caught(self, client, now):
        waiting = client.caught_at is None and self.storm_started is not None
        if waiting and self.resubscribe and not client.resubscribed:
            return
        if waiting and (self.target is None or client.seq >= self.target):
            client.caught_at = now
            self.caught += 1

    def record(self, number, latency):
        self.received += 1
        bucket = int(latency * 1000)
        self.histogram[bucket] = self.histogram.get(bucket, 0) + 1
        entry = self.per_message.get(number)
        if entry is None:
            self.per_message[number] = [1, latency]
        else:
            entry[0] += 1
            if latency > entry[1]:
                entry[1] = latency

    # -- commands ------------------------------------------------------------------------------
    def connect_all(self):
        started = time.perf_counter()
        now = time.monotonic()
        for client in self.clients:
            if client.state == IDLE:
                self.schedule(client, now)
        # Done when no client is waiting to connect or connecting: each is subscribed or gave up.
        while self.due or self.in_flight:
            now = time.monotonic()
            self.open_due(now)
            self.poll(self.wait(now, 0.05))
            self.expire(time.monotonic())
        return time.perf_counter() - started

    def drop(self):
        """The network drops every connection (RST); nobody retries until :meth:`storm`."""
        self.reconnect = False
        for client in self.clients:
            if client.sock is not None:
                self.close(client, abort=True)
            client.retry_at = float("inf")

    def storm(self, target, started_at=None, concurrency=None, resubscribe=False):
        """Every client reconnects and resubscribes with ``since``; returns when all are caught up
        to ``target`` (the topic's newest seq) or after ``self.timeout``. Times count from
        ``started_at`` (by the orchestrator's clock) or now. Clients that are not retrying yet
        (after :meth:`drop`) make their first attempt within socket.js's first backoff step.
        ``concurrency``: at most this many connects in flight (None: each client connects when
        its own backoff says, as independent browsers do). ``resubscribe``: the servers close
        the sockets themselves meanwhile (a reload), and a client is back only once it has
        subscribed again."""
        self.concurrency = concurrency or len(self.clients)
        self.reconnect = True
        self.target = target
        self.resubscribe = resubscribe
        self.first_closed = self.last_closed = None
        self.storm_started = started_at or time.time()
        now = time.monotonic()
        self.caught = 0
        for client in self.clients:
            client.caught_at = None
            client.resubscribed = False
            client.reply_bytes = 0
            if client.state == IDLE and client.retry_at == float("inf"):
                self.schedule(client, now + random.random() * BACKOFF_BASE)
                client.attempt = 1
                client.outage_start = now
        deadline = now + self.timeout
        while time.monotonic() < deadline:
            now = time.monotonic()
            self.open_due(now)
            if self.caught >= len(self.clients):
                break
            self.poll(self.wait(now, 0.02))
            self.expire(time.monotonic())
        return self.storm_report()

    def storm_report(self):
        times = sorted(c.caught_at - self.storm_started for c in self.clients if c.caught_at)
        return {
            "caught": len(times),
            "times": [round(value, 4) for value in times],
            "reply_bytes": sum(client.reply_bytes for client in self.clients),
            "resumes": sum(client.resumes for client in self.clients),
            "first_closed": self.first_closed and self.first_closed - self.storm_started,
            "last_closed": self.last_closed and self.last_closed - self.storm_started,
            "errors": self.errors,
        }

    def run_plan(self, plan, start_at, linger):
        """Send the planned requests at their times (``[[client, offset, type, data], …]``)."""
        by_number = {client.number: client for client in self.clients}
        plan = sorted(plan, key=lambda item: item[1])
        index = 0
        sent = 0
        end = start_at + (plan[-1][1] if plan else 0) + linger
        while True:
            now = time.time()
            while index < len(plan) and start_at + plan[index][1] <= now:
                number, _offset, type_, data = plan[index]
                index += 1
                client = by_number.get(number)
                if client is None or client.state != SUBSCRIBED:
                    self.error("not connected when due to send")
                    continue
                if type_ == "chat.send":
                    data = dict(data, text=chat_text(data["n"], time.time()))
                    data.pop("n")
                self.next_id += 1
                frame = json.dumps({"id": self.next_id, "type": type_, "data": data}).encode()
                client.sock.send(_client_frame(frame))
                sent += 1
            if now >= end:
                break
            wait = 0.05 if index >= len(plan) else max(0.0, start_at + plan[index][1] - now)
            self.poll(min(wait, 0.05))
        return sent

    def report(self):
        return {
            "subscribed": self.subscribed(),
            "closed": self.closed,
            "errors": self.errors,
            "received": self.received,
            "histogram": self.histogram,
            "per_message": self.per_message,
            "replies": self.replies,
            "pushes": self.pushes,
        }


def chat_text(number, sent):
    head = f"kbench@{number:06d}@{sent:17.6f}@ "
    return head + "Guten Morgen aus Kassel! " + "x" * 40


def _say(payload):
    sys.stdout.write(json.dumps(payload, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def worker_main(config_path):
    raise_nofile()
    config = json.loads(Path(config_path).read_text())
    generator = Generator(config)
    stdin = sys.stdin.fileno()
    os.set_blocking(stdin, False)
    generator.poller.register(stdin, select.EPOLLIN)
    generator.control = stdin
    pending = b""
    _say({"event": "started"})
    while True:
        if not generator.poll(0.5):
            continue
        try:
            chunk = os.read(stdin, 1 << 20)
        except BlockingIOError:
            continue
        if not chunk:
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            command = json.loads(line)
            name = command["cmd"]
            if name == "connect":
                seconds = generator.connect_all()
                _say({"event": "connect", "subscribed": generator.subscribed(),
                      "errors": generator.errors, "seconds": seconds})  # fmt: skip
            elif name == "storm":
                generator.errors = {}
                result = generator.storm(
                    command.get("target"),
                    command.get("started_at"),
                    command.get("concurrency"),
                    command.get("resubscribe", False),
                )
                _say({"event": "storm", **result})
            elif name == "drop":
                generator.drop()
                _say({"event": "drop"})
            elif name == "reconnect":
                generator.reconnect = command.get("on", True)
                _say({"event": "reconnect"})
            elif name == "plan":
                sent = generator.run_plan(command["plan"], command["start"], command["linger"])
                _say({"event": "plan", "sent": sent})
            elif name == "idle":
                deadline = time.monotonic() + command["seconds"]
                while time.monotonic() < deadline:
                    generator.poll(0.05)
                _say({"event": "idle"})
            elif name == "report":
                _say({"event": "report", **generator.report()})
            elif name == "quit":
                for client in generator.clients:
                    if client.sock is not None:
                        client.sock.close()
                return


# ================================================================================================
# Load generator: the orchestrator side
# ================================================================================================


class Swarm:
    """``clients`` sockets over ``procs`` worker processes; ``auth[n]`` is "token", "cookie" or
    "anonymous" for client n (anonymous past the end of the list)."""

    def __init__(self, prepared, ports, topic, clients, procs, auth, *, concurrency=40, timeout=60):
        self.config = {
            "people": str(prepared.people_file),
            "ports": ports,
            "topic": topic,
            "auth": auth,
            "timeout": timeout,
        }
        self.clients = clients
        self.procs = max(1, min(procs, clients))
        self.concurrency = self.per_process(concurrency)
        self.temp = prepared.temp
        self.workers = []

    def per_process(self, concurrency):
        """``concurrency`` connects in flight per server port, as a number per load-generator
        process (how the initial connects are limited); None stays None."""
        if not concurrency:
            return None
        return max(1, concurrency * len(self.config["ports"]) // self.procs)

    def share(self, index):
        base, rest = divmod(self.clients, self.procs)
        first = index * base + min(index, rest)
        return first, base + (1 if index < rest else 0)

    async def start(self):
        for index in range(self.procs):
            first, count = self.share(index)
            config = dict(self.config, first=first, count=count, concurrency=self.concurrency)
            path = self.temp / f"worker-{uuid.uuid4().hex[:8]}.json"
            path.write_text(json.dumps(config))
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                str(Path(__file__).resolve()),
                "--worker",
                str(path),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                limit=256 * 1024 * 1024,
            )
            _children.append(process)
            self.workers.append(process)
            await self._expect(process, "started", 60)

    def owner(self, number):
        for index in range(self.procs):
            first, count = self.share(index)
            if first <= number < first + count:
                return index
        raise ValueError(number)

    async def _send(self, process, payload):
        process.stdin.write(json.dumps(payload).encode() + b"\n")
        await process.stdin.drain()

    async def _expect(self, process, event, timeout):
        line = await asyncio.wait_for(process.stdout.readline(), timeout)
        if not line:
            raise RuntimeError(f"load generator exited (code {await process.wait()})")
        payload = json.loads(line)
        if payload.get("event") != event:
            raise RuntimeError(f"load generator said {payload!r}, expected {event}")
        return payload

    async def all(self, payload, event, timeout=600, per_worker=None):
        for index, process in enumerate(self.workers):
            await self._send(process, per_worker(index, payload) if per_worker else payload)
        return [await self._expect(process, event, timeout) for process in self.workers]

    async def connect(self):
        started = time.perf_counter()
        answers = await self.all({"cmd": "connect"}, "connect")
        seconds = time.perf_counter() - started
        errors = merge_counts(answer["errors"] for answer in answers)
        return sum(answer["subscribed"] for answer in answers), seconds, errors

    async def run_plan(self, plan, start, linger):
        shares = [[] for _ in self.workers]
        for item in plan:
            shares[self.owner(item[0])].append(item)
        for process, share in zip(self.workers, shares, strict=True):
            await self._send(
                process, {"cmd": "plan", "plan": share, "start": start, "linger": linger}
            )
        answers = [await self._expect(process, "plan", 3600) for process in self.workers]
        return sum(answer["sent"] for answer in answers)

    async def report(self):
        answers = await self.all({"cmd": "report"}, "report")
        histogram = {}
        per_message = {}
        for answer in answers:
            for key, value in answer["histogram"].items():
                histogram[int(key)] = histogram.get(int(key), 0) + value
            for key, (count, worst) in answer["per_message"].items():
                entry = per_message.setdefault(int(key), [0, 0.0])
                entry[0] += count
                entry[1] = max(entry[1], worst)
        return {
            "subscribed": sum(answer["subscribed"] for answer in answers),
            "closed": sum(answer["closed"] for answer in answers),
            "received": sum(answer["received"] for answer in answers),
            "errors": merge_counts(answer["errors"] for answer in answers),
            "replies": merge_counts(answer["replies"] for answer in answers),
            "pushes": merge_counts(answer["pushes"] for answer in answers),
            "histogram": histogram,
            "per_message": per_message,
        }

    def cpu(self):
        return sum(cpu_seconds(process.pid) for process in self.workers)

    async def stop(self):
        for process in self.workers:
            if process.returncode is None:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    await self._send(process, {"cmd": "quit"})
                try:
                    await asyncio.wait_for(process.wait(), 15)
                except TimeoutError:
                    process.kill()
                    await process.wait()
            with contextlib.suppress(ValueError):
                _children.remove(process)
        self.workers = []


async def compare(args, one_config, rounds=None):
    """Run ``one_config(args, prepared, kind)`` for the bare server (unless ``--no-bare``) and then
    for ours on one prepared database, with the machine's load noted before and after; returns
    ``{kind: result}``.

    With ``rounds`` (a list of argument namespaces) each round runs for every kind before the
    next round, and each kind's result is its rounds' results (dicts) merged: a round's figures
    for the two servers are then taken minutes apart at most, on a machine whose speed drifts."""
    kinds = ([] if args.no_bare else ["bare"]) + args.server
    log(f"before: {load_note()}")
    prepared = prepare(args, args.clients)
    try:
        if rounds is None:
            results = {kind: await one_config(args, prepared, kind) for kind in kinds}
        else:
            results = {kind: {} for kind in kinds}
            for number, round_args in enumerate(rounds):
                if number:
                    log(f"next round: {load_note()}")
                for kind in kinds:
                    results[kind].update(await one_config(round_args, prepared, kind))
    finally:
        prepared.close()
    log(f"after: {load_note()}")
    return results


def merge_counts(dicts):
    merged = {}
    for item in dicts:
        for key, value in item.items():
            merged[key] = merged.get(key, 0) + value
    return merged


def split_auth(count, people):
    """Token for the even, session cookie for the odd of the first ``people`` clients."""
    return ["token" if number % 2 == 0 else "cookie" for number in range(min(count, people))]


def run(main_coroutine):
    """Run a scenario's orchestrator; children are stopped also on Ctrl-C or an error."""

    def terminate(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        asyncio.run(main_coroutine)
    except KeyboardInterrupt:
        log("interrupted; servers and load generators stopped")
    finally:
        cleanup_children()
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        with contextlib.suppress(KeyboardInterrupt, BrokenPipeError):
            worker_main(sys.argv[2])
        sys.exit(0)
    sys.exit(__doc__)
