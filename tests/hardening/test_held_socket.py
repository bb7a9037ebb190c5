"""A restart under a socket unit refuses no one: what arrives while daphne is down is answered.

docs/deployment.md runs daphne from a systemd socket unit, which holds the listening socket across
restarts and crashes; the suite holds it the same way (tests/servers.py).
"""

import socket
import subprocess

import pytest

from tests.servers import (
    ROOT,
    _wait_until_serving,
    held_listener,
    read_until_closed,
    socket_activated_daphne,
    sqlite_env,
)

pytestmark = pytest.mark.multiprocess


def test_a_request_sent_while_daphne_is_down_is_answered_by_the_restarted_process(
    database_templates, tmp_path
):
    env = sqlite_env(tmp_path, database_templates.sqlite_url(tmp_path))
    processes = []
    with held_listener() as listener, (tmp_path / "daphne.log").open("wb") as log:
        port = listener.getsockname()[1]

        def start():
            process = subprocess.Popen(
                socket_activated_daphne(listener),
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(listener.fileno(),),
            )
            processes.append(process)
            return process

        try:
            first = start()
            _wait_until_serving(f"http://127.0.0.1:{port}", first)
            first.kill()
            first.wait()

            # No process serves now; the kernel still takes the connection into the held queue.
            with socket.create_connection(("127.0.0.1", port), timeout=60) as waiting:
                waiting.sendall(
                    b"GET /health/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                )
                start()
                answer = read_until_closed(waiting)
        finally:
            for process in processes:
                if process.poll() is None:
                    process.terminate()
                    process.wait(timeout=15)

    assert answer.startswith(b"HTTP/1.1 200")
