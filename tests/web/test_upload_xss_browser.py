"""A booth upload never runs as a page of the site's origin, in Chromium, as the organizer.

The attack of issue 11: a "PDF" (it starts with ``%PDF-``) named ``brochure.html`` and an SVG
"logo", both carrying a script that reads organizer-only API data and leaves a mark in the
origin's localStorage. The uploaded PDF is stored under a generated ``.pdf`` name; files that
already sit in MEDIA_ROOT under active names are served as sandboxed attachments. A real daphne
process serves them, as under ``make run`` (Django's test server has its own media handler).
"""

import contextlib
from pathlib import Path

import pytest

from tests.servers import chromium, daphne_processes, run_setup, sqlite_env

pytestmark = pytest.mark.browser

SCRIPT = (
    "<script>fetch('/api/v1/events/',{credentials:'include'}).then(r=>r.text())"
    ".then(t=>{localStorage.setItem('pwned',t.length);document.title='pwned';})</script>"
)

SETUP = """
import json
from django.core.files.uploadedfile import SimpleUploadedFile
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from congress.models import Event, Registration
from expo.models import Download, Exhibitor, ExhibitorStaff
import datetime
User = get_user_model()
event = Event.objects.create(slug="xss", acronym="xss", name="XSS", is_published=True,
    start_date=datetime.date(2026, 6, 10), end_date=datetime.date(2026, 6, 11))
booth = Exhibitor.objects.create(event=event, name="Booth", slug="booth", status="published")
staff = User.objects.create_user("aussteller", password="treffpunkt")
ExhibitorStaff.objects.create(exhibitor=booth, user=staff, role="admin")
orga = User.objects.create_user("orga", password="treffpunkt")
Registration.objects.create(event=event, user=orga, role="organizer")
client = APIClient(SERVER_NAME="localhost")
client.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.create(user=staff).key)
upload = SimpleUploadedFile("brochure.html", b"%PDF-" + SCRIPT, "text/html")
response = client.post(f"/api/v1/events/xss/exhibitors/{booth.pk}/downloads/",
    {"title": "Prospekt", "file": upload}, format="multipart")
assert response.status_code == 201, response.content
print(json.dumps({"path": Download.objects.get(exhibitor=booth).file.name}))
"""


@pytest.fixture
def server(database_templates, tmp_path):
    media = tmp_path / "media"
    env = {
        **sqlite_env(tmp_path, database_templates.sqlite_url(tmp_path)),
        "MEDIA_ROOT": str(media),
    }
    made = run_setup(env, f"SCRIPT = {SCRIPT.encode()!r}\n" + SETUP)
    legacy = media / "expo" / "legacy"
    legacy.mkdir(parents=True)
    (legacy / "brochure.html").write_text("%PDF-" + SCRIPT)
    (legacy / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>'
        "localStorage.setItem('pwned','svg');document.title='pwned'</script></svg>"
    )
    paths = [made["path"], "expo/legacy/brochure.html", "expo/legacy/logo.svg"]
    with daphne_processes(env, 1, Path(tmp_path) / "daphne.log") as (url,):
        yield url.replace("127.0.0.1", "localhost"), paths


def test_html_pdf_and_svg_logo_do_not_run_on_the_origin(server):
    base_url, paths = server
    with chromium() as browser:
        context = browser.new_context(locale="de-DE", accept_downloads=True)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(f"{base_url}/login/?next=/")
        page.get_by_label("Benutzername").fill("orga")
        page.get_by_label("Passwort").fill("treffpunkt")
        page.locator("main").get_by_role("button", name="Anmelden").click()
        page.wait_for_url(lambda url: "/login/" not in url)
        assert any(cookie["name"] == "sessionid" for cookie in context.cookies())

        downloaded = []
        for path in paths:
            # Opened directly: an attachment is downloaded, never rendered.
            with page.expect_download() as download, contextlib.suppress(Exception):
                page.goto(f"{base_url}/media/{path}")  # raises "Download is starting"
            downloaded.append(download.value.url.endswith(path))
            # Embedded in a page of the origin: nothing runs there either.
            page.goto(f"{base_url}/")
            page.evaluate(
                "src => new Promise(done => { const f = document.createElement('iframe');"
                " f.onload = done; f.src = src; document.body.append(f);"
                " setTimeout(done, 2000); })",
                f"/media/{path}",
            )
            page.wait_for_timeout(300)

        page.goto(f"{base_url}/")
        assert page.evaluate("localStorage.getItem('pwned')") is None
        assert page.title() != "pwned"
    assert downloaded == [True, True, True]
    assert paths[0].endswith(".pdf")
