"""``python -m treffpunkt.serve`` listens before the application has loaded.

daphne on its own binds its port only after importing the application (Django, DRF, every app):
a restarted process refuses every connect for that long, and each refused client backs off. The
launcher binds first and hands the socket to daphne (treffpunkt/serve.py); a connect that arrives
meanwhile waits in the kernel's queue and is answered once the application is there.

The launcher then stays as the workers' master: a worker that dies is replaced by a fork of the
loaded master, and the port, which the master holds, never stops taking connects. SIGHUP reloads:
the master loads the application again while the old workers serve, then hands over to new ones.
daphne keeps no access log unless its options ask for one.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.servers import ROOT, child_pids, free_port, read_until_closed, sqlite_env

pytestmark = pytest.mark.multiprocess


def _connect_while_running(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, f"the launcher exited with {process.returncode}"
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=60)
        except ConnectionRefusedError:
            assert time.monotonic() < deadline, f"nothing listened on {port} within {timeout} s"
            time.sleep(0.02)


def test_a_connect_made_while_the_application_loads_is_answered_once_it_has(
    database_templates, tmp_path
):
    gate = tmp_path / "gate"
    env = {
        **sqlite_env(tmp_path, database_templates.sqlite_url(tmp_path)),
        "TREFFPUNKT_TEST_GATE": str(gate),
    }
    port = free_port()
    application = "tests.hardening.gated_asgi:application"
    command = [sys.executable, "-m", "treffpunkt.serve", "--port", str(port),
               "--application", application]  # fmt: skip
    with (tmp_path / "daphne.log").open("wb") as log:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        # The gate is shut: the application cannot have loaded, yet the connect is accepted.
        with _connect_while_running(port, process) as waiting:
            waiting.sendall(
                b"GET /health/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            )
            assert not gate.exists()
            gate.touch()
            answer = read_until_closed(waiting)
    finally:
        process.terminate()
        process.wait(timeout=15)

    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    # The pid a supervisor signals is the master's: it stops its worker and exits cleanly.
    assert process.returncode == 0
    # No access log by default: the client's address is not written down for the request.
    assert b"/health/" not in (tmp_path / "daphne.log").read_bytes()


@pytest.mark.parametrize(
    ("options", "access_log"),
    [
        ([], False),
        (["--proxy-headers"], False),
        (["--access-log", "-"], True),
        (["--access-log=/var/log/treffpunkt/access.log"], True),
        (["-v", "1"], True),
        (["-v1"], True),
        (["--verbosity=2"], True),
    ],
)
def test_daphne_keeps_an_access_log_only_when_its_options_ask_for_one(options, access_log):
    from daphne.cli import CommandLineInterface

    from treffpunkt.serve import daphne_arguments

    command = daphne_arguments(socket.AF_INET, options)
    parsed = CommandLineInterface().parser.parse_args(command)

    assert (parsed.verbosity >= 1 or parsed.access_log is not None) is access_log
    assert command[-1] == "treffpunkt.asgi:application"


# Run in a fresh interpreter: daphne installs Twisted's asyncio reactor when imported.
_LOAD_AND_STOP = """
import gc, sys
from treffpunkt import serve

def collections():
    return sum(stats["collections"] for stats in gc.get_stats())

before = collections()
serve.preload("treffpunkt.asgi:application")  # the master's part
during = collections() - before
reactor = "twisted.internet.reactor" in sys.modules
frozen = gc.get_freeze_count()
from daphne import server  # a worker's part, after the fork

def run(self):
    from django.urls import resolve
    resolve("/")  # the URLconf, which every view module's imports come with, as a request loads it
    heavy = sorted(name for name in ("numpy", "icalendar", "PIL") if name in sys.modules)
    print(reactor, gc.isenabled(), during, frozen, ",".join(heavy) or "-")
    raise SystemExit(0)

