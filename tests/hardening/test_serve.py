"""``python -m treffpunkt.serve`` listens before the application has loaded.

daphne on its own binds its port only after importing the application (Django, DRF, every app):
a restarted process refuses every connect for that long, and each refused client backs off. The
launcher binds first and hands the socket to daphne (treffpunkt/serve.py); a connect that arrives
meanwhile waits in the kernel's queue and is answered once the application is there.
"""

import socket
import subprocess
import sys
import time

import pytest

from tests.servers import ROOT, free_port, read_until_closed, sqlite_env

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
    # daphne took over the launcher's process: the pid a supervisor signals is the server's.
    assert process.returncode == 0


# Run in a fresh interpreter: daphne installs Twisted's asyncio reactor when imported.
_LOAD_AND_STOP = """
import gc, sys
from daphne import server

def collections():
    return sum(stats["collections"] for stats in gc.get_stats())

def run(self):
    loaded = "treffpunkt.asgi" in sys.modules
    during = collections() - before
    from django.urls import resolve
    resolve("/")  # the URLconf, which every view module's imports come with, as a request loads it
    heavy = sorted(name for name in ("numpy", "icalendar") if name in sys.modules)
    print(loaded, gc.isenabled(), during, ",".join(heavy) or "-")
    raise SystemExit(0)

server.Server.run = run
from treffpunkt import serve
before = collections()
serve.run_daphne(["-b", "127.0.0.1", "-p", "0", "treffpunkt.asgi:application"])
"""


def test_the_collector_is_off_while_the_application_loads_and_on_once_it_has(tmp_path):
    env = sqlite_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", _LOAD_AND_STOP],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    loaded, enabled, collections, heavy = result.stdout.split()
    assert loaded == "True"
    # On, or cyclic garbage would pile up for the process's life.
    assert enabled == "True"
    # With the collector on, loading runs about 200 collections; off, only a library's explicit
    # gc.collect() counts.
    assert int(collections) < 10
    # Libraries only a few requests need (the matchmaking engine's numpy, iCalendar files) wait
    # for their first use: each costs every starting process 50–200 ms of CPU otherwise.
    assert heavy == "-"
