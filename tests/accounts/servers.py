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
def onboarding_server(templates, directory, setup_script, *, smtp_port, extra_env=None):
    """Yields ``(base_url, what the setup script printed)``; mail goes to ``smtp_port``."""
    if not os.path.exists(CHROMIUM):
        from tests.conftest import skip_or_fail

        skip_or_fail(f"{CHROMIUM} is not installed")
    port = free_port()
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
