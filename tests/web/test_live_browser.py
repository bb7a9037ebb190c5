"""The live session page in the system Chromium against a real daphne (websockets included).

pytest-django's live server speaks WSGI only, so this test copies the migrated SQLite template and
serves the ASGI application with daphne in a subprocess, as tests/realtime/test_multiprocess.py does.
"""

import contextlib
import json

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
from congress.models import Event, Registration, Room, Session

today = timezone.localdate()
event = Event.objects.create(slug="digitale-stadt", acronym="ds2026", name="Digitale Stadt 2026",
                             start_date=today - timedelta(days=1), end_date=today + timedelta(days=1),
                             is_published=True)
room = Room.objects.create(event=event, name="Hauptbühne",
                           stream_url="https://stream.example.org/hauptbuehne.m3u8")
now = timezone.now()
session = Session.objects.create(event=event, room=room, title="Datenräume für Kommunen",
                                 start=now - timedelta(minutes=10), end=now + timedelta(minutes=50),
                                 state=Session.State.LIVE)
for name, first, role in (("anna", "Anna", "attendee"), ("ben", "Ben", "attendee"),
                          ("orga", "Olga", "organizer")):
    user = get_user_model().objects.create_user(name, password="treffpunkt", first_name=first)
    Registration.objects.create(event=event, user=user, role=role)
