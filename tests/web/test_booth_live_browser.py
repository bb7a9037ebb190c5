"""The booth page's live box in the system Chromium against a real daphne (websockets included).

Booth staff online, a contact request, its acceptance and the 1:1 chat it opens; served as in
tests/web/test_live_browser.py (a migrated temporary SQLite database, daphne in a subprocess).
"""

import pytest

from tests.servers import (
    browser_server,
    chromium,
    logged_in_page,
)

pytestmark = pytest.mark.browser

TIMEOUT = 10_000

SETUP = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from congress.models import Event, Registration
from expo.models import Exhibitor, ExhibitorStaff

today = timezone.localdate()
event = Event.objects.create(slug="digitale-stadt", acronym="ds2026", name="Digitale Stadt 2026",
                             start_date=today, end_date=today + timedelta(days=1),
                             is_published=True)
booth = Exhibitor.objects.create(event=event, name="Stadtwerk Daten AG", slug="stadtwerk-daten",
                                 status=Exhibitor.Status.PUBLISHED)
users = {}
for name, first, role in (("aussteller", "Erik", "exhibitor"), ("anna", "Anna", "attendee")):
    users[name] = get_user_model().objects.create_user(name, password="treffpunkt",
                                                       first_name=first)
    Registration.objects.create(event=event, user=users[name], role=role)
ExhibitorStaff.objects.create(exhibitor=booth, user=users["aussteller"],
                              role=ExhibitorStaff.Role.ADMIN)
print(json.dumps({"event": event.slug, "booth": booth.pk}))
"""


@pytest.fixture(scope="module")
def server(database_templates, tmp_path_factory):
    """A copy of the migrated SQLite template with one published booth, served by daphne on a free port."""
    directory = tmp_path_factory.mktemp("booth-live")
    with browser_server(database_templates, directory, SETUP) as (url, expo):
        yield {"url": url, "booth_path": f"/events/{expo['event']}/expo/{expo['booth']}/"}


@pytest.fixture
def browser(server):
    with chromium() as browser:
        yield browser


def open_as(browser, server, username):
    return logged_in_page(browser, server["url"], server["booth_path"], username, timeout=TIMEOUT)


def live_box(page):
    return page.locator("[data-booth-live]")


def test_attendee_requests_a_conversation_and_chats_with_the_booth_team(browser, server):
    from playwright.sync_api import expect

    staff = open_as(browser, server, "aussteller")
    staff_box = live_box(staff)
    expect(staff_box.locator("[data-booth-online]")).to_have_text(
        "1 Person vom Standteam online", use_inner_text=True, timeout=TIMEOUT
    )
    expect(staff_box.get_by_role("heading", name="Gesprächsanfragen")).to_be_visible()
    expect(staff_box.get_by_role("button", name="Gespräch anfragen")).to_be_hidden()

    anna = open_as(browser, server, "anna")
    anna_box = live_box(anna)
    expect(anna_box.get_by_role("heading", name="Live am Stand")).to_be_visible()
    expect(anna_box.locator('[data-booth-online] [data-slot="count"]')).to_have_text(
        "1", timeout=TIMEOUT
    )
    expect(anna_box.locator("[data-booth-online]")).to_have_text(
        "1 Person vom Standteam online", use_inner_text=True
    )
    expect(anna_box.get_by_role("heading", name="Gesprächsanfragen")).to_be_hidden()

    anna_box.get_by_label("Worum geht es? (optional)").fill(
        "Ich interessiere mich für Datenportale"
    )
    anna_box.get_by_role("button", name="Gespräch anfragen").click()
    expect(anna_box.get_by_text("Anfrage gesendet – das Standteam meldet sich")).to_be_visible(
        timeout=TIMEOUT
    )

    request = staff_box.locator(".booth-live__request")
    expect(request).to_have_count(1, timeout=TIMEOUT)
    expect(request).to_contain_text("Anna")
    expect(request).to_contain_text("Ich interessiere mich für Datenportale")
    request.get_by_role("button", name="Annehmen").click()

    staff_chat = staff_box.locator("[data-booth-chat]")
    anna_chat = anna_box.locator("[data-booth-chat]")
    expect(staff_chat).to_have_count(1, timeout=TIMEOUT)
    expect(anna_chat).to_have_count(1, timeout=TIMEOUT)
    expect(staff_chat.get_by_role("heading")).to_contain_text("Anna")
    expect(anna_chat.get_by_role("heading")).to_contain_text("Erik")

    anna_chat.get_by_label("Nachricht").fill("Guten Tag")
    anna_chat.get_by_role("button", name="Senden").click()

    staff_texts = staff_chat.locator(".chat-message__text")
    expect(staff_texts).to_have_text(["Guten Tag"], timeout=TIMEOUT)
    expect(anna_chat.locator(".chat-message__text")).to_have_text(["Guten Tag"], timeout=TIMEOUT)
    # Exactly once, also after the reply and any late push have arrived.
    staff.wait_for_timeout(500)
    expect(staff_texts).to_have_count(1)
