"""A daphne process and a task worker on one copy of the migrated template, mailing over SMTP."""

import contextlib
import os
import subprocess
import sys
from pathlib import Path

from tests.servers import (
    CHROMIUM,
    ROOT,
    _wait_until_serving,
    free_port,
    run_setup,
    sqlite_env,
)


@contextlib.contextmanager
def onboarding_server(templates, directory, setup_script, *, smtp_port, extra_env=None, port=None):
    """Yields ``(base_url, what the setup script printed)``; mail goes to ``smtp_port``."""
    if not os.path.exists(CHROMIUM):
        from tests.conftest import skip_or_fail

        skip_or_fail(f"{CHROMIUM} is not installed")
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    env = sqlite_env(directory, templates.sqlite_url(directory))
    env.update(
        {
            "SITE_URL": url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "0",
            **(extra_env or {}),
        }
    )
    made = run_setup(env, setup_script)
    daphne = str(Path(sys.executable).with_name("daphne"))
    log = (Path(directory) / "server.log").open("wb")
    commands = [
        [daphne, "-b", "127.0.0.1", "-p", str(port), "treffpunkt.asgi:application"],
        [sys.executable, str(ROOT / "manage.py"), "db_worker", "--no-reload", "--interval", "0.2"],
    ]
    processes = [
        subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        for command in commands
    ]
    try:
        _wait_until_serving(url, processes[0])
        yield url, made
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


OIDC_DIRECTORY = ROOT / "tests" / "oidc"


@contextlib.contextmanager
def oidc_provider(*, port, client_id, client_secret, redirect_uri, log_path):
    """The node ``oidc-provider`` of tests/oidc on ``port`` (``npm ci`` there installs it)."""
    import shutil
    import time
    import urllib.request

    from tests.conftest import skip_or_fail

    node = shutil.which("node")
    if node is None:
        skip_or_fail("node is not installed (needed for the OpenID Connect provider)")
    if not (OIDC_DIRECTORY / "node_modules" / "oidc-provider").exists():
        skip_or_fail(
            "tests/oidc/node_modules is missing: run `npm ci` in tests/oidc (make test does)"
        )
    env = {
        **os.environ,
        "PORT": str(port),
        "CLIENT_ID": client_id,
        "CLIENT_SECRET": client_secret,
        "REDIRECT_URI": redirect_uri,
    }
    with Path(log_path).open("wb") as log:
        process = subprocess.Popen(
            [node, "provider.mjs"],
            cwd=OIDC_DIRECTORY,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            issuer = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 20
            while True:
                if process.poll() is not None:
                    raise AssertionError(f"oidc-provider exited: {Path(log_path).read_text()}")
                try:
                    with urllib.request.urlopen(
                        f"{issuer}/.well-known/openid-configuration", timeout=2
                    ):  # noqa: S310
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            yield issuer
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
