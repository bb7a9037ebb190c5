"""The live part of the session page as the server renders it (web/_live.html)."""

import re

import pytest
from lxml import html as lxml_html

from congress.models import Registration, Session
from tests.factories import RegistrationFactory, RoomFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

STREAM_URL = "https://stream.example.org/hauptbuehne.m3u8"


def session_url(session):
    return f"/events/{session.event.slug}/sessions/{session.pk}/"


def live_region(response):
    assert response.status_code == 200
    document = lxml_html.fromstring(response.content.decode())
    (region,) = document.xpath("//*[@data-live]")
    # lxml reads a <template>'s content as children; the browser renders none of it. The stage's
    # templates hold the player a changed stream is built from (web/_stage.html).
    for template in region.xpath(".//template[@data-stage-kind]"):
        template.getparent().remove(template)
    return region


def visible_text(element):
    return re.sub(r"\s+", " ", element.text_content()).strip()


@pytest.fixture
def session(event):
    room = RoomFactory(event=event, name="Hauptbühne", stream_url=STREAM_URL)
    return SessionFactory(event=event, room=room, title="Datenräume", state=Session.State.LIVE)


def test_live_region_carries_what_the_script_needs(client, session):
    region = live_region(client.get(session_url(session)))

    assert {
        name: region.get(f"data-{name}")
        for name in ("session", "topic", "event", "event-topic", "user", "timezone")
    } == {
        "session": str(session.pk),
        "topic": f"session:{session.pk}",
        "event": session.event.slug,
        "event-topic": f"event:{session.event.slug}",
        "user": "",
        "timezone": session.event.timezone,
    }


def test_live_region_names_the_logged_in_user(client, session, attendee):
    client.force_login(attendee)

    region = live_region(client.get(session_url(session)))

    assert region.get("data-user") == str(attendee.pk)


def test_stream_of_the_room_is_embedded_and_linked(client, session):
    region = live_region(client.get(session_url(session)))

    (video,) = region.xpath(".//video")
    (link,) = region.xpath(".//a[@data-live-stream-link]")
    assert (video.get("src"), "controls" in video.attrib) == (STREAM_URL, True)
    assert (link.get("href"), link.get("target"), visible_text(link)) == (
        STREAM_URL,
        "_blank",
        "Stream in neuem Fenster öffnen",
    )


def test_room_without_stream_says_so(client, event):
    session = SessionFactory(event=event, room=RoomFactory(event=event, stream_url=""))

    region = live_region(client.get(session_url(session)))

    assert region.xpath(".//video") == []
    (note,) = region.xpath(".//*[@data-live-no-stream]")
    assert visible_text(note) == "Für diese Sitzung gibt es keinen Stream."


def test_without_javascript_the_page_says_what_is_missing(client, session):
    region = live_region(client.get(session_url(session)))

    (note,) = region.xpath(".//*[@data-live-nojs]")
    (panels,) = region.xpath(".//*[@data-live-panels]")
    assert visible_text(note) == ("Chat, Fragen, Umfragen und Reaktionen brauchen JavaScript.")
    assert panels.get("hidden") is not None


def test_labels_are_german_by_default(client, session):
    region = live_region(client.get(session_url(session)))

    assert [visible_text(h) for h in region.xpath(".//h3[not(@class)]")] == [
        "Chat",
        "Fragen",
        "Umfragen",
    ]
    assert [visible_text(label) for label in region.xpath(".//label")] == [
        "Nachricht",
        "Neue Chat-Beiträge vorlesen",
        "Ihre Frage",
        "Frage",
        "Antworten (eine pro Zeile, 2 bis 10)",
    ]
    assert [
        visible_text(b)
        for b in region.xpath(".//form[not(ancestor::template)]//button[@type='submit']")
    ] == [
        "Senden",
        "Frage stellen",
        "Umfrage anlegen",
    ]
    (state,) = region.xpath(".//*[@data-live-state]/*[not(@hidden)]")
    assert visible_text(state) == "Live"


def test_labels_are_english_after_switching_language(client, session):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    region = live_region(client.get(session_url(session)))

    assert [visible_text(label) for label in region.xpath(".//label")][:3] == [
        "Message",
        "Read out new chat posts",
        "Your question",
    ]
    (link,) = region.xpath(".//a[@data-live-stream-link]")
    assert visible_text(link) == "Open the stream in a new window"


def test_new_messages_are_announced_by_the_one_polite_announcer(client, session):
    response = client.get(session_url(session))
    region = live_region(response)

    (chat,) = region.xpath(".//*[@data-chat-list]")
    assert chat.get("aria-live") is None
    page = lxml_html.fromstring(response.content)
    assert [element.get("aria-live") for element in page.xpath("//*[@aria-live]")] == [
        "polite",  # the connection status
        "polite",  # [data-announcer] in web/base.html
    ]
    (announcer,) = page.xpath("//*[@data-announcer]")
    assert announcer.get("aria-live") == "polite"


def test_anonymous_visitor_sees_the_login_hint(client, session):
    region = live_region(client.get(session_url(session)))

    (hint,) = region.xpath(".//*[@data-hint='write']")
    (link,) = hint.xpath(".//a")
    assert visible_text(hint) == (
        "Melden Sie sich an, um zu chatten, Fragen zu stellen und abzustimmen."
    )
    assert link.get("href") == f"/login/?next={session_url(session)}"


def test_logged_in_attendee_gets_no_login_hint(client, session):
    user = UserFactory(username="ben")
    RegistrationFactory(event=session.event, user=user, role=Registration.Role.ATTENDEE)
    client.force_login(user)

    region = live_region(client.get(session_url(session)))

    (hint,) = region.xpath(".//*[@data-hint='write']")
    assert visible_text(hint) == ""


def test_page_loads_the_script_and_its_catalogue_without_inline_code(client, session):
    response = client.get(session_url(session))

    document = lxml_html.fromstring(response.content.decode())
    sources = [script.get("src") for script in document.xpath("//script")]
    assert sources[-2:] == ["/jsi18n/", "/static/web/live.js"]
    assert [s for s in document.xpath("//script") if s.get("src") is None] == []


def test_javascript_catalogue_is_german(client):
    response = client.get("/jsi18n/")

    assert response.status_code == 200
    body = response.content.decode()
    assert '"%(count)s viewer"' in body
    assert "Zuschauende" in body


def test_break_has_no_live_region(client, event):
    session = SessionFactory(event=event, kind=Session.Kind.BREAK, title="Mittagspause")

    response = client.get(session_url(session))

    assert response.status_code == 200
    assert b"data-live" not in response.content


def test_programme_changes_are_announced_by_the_one_polite_announcer(client, session):
    response = client.get(f"/events/{session.event.slug}/")
    page = lxml_html.fromstring(response.content)

    (notices,) = page.xpath("//*[@data-programme-notices]")
    assert notices.get("aria-live") is None
    assert [element.get("data-announcer") for element in page.xpath("//*[@aria-live]")] == [""]
