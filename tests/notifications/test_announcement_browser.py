"""Announcements live in two Chromium pages (German and English), dismissed for good."""

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

today = timezone.localdate()
event = Event.objects.create(slug="digitale-stadt", acronym="ds2026", name="Digitale Stadt 2026",
                             start_date=today - timedelta(days=1), end_date=today + timedelta(days=1),
                             is_published=True, languages=["de", "en"])
for name, role in (("anna", "attendee"), ("ben", "attendee"), ("orga", "organizer")):
    user = get_user_model().objects.create_user(name, password="treffpunkt")
    Registration.objects.create(event=event, user=user, role=role)
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


def test_announcement_appears_live_in_each_pages_language_and_stays_dismissed(server):
    url, path = server["url"], server["path"]
    with chromium() as browser:
        german = logged_in_page(browser, url, path, "anna", timeout=TIMEOUT)
        english = english_page(browser, url, path, "ben")
        organizer = logged_in_page(browser, url, path, "orga", timeout=TIMEOUT)
        for page in (german, english):
            # Subscribed once the page's socket is open and the event topic answered.
            page.wait_for_function("() => document.querySelector('[data-reach]') !== null")
        time.sleep(1.0)

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

        german_banner.get_by_role("button").click()
        german_banner.wait_for(state="detached")
        time.sleep(0.5)  # the dismissal's POST
        german.reload()
        english.reload()
        english.locator(".announcement", has_text="Stage 2 starts").wait_for()
        time.sleep(1.0)  # the German page's snapshot has come, without the dismissed banner
        assert german.locator(".announcement").count() == 0
