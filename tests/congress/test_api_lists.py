"""The congress list endpoints: constant query counts, filters, ordering and pagination."""

from datetime import UTC, date

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from congress.models import Favourite, Registration, Room, Session
from expo.models import Exhibitor
from tests.factories import (
    CategoryFactory,
    EventFactory,
    ExhibitorFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    TrackFactory,
    UserFactory,
    at,
)

pytestmark = pytest.mark.django_db


def client_for(user=None):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.credentials(
            HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}"
        )
    return client


def base(event):
    return f"/api/v1/events/{event.slug}/"


def titles(response):
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


def names(response):
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["results"]]


# --- query counts: the same number for one item and for three ------------------------------------


def make_events(event, count):
    EventFactory.create_batch(count - 1)
    SpeakerFactory(event=event)
    ExhibitorFactory(event=event)


def make_rooms(event, count):
    RoomFactory.create_batch(count, event=event)


def make_tracks(event, count):
    TrackFactory.create_batch(count, event=event)


def make_speakers(event, count):
    for hour in range(count):
        speaker = SpeakerFactory(event=event)
        SessionFactory(event=event, start=at(event, 9 + hour), speakers=[speaker])


def make_sessions(event, count):
    track = TrackFactory(event=event)
    for hour in range(count):
        SessionFactory(
            event=event,
            track=track,
            start=at(event, 9 + hour),
            speakers=SpeakerFactory.create_batch(2, event=event),
        )


def make_registrations(event, count):
    RegistrationFactory.create_batch(count - 1, event=event)


def make_agenda(event, count):
    anna = Registration.objects.get(event=event, role=Registration.Role.ATTENDEE).user
    for hour in range(count):
        session = SessionFactory(
            event=event, start=at(event, 9 + hour), speakers=[SpeakerFactory(event=event)]
        )
        Favourite.objects.create(user=anna, session=session)


def exhibitor(categories=(), **fields):
    created = ExhibitorFactory(**fields)
    created.categories.set(categories)
    return created


def make_exhibitors(event, count):
    for _ in range(count):
        exhibitor(event=event, categories=CategoryFactory.create_batch(2, event=event))


# Event-scoped routes load the event (1); token auth loads the token with its user (1); an
# organizer check reads the role (1); each page is a count and a select, plus one query per
# prefetched relation (speakers, categories).
QUERY_COUNTS = [
    # route, query string, who asks, how to make ``count`` items, queries
    pytest.param("events/", "", None, make_events, 2, id="events"),
    pytest.param("events/", "", "organizer", make_events, 3, id="events as organizer"),
    pytest.param("rooms/", "", None, make_rooms, 3, id="rooms"),
    pytest.param("tracks/", "", None, make_tracks, 3, id="tracks"),
    pytest.param("speakers/", "", None, make_speakers, 3, id="speakers"),
    # Anonymous and unfiltered is covered in test_sessions_api.py.
    pytest.param(
        "sessions/", "?day=2026-06-10&kind=talk&ordering=-start", "attendee", make_sessions, 5,
        id="sessions filtered",
    ),
    pytest.param("registrations/", "", "organizer", make_registrations, 5, id="registrations"),
    pytest.param("agenda/", "", "attendee", make_agenda, 5, id="agenda"),
    pytest.param("exhibitors/", "", None, make_exhibitors, 4, id="exhibitors"),
]  # fmt: skip


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize(("route", "query", "role", "make", "queries"), QUERY_COUNTS)
def test_list_query_count_is_constant(
    request, event, django_assert_num_queries, route, query, role, make, queries, count
):
    client = client_for(request.getfixturevalue(role) if role else None)
    make(event, count)
    url = ("/api/v1/" if route == "events/" else base(event)) + route + query

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200, response.content
    assert response.json()["count"] == count


# --- events --------------------------------------------------------------------------------------


