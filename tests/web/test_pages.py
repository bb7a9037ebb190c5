from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse

from congress.models import Favourite, Session
from expo.models import Exhibitor
from tests.factories import (
    CategoryFactory,
    EventFactory,
    ExhibitorFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    TrackFactory,
    UserFactory,
    at,
)

pytestmark = pytest.mark.django_db


def programme_url(event):
    return f"/events/{event.slug}/"


def session_url(session):
    return f"/events/{session.event.slug}/sessions/{session.pk}/"


def favourite_url(session):
    return f"/events/{session.event.slug}/sessions/{session.pk}/favourite/"


def agenda_url(event):
    return f"/events/{event.slug}/agenda/"


def section_of(html, day_slug):
    """The HTML of one day's section on the programme page."""
    start = html.index(f'<section class="day" id="{day_slug}"')
    end = html.find('<section class="day" id="', start + 1)
    return html[start:] if end == -1 else html[start:end]


def test_home_with_one_published_event_redirects_to_its_programme(client, event):
    EventFactory(is_published=False)

    response = client.get("/")

    assert response.status_code == 302
    assert response.url == programme_url(event)


def test_home_with_two_published_events_lists_both(client, event):
    other = EventFactory(name="Zweiter Kongress")

    response = client.get("/")

    assert response.status_code == 200
    assert [e.pk for e in response.context["events"]] == [event.pk, other.pk]
    assert "Zweiter Kongress" in response.content.decode()


def test_programme_groups_sessions_by_day_and_room(client, event):
    main_stage, workshop_room = (
        RoomFactory(event=event, name="Hauptbühne", position=0),
        RoomFactory(event=event, name="Werkstatt", position=1),
    )
    SessionFactory(event=event, room=workshop_room, title="Werkstatt am Morgen", start=at(event, 9))
    SessionFactory(event=event, room=main_stage, title="Eröffnung", start=at(event, 10))
    SessionFactory(event=event, room=main_stage, title="Abschluss", start=at(event, 15, day=1))

    response = client.get(programme_url(event))

    assert response.status_code == 200
    days = response.context["days"]
    assert [day.date for day in days] == event.days
    assert [
        [
            (column.room.name, [entry.session.title for entry in column.entries])
            for column in day.columns
        ]
        for day in days
    ] == [
        [("Hauptbühne", ["Eröffnung"]), ("Werkstatt", ["Werkstatt am Morgen"])],
        [("Hauptbühne", ["Abschluss"])],
    ]
    html = response.content.decode()
    first_day, second_day = (section_of(html, day.slug) for day in days)
    assert "Eröffnung" in first_day and "Werkstatt am Morgen" in first_day
    assert "Abschluss" not in first_day
    assert "Abschluss" in second_day


def test_programme_groups_late_evening_sessions_by_the_event_time_zone(client, event):
    # 23:30 in Berlin is 21:30 UTC, still the first day; 00:30 is the second day.
    SessionFactory(event=event, title="Spät", start=at(event, 23, 30), end=at(event, 23, 55))
    SessionFactory(event=event, title="Nach Mitternacht", start=at(event, 0, 30, day=1))

    response = client.get(programme_url(event))

    titles = [
        [entry.session.title for column in day.columns for entry in column.entries]
        for day in response.context["days"]
    ]
    assert titles == [["Spät"], ["Nach Mitternacht"]]
    assert "23:30" in response.content.decode()


def test_programme_shows_time_kind_speakers_track_live_and_cancelled(client, event):
    track = TrackFactory(event=event, name="Verwaltung", color="#aa3300")
    speaker = SpeakerFactory(event=event, name="Dr. Jana Weber")
    SessionFactory(
        event=event,
        title="Offene Daten",
        kind=Session.Kind.KEYNOTE,
        track=track,
        state=Session.State.LIVE,
        start=at(event, 10),
        end=at(event, 10, 45),
        speakers=[speaker],
    )
    SessionFactory(
        event=event, title="Fällt aus", state=Session.State.CANCELLED, start=at(event, 11)
    )

    html = client.get(programme_url(event)).content.decode()

    assert '<time datetime="2026-06-10T10:00:00+02:00">10:00</time>' in html
    assert "Keynote" in html
    assert "Dr. Jana Weber" in html
    assert "Verwaltung" in html
    assert "--track-colour: #aa3300" in html
    assert '<span class="badge badge--live">Live</span>' in html
    assert "<s>Fällt aus</s>" in html
    assert '<span class="badge badge--cancelled">Abgesagt</span>' in html


def test_programme_ignores_a_track_colour_that_is_not_hex(client, event):
    track = TrackFactory(event=event, color="red;x")
    SessionFactory(event=event, track=track)

    html = client.get(programme_url(event)).content.decode()

    assert "red;x" not in html
    assert "--track-colour: #005ea8" in html


def test_programme_is_german_by_default(client, event):
    SessionFactory(event=event, kind=Session.Kind.ROUND_TABLE)

    html = client.get(programme_url(event)).content.decode()

    assert '<html lang="de">' in html
    assert "Mein Programm" in html
    assert "Runder Tisch" in html
    assert "Mittwoch" in html


