"""Networking in the system Chromium against a real daphne: a meeting request, its live notice and
acceptance, then a 1:1 chat whose messages arrive exactly once.

Served as in tests/web/test_booth_live_browser.py (a migrated temporary SQLite database, daphne in
a subprocess); two browser contexts, one per person.
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
from matchmaking.models import MeetingSlot, Profile, Tag

today = timezone.localdate()
event = Event.objects.create(slug="digitale-stadt", acronym="ds2026", name="Digitale Stadt 2026",
                             start_date=today, end_date=today + timedelta(days=1),
                             is_published=True)
for slug, name in (("open-data", "Open-Data-Plattform"), ("beratung", "Beratung"),
                   ("mobilitaet", "Mobilität")):
    Tag.objects.create(event=event, slug=slug, name=name)
users = {}
for name, first, organisation, kind, offers, seeks in (
    ("anna", "Anna", "Stadt Kassel", "municipality", ["beratung"], ["open-data"]),
    ("ben", "Ben", "Datenwerk GmbH", "provider", ["open-data"], ["beratung"]),
):
    users[name] = get_user_model().objects.create_user(name, password="treffpunkt",
                                                       first_name=first)
    Registration.objects.create(event=event, user=users[name], role="attendee")
    Profile.objects.create(event=event, user=users[name], is_visible=True,
                           organisation=organisation, organisation_type=kind, offers=offers,
                           seeks=seeks, interests=["mobilitaet"])
tomorrow = event.starts_at + timedelta(days=1)
for hour in (10, 11, 14):
    MeetingSlot.objects.create(event=event, start=tomorrow + timedelta(hours=hour),
                               end=tomorrow + timedelta(hours=hour, minutes=30))
print(json.dumps({"event": event.slug, "anna": users["anna"].pk, "ben": users["ben"].pk}))
"""


@pytest.fixture(scope="module")
def server(database_templates, tmp_path_factory):
    """A copy of the migrated SQLite template with two matching attendees, served by daphne on a free port."""
    directory = tmp_path_factory.mktemp("networking")
    with browser_server(database_templates, directory, SETUP) as (url, made):
        yield {"url": url, **made, "event": f"/events/{made['event']}"}


@pytest.fixture
def browser(server):
    with chromium() as browser:
        yield browser


def open_as(browser, server, username, path):
    return logged_in_page(
        browser, server["url"], f"{server['event']}{path}", username, timeout=TIMEOUT
    )


def wait_connected(page, selector):
    page.locator(f'{selector}[data-connection="connected"]').wait_for(
        state="attached", timeout=TIMEOUT
    )


