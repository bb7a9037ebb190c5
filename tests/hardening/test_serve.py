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

from tests.servers import ROOT, free_port, sqlite_env

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


def _answer(connection):
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


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
            answer = _answer(waiting)
    finally:
        process.terminate()
        process.wait(timeout=15)

    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    # daphne took over the launcher's process: the pid a supervisor signals is the server's.
    assert process.returncode == 0

