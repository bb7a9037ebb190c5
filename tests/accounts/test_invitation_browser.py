"""The invitation journey in Chromium: the organizer imports, the invitee follows the mail's link."""

import re

import pytest

from tests.servers import chromium, logged_in_page

from .servers import onboarding_server
from .smtp import link_in, smtp_server

pytestmark = pytest.mark.browser

SETUP = """
import json
from congress.models import Registration
from tests.factories import EventFactory, RegistrationFactory, SessionFactory, UserFactory
event = EventFactory(slug="digitale-stadt", name="Digitale Stadt 2026")
SessionFactory(event=event, title="Verwaltung im Netz")
orga = UserFactory(username="orga", email="orga@example.org")
RegistrationFactory(event=event, user=orga, role=Registration.Role.ORGANIZER)
print(json.dumps({"slug": event.slug}))
"""

CSV = (
    "email,first_name,last_name,organisation,role,booth\n"
    "ines@example.org,Ines,Neumann,Stadt Musterhausen,attendee,\n"
    "kaputt,Kein,Mail,,attendee,\n"
)


@pytest.fixture(scope="module")
def smtp():
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def server(database_templates, tmp_path_factory, smtp):
    _collector, port = smtp
    with onboarding_server(
        database_templates, tmp_path_factory.mktemp("invite"), SETUP, smtp_port=port
    ) as running:
        yield running


def test_organizer_imports_and_the_invitee_sets_a_password_and_sees_the_programme(server, smtp):
    base_url, made = server
    collector, _port = smtp
    slug = made["slug"]
    with chromium() as browser:
        page = logged_in_page(browser, base_url, f"/events/{slug}/import/", "orga", timeout=15_000)
        page.get_by_label("CSV-Datei").set_input_files(
            {"name": "teilnehmende.csv", "mimeType": "text/csv", "buffer": CSV.encode()}
        )
        page.get_by_role("button", name="Importieren").click()
        report = page.locator("[data-import-report]")
        assert report.locator("[data-count=created]").inner_text() == "1"
        assert report.locator("[data-count=rejected]").inner_text() == "1"
        assert "„kaputt“ ist keine gültige E-Mail-Adresse." in report.inner_text()

        (mail,) = collector.wait_for("ines@example.org")
        assert mail["Subject"] == "Ihre Einladung zu Digitale Stadt 2026"
        link = link_in(mail, r"http://127\.0\.0\.1:\d+/invitation/\S+/")

        context = browser.new_context(locale="de-DE")
        context.set_default_timeout(15_000)
        invitee = context.new_page()
        invitee.goto(link)
        invitee.get_by_label(re.compile(r"^Neues Passwort:?$")).fill("sicheres-Passwort-2026")
        invitee.get_by_label("Neues Passwort bestätigen").fill("sicheres-Passwort-2026")
        invitee.get_by_role("button", name="Passwort speichern und weiter").click()
        invitee.wait_for_url(f"{base_url}/events/{slug}/")
        assert invitee.get_by_text("Verwaltung im Netz").first.is_visible()
        assert "ines@example.org" in invitee.locator(".site-user").inner_text()

        # The link works once.
        again = context.new_page()
        response = again.goto(link)
        assert response.status == 410
        assert again.get_by_role(
            "heading", name="Dieser Link kann nicht verwendet werden"
        ).is_visible()