def test_event_list_shows_published_events_and_the_organizers_own_hidden_ones(event, organizer):
    hidden = EventFactory(is_published=False, name="Geheim")
    RegistrationFactory(event=hidden, user=organizer, role=Registration.Role.ORGANIZER)
    EventFactory(is_published=False, name="Fremd und geheim")

    assert names(client_for().get("/api/v1/events/")) == [event.name]
    assert names(client_for(organizer).get("/api/v1/events/")) == ["Geheim", event.name]


def test_event_list_item_counts_public_programme_only(event):
    SessionFactory(event=event, speakers=[SpeakerFactory(event=event)])
    SessionFactory(event=event, start=at(event, 12), state=Session.State.CANCELLED)
    ExhibitorFactory(event=event)
    ExhibitorFactory(event=event, status=Exhibitor.Status.DRAFT)

    item = client_for().get("/api/v1/events/").json()["results"][0]

    assert item == {
        "id": event.pk,
        "slug": event.slug,
        "acronym": event.acronym,
        "name": event.name,
        "description": "",
        "timezone": "Europe/Berlin",
        "start_date": "2026-06-10",
        "end_date": "2026-06-11",
        "days": ["2026-06-10", "2026-06-11"],
        "languages": ["de", "en"],
        "is_published": True,
        "speaker_count": 1,
        "exhibitor_count": 1,
        "session_count": 1,
    }


def test_event_list_ordering_by_name_and_start_date(db):
    EventFactory(name="Beta", start_date=date(2026, 3, 1))
    EventFactory(name="Alpha", start_date=date(2026, 5, 1))
    EventFactory(name="Gamma", start_date=date(2026, 1, 1))

    assert names(client_for().get("/api/v1/events/")) == ["Gamma", "Beta", "Alpha"]
    assert names(client_for().get("/api/v1/events/?ordering=name")) == ["Alpha", "Beta", "Gamma"]
    assert names(client_for().get("/api/v1/events/?ordering=-start_date")) == [
        "Alpha",
        "Beta",
        "Gamma",
    ]


# --- sessions: filters ---------------------------------------------------------------------------


@pytest.fixture
def programme(event):
    """Four sessions over the event's two days, in two rooms and two tracks."""
    main, side = RoomFactory(event=event, name="Hauptsaal"), RoomFactory(event=event, name="Foyer")
    data, city = TrackFactory(event=event, name="Daten"), TrackFactory(event=event, name="Stadt")
    jana = SpeakerFactory(event=event, name="Dr. Jana Weber")
    SessionFactory(
        event=event,
        title="Eröffnung",
        kind=Session.Kind.KEYNOTE,
        room=main,
        track=city,
        start=at(event, 9),
        end=at(event, 10),
        state=Session.State.ENDED,
    )
    SessionFactory(
        event=event,
        title="Offene Daten",
        abstract="Wie Kommunen Datenräume bauen.",
        room=side,
        track=data,
        start=at(event, 23, 0),
        end=at(event, 23, 45),
        speakers=[jana],
    )
    # 00:30 in Berlin on the second day is still the first day in UTC (22:30).
    SessionFactory(
        event=event,
        title="Nachtschicht",
        kind=Session.Kind.WORKSHOP,
        room=main,
        track=data,
        start=at(event, 0, 30, day=1),
        end=at(event, 1, 30, day=1),
        state=Session.State.LIVE,
    )
    SessionFactory(
        event=event,
        title="Abschluss",
        room=side,
        start=at(event, 16, day=1),
        end=at(event, 17, day=1),
        speakers=[jana],
        state=Session.State.CANCELLED,
    )
    return {"main": main, "side": side, "data": data, "city": city, "jana": jana}


def sessions(event, query=""):
    return client_for().get(base(event) + "sessions/" + query)


