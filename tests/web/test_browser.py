"""The web client in the system Chromium, driven by Playwright against the live server."""

import os

import pytest

from congress.models import Favourite, Registration
from tests.conftest import skip_or_fail
from tests.factories import (
    EventFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    UserFactory,
    at,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


@pytest.fixture
def page(live_server, transactional_db, monkeypatch):
    if not os.path.exists(CHROMIUM):
        skip_or_fail(f"{CHROMIUM} is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself
    # (arrange and assert) are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        # A German browser, as most attendees use; the site's default is German anyway.
        context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


@pytest.fixture
def congress(transactional_db):
    event = EventFactory(name="Digitale Stadt 2026", slug="digitale-stadt")
    room = RoomFactory(event=event, name="Hauptbühne")
    speaker = SpeakerFactory(event=event, name="Dr. Jana Weber", organisation="Stadt Musterhausen")
    session = SessionFactory(
        event=event,
        room=room,
        title="Datenräume für Kommunen",
        start=at(event, 10),
        end=at(event, 10, 45),
        speakers=[speaker],
    )
    SessionFactory(event=event, room=room, title="Abschlussrunde", start=at(event, 16, day=1))
    anna = UserFactory(username="anna")
    RegistrationFactory(event=event, user=anna, role=Registration.Role.ATTENDEE)
    return event, session, anna


def test_anna_logs_in_stars_a_session_and_finds_it_in_her_programme(page, live_server, congress):
    event, session, anna = congress

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Benutzername").fill("anna")
    page.get_by_label("Passwort").fill("treffpunkt")
    page.locator("main").get_by_role("button", name="Anmelden").click()

    # One published event: the start page leads straight to its programme.
    page.wait_for_url(f"{live_server.url}/events/{event.slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Programm"
    first_day = page.get_by_role("tabpanel", name="Mittwoch")
    assert first_day.get_by_text("Datenräume für Kommunen").is_visible()
    assert page.get_by_text("Abschlussrunde").is_hidden()

    page.get_by_role("tab", name="Donnerstag").click()
    assert page.get_by_text("Abschlussrunde").is_visible()
    page.get_by_role("tab", name="Mittwoch").click()

    page.get_by_role("link", name="Datenräume für Kommunen").click()
    page.wait_for_url(f"{live_server.url}/events/{event.slug}/sessions/{session.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Datenräume für Kommunen"
    assert page.get_by_text("Stadt Musterhausen").is_visible()

    page.get_by_role("button", name="Zu meinem Programm hinzufügen").click()
    page.get_by_role("button", name="Aus meinem Programm entfernen").wait_for()
    assert page.get_by_role("status").inner_text() == (
        "„Datenräume für Kommunen“ steht jetzt in Ihrem Programm."
    )
    assert list(Favourite.objects.filter(user=anna).values_list("session", flat=True)) == [
        session.pk
    ]

    page.get_by_role("link", name="Mein Programm").click()
    page.wait_for_url(f"{live_server.url}/events/{event.slug}/agenda/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mein Programm"
    assert page.locator("main").get_by_role("link", name="Datenräume für Kommunen").is_visible()
    assert page.get_by_text("Abschlussrunde").count() == 0

    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"{live_server.url}/events/{event.slug}/agenda/")
    assert page.get_by_role("heading", level=1).inner_text() == "My programme"
    navigation = page.get_by_role("navigation", name="Main navigation")
    assert navigation.get_by_role("link").all_inner_texts() == [
        "Programme",
        "My programme",
        "Expo",
        "Contacts",
        "My meetings",
        "Messages",
        "API docs",
    ]
    assert page.get_by_role("button", name="Log out").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"


def test_programme_fits_a_narrow_screen(page, live_server, congress):
    event, _session, _anna = congress
    page.set_viewport_size({"width": 360, "height": 800})

    page.goto(f"{live_server.url}/events/{event.slug}/")

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width == 360
    assert page.get_by_role("link", name="Datenräume für Kommunen").is_visible()
