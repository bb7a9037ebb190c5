"""A production-like run (DEBUG off, collected files only) in the system Chromium: the session page
loads its module graph under hashed names and the live part comes up over the socket.

daphne runs a settings module that only moves STATIC_ROOT to a temporary directory, so the test
collects there instead of into the checkout.
"""

import os
import re
import secrets
import subprocess
import sys

import pytest

from tests.conftest import skip_or_fail
from tests.servers import CHROMIUM, ROOT, chromium, daphne_processes, run_setup, sqlite_env

pytestmark = pytest.mark.browser

TIMEOUT = 10_000
HASHED = re.compile(r"/static/web/(?:[\w/]+/)?\w+\.[0-9a-f]{12}\.js$")

SETUP = """
import json
from datetime import timedelta
from django.utils import timezone
from congress.models import Event, Room, Session

today = timezone.localdate()
event = Event.objects.create(slug="digitale-stadt", acronym="ds2026", name="Digitale Stadt 2026",
                             start_date=today - timedelta(days=1), end_date=today + timedelta(days=1),
                             is_published=True)
room = Room.objects.create(event=event, name="Hauptbühne")
now = timezone.now()
session = Session.objects.create(event=event, room=room, title="Datenräume für Kommunen",
                                 start=now - timedelta(minutes=10), end=now + timedelta(minutes=50),
                                 state=Session.State.LIVE)
print(json.dumps({"event": event.slug, "session": session.pk}))
"""


@pytest.fixture(scope="module")
def server(database_templates, tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        skip_or_fail(f"{CHROMIUM} is not installed")
    directory = tmp_path_factory.mktemp("release")
    (directory / "release_settings.py").write_text(
        "from treffpunkt.settings import *  # noqa: F403\n\n"
        f"STATIC_ROOT = {str(directory / 'static')!r}\n"
    )
    env = {
        **sqlite_env(directory, database_templates.sqlite_url(directory)),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DJANGO_SETTINGS_MODULE": "release_settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(directory), os.environ.get("PYTHONPATH")])),
    }
    congress = run_setup(env, SETUP)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=180,
    )
    with daphne_processes(env, 1, directory / "daphne.log") as (url,):
        yield {"url": url, "path": f"/events/{congress['event']}/sessions/{congress['session']}/"}


def test_session_page_runs_on_hashed_modules_only(server):
    from playwright.sync_api import expect

    with chromium() as browser:
        page = browser.new_context(locale="de-DE").new_page()
        page.set_default_timeout(TIMEOUT)
        scripts, failures = {}, []
        page.on("pageerror", lambda error: failures.append(str(error)))
        page.on(
            "response",
            lambda response: (
                scripts.__setitem__(response.url, response.status)
                if response.request.resource_type == "script"
                else None
            ),
        )

        page.goto(server["url"] + server["path"])

        expect(page.locator("[data-live-panels]")).to_be_visible()
        expect(page.locator("[data-live-nojs]")).to_be_hidden()
        static = {url: status for url, status in scripts.items() if "/static/" in url}
        assert failures == []
        assert sorted(
            re.sub(r"\.[0-9a-f]{12}\.js$", ".js", url.split("/static/")[1]) for url in static
        ) == [
            "web/lib/announce.js",
            "web/lib/dom.js",
            "web/lib/focus.js",
            "web/lib/format.js",
            "web/lib/i18n.js",
            "web/lib/socket.js",
            "web/live.js",
            "web/live/captions.js",
            "web/live/chat.js",
            "web/live/polls.js",
            "web/live/questions.js",
            "web/live/reactions.js",
            "web/reach.js",
            "web/stage.js",
            "web/treffpunkt.js",
        ]
        assert {url: status for url, status in static.items() if not HASHED.search(url)} == {}
        assert set(static.values()) == {200}