def test_meeting_request_acceptance_and_chat_between_two_attendees(browser, server):
    from playwright.sync_api import expect

    ben = open_as(browser, server, "ben", "/meetings/")
    wait_connected(ben, "[data-networking-live]")
    anna = open_as(browser, server, "anna", f"/networking/{server['ben']}/")
    expect(anna.get_by_role("heading", name="Ben", exact=True)).to_be_visible()

    # Anna asks Ben for the first free slot.
    anna.get_by_label("Zeit", exact=True).select_option(index=1)
    anna.get_by_label("Wo (optional)").fill("Tisch 12")
    anna.get_by_label("Nachricht (optional)").fill("Kaffee und Open Data?")
    anna.get_by_role("button", name="Anfrage senden").click()
    expect(anna.get_by_text("Ihre Anfrage wurde an Ben gesendet.")).to_be_visible()
    sent = anna.locator("section", has=anna.get_by_role("heading", name="Von Ihnen gesendete"))
    expect(sent.locator(".meeting")).to_have_count(1)
    wait_connected(anna, "[data-networking-live]")

    # Ben gets the live notice, reloads and accepts.
    notice = ben.locator(".live-notice")
    expect(notice).to_have_count(1, timeout=TIMEOUT)
    expect(notice).to_contain_text("Neue Treffen-Anfrage von Anna")
    notice.get_by_role("link").click()
    awaiting = ben.locator(".meeting--pending")
    expect(awaiting).to_contain_text("Kaffee und Open Data?")
    awaiting.get_by_role("button", name="Annehmen").click()
    expect(ben.get_by_text("Sie haben das Treffen mit Anna angenommen.")).to_be_visible()
    expect(ben.locator(".meeting--accepted [data-meeting-state]")).to_have_text("angenommen")

    # Anna sees it live, and as accepted after reloading.
    expect(anna.locator(".live-notice")).to_contain_text(
        "Ben hat Ihr Treffen angenommen", timeout=TIMEOUT
    )
    anna.reload()
    expect(anna.locator(".meeting--accepted")).to_contain_text("Treffen mit Ben")
    expect(anna.locator(".meeting--accepted")).to_contain_text("Tisch 12")

    # Anna writes from Ben's page; Ben's open "Messages" badge counts it live.
    ben.goto(f"{server['url']}{server['event']}/messages/")
    wait_connected(ben, "[data-networking-live]")
    anna.goto(f"{server['url']}{server['event']}/networking/{server['ben']}/")
    anna.get_by_role("button", name="Nachricht schreiben").first.click()
    expect(anna.get_by_role("heading", name="Unterhaltung mit Ben")).to_be_visible()
    anna_chat = anna.locator("[data-conversation-live]")
    expect(anna_chat.get_by_label("Nachricht")).to_be_visible(timeout=TIMEOUT)
    anna_chat.get_by_label("Nachricht").fill("Hallo Ben!")
    anna_chat.get_by_role("button", name="Senden").click()
    anna_texts = anna_chat.locator(".chat-message__text")
    expect(anna_texts).to_have_text(["Hallo Ben!"], timeout=TIMEOUT)
    badge = ben.locator("[data-unread-total]")
    expect(badge).to_be_visible(timeout=TIMEOUT)
    expect(badge.locator('[data-slot="count"]')).to_have_text("1")

    # Ben opens the conversation: history from the snapshot, then a live message exactly once.
    ben.reload()
    ben.get_by_role("link", name="Anna").click()
    ben_chat = ben.locator("[data-conversation-live]")
    ben_texts = ben_chat.locator(".chat-message__text")
    expect(ben_texts).to_have_text(["Hallo Ben!"], timeout=TIMEOUT)
    expect(ben_chat.get_by_label("Nachricht")).to_be_visible()
    # Ben has read it: Anna's page shows the receipt live.
    expect(anna_chat.locator("[data-conversation-read]")).to_have_text(
        "Ben hat Ihre Nachrichten gelesen.", timeout=TIMEOUT
    )
    anna_chat.get_by_label("Nachricht").fill("Bis morgen um 10!")
    anna_chat.get_by_label("Nachricht").press("Enter")
    expect(ben_texts).to_have_text(["Hallo Ben!", "Bis morgen um 10!"], timeout=TIMEOUT)

    ben_chat.get_by_label("Nachricht").fill("Gerne, bis dann!")
    ben_chat.get_by_role("button", name="Senden").click()
    expected = ["Hallo Ben!", "Bis morgen um 10!", "Gerne, bis dann!"]
    expect(anna_texts).to_have_text(expected, timeout=TIMEOUT)
    expect(ben_texts).to_have_text(expected, timeout=TIMEOUT)
    # Exactly once on both sides, also after any late push or reply has arrived.
    ben.wait_for_timeout(300)
    expect(ben_texts).to_have_count(3)
    expect(anna_texts).to_have_count(3)

    # Ben blocks Anna from the chat page; Anna's next message is refused with the gateway's reason.
    ben_chat.get_by_role("button", name="Blockieren").click()
    expect(ben.get_by_text("Die Person ist blockiert")).to_be_visible()
    anna_chat.get_by_label("Nachricht").fill("Noch da?")
    anna_chat.get_by_role("button", name="Senden").click()
    expect(anna_chat.locator("[data-conversation-error]")).to_have_text(
        "Diese Person kann nicht kontaktiert werden.", timeout=TIMEOUT
    )
    expect(anna_chat.get_by_label("Nachricht")).to_have_value("Noch da?")
    expect(anna_texts).to_have_count(3)
