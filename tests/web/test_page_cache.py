"""The rendered page parts kept between requests (web/page_cache.py) never show stale or foreign
content: every test loads a page once (so it is kept), changes something, and loads it again."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from congress import services
from congress.models import Favourite
from tests.factories import (
    EventFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    UserFactory,
    at,
)

pytestmark = pytest.mark.django_db

BADGE = 'class="badge badge--favourite"'


def programme(client, event, **headers):
    response = client.get(f"/events/{event.slug}/", **headers)
    assert response.status_code == 200
    return response.content.decode()


def without_tokens(html):
    return re.sub(r'(csrfmiddlewaretoken" value="|data-csrf=")[^"]+', r"\1…", html)


def card_of(html, session):
    start = html.index(f'data-session="{session.pk}"')
    return html[start : html.index("</li>", start)]


@pytest.fixture
def keynote(event):
    return SessionFactory(
        event=event,
        room=RoomFactory(event=event, name="Saal 1"),
        title="Eröffnung",
        start=at(event, 9),
        end=at(event, 10),
    )


def test_a_moved_session_shows_its_new_time_and_room_on_the_next_load(
    client, event, organizer, keynote
):
    forum = RoomFactory(event=event, name="Forum")
    assert "09:00" in card_of(programme(client, event), keynote)

    services.update_session(
        keynote, user=organizer, start=at(event, 14), end=at(event, 15), room=forum
    )

    html = programme(client, event)
    assert "14:00" in card_of(html, keynote)
    assert "09:00" not in card_of(html, keynote)
    assert f'data-room="{forum.pk}"' in html[: html.index(f'data-session="{keynote.pk}"')]


def test_a_cancelled_session_shows_as_cancelled_on_the_next_load(client, event, organizer, keynote):
    assert "Abgesagt" not in card_of(programme(client, event), keynote)

    services.set_session_state(keynote, user=organizer, state="cancelled", note="Krank")

    card = card_of(programme(client, event), keynote)
    assert "<s>Eröffnung</s>" in card
    assert "Abgesagt" in card
    assert "Krank" in card


def test_a_renamed_speaker_shows_on_the_next_load(client, event, organizer, keynote):
    speaker = SpeakerFactory(event=event, name="Dr. Alt")
    keynote.speakers.set([speaker])
    services.note_programme_change(event)
    assert "Dr. Alt" in programme(client, event)

    services.save_speaker(speaker, user=organizer, event=event, name="Dr. Neu")

    html = programme(client, event)
    assert "Dr. Neu" in html
    assert "Dr. Alt" not in html


def test_german_and_english_pages_are_never_served_to_the_other_language(client, event, keynote):
    german = programme(client, event, HTTP_ACCEPT_LANGUAGE="de")
    english = programme(client, event, HTTP_ACCEPT_LANGUAGE="en")
    german_again = programme(client, event, HTTP_ACCEPT_LANGUAGE="de")

    assert "Alle Zeiten in" in german and "All times in" not in german
    assert "All times in" in english and "Alle Zeiten in" not in english
    assert without_tokens(german_again) == without_tokens(german)


def test_one_users_favourites_are_never_shown_to_another(client, event, attendee, keynote):
    other = SessionFactory(event=event, title="Werkstatt", start=at(event, 11), end=at(event, 12))
    Favourite.objects.create(user=attendee, session=keynote)
    client.force_login(attendee)
    html = programme(client, event)
    assert BADGE in card_of(html, keynote)
    assert BADGE not in card_of(html, other)

    client.force_login(UserFactory(username="ben"))
    assert BADGE not in programme(client, event)

    client.logout()
    html = programme(client, event)
    assert BADGE not in html
    assert "Nur meine Favoriten" not in html  # the filter is for logged-in visitors only


def test_a_new_favourite_shows_on_the_next_load(client, event, attendee, keynote):
    client.force_login(attendee)
    assert BADGE not in programme(client, event)

    services.add_favourite(user=attendee, session=keynote)

    assert BADGE in card_of(programme(client, event), keynote)


def test_now_and_next_moves_on_when_the_next_session_starts(client, event, monkeypatch):
    now = timezone.now().replace(microsecond=0)
    event.start_date = timezone.localdate()
    event.end_date = event.start_date + timedelta(days=1)
    event.save()
    first = SessionFactory(
        event=event, title="Erster Vortrag", start=now + timedelta(minutes=10),
        end=now + timedelta(minutes=40),
    )  # fmt: skip
    SessionFactory(
        event=event, title="Zweiter Vortrag", start=now + timedelta(hours=1),
        end=now + timedelta(hours=2),
    )  # fmt: skip

    def now_and_next(html):
        box = html[
            html.index('class="now-next"') : html.index(
                "</section>", html.index('class="now-next"')
            )
        ]
        return ("Erster Vortrag" in box, "Zweiter Vortrag" in box, "<h3>Jetzt</h3>" in box)

    assert now_and_next(programme(client, event)) == (True, False, False)

    monkeypatch.setattr(timezone, "now", lambda: first.start + timedelta(minutes=1))

    # Now the first runs and the second is next.
    assert now_and_next(programme(client, event)) == (True, True, True)


def test_the_session_page_parts_follow_language_and_login(client, event, attendee, keynote):
    url = f"/events/{event.slug}/sessions/{keynote.pk}/"
    login_hint = '<div class="live-hint live-hint--write" id="write-hint" data-hint="write"><p>'

    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.force_login(attendee)
    logged_in = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Ihre Frage" in german and "Your question" not in german
    assert "Your question" in english and "Ihre Frage" not in english
    assert "<dt>Wann</dt>" in german and "<dt>When</dt>" not in german
    assert "<dt>When</dt>" in english and "<dt>Wann</dt>" not in english
    stream = ("Stream in neuem Fenster öffnen", "Open the stream in a new window")
    assert stream[0] in german and stream[1] not in german
    assert stream[1] in english and stream[0] not in english
    assert login_hint in german
    assert login_hint not in logged_in
    assert "Ihre Frage" in logged_in


def session_page(client, session):
    response = client.get(f"/events/{session.event.slug}/sessions/{session.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_session_page_shows_a_move_a_cancellation_and_a_new_next_session_at_once(
    client, event, organizer, keynote
):
    forum = RoomFactory(event=event, name="Forum")
    page = session_page(client, keynote)
    assert ">09:00</time>" in page and "Als Nächstes in diesem Raum" not in page

    services.update_session(
        keynote, user=organizer, start=at(event, 14), end=at(event, 15), room=forum
    )
    page = session_page(client, keynote)
    assert ">14:00</time>" in page and "Forum" in page

    services.set_session_state(keynote, user=organizer, state="cancelled", note="Krank")
    page = session_page(client, keynote)
    assert "data-header-cancellation hidden" not in page and "Krank" in page

    services.create_session(
        user=organizer, event=event, title="Danach", room=forum, start=at(event, 16),
        end=at(event, 17),
    )  # fmt: skip
    page = session_page(client, keynote)
    assert "Als Nächstes in diesem Raum" in page and "Danach" in page


def test_the_session_pages_star_is_each_users_own(client, event, attendee, keynote):
    Favourite.objects.create(user=attendee, session=keynote)
    client.force_login(attendee)
    assert "Aus meinem Programm entfernen" in session_page(client, keynote)

    client.force_login(UserFactory(username="ben"))
    page = session_page(client, keynote)

    assert "Zu meinem Programm hinzufügen" in page
    assert "Aus meinem Programm entfernen" not in page


def test_the_logged_in_notices_follow_the_page_language(client, event, attendee, keynote):
    client.force_login(attendee)

    german = programme(client, event, HTTP_ACCEPT_LANGUAGE="de")
    english = programme(client, event, HTTP_ACCEPT_LANGUAGE="en")
    german_session = session_page(client, keynote)

    assert "Neue Treffen-Anfrage von" in german and "New meeting request" not in german
    assert "New meeting request from" in english and "Neue Treffen-Anfrage" not in english
    assert "Neue Treffen-Anfrage von" in german_session


def test_speaker_and_event_edits_in_the_admin_show_on_the_next_load(client, event, keynote):
    speaker = SpeakerFactory(event=event, name="Dr. Alt")
    keynote.speakers.set([speaker])
    services.note_programme_change(event)
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    assert "Dr. Alt" in programme(client, event)

    client.force_login(admin)
    response = client.post(
        f"/admin/congress/speaker/{speaker.pk}/change/",
        {"event": event.pk, "name": "Dr. Neu", "organisation": "", "position": "", "bio": ""},
    )
    assert response.status_code == 302
    client.logout()

    html = programme(client, event)
    assert "Dr. Neu" in html and "Dr. Alt" not in html
    event.refresh_from_db()
    version = event.programme_version

    client.force_login(admin)
    response = client.post(
        f"/admin/congress/event/{event.pk}/change/",
        {
            "slug": event.slug, "acronym": event.acronym, "name": event.name,
            "description": "", "timezone": "Europe/London",
            "start_date": event.start_date.isoformat(), "end_date": event.end_date.isoformat(),
            "languages": '["de"]', "is_published": "on",
            "rooms-TOTAL_FORMS": "1", "rooms-INITIAL_FORMS": "1",
            "rooms-MIN_NUM_FORMS": "0", "rooms-MAX_NUM_FORMS": "1000",
            "rooms-0-id": keynote.room.pk, "rooms-0-event": event.pk,
            "rooms-0-name": keynote.room.name, "rooms-0-description": "",
            "rooms-0-capacity": keynote.room.capacity or "", "rooms-0-stream_url": "",
            "rooms-0-position": keynote.room.position,
            "tracks-TOTAL_FORMS": "0", "tracks-INITIAL_FORMS": "0",
            "tracks-MIN_NUM_FORMS": "0", "tracks-MAX_NUM_FORMS": "1000",
        },
    )  # fmt: skip
    assert response.status_code == 302, re.findall(
        r"errorlist[^>]*>(.*?)</ul>", response.content.decode(), re.S
    )
    client.logout()

    event.refresh_from_db()
    assert event.programme_version > version
    assert "Europe/London" in programme(client, event)


def test_an_event_created_again_under_the_same_id_shows_its_own_programme(client, event, keynote):
    """A reseed (``seed_demo --reset``) deletes the event and creates it again: the same slug,
    on a database that may hand out the same id, at programme version 1 again."""
    assert "Eröffnung" in programme(client, event)
    page = client.get(f"/events/{event.slug}/sessions/{keynote.pk}/").content.decode()
    assert "Eröffnung" in page
    pk, slug, session_pk = event.pk, event.slug, keynote.pk
    event.delete()

    again = EventFactory(pk=pk, slug=slug)
    assert again.programme_version == 1
    SessionFactory(
        pk=session_pk,
        event=again,
        room=RoomFactory(event=again, name="Saal 1"),
        title="Begrüßung",
        start=at(again, 9),
        end=at(again, 10),
    )

    html = programme(client, again)
    assert "Begrüßung" in html and "Eröffnung" not in html
    page = client.get(f"/events/{slug}/sessions/{session_pk}/").content.decode()
    assert "Begrüßung" in page and "Eröffnung" not in page