def test_programme_is_english_after_set_language(client, event):
    SessionFactory(event=event, kind=Session.Kind.ROUND_TABLE)

    switch = client.post("/i18n/setlang/", {"language": "en", "next": programme_url(event)})
    html = client.get(programme_url(event)).content.decode()

    assert switch.status_code == 302
    assert switch.url == programme_url(event)
    assert '<html lang="en">' in html
    assert "My programme" in html
    assert "Round table" in html
    assert "Wednesday" in html
    assert "Mein Programm" not in html


def test_unpublished_event_pages_return_404(client):
    event = EventFactory(is_published=False)
    session = SessionFactory(event=event)

    assert client.get(programme_url(event)).status_code == 404
    assert client.get(session_url(session)).status_code == 404
    assert client.get(f"/events/{event.slug}/expo/").status_code == 404


def test_unpublished_event_is_visible_to_its_organizer(client, organizer, event):
    event.is_published = False
    event.save()
    client.force_login(organizer)

    assert client.get(programme_url(event)).status_code == 200


def test_session_of_another_event_returns_404(client, event):
    session = SessionFactory(event=EventFactory())

    response = client.get(f"/events/{event.slug}/sessions/{session.pk}/")

    assert response.status_code == 404


def test_session_detail_shows_time_in_event_zone_room_track_speakers_and_abstract(client, event):
    room = RoomFactory(event=event, name="Saal Berlin")
    track = TrackFactory(event=event, name="Smart City")
    speaker = SpeakerFactory(
        event=event,
        name="Dr. Jana Weber",
        organisation="Stadt Musterhausen",
        bio="Leitet das Datenlabor.",
    )
    session = SessionFactory(
        event=event,
        room=room,
        track=track,
        title="Datenräume",
        abstract="Wie Städte Daten teilen.",
        start=at(event, 14),
        end=at(event, 14, 30),
        speakers=[speaker],
    )

    response = client.get(session_url(session))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Datenräume</h1>" in html
    assert "Mittwoch, 10. Juni 2026" in html
    assert ">14:00</time>–<time" in html and ">14:30</time>" in html
    assert "Saal Berlin" in html
    assert "Smart City" in html
    assert "Dr. Jana Weber" in html
    assert "Stadt Musterhausen" in html
    assert "Leitet das Datenlabor." in html
    assert "Wie Städte Daten teilen." in html
    assert (
        '<section id="live" class="live" aria-labelledby="live-heading">' in html
        and "data-live" in html
    )


def test_session_detail_for_anonymous_user_offers_login_instead_of_star(client, event):
    session = SessionFactory(event=event)

    html = client.get(session_url(session)).content.decode()

    assert favourite_url(session) not in html
    login = f'<a href="/login/?next=/events/{event.slug}/sessions/{session.pk}/">'
    assert f"{login}Melden Sie sich an</a>, um diese Sitzung" in html


def test_favourite_form_adds_and_removes_the_session(client, attendee, event):
    session = SessionFactory(event=event, title="Datenräume")
    client.force_login(attendee)

    page = client.get(session_url(session)).content.decode()
    assert f'action="{favourite_url(session)}"' in page
    assert 'value="add"' in page

    added = client.post(favourite_url(session), {"action": "add"}, follow=True)
    assert added.redirect_chain == [(session_url(session), 302)]
    assert list(Favourite.objects.filter(user=attendee).values_list("session", flat=True)) == [
        session.pk
    ]
    assert 'value="remove"' in added.content.decode()
    assert "„Datenräume“ steht jetzt in Ihrem Programm." in added.content.decode()

    removed = client.post(favourite_url(session), {"action": "remove"})
    assert removed.status_code == 302
    assert Favourite.objects.filter(user=attendee).count() == 0


def test_favourite_follows_a_local_next_url_but_not_a_foreign_one(client, attendee, event):
    session = SessionFactory(event=event)
    client.force_login(attendee)

    local = client.post(favourite_url(session), {"action": "add", "next": programme_url(event)})
    foreign = client.post(
        favourite_url(session), {"action": "remove", "next": "https://evil.example/"}
    )

    assert local.url == programme_url(event)
    assert foreign.url == session_url(session)


def test_favourite_requires_login_and_changes_nothing(client, event):
    session = SessionFactory(event=event)

    response = client.post(favourite_url(session), {"action": "add"})

    assert response.status_code == 302
    assert response.url.startswith("/login/?next=")
    assert Favourite.objects.count() == 0


def test_favourite_rejects_get(client, attendee, event):
    session = SessionFactory(event=event)
    client.force_login(attendee)

    response = client.get(favourite_url(session))

    assert response.status_code == 405
    assert Favourite.objects.count() == 0


def test_favourite_is_csrf_protected(attendee, event):
    from django.test import Client

    session = SessionFactory(event=event)
    client = Client(enforce_csrf_checks=True)
    client.force_login(attendee)

    response = client.post(favourite_url(session), {"action": "add"})

    assert response.status_code == 403
    assert Favourite.objects.count() == 0


