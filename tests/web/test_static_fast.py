"""Collected static files are answered before Django's request cycle, as WhiteNoise would."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from web.static_fast import serve_static_files

pytestmark = pytest.mark.django_db

WEB_STATIC = Path(__file__).resolve().parents[2] / "web" / "static"


@pytest.fixture
def collected(settings, tmp_path):
    """The web client's files collected with hashed names, served with DEBUG off."""
    source = tmp_path / "source"
    shutil.copytree(WEB_STATIC / "web" / "lib", source / "web" / "lib")
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "web.storage.HashedStaticFilesStorage"},
    }
    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = False
    call_command("collectstatic", "--noinput", verbosity=0)
    hashed = next((tmp_path / "static" / "web" / "lib").glob("socket.*.js"))
    return f"/static/web/lib/{hashed.name}"


async def fetch(path, method="GET", headers=()):
    passed_on = []
    sent = []

    async def application(scope, receive, send):
        passed_on.append(scope["path"])

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "scheme": "http",
             "headers": [(name.encode(), value.encode()) for name, value in headers]}  # fmt: skip
    await serve_static_files(application)(scope, None, send)
    if passed_on:
        return None
    start, body = sent
    return start["status"], dict(start["headers"]), body["body"]


def counted_calls(monkeypatch, cls, name):
    """A list that gets a 1 for every call of ``cls.name`` from now on (which still runs)."""
    calls = []
    original = getattr(cls, name)

    def counted(self, *args, **kwargs):
        calls.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, counted)
    return calls


async def test_a_hashed_file_is_answered_like_whitenoise_would(collected):
    status, headers, body = await fetch(collected)
    django = Client().get(collected)

    assert status == 200 == django.status_code
    assert body == b"".join(django.streaming_content)
    assert headers[b"cache-control"].decode() == django["Cache-Control"]
    assert b"immutable" in headers[b"cache-control"]
    assert headers[b"x-content-type-options"] == b"nosniff"
    again = await fetch(collected, headers=[("if-none-match", headers[b"etag"].decode())])
    assert again[0] == 304
    assert (await fetch(collected, method="HEAD"))[2] == b""


async def test_other_paths_go_to_django(collected):
    assert await fetch("/static/web/lib/nicht-da.js") is None
    assert await fetch("/events/") is None
    assert await fetch(collected, method="POST") is None


async def test_a_first_request_outside_static_url_does_not_wait_for_the_scan(
    collected, monkeypatch
):
    # A restarted worker's first request is often a page or /health/: scanning the collected
    # files (about 40 ms on the event loop) waits for the first request under STATIC_URL.
    from whitenoise.middleware import WhiteNoiseMiddleware

    from web import static_fast

    scans = counted_calls(monkeypatch, WhiteNoiseMiddleware, "__init__")
    monkeypatch.setitem(static_fast._state, "root", object())  # as in a fresh process

    assert await fetch("/health/") is None
    assert await fetch("/events/kongress/") is None
    assert scans == []
    assert (await fetch(collected))[0] == 200
    assert scans == [1]


async def test_the_scan_of_djangos_middleware_serves_the_first_static_request(
    collected, monkeypatch
):
    # One scan per process: the master builds Django's middleware before it forks the workers
    # (treffpunkt.serve), and a worker's first static request uses that table, not a scan of
    # its own on the event loop.
    from django.core.handlers.asgi import ASGIHandler
    from whitenoise.base import WhiteNoise

    from web import static_fast

    monkeypatch.setitem(static_fast._state, "root", object())  # as in a fresh process
    ASGIHandler()  # builds the middleware, as treffpunkt.asgi does at import
    scans = counted_calls(monkeypatch, WhiteNoise, "add_files")

    assert (await fetch(collected))[0] == 200
    assert scans == []