server.Server.run = run
serve.run_daphne(["-b", "127.0.0.1", "-p", "0", "treffpunkt.asgi:application"])
"""


def test_the_master_loads_without_the_collector_and_the_workers_collect_again(tmp_path):
    env = sqlite_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", _LOAD_AND_STOP],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    reactor, enabled, collections, frozen, heavy = result.stdout.split()
    # No reactor (and so no event loop) in the master: each forked worker installs its own.
    assert reactor == "False"
    # With the collector on, loading runs about 200 collections; off, only a library's explicit
    # gc.collect() counts.
    assert int(collections) < 10
    # What loading made is left out of every later collection, in the master and its workers.
    assert int(frozen) > 100_000
    # On in the worker, or cyclic garbage would pile up for the process's life.
    assert enabled == "True"
    # Libraries only a few requests need (the matchmaking engine's numpy, iCalendar files, the
    # logo check's Pillow) wait for their first use: each costs every starting process 10–200 ms
    # of CPU otherwise.
    assert heavy == "-"


# A worker's first uses of each backend, after the master's part; with Redis and a pooled
# PostgreSQL configured, though neither need listen: nothing here connects.
_FIRST_USES = """
import sys
from treffpunkt import serve

serve.preload("treffpunkt.asgi:application")  # the master's part
from daphne import server  # noqa: F401 (a worker's own, after the fork)
loaded = set(sys.modules)

from importlib import import_module
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.template import engines
from django.utils.module_loading import import_string
from treffpunkt.realtime import presence