def test_favourite_on_unpublished_event_returns_404_and_changes_nothing(client, attendee):
    event = EventFactory(is_published=False)
    session = SessionFactory(event=event)
    client.force_login(attendee)

    response = client.post(favourite_url(session), {"action": "add"})

    assert response.status_code == 404
    assert Favourite.objects.count() == 0


def test_agenda_requires_login(client, event):
    response = client.get(agenda_url(event))

    assert response.status_code == 302
    assert response.url == f"/login/?next=/events/{event.slug}/agenda/"


def test_agenda_lists_only_the_users_sessions(client, attendee, event):
    kept = SessionFactory(event=event, title="Gemerkt", start=at(event, 9))
    SessionFactory(event=event, title="Nicht gemerkt", start=at(event, 11))
    Favourite.objects.create(user=attendee, session=kept)
    Favourite.objects.create(user=UserFactory(), session=SessionFactory(event=event, title="Fremd"))
    client.force_login(attendee)

    response = client.get(agenda_url(event))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Gemerkt" in html
    assert "Nicht gemerkt" not in html
    assert "Fremd" not in html


def test_agenda_links_the_personal_calendar_when_that_url_exists(client, attendee, event):
    client.force_login(attendee)
    registration = attendee.registrations.get(event=event)
    try:
        path = reverse("agenda-ics", kwargs={"token": registration.agenda_token})
    except NoReverseMatch:
        path = None

    html = client.get(agenda_url(event)).content.decode()

    if path is None:
        assert "data-agenda-ics" not in html
    else:
        assert f'href="http://testserver{path}" data-agenda-ics' in html


def test_expo_lists_published_exhibitors_with_categories(client, event):
    category = CategoryFactory(event=event, name="Software")
    shown = ExhibitorFactory(event=event, name="Datenwerk GmbH")
    shown.categories.set([category])
    ExhibitorFactory(event=event, name="Entwurf AG", status=Exhibitor.Status.DRAFT)

    response = client.get(f"/events/{event.slug}/expo/")

    html = response.content.decode()
    assert response.status_code == 200
    assert [e.name for e in response.context["exhibitors"]] == ["Datenwerk GmbH"]
    assert '<li class="tag">Software</li>' in html
    assert "Entwurf AG" not in html


def test_login_page_is_german_and_logs_in(client, attendee, event):
    page = client.get("/login/")
    response = client.post(
        "/login/", {"username": "anna", "password": "treffpunkt", "next": programme_url(event)}
    )

    assert "Anmelden" in page.content.decode()
    assert response.status_code == 302
    assert response.url == programme_url(event)
    assert client.get(agenda_url(event)).status_code == 200


def test_logout_by_post(client, attendee, event):
    client.force_login(attendee)

    response = client.post("/logout/")

    assert response.status_code == 302
    assert client.get(agenda_url(event)).status_code == 302


def make_sessions(event, count):
    room, track = RoomFactory(event=event), TrackFactory(event=event)
    for index in range(count):
        start = at(event, 9 + index)
        SessionFactory(
            event=event,
            room=room,
            track=track,
            start=start,
            end=start + timedelta(minutes=45),
            speakers=[SpeakerFactory(event=event), SpeakerFactory(event=event)],
        )


@pytest.mark.parametrize("count", [1, 3])
def test_programme_query_count_is_constant_for_anonymous(
    client, event, count, django_assert_num_queries
):
    make_sessions(event, count)

    # event, sessions with room and track, their speakers
    with django_assert_num_queries(3):
        response = client.get(programme_url(event))

    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_programme_query_count_is_constant_for_logged_in_user(
    client, attendee, event, count, django_assert_num_queries
):
    make_sessions(event, count)
    client.force_login(attendee)

    # session, user, event, favourite ids, sessions, speakers
    with django_assert_num_queries(6):
        response = client.get(programme_url(event))

    assert response.status_code == 200


def test_programme_kept_for_the_next_visitor_costs_four_queries(
    client, attendee, event, django_assert_num_queries
):
    make_sessions(event, 3)
    client.force_login(attendee)
    client.get(programme_url(event))

    # session, user, event, favourite ids: the rest is kept rendered (web/page_cache.py)
    with django_assert_num_queries(4):
        response = client.get(programme_url(event))

    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_agenda_query_count_is_constant(client, attendee, event, count, django_assert_num_queries):
    make_sessions(event, count)
    for session in Session.objects.filter(event=event):
        Favourite.objects.create(user=attendee, session=session)
    client.force_login(attendee)

    # session, user, event, agenda sessions, their speakers, registration, accepted meetings
    with django_assert_num_queries(7):
        response = client.get(agenda_url(event))

    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_expo_query_count_is_constant(client, event, count, django_assert_num_queries):
    category = CategoryFactory(event=event)
    for _index in range(count):
        ExhibitorFactory(event=event).categories.set([category])

    # event, exhibitors, their categories
    with django_assert_num_queries(3):
        response = client.get(f"/events/{event.slug}/expo/")

    assert response.status_code == 200