def test_day_filter_uses_the_event_time_zone(event, programme):
    assert at(event, 0, 30, day=1).astimezone(UTC).day == 10

    assert titles(sessions(event, "?day=2026-06-10")) == ["Eröffnung", "Offene Daten"]
    assert titles(sessions(event, "?day=2026-06-11")) == ["Nachtschicht", "Abschluss"]
    assert titles(sessions(event, "?day=2026-06-12")) == []


def test_day_filter_with_malformed_date_returns_400(event, programme):
    response = sessions(event, "?day=gestern")

    assert response.status_code == 400
    assert response.json() == {"day": ["Enter a valid date."]}


def test_room_track_and_kind_filters(event, programme):
    assert titles(sessions(event, f"?room={programme['main'].pk}")) == [
        "Eröffnung",
        "Nachtschicht",
    ]
    assert titles(sessions(event, f"?track={programme['data'].pk}")) == [
        "Offene Daten",
        "Nachtschicht",
    ]
    assert titles(sessions(event, "?kind=workshop")) == ["Nachtschicht"]
    assert titles(sessions(event, f"?room={programme['main'].pk}&kind=keynote")) == ["Eröffnung"]


def test_kind_filter_with_unknown_kind_returns_400(event, programme):
    response = sessions(event, "?kind=concert")

    assert response.status_code == 400
    assert response.json() == {
        "kind": ["Select a valid choice. concert is not one of the available choices."]
    }


def test_speaker_filter(event, programme):
    assert titles(sessions(event, f"?speaker={programme['jana'].pk}")) == [
        "Offene Daten",
        "Abschluss",
    ]


def test_q_filter_searches_title_and_abstract_ignoring_case(event, programme):
    assert titles(sessions(event, "?q=nacht")) == ["Nachtschicht"]
    assert titles(sessions(event, "?q=KOMMUNEN")) == ["Offene Daten"]


def test_state_filter(event, programme):
    assert titles(sessions(event, "?state=live")) == ["Nachtschicht"]
    assert titles(sessions(event, "?state=cancelled")) == ["Abschluss"]
    assert titles(sessions(event, "?state=scheduled")) == ["Offene Daten"]


def test_filters_do_not_reach_into_other_events(event, programme):
    SessionFactory(event=EventFactory(), title="Fremd", start=at(event, 9))

    assert titles(sessions(event, "?day=2026-06-10")) == ["Eröffnung", "Offene Daten"]
    assert titles(sessions(event, "?q=Fremd")) == []


# --- sessions: ordering --------------------------------------------------------------------------


def test_sessions_are_ordered_by_start_by_default(event, programme):
    assert titles(sessions(event)) == ["Eröffnung", "Offene Daten", "Nachtschicht", "Abschluss"]


def test_sessions_ordering_by_start_descending_and_by_title(event, programme):
    assert titles(sessions(event, "?ordering=-start")) == [
        "Abschluss",
        "Nachtschicht",
        "Offene Daten",
        "Eröffnung",
    ]
    assert titles(sessions(event, "?ordering=title")) == [
        "Abschluss",
        "Eröffnung",
        "Nachtschicht",
        "Offene Daten",
    ]


def test_sessions_ordering_by_an_unlisted_field_is_ignored(event, programme):
    assert titles(sessions(event, "?ordering=abstract")) == titles(sessions(event))


def test_session_list_item(event, programme):
    item = sessions(event, "?q=Offene").json()["results"][0]
    session = Session.objects.get(title="Offene Daten")

    assert item == {
        "id": session.pk,
        "guid": str(session.guid),
        "title": "Offene Daten",
        "abstract": "Wie Kommunen Datenräume bauen.",
        "description": "",
        "kind": "talk",
        "language": "de",
        "start": "2026-06-10T23:00:00+02:00",
        "end": "2026-06-10T23:45:00+02:00",
        "room": programme["side"].pk,
        "room_name": "Foyer",
        "track": programme["data"].pk,
        "track_name": "Daten",
        "speakers": [programme["jana"].pk],
        "speaker_details": [
            {
                "id": programme["jana"].pk,
                "name": "Dr. Jana Weber",
                "organisation": "Stadt Musterhausen",
            }
        ],
        "capacity": None,
        "state": "scheduled",
        "cancellation_note": "",
    }


