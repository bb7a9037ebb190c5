"""Hashed static names (web/storage.py): what a deploy with changed JavaScript does to open pages.

Each test collects the web client's files into its own STATIC_ROOT, as the Docker build and
`make run` do, and serves them through WhiteNoise as production does (DEBUG off).
"""

import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from lxml import html as lxml_html

from congress.models import Session
from tests.factories import RoomFactory, SessionFactory

pytestmark = pytest.mark.django_db

WEB_STATIC = Path(__file__).resolve().parents[2] / "web" / "static"
HASHED = re.compile(r"^/static/web/(?:[\w/]+/)?[\w]+\.[0-9a-f]{12}\.js$")
IMPORT = re.compile(r"""^(?:import|export)\b[^;]*?\bfrom\s*"(\./[^"]+|\.\./[^"]+)";""", re.M | re.S)


@pytest.fixture
def deploy(settings, tmp_path):
    """``deploy()`` collects ``deploy.source`` (a copy to edit) into STATIC_ROOT, as a release does."""
    source = tmp_path / "source"
    shutil.copytree(WEB_STATIC, source)
    settings.STATICFILES_DIRS = [source]
    # Only the web client's files: the admin's and Swagger UI's would only make the test slower.
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "web.storage.HashedStaticFilesStorage"},
    }

    def collect():
        # A new STATIC_ROOT value makes Django drop its storage, as a restarted process would.
        settings.STATIC_ROOT = str(tmp_path / "static")
        call_command("collectstatic", "--noinput", verbosity=0)

    collect.source = source
    return collect


@pytest.fixture
def session(event):
    room = RoomFactory(event=event, name="Hauptbühne")
    return SessionFactory(event=event, room=room, title="Datenräume", state=Session.State.LIVE)


def page_modules(client, session):
    """The module scripts a fresh load of the session page asks for."""
    response = client.get(f"/events/{session.event.slug}/sessions/{session.pk}/")
    assert response.status_code == 200
    document = lxml_html.fromstring(response.content.decode())
    return [script.get("src") for script in document.xpath("//script[@type='module']")]


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content).decode()


def cache_control(client, url):
    response = client.get(url)
    response.close()
    return response["Cache-Control"]


def module_graph(client, entry):
    """Every URL the browser loads for the module ``entry``, following its static imports."""
    seen, todo = set(), [entry]
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        base = url.rsplit("/", 1)[0]
        for target in IMPORT.findall(fetch(client, url)):
            parts = base.split("/")
            for part in target.split("/"):
                if part == "..":
                    parts.pop()
                elif part != ".":
                    parts.append(part)
            todo.append("/".join(parts))
    return seen


def by_source(urls):
    """``{"/static/web/lib/socket.js": "/static/web/lib/socket.<hash>.js", …}``"""
    return {re.sub(r"\.[0-9a-f]{12}\.js$", ".js", url): url for url in urls}


def test_every_script_of_the_page_and_every_module_it_imports_has_a_hashed_name(deploy, session):
    deploy()
    client = Client()

    entries = page_modules(client, session)
    graph = set().union(*(module_graph(client, entry) for entry in entries))

    assert sorted(by_source(entries)) == [
        "/static/web/live.js",
        "/static/web/reach.js",
        "/static/web/stage.js",
        "/static/web/treffpunkt.js",
    ]
    assert sorted(by_source(graph)) == [
        "/static/web/lib/announce.js",
        "/static/web/lib/dom.js",
        "/static/web/lib/focus.js",
        "/static/web/lib/format.js",
        "/static/web/lib/i18n.js",
        "/static/web/lib/socket.js",
        "/static/web/live.js",
        "/static/web/live/captions.js",
        "/static/web/live/chat.js",
        "/static/web/live/polls.js",
        "/static/web/live/questions.js",
        "/static/web/live/reactions.js",
        "/static/web/reach.js",
        "/static/web/stage.js",
        "/static/web/treffpunkt.js",
    ]
    assert [url for url in graph if not HASHED.match(url)] == []


def test_after_a_deploy_with_changed_js_the_page_loads_the_new_files_and_old_pages_still_work(
    deploy, session
):
    deploy()
    before = Client()
    (old_entry,) = [url for url in page_modules(before, session) if "/live." in url]
    old_graph = by_source(module_graph(before, old_entry))

    socket = deploy.source / "web" / "lib" / "socket.js"
    socket.write_text(socket.read_text() + "\n// Release 2.\n")
    deploy()
    after = Client()
    (new_entry,) = [url for url in page_modules(after, session) if "/live." in url]
    new_graph = by_source(module_graph(after, new_entry))

    changed = sorted(name for name in new_graph if new_graph[name] != old_graph[name])
    # The edited module, and every module that names it, get new names; the rest stay cached.
    assert changed == ["/static/web/lib/socket.js", "/static/web/live.js"]
    assert "immutable" in cache_control(after, new_graph["/static/web/lib/socket.js"])
    assert "// Release 2." in fetch(after, new_graph["/static/web/lib/socket.js"])
    assert f'from "./lib/{new_graph["/static/web/lib/socket.js"].rsplit("/", 1)[1]}";' in fetch(
        after, new_entry
    )
    # A page opened before the deploy still loads the files of its own release.
    assert "// Release 2." not in fetch(after, old_graph["/static/web/lib/socket.js"])
    assert fetch(after, old_entry) == fetch(before, old_entry)