print(json.dumps({"event": event.slug, "session": session.pk}))
"""


@pytest.fixture(scope="module")
def server(database_templates, tmp_path_factory):
    """A copy of the migrated SQLite template with the congress, served by daphne on a free port."""
    directory = tmp_path_factory.mktemp("live")
    with browser_server(database_templates, directory, SETUP) as (url, congress):
        yield {
            "url": url,
            "session_path": f"/events/{congress['event']}/sessions/{congress['session']}/",
        }


@pytest.fixture
def browser(server):
    with chromium() as browser:
        yield browser


def open_as(browser, server, username):
    return logged_in_page(browser, server["url"], server["session_path"], username, timeout=TIMEOUT)


def chat_texts(page):
    return page.locator("[data-chat-list] .chat-message__text")


def connection(page):
    return page.locator("[data-live-connection]")


def send_chat(page, text):
    page.get_by_label("Nachricht").fill(text)
    page.get_by_role("button", name="Senden").click()


def test_two_attendees_chat_ask_and_resume_after_a_reconnect(browser, server):
    from playwright.sync_api import expect

    anna = open_as(browser, server, "anna")
    ben = open_as(browser, server, "ben")

    for page in (anna, ben):
        expect(page.locator("[data-live-viewers]")).to_have_text("2 Zuschauende")
        expect(connection(page)).to_have_text("verbunden", use_inner_text=True)

    send_chat(anna, "Guten Morgen aus Köln!")
    expect(chat_texts(ben)).to_have_text(["Guten Morgen aus Köln!"])
    expect(chat_texts(anna)).to_have_text(["Guten Morgen aus Köln!"])
    expect(anna.get_by_label("Nachricht")).to_have_value("")

    ben.get_by_label("Ihre Frage").fill("Welche Kommunen machen schon mit?")
    ben.get_by_role("button", name="Frage stellen").click()
    expect(anna.locator(".question__text")).to_have_text(["Welche Kommunen machen schon mit?"])
    anna.get_by_role("button", name="Unterstützen").click()
    expect(anna.locator(".question__votes")).to_have_text(["1 Stimme"])
    expect(anna.get_by_role("button", name="Unterstützt")).to_be_disabled()
    expect(ben.locator(".question__votes")).to_have_text(["1 Stimme"])

    # Ben loses his connection; what Anna writes meanwhile reaches him after the reconnect.
    ben.context.set_offline(True)
    ben.evaluate("window.treffpunktLive.socket?.close()")
    expect(connection(ben)).to_have_text("Verbindung wird wiederhergestellt …", use_inner_text=True)
    expect(anna.locator("[data-live-viewers]")).to_have_text("1 zuschauende Person")
    send_chat(anna, "Zweite Nachricht")
    expect(chat_texts(anna)).to_have_count(2)
    send_chat(anna, "Dritte Nachricht")
    expect(chat_texts(anna)).to_have_count(3)
    expect(chat_texts(ben)).to_have_text(["Guten Morgen aus Köln!"])

    ben.context.set_offline(False)
    expect(connection(ben)).to_have_text("verbunden", use_inner_text=True)
    expected = ["Guten Morgen aus Köln!", "Zweite Nachricht", "Dritte Nachricht"]
    expect(chat_texts(ben)).to_have_text(expected)
    expect(chat_texts(anna)).to_have_text(expected)
    expect(ben.locator(".question__votes")).to_have_text(["1 Stimme"])
    for page in (anna, ben):
        expect(page.locator("[data-live-viewers]")).to_have_text("2 Zuschauende")


def test_organizer_runs_a_poll_and_removes_a_message(browser, server):
    from playwright.sync_api import expect

    orga = open_as(browser, server, "orga")
    anna = open_as(browser, server, "anna")
    for page in (orga, anna):
        expect(connection(page)).to_have_text("verbunden", use_inner_text=True)

    orga.get_by_text("Neue Umfrage", exact=True).click()
    orga.get_by_label("Frage", exact=True).fill("Kaffee oder Tee?")
    orga.get_by_label("Antworten (eine pro Zeile, 2 bis 10)").fill("Kaffee\nTee\n")
    orga.get_by_role("button", name="Umfrage anlegen").click()
    poll = orga.locator(".poll", has_text="Kaffee oder Tee?")
    expect(poll.locator("[data-poll-state='draft']")).to_be_visible()
    expect(anna.locator(".poll", has_text="Kaffee oder Tee?")).to_have_count(0)

    poll.get_by_role("button", name="Umfrage öffnen").click()
    anna_poll = anna.locator(".poll", has_text="Kaffee oder Tee?")
    anna_poll.get_by_label("Tee").check()
    anna_poll.get_by_role("button", name="Abstimmen").click()
    results = ["Kaffee", "0 Stimmen · 0 %", "Tee", "1 Stimme · 100 %"]
    expect(anna_poll.locator(".poll-result > span:not([aria-hidden])")).to_have_text(results)
    expect(poll.locator(".poll-result > span:not([aria-hidden])")).to_have_text(results)

    poll.get_by_role("button", name="Umfrage schließen").click()
    expect(anna_poll.locator("[data-poll-state='closed']")).to_be_visible()

    send_chat(anna, "Das ist Werbung")
    message = orga.locator(".chat-message", has_text="Das ist Werbung")
    message.get_by_role("button", name="Löschen").click()
    expect(anna.locator(".chat-message", has_text="Das ist Werbung")).to_have_count(0)
    expect(message).to_have_count(0)


def test_a_tab_over_the_socket_limit_says_so_and_connects_once_another_closes(browser, server):
    # A person holds at most REALTIME_MAX_SOCKETS_PER_USER (10) sockets. The server used to refuse
    # the eleventh at the handshake, which the page could not tell from a server that is down.
    from playwright.sync_api import expect
    from websockets.sync.client import connect

    first = open_as(browser, server, "ben")
    expect(connection(first)).to_have_text("verbunden", use_inner_text=True)
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in first.context.cookies())
    url = server["url"].replace("http://", "ws://") + "/ws/"
    with contextlib.ExitStack() as sockets:
        others = []
        for _ in range(9):  # with the first page's socket, the ten allowed
            socket_ = sockets.enter_context(
                connect(url, origin=server["url"], additional_headers={"Cookie": cookie})
            )
            assert json.loads(socket_.recv(timeout=5))["type"] == "hello"
            others.append(socket_)

        second = open_as(browser, server, "ben")
        expect(connection(second)).to_have_text(
            "Diese Veranstaltung ist in zu vielen Fenstern oder Tabs geöffnet. Schließen Sie "
            "eines; diese Seite verbindet sich dann von selbst wieder.",
            use_inner_text=True,
        )
        expect(connection(first)).to_have_text("verbunden", use_inner_text=True)

        others[0].close()
        # The page tries again after 5–10 s.
        expect(connection(second)).to_have_text("verbunden", use_inner_text=True, timeout=20_000)
        send_chat(second, "Jetzt bin ich auch im zweiten Tab da.")
        expect(chat_texts(first)).to_contain_text(["Jetzt bin ich auch im zweiten Tab da."])
