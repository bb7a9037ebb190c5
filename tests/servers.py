"""Real server processes for tests that claim cross-process or browser behaviour."""

import contextlib
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    """A free port for a test server, below the kernel's ephemeral range.

    A port from that range can be taken, while its server is down, as the local port of any client
    socket on the machine (the suite's, PostgreSQL's, a browser's); a server started again on it,
    or a test that binds it to see it freed, then fails with "Address already in use".
    """
    with contextlib.suppress(OSError, ValueError):
        first = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
        for port in random.sample(range(max(1024, first - 12000), first), 200):
            with socket.socket() as sock, contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind(("127.0.0.1", port))
                return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_pids(pid):
    """The pids of a process's children (``treffpunkt.serve``'s workers of its master); none once
    it is gone."""
    with contextlib.suppress(OSError):
        return [
            int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]
    return []


def _manage(env, *args, timeout):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_setup(env, setup_script):
    """Run ``setup_script`` in ``manage.py shell`` on the database named in ``env``.

    The script's last printed line is JSON; it is returned parsed.
    """
    made = _manage(env, "shell", "-c", setup_script, timeout=60)
    return json.loads(made.stdout.strip().splitlines()[-1])


class DatabaseTemplates:
    """Databases for server processes, each a copy of one migrated template.

    Migrating takes seconds (more on PostgreSQL); copying a migrated SQLite file or creating a
    PostgreSQL database ``TEMPLATE`` one takes milliseconds. Each template is migrated on first use,
    once per test session.
    """

    def __init__(self, directory):
        self.directory = Path(directory)
        self._sqlite = None
        self._postgres = {}
        self._created = []

    def _base_env(self, database_url):
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
        }
        env.pop("REDIS_URL", None)
        return env

    def sqlite_url(self, directory):
        """A fresh migrated SQLite database in ``directory``."""
        if self._sqlite is None:
            template = self.directory / "template.sqlite3"
            _manage(self._base_env(f"sqlite:///{template}"), "migrate", "--noinput", timeout=180)
            self._sqlite = template
        target = Path(directory) / "db.sqlite3"
        shutil.copyfile(self._sqlite, target)
        return f"sqlite:///{target}"

    def postgres_url(self, configured):
        """A fresh migrated database on the PostgreSQL server of ``configured``."""
        import psycopg

        server = configured.rsplit("/", 1)[0]
        if server not in self._postgres:
            template = f"treffpunkt_tpl_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(configured, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{template}"')
            self._created.append((configured, template))
            _manage(self._base_env(f"{server}/{template}"), "migrate", "--noinput", timeout=300)
            self._postgres[server] = template
        name = f"treffpunkt_srv_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(configured, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self._postgres[server]}"')
        self._created.append((configured, name))
        return f"{server}/{name}"

    def drop(self):
        if not self._created:
            return
        import psycopg

        for configured, name in reversed(self._created):
            with psycopg.connect(configured, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_until_serving(url, process):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"daphne exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/v1/events/", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"daphne at {url} did not start serving")


def server_command(port):
    """How the suite starts a server process: daphne, the production server; with
    ``TREFFPUNKT_TEST_SERVER=granian`` (or ``uvicorn``), when installed, that server instead, to
    see which of the server-level behaviours hold under it (docs/performance.md)."""
    kind = os.environ.get("TREFFPUNKT_TEST_SERVER", "daphne")
    app = "treffpunkt.asgi:application"
    if kind == "granian":
        return [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1",
                "--port", str(port), "--workers", "1", "--log-level", "warning", app]  # fmt: skip
    if kind == "uvicorn":
        return [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
                "--lifespan", "off", "--log-level", "warning",
                "--ws-max-size", str(16 * 1024 * 1024)]  # fmt: skip
    # daphne as production starts it (Makefile, Dockerfile): the port listens before the
    # application has loaded.
    return [sys.executable, "-m", "treffpunkt.serve", "--port", str(port)]


# systemd's part: it hands the socket unit's socket to the service as fd 3, with LISTEN_FDS,
# LISTEN_FDNAMES and LISTEN_PID (the service's own pid, which only the process about to exec the
# service knows) set: treffpunkt.serve.hand_over, then the exec.
_SYSTEMD = (
    "import os, sys; from treffpunkt.serve import hand_over; "
    "hand_over(int(sys.argv[1])); os.execv(sys.argv[2], sys.argv[2:])"
)


def read_until_closed(connection):
    """Everything ``connection`` receives until the server closes it (an answer sent with
    ``Connection: close``)."""
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


def held_listener(backlog=128):
    """A listening socket on a free port, held by the suite as systemd holds a socket unit's."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(backlog)
    return listener


def socket_activated_daphne(listener):
    """daphne as docs/deployment.md's socket-activated unit runs it (``python -m
    treffpunkt.serve``, which takes the socket systemd passes), on ``listener``; start it with
    ``pass_fds=(listener.fileno(),)``."""
    return [sys.executable, "-c", _SYSTEMD, str(listener.fileno()),
            sys.executable, "-m", "treffpunkt.serve"]  # fmt: skip


@contextlib.contextmanager
def daphne_processes(env, count, log_path):
    """``count`` daphne processes serving the project on free ports; yields their base URLs."""
    ports = [free_port() for _ in range(count)]
    with Path(log_path).open("wb") as log:
        processes = [
            subprocess.Popen(
                server_command(port), env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
            )
            for port in ports
        ]
        try:
            urls = [f"http://127.0.0.1:{port}" for port in ports]
            for url, process in zip(urls, processes, strict=True):
                _wait_until_serving(url, process)
            yield urls
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def sqlite_env(directory, database_url=None):
    """Environment of a one-process server on its own SQLite file (in-memory channel layer)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url or f"sqlite:///{Path(directory) / 'db.sqlite3'}",
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
    }
    env.pop("REDIS_URL", None)
    return env


@contextlib.contextmanager
def browser_server(templates, directory, setup_script, *, extra_env=None):
    """One daphne process on a copy of the migrated SQLite template with ``setup_script``'s data.

    Yields ``(base_url, what the script printed)``. Each browser module gets its own process, so no
    module sees another's cached state. ``extra_env`` adds settings for that process.
    """
    require_chromium()  # before the server is set up
    env = {**sqlite_env(directory, templates.sqlite_url(directory)), **(extra_env or {})}
    made = run_setup(env, setup_script)
    with daphne_processes(env, 1, Path(directory) / "daphne.log") as (url,):
        yield url, made


def require_chromium():
    """Skip the test when the system Chromium is missing (fail it under CI=true)."""
    if not os.path.exists(CHROMIUM):
        from tests.conftest import skip_or_fail

        skip_or_fail(f"{CHROMIUM} is not installed")


@contextlib.contextmanager
def chromium():
    """The system Chromium, headless, driven by Playwright."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def logged_in_page(browser, base_url, path, username, *, timeout, bypass_csp=False):
    """A fresh German browser context, logged in as ``username`` (password treffpunkt), on ``path``.

    ``bypass_csp`` lets Playwright's ``wait_for_function`` evaluate its string predicates, which
    the site's Content-Security-Policy (no ``unsafe-eval``) refuses; the page's own scripts do not
    need it.
    """
    context = browser.new_context(
        locale="de-DE", viewport={"width": 1280, "height": 900}, bypass_csp=bypass_csp
    )
    context.set_default_timeout(timeout)
    page = context.new_page()
    page.goto(f"{base_url}/login/?next={path}")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill("treffpunkt")
    page.locator("main").get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{base_url}{path}")
    return page
