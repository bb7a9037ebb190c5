"""The expo pages in the system Chromium, driven by Playwright against the live server."""

import os

import pytest

from congress.models import Registration
from expo.models import Exhibitor, ExhibitorStaff, ExpoSettings
from tests.conftest import skip_or_fail
from tests.factories import (
    CategoryFactory,
    EventFactory,
    ExhibitorFactory,
    ExhibitorStaffFactory,
    RegistrationFactory,
    UserFactory,
)
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 800}


@pytest.fixture
def browser(live_server, transactional_db, monkeypatch, settings, tmp_path):
    if not os.path.exists(CHROMIUM):
        skip_or_fail(f"{CHROMIUM} is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser):
    context = browser.new_context(locale="de-DE", viewport=DESKTOP)
    context.set_default_timeout(10_000)
    return context.new_page()


def log_in(page, live_server, username, next_path):
    page.goto(f"{live_server.url}/login/?next={next_path}")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill("treffpunkt")
    page.locator("main").get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{live_server.url}{next_path}")


@pytest.fixture
def expo(transactional_db):
    event = EventFactory(name="Digitale Stadt 2026", slug="digitale-stadt")
    # The test follows an edit from the editor to a visitor's booth page; with review on, the
    # edit would hide the booth until an organizer approves it (covered in test_expo_pages.py).
    ExpoSettings.objects.create(event=event, edits_need_review=False)
    software = CategoryFactory(event=event, name="Software", slug="software")
    booth = ExhibitorFactory(
        event=event,
        name="Stadtwerk Daten AG",
        tagline="Offene Daten für Kommunen",
        tier=Exhibitor.Tier.PREMIUM,
        description="## Über uns\n\nWir bringen **offene Daten** in jede Verwaltung.\n\n"
        "- Datenportale\n- Schnittstellen\n",
        website="https://stadtwerk-daten.example",
    )
    booth.categories.set([software])
    for name in ("Blech & Bits GmbH", "Kiezkarte UG (haftungsbeschränkt)"):
        ExhibitorFactory(
            event=event, name=name, tagline="Karten für alle", tier=Exhibitor.Tier.STARTUP
        )
    aussteller = UserFactory(username="aussteller")
    ExhibitorStaffFactory(exhibitor=booth, user=aussteller, role=ExhibitorStaff.Role.ADMIN)
    anna = UserFactory(username="anna")
    RegistrationFactory(event=event, user=anna, role=Registration.Role.ATTENDEE)
    return event, booth


def shoot(page, name, directory):
    if directory:
        page.screenshot(path=os.path.join(directory, f"{name}.png"), full_page=True)


def fits(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    return page.evaluate("document.documentElement.scrollWidth") == width


def test_exhibitor_changes_tagline_and_attendee_sees_it(browser, live_server, expo):
    event, booth = expo
    shots = os.environ.get("EXPO_SCREENSHOT_DIR")
    booth_path = f"/events/{event.slug}/expo/{booth.pk}/"

    staff_page = new_page(browser)
    log_in(staff_page, live_server, "aussteller", booth_path)
    staff_page.get_by_role("link", name="Stand bearbeiten").click()
    staff_page.wait_for_url(f"{live_server.url}{booth_path}edit/")
    assert staff_page.get_by_role("heading", level=1).inner_text() == "Stand bearbeiten"
    shoot(staff_page, "editor-desktop", shots)
    assert fits(staff_page, 360)
    shoot(staff_page, "editor-360", shots)
    staff_page.set_viewport_size(DESKTOP)

    staff_page.get_by_label("Slogan").fill("Daten, die Städte verbinden")
    staff_page.get_by_role("button", name="Speichern").click()
    staff_page.get_by_text("Der Stand wurde gespeichert.").wait_for()
    assert staff_page.get_by_text("Veröffentlicht").first.is_visible()

    anna_page = new_page(browser)
    log_in(anna_page, live_server, "anna", f"/events/{event.slug}/expo/")
    assert anna_page.get_by_role("heading", name="Premium-Partner").is_visible()
    shoot(anna_page, "hall-desktop", shots)
    assert fits(anna_page, 360)
    shoot(anna_page, "hall-360", shots)
    anna_page.set_viewport_size(DESKTOP)

    anna_page.get_by_role("link", name="Stadtwerk Daten AG").click()
    anna_page.wait_for_url(f"{live_server.url}{booth_path}")
    assert anna_page.get_by_text("Daten, die Städte verbinden").is_visible()
    assert anna_page.get_by_role("link", name="Stand bearbeiten").count() == 0
    assert anna_page.get_by_role("button", name="Kontakt hinterlassen").is_visible()
    shoot(anna_page, "booth-desktop", shots)
    assert fits(anna_page, 360)
    shoot(anna_page, "booth-360", shots)

    anna_page.set_viewport_size(DESKTOP)
    anna_page.get_by_label("Nachricht (optional)").fill("Bitte um Rückruf")
    anna_page.get_by_role("button", name="Kontakt hinterlassen").click()
    # Without the consent box the form comes back with the reason and no lead is stored.
    # The page comes back with the list of errors focused (web/forms/errors.html).
    summary = anna_page.locator("[data-error-summary]")
    summary.get_by_text("Bitte bestätigen Sie Ihre Einwilligung").wait_for()
    anna_page.wait_for_function(
        "() => document.activeElement && document.activeElement.matches('[data-error-summary]')"
    )
    anna_page.get_by_role("checkbox", name="Ich willige ein").check()
    anna_page.get_by_role("button", name="Kontakt hinterlassen").click()
    anna_page.get_by_role("button", name="Einwilligung widerrufen").wait_for()

    staff_page.goto(f"{live_server.url}{booth_path}")
    staff_page.get_by_role("link", name="Kontakte und Besuche").click()
    staff_page.wait_for_url(f"{live_server.url}{booth_path}leads/")
    row = staff_page.get_by_role("row", name="anna")
    assert "Bitte um Rückruf" in row.inner_text()
    assert staff_page.get_by_role("link", name="CSV herunterladen").is_visible()
    shoot(staff_page, "leads-desktop", shots)
    assert fits(staff_page, 360)
    shoot(staff_page, "leads-360", shots)