get_channel_layer()  # a socket's groups
presence.store()  # a socket's presence
caches["default"], caches["pages"]  # the limits, the kept pages
import_module(settings.SESSION_ENGINE).SessionStore()  # a cookie's session
import_string(settings.SESSION_SERIALIZER), import_string(settings.MESSAGE_STORAGE)
connections["default"].pool  # the first connection's pool (not opened)
engines["django"].get_template("web/base.html")  # a page's template, tags and loaders
print(",".join(sorted(set(sys.modules) - loaded)) or "-")
"""


def test_a_worker_forked_from_the_master_loads_nothing_on_its_first_socket_or_page(tmp_path):
    env = {
        **sqlite_env(tmp_path),
        "DATABASE_URL": "postgres://treffpunkt@127.0.0.1:9/treffpunkt",
        "REDIS_URL": "redis://127.0.0.1:9/0",
    }
    result = subprocess.run(
        [sys.executable, "-c", _FIRST_USES],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    # The Redis client alone is some 60 modules, 0.06–0.09 s of CPU: a replaced worker paid it
    # on its event loop while a crash's reconnects waited in its queue.
    assert result.stdout.split() == ["-"]


def _get(port, path="/health/"):
    with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
        connection.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        return read_until_closed(connection)


def _wait(predicate, what, timeout=30):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, f"{what} within {timeout} s"
        time.sleep(0.02)
    return value


@pytest.fixture
def gated_master(database_templates, tmp_path):
    """``python -m treffpunkt.serve --workers 2`` on the gated application, gate open and serving;
    yields (master process, port, gate)."""
    gate = tmp_path / "gate"
    gate.touch()
    env = {
        **sqlite_env(tmp_path, database_templates.sqlite_url(tmp_path)),
        "TREFFPUNKT_TEST_GATE": str(gate),
        # A reload's old worker drains until its websockets are closed (or this long).
        "REALTIME_DRAIN_SECONDS": "20",
    }
    port = free_port()
    command = [sys.executable, "-m", "treffpunkt.serve", "--port", str(port), "--workers", "2",
               "--application", "tests.hardening.gated_asgi:application"]  # fmt: skip
    with (tmp_path / "daphne.log").open("wb") as log:
        # Its own session, without the suite's terminal, if any: there SIGHUP would stop it.
        master = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)  # fmt: skip
    try:
        _wait(lambda: len(child_pids(master.pid)) == 2, "two workers")
        assert _get(port).startswith(b"HTTP/1.1 200")
        yield master, port, gate
    finally:
        if master.poll() is None:
            master.kill()
            master.wait(timeout=15)


def test_a_killed_worker_is_replaced_from_the_loaded_master_and_the_port_keeps_answering(
    gated_master,
):
    master, port, gate = gated_master
    first, second = child_pids(master.pid)
    # Shut the gate: a worker that imported the application again would wait here for good.
    gate.unlink()
    os.kill(first, signal.SIGKILL)
    # Asked at once: the master still holds the port, so the connect waits in its queue (or
    # goes to the other worker) and is answered; nothing is refused.
    for _ in range(5):
        assert _get(port).startswith(b"HTTP/1.1 200")
    workers = _wait(
        lambda: len(w := child_pids(master.pid)) == 2 and first not in w and w, "a new worker"
    )
    assert second in workers
    replacement = next(pid for pid in workers if pid != second)
    os.kill(second, signal.SIGKILL)  # the replacement alone serves, without the gate
    _wait(lambda: second not in child_pids(master.pid), "the second worker gone")
    assert _get(port).startswith(b"HTTP/1.1 200")
    assert replacement in child_pids(master.pid)
    assert master.poll() is None


def test_sigterm_to_the_master_stops_its_workers_and_it_exits_cleanly(gated_master):
    master, port, _gate = gated_master
    workers = child_pids(master.pid)
    master.terminate()
    assert master.wait(timeout=15) == 0
    for pid in workers:  # reaped by the master, so gone, not zombies
        assert not Path(f"/proc/{pid}").exists()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5)


def test_a_killed_master_takes_its_workers_with_it_and_frees_the_port(gated_master):
    master, port, _gate = gated_master
    workers = child_pids(master.pid)
    master.kill()
    master.wait(timeout=15)
    # Each worker asked the kernel to kill it when its master dies: none keeps the port.
    _wait(lambda: not any(Path(f"/proc/{pid}").exists() and _state(pid) != "Z" for pid in workers),
          "the workers gone")  # fmt: skip
    # A worker's main thread turns zombie before its other threads (the database's, asgiref's)
    # have exited and closed the files they share, the socket among them: the port is freed
    # moments later, not at once. One still held after seconds would be a worker that lives on.
    _wait(lambda: not _listening(port), "the port freed", timeout=10)


def _listening(port):
    """Whether any socket listens on 127.0.0.1:``port`` (the kernel's table, /proc/net/tcp).

    Not a bind of the port: once it is free, any other process's outgoing connection may take
    it as its own ephemeral port, which a bind then finds in use."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, local_port = local.split(":")
        if int(local_port, 16) == port and state == "0A" and address in ("0100007F", "00000000"):
            return True
    return False


def _state(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def _cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return []


def _new_workers(master, old):
    """Until the master has two workers, none of them ``old``; returns them."""
    return _wait(
        lambda: len(w := set(child_pids(master.pid))) == 2 and not w & old and w,
        "two new workers, the old ones gone",
    )


def test_a_reload_loads_the_application_again_while_the_old_workers_serve_then_hands_over(
    gated_master,
):
    master, port, gate = gated_master
    old = set(child_pids(master.pid))
    gate.unlink()  # the reloaded master's import of the application waits here
    master.send_signal(signal.SIGHUP)
    _wait(lambda: b"--retire" in _cmdline(master.pid), "the master executed again")
    # Loading: the old workers answer meanwhile, and are still the master's.
    for _ in range(5):
        assert _get(port).startswith(b"HTTP/1.1 200")
    assert set(child_pids(master.pid)) == old
    gate.touch()
    new = _new_workers(master, old)
    assert _get(port).startswith(b"HTTP/1.1 200")
    for pid in old:  # stopped and reaped by the master
        assert not Path(f"/proc/{pid}").exists()
    # The same process throughout: systemd's main pid, Docker's PID 1.
    assert master.poll() is None
    # A second reload hands over from the first one's workers.
    master.send_signal(signal.SIGHUP)
    _new_workers(master, new)
    assert _get(port).startswith(b"HTTP/1.1 200")


def _websocket(port):
    """A websocket to the project's gateway, open once its first frame has come; returns the
    socket and that frame, ``("text", payload)`` or ``("close", code)``, or ``("closed", the
    bytes received)`` when the server closed the connection before a frame."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=30)
    connection.sendall(
        (
            f"GET /ws/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            f"Sec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:{port}\r\n\r\n"
        ).encode()
    )
    received = b""
    while True:
        end = received.find(b"\r\n\r\n")
        if end >= 0 and len(received) >= end + 6:
            head, frame = received[:end], received[end + 4 :]
            length = frame[1] & 0x7F
            header = 2 + {126: 2, 127: 8}.get(length, 0)
            if length >= 126:
                length = int.from_bytes(frame[2:header], "big")
            if len(frame) >= header + length:
                break
        chunk = connection.recv(65536)
        if not chunk:
            return connection, ("closed", received[:200])
        received += chunk
    assert head.startswith(b"HTTP/1.1 101"), head[:200]
    payload = frame[header : header + length]
    if frame[0] & 0x0F == 0x8:
        return connection, ("close", int.from_bytes(payload[:2], "big"))
    return connection, ("text", payload)


def test_a_reloads_old_workers_take_no_connect_while_they_drain(gated_master):
    master, port, _gate = gated_master
    # Clients that never answer the close frame: each old worker drains for a while.
    silent = [_websocket(port)[0] for _ in range(8)]
    old = set(child_pids(master.pid))
    master.send_signal(signal.SIGHUP)
    _wait(lambda: len(set(child_pids(master.pid)) - old) == 2, "two new workers")
    # From here until the old workers have gone, every connect goes to a new worker: one that
    # reached a draining worker would be turned away with 4012 and have to come back.
    frames = []
    while set(child_pids(master.pid)) & old:
        connection, first = _websocket(port)
        connection.close()
        frames.append(first)
    for connection in silent:
        connection.close()
    refused = [frame for frame in frames if frame[0] != "text" or b'"hello"' not in frame[1]]
    assert len(frames) > 50  # the old workers drained for that many connects at least
    # At most the few a worker had taken in the loop's turn that SIGTERM came in (one of 178 in
    # one run of four); a worker that went on taking them refused about half.
    assert len(refused) <= 3, f"{len(refused)} of {len(frames)} refused: {refused[:3]}"


def test_a_reload_whose_code_does_not_load_leaves_the_old_workers_serving(gated_master, tmp_path):
    master, port, gate = gated_master
    old = set(child_pids(master.pid))
    broken = gate.with_name(gate.name + ".broken")
    broken.touch()
    master.send_signal(signal.SIGHUP)
    log = tmp_path / "daphne.log"
    _wait(lambda: b"did not load" in log.read_bytes(), "the master saying the reload failed")
    assert b"broken on purpose" in log.read_bytes()  # the traceback, for the operator
    for _ in range(5):
        assert _get(port).startswith(b"HTTP/1.1 200")
    assert set(child_pids(master.pid)) == old
    assert master.poll() is None
    # Fixed, the next reload hands over.
    broken.unlink()
    master.send_signal(signal.SIGHUP)
    _new_workers(master, old)
    assert _get(port).startswith(b"HTTP/1.1 200")


def test_a_terminals_hangup_stops_the_server_rather_than_reloading_it(database_templates, tmp_path):
    """``make run`` in a terminal that is closed: SIGHUP is the hangup, not a deploy."""
    gate = tmp_path / "gate"
    gate.touch()
    env = {
        **sqlite_env(tmp_path, database_templates.sqlite_url(tmp_path)),
        "TREFFPUNKT_TEST_GATE": str(gate),
    }
    port = free_port()
    command = [sys.executable, "-m", "treffpunkt.serve", "--port", str(port),
               "--application", "tests.hardening.gated_asgi:application"]  # fmt: skip
    primary, secondary = os.openpty()
    terminal = os.ttyname(secondary)

    def with_the_terminal():  # after setsid: the first terminal opened becomes the session's
        os.close(os.open(terminal, os.O_RDWR))

    with (tmp_path / "daphne.log").open("wb") as log:
        master = subprocess.Popen(
            command, env=env, cwd=ROOT, stdin=secondary, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=with_the_terminal,  # noqa: PLW1509
        )  # fmt: skip
    os.close(secondary)
    try:
        _wait(lambda: len(child_pids(master.pid)) == 1, "a worker")
        assert _get(port).startswith(b"HTTP/1.1 200")
        os.close(primary)  # the terminal closes: the kernel hangs up its session
        master.wait(timeout=15)
        _wait(lambda: not _listening(port), "the port freed", timeout=10)
    finally:
        if master.poll() is None:
            master.kill()
            master.wait(timeout=15)
    assert b"reloading" not in (tmp_path / "daphne.log").read_bytes()