# --- pagination ----------------------------------------------------------------------------------


def test_pagination_links_and_page_size(event, programme):
    url = f"http://testserver{base(event)}sessions/"

    first = sessions(event, "?page_size=3").json()
    second = sessions(event, "?page_size=3&page=2").json()

    assert (first["count"], first["previous"], first["next"]) == (
        4,
        None,
        f"{url}?page=2&page_size=3",
    )
    assert [item["title"] for item in first["results"]] == [
        "Eröffnung",
        "Offene Daten",
        "Nachtschicht",
    ]
    assert (second["count"], second["previous"], second["next"]) == (4, f"{url}?page_size=3", None)
    assert [item["title"] for item in second["results"]] == ["Abschluss"]


def test_pagination_keeps_filters_in_links(event, programme):
    body = sessions(event, "?state=scheduled&page_size=1").json()

    assert body["count"] == 1
    assert body["next"] is None

    body = sessions(event, "?day=2026-06-10&page_size=1").json()
    assert body["next"] == (
        f"http://testserver{base(event)}sessions/?day=2026-06-10&page=2&page_size=1"
    )


def test_page_beyond_the_last_returns_404(event, programme):
    response = sessions(event, "?page=9")

    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_default_page_size_is_50_and_page_size_is_capped_at_500(event):
    Room.objects.bulk_create(Room(event=event, name=f"Raum {n}", position=n) for n in range(501))
    rooms = base(event) + "rooms/"

    default = client_for().get(rooms).json()
    capped = client_for().get(rooms + "?page_size=10000").json()

    assert (default["count"], len(default["results"])) == (501, 50)
    assert (capped["count"], len(capped["results"])) == (501, 500)
    assert capped["next"] == f"http://testserver{rooms}?page=2&page_size=10000"


# --- rooms, tracks, speakers, registrations, agenda ----------------------------------------------


def test_rooms_ordered_by_position_then_by_name(event):
    RoomFactory(event=event, name="C", position=1)
    RoomFactory(event=event, name="A", position=2)
    RoomFactory(event=event, name="B", position=0)

    assert names(client_for().get(base(event) + "rooms/")) == ["B", "C", "A"]
    assert names(client_for().get(base(event) + "rooms/?ordering=name")) == ["A", "B", "C"]


def test_programme_lists_show_only_this_events_objects(event):
    other = EventFactory()
    for factory in (RoomFactory, TrackFactory, SpeakerFactory):
        factory(event=event, name="Hier")
        factory(event=other, name="Dort")

    for route in ("rooms/", "tracks/", "speakers/"):
        assert names(client_for().get(base(event) + route)) == ["Hier"]


def test_speaker_list_search_and_ordering(event):
    SpeakerFactory(event=event, name="Zora Zeh", organisation="Amt A")
    SpeakerFactory(event=event, name="Anton Alt", organisation="Stadt Z")
    url = base(event) + "speakers/"

    assert names(client_for().get(url)) == ["Anton Alt", "Zora Zeh"]
    assert names(client_for().get(url + "?ordering=organisation")) == ["Zora Zeh", "Anton Alt"]


def test_registration_list_ordering_by_username(event, organizer, attendee):
    response = client_for(organizer).get(base(event) + "registrations/?ordering=-user__username")

    assert [r["username"] for r in response.json()["results"]] == ["orga", "anna"]


def test_registration_list_filters_by_role(event, organizer, attendee):
    RegistrationFactory(event=event, user=UserFactory(username="sven"), role="speaker")

    everyone = client_for(organizer).get(base(event) + "registrations/").json()["results"]
    speakers = client_for(organizer).get(base(event) + "registrations/?role=speaker").json()

    assert [(r["username"], r["role"]) for r in everyone] == [
        ("anna", "attendee"),
        ("orga", "organizer"),
        ("sven", "speaker"),
    ]
    assert [r["username"] for r in speakers["results"]] == ["sven"]


