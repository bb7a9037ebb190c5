"""Throwaway PostgreSQL and Redis servers that a fault test may stop and start at will.

The shared services on 5432 and 6379 serve other test runs; a test that stops a server starts its
own on a free port here. PostgreSQL refuses to run as root, so under root it runs as ``postgres``.
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.servers import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def available():
    return (PG_BIN / "initdb").exists() and Path(REDIS_SERVER).exists()


def _as_postgres(command):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class Postgres:
    def __init__(self, directory):
        self.directory = Path(directory)
        self.data = self.directory / "pgdata"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def init(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        subprocess.run(
            _as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U",
                          "postgres", "--no-sync"]),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        return self

    def start(self):
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-l",
                          str(self.directory / "postgres.log"), "-o",
                          f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
                          "-c fsync=off -c max_connections=60", "start"]),
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    def stop(self, mode="fast"):
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]),
            check=False, capture_output=True, timeout=60,
        )  # fmt: skip


class Redis:
    def __init__(self, directory):
        self.directory = Path(directory)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        import socket

        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@contextlib.contextmanager
def throwaway_services(*, postgres=True, redis=True):
    """Own PostgreSQL (started) and Redis (started) instances; removed afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="treffpunkt-faults-"))
    directory.chmod(0o755)  # PostgreSQL runs as its own user under root
    pg = Postgres(directory / "pg").init() if postgres else None
    rd = Redis(directory) if redis else None
    try:
        if pg:
            pg.start()
        if rd:
            rd.start()
        yield pg, rd
    finally:
        if rd:
            rd.stop()
        if pg:
            pg.stop("immediate")
        shutil.rmtree(directory, ignore_errors=True)
