"""Announcements live in two Chromium pages (German and English), dismissed for good.

The pages are the programme: the banner script (reach.js), the networking notices and the
programme's own script all follow the page's one websocket, two of them the same topic.
"""

import time

import pytest

from tests.servers import browser_server, chromium, logged_in_page

pytestmark = pytest.mark.browser

TIMEOUT = 10_000

SETUP = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from congress.models import Event, Registration
from notifications.models import Notification

today = timezone.localdate()
event = Event.objects.create(slug="digitale-stadt", acronym="ds2026", name="Digitale Stadt 2026",
                             start_date=today - timedelta(days=1), end_date=today + timedelta(days=1),
                             is_published=True, languages=["de", "en"])
for name, role in (("anna", "attendee"), ("ben", "attendee"), ("orga", "organizer")):
    user = get_user_model().objects.create_user(name, password="treffpunkt")
    Registration.objects.create(event=event, user=user, role=role)
    if name == "ben":
        for number in range(2):
            Notification.objects.create(user=user, kind="meeting.requested",
                                        data={"by": {"name": f"Anna {number}"}, "url": "/"})
print(json.dumps({"event": event.slug}))
"""


@pytest.fixture(scope="module")
def server(database_templates, tmp_path_factory):
    directory = tmp_path_factory.mktemp("announce")
    with browser_server(database_templates, directory, SETUP) as (url, made):
        yield {"url": url, "path": f"/events/{made['event']}/", "slug": made["event"]}


def english_page(browser, base_url, path, username):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    page.goto(f"{base_url}/login/?next={path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("treffpunkt")
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}{path}")
    return page


def announce(page, base_url, slug, body):
    """The organizer posts over REST from their own logged-in page (session + CSRF)."""
    return page.evaluate(
        """async ([url, body]) => {
            const csrf = document.querySelector("[data-reach]").dataset.csrf;
            const response = await fetch(url, {method: "POST", credentials: "same-origin",
                headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
                body: JSON.stringify(body)});
            return response.status;
        }""",
        [f"{base_url}/api/v1/events/{slug}/announcements/", body],
    )


def wait_for(page, predicate, what):
    """Poll ``predicate`` in the page (the CSP refuses wait_for_function's string predicates)."""
    deadline = time.monotonic() + TIMEOUT / 1000
    while not page.evaluate(predicate):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


LATE_LISTENER = """(topic) => {
    const heard = window.lateListener = { snapshots: [], pushes: [] };
    window.treffpunktProgramme.client.subscribe(topic, {
        onSnapshot: (snapshot, { resumed }) => heard.snapshots.push(resumed),
        onPush: (push) => heard.pushes.push(push.type),
        onError: () => {},
    });
}"""


def test_announcement_appears_live_in_each_pages_language_and_stays_dismissed(server):
    url, path = server["url"], server["path"]
    with chromium() as browser:
        german = logged_in_page(browser, url, path, "anna", timeout=TIMEOUT)
        english = english_page(browser, url, path, "ben")
        organizer = logged_in_page(browser, url, path, "orga", timeout=TIMEOUT)
        sockets = {german: [], english: []}
        for page in (german, english):
            page.on("websocket", lambda socket, page=page: sockets[page].append(socket.url))
            page.reload()
            # Open, and every script's topics have answered.
            wait_for(page, "() => window.treffpunktProgramme?.client.ready === true", "the socket")
        # A script that subscribes to the event topic after its snapshot came gets its own.
        german.evaluate(LATE_LISTENER, f"event:{server['slug']}")
        wait_for(german, "() => window.lateListener.snapshots.length === 1", "the late snapshot")
        time.sleep(0.5)

        started = time.monotonic()
        status = announce(
            organizer,
            url,
            server["slug"],
            {
                "text_de": "Saal 2 beginnt 10 Minuten später.",
                "text_en": "Stage 2 starts 10 minutes late.",
                "level": "warning",
            },
        )
        german_banner = german.locator(".announcement", has_text="Saal 2 beginnt")
        english_banner = english.locator(".announcement", has_text="Stage 2 starts")
        german_banner.wait_for(timeout=1_000)
        english_banner.wait_for(timeout=1_000)
        elapsed = time.monotonic() - started

        assert status == 201
        assert elapsed < 1.0
        print(f"\nannouncement on both pages after {elapsed * 1000:.0f} ms")
        assert german_banner.get_attribute("lang") == "de"
        assert english_banner.get_attribute("lang") == "en"
        assert german_banner.get_attribute("role") == "alert"
        late = german.evaluate("() => window.lateListener")
        assert late == {"snapshots": [False], "pushes": ["announcement.created"]}
        # One socket per page for the banner, the bell, the networking notices and the programme.
        assert {page: len(urls) for page, urls in sockets.items()} == {german: 1, english: 1}

        german_banner.get_by_role("button").click()
        german_banner.wait_for(state="detached")
        time.sleep(0.5)  # the dismissal's POST
        german.reload()
        english.reload()
        english.locator(".announcement", has_text="Stage 2 starts").wait_for()
        time.sleep(1.0)  # the German page's snapshot has come, without the dismissed banner
        assert german.locator(".announcement").count() == 0


BELL = """() => {
    const bell = document.querySelector("[data-notification-bell]");
    return { shown: !bell.querySelector("[data-slot=count]").hidden,
             number: bell.querySelector("[data-slot=number]").textContent };
}"""


def test_the_bell_shows_the_unread_count_from_the_socket_without_a_request(server):
    url, path = server["url"], server["path"]
    with chromium() as browser:
        page = logged_in_page(browser, url, path, "ben", timeout=TIMEOUT)
        requested = []
        page.on("request", lambda request: requested.append(request.url))
        page.reload()
        wait_for(page, "() => window.treffpunktProgramme?.client.ready === true", "the socket")
        wait_for(page, f"() => ({BELL})().shown", "the bell's count")

        assert page.evaluate(BELL) == {"shown": True, "number": "2"}
        assert [address for address in requested if "/notifications/" in address] == []