def test_agenda_lists_only_the_requesting_users_sessions(event, attendee):
    mine = SessionFactory(event=event, title="Meins", start=at(event, 12))
    later = SessionFactory(event=event, title="Auch meins", start=at(event, 15))
    theirs = SessionFactory(event=event, title="Fremd", start=at(event, 9))
    Favourite.objects.create(user=attendee, session=later)
    Favourite.objects.create(user=attendee, session=mine)
    Favourite.objects.create(user=UserFactory(), session=theirs)

    response = client_for(attendee).get(base(event) + "agenda/")
    by_title = client_for(attendee).get(base(event) + "agenda/?ordering=title")

    assert titles(response) == ["Meins", "Auch meins"]
    assert titles(by_title) == ["Auch meins", "Meins"]


# --- exhibitors ----------------------------------------------------------------------------------


@pytest.fixture
def expo(event):
    health, mobility = (
        CategoryFactory(event=event, name="Gesundheit", slug="gesundheit"),
        CategoryFactory(event=event, name="Mobilität", slug="mobilitaet"),
    )
    exhibitor(event=event, name="Alpha AG", tier="standard", categories=[health])
    exhibitor(event=event, name="Zeta GmbH", tier="premium", tagline="Sensoren für die Stadt")
    exhibitor(event=event, name="Beta eG", tier="startup", categories=[health, mobility])
    exhibitor(event=event, name="Mitte KG", tier="premium", description="Busse und Bahnen")
    ExhibitorFactory(event=event, name="Entwurf AG", tier="premium", status="draft")
    ExhibitorFactory(event=EventFactory(), name="Fremd AG", tier="premium")
    return {"health": health, "mobility": mobility}


def exhibitors(event, query=""):
    return client_for().get(base(event) + "exhibitors/" + query)


def test_exhibitors_are_published_ones_premium_first(event, expo):
    assert names(exhibitors(event)) == ["Mitte KG", "Zeta GmbH", "Alpha AG", "Beta eG"]


def test_exhibitor_filters(event, expo):
    assert names(exhibitors(event, "?category=gesundheit")) == ["Alpha AG", "Beta eG"]
    assert names(exhibitors(event, "?category=mobilitaet")) == ["Beta eG"]
    assert names(exhibitors(event, "?tier=premium")) == ["Mitte KG", "Zeta GmbH"]
    assert names(exhibitors(event, "?q=sensoren")) == ["Zeta GmbH"]
    assert names(exhibitors(event, "?q=BUSSE")) == ["Mitte KG"]
    assert names(exhibitors(event, "?q=beta")) == ["Beta eG"]
    assert names(exhibitors(event, "?tier=premium&q=mitte")) == ["Mitte KG"]


def test_exhibitor_ordering_by_name(event, expo):
    assert names(exhibitors(event, "?ordering=name")) == [
        "Alpha AG",
        "Beta eG",
        "Mitte KG",
        "Zeta GmbH",
    ]


def test_exhibitor_list_item(event, expo):
    item = exhibitors(event, "?q=Beta").json()["results"][0]
    beta = Exhibitor.objects.get(name="Beta eG")

    assert item == {
        "id": beta.pk,
        "name": "Beta eG",
        "slug": beta.slug,
        "tagline": "",
        "description": "",
        "categories": [
            {"id": expo["health"].pk, "name": "Gesundheit", "slug": "gesundheit"},
            {"id": expo["mobility"].pk, "name": "Mobilität", "slug": "mobilitaet"},
        ],
        "tier": "startup",
        "website": "",
        "social_links": [],
        "video_url": "",
        "logo": None,
        "status": "published",
        "can_edit": False,
        "description_html": "",
    }
