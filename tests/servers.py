"""Real server processes for tests that claim cross-process or browser behaviour."""

import contextlib
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database(env, setup_script):
    """Migrate the database named in ``env`` and run ``setup_script`` in ``manage.py shell``.

    The script's last printed line is JSON; it is returned parsed.
    """
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run(
        [*manage, "migrate", "--noinput"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=180,
    )
    made = subprocess.run(
        [*manage, "shell", "-c", setup_script],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return json.loads(made.stdout.strip().splitlines()[-1])


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


@contextlib.contextmanager
def daphne_processes(env, count, log_path):
    """``count`` daphne processes serving the project on free ports; yields their base URLs."""
    daphne = str(Path(sys.executable).with_name("daphne"))
    ports = [free_port() for _ in range(count)]
    with Path(log_path).open("wb") as log:
        processes = [
            subprocess.Popen(
                [daphne, "-b", "127.0.0.1", "-p", str(port), "treffpunkt.asgi:application"],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
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


def sqlite_env(directory):
    """Environment of a one-process server on its own SQLite file (in-memory channel layer)."""
    import os

    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{Path(directory) / 'db.sqlite3'}",
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
    }
    env.pop("REDIS_URL", None)
    return env


@contextlib.contextmanager
def chromium():
    """The system Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def logged_in_page(browser, base_url, path, username, *, timeout):
    """A fresh German browser context, logged in as ``username`` (password treffpunkt), on ``path``."""
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(timeout)
    page = context.new_page()
    page.goto(f"{base_url}/login/?next={path}")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill("treffpunkt")
    page.locator("main").get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{base_url}{path}")
    return page
