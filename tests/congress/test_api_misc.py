"""Authentication, the OpenAPI schema and docs, input errors and the programme flows of the REST API."""

import json
import re

import pytest
import yaml
from django.urls import reverse
from django.utils.timezone import localtime
from drf_spectacular.drainage import GENERATOR_STATS
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from congress.models import Event, Favourite, Registration, Room, Session
from tests.factories import (
    PASSWORD,
    EventFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    UserFactory,
    at,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def client_for(user=None, **defaults):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", **defaults)
    if user is not None:
        client.credentials(
            HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}"
        )
    return client


def base(event):
    return f"/api/v1/events/{event.slug}/"


def rows(model):
    return list(model.objects.order_by("pk").values())


# --- token authentication ------------------------------------------------------------------------


def test_token_endpoint_returns_the_users_token(attendee):
    response = client_for().post(
        "/api/v1/auth/token/", {"username": "anna", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=attendee).key}


def test_token_endpoint_returns_the_same_token_twice(attendee):
    credentials = {"username": "anna", "password": PASSWORD}

    first = client_for().post("/api/v1/auth/token/", credentials, format="json").json()
    second = client_for().post("/api/v1/auth/token/", credentials, format="json").json()

    assert first == second


def test_token_endpoint_with_wrong_password_returns_400_and_no_token(attendee):
    response = client_for().post(
        "/api/v1/auth/token/", {"username": "anna", "password": "falsch"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}
    assert Token.objects.count() == 0


def test_token_endpoint_without_password_names_the_field(attendee):
    response = client_for().post("/api/v1/auth/token/", {"username": "anna"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"password": ["This field is required."]}


def test_token_endpoint_is_throttled_after_five_failures_for_one_name(attendee):
    client = client_for()
    statuses = [
        client.post(
            "/api/v1/auth/token/", {"username": "anna", "password": "falsch"}, format="json"
        ).status_code
        for _ in range(6)
    ]

    assert statuses == [400] * 5 + [429]


def test_token_from_the_endpoint_authenticates_requests(organizer):
    hidden = EventFactory(is_published=False)
    RegistrationFactory(event=hidden, user=organizer, role=Registration.Role.ORGANIZER)
    token = (
        client_for()
        .post("/api/v1/auth/token/", {"username": "orga", "password": PASSWORD}, format="json")
        .json()["token"]
    )

    response = client_for(HTTP_AUTHORIZATION=f"Token {token}").get(base(hidden))

    assert response.status_code == 200
    assert response.json()["slug"] == hidden.slug


def test_unknown_token_returns_401(event):
    response = client_for(HTTP_AUTHORIZATION="Token 0123456789abcdef").get("/api/v1/events/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Invalid token."}


# --- session (cookie) authentication and CSRF ----------------------------------------------------


@pytest.fixture
def browser(organizer):
    """A client logged in by session cookie that enforces CSRF, as a browser would be."""
    client = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username="orga", password=PASSWORD)
    # The docs page issues a CSRF cookie (Swagger UI sends it with its writes).
    client.get("/api/docs/")
    return client


def test_session_auth_reads_without_csrf_token(event, organizer, browser):
    hidden = EventFactory(is_published=False)
    RegistrationFactory(event=hidden, user=organizer, role=Registration.Role.ORGANIZER)

    response = browser.get(base(hidden))

    assert response.status_code == 200
    assert response.json()["slug"] == hidden.slug


def test_session_auth_write_without_csrf_token_is_403_and_changes_nothing(event, browser):
    response = browser.post(base(event) + "rooms/", {"name": "Saal 1"}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF Failed: CSRF token missing."}
    assert Room.objects.count() == 0


def test_session_auth_write_with_csrf_token_is_accepted(event, browser):
    token = browser.cookies["csrftoken"].value

    response = browser.post(
        base(event) + "rooms/", {"name": "Saal 1"}, format="json", HTTP_X_CSRFTOKEN=token
    )

    assert response.status_code == 201, response.content
    assert list(Room.objects.values_list("event__slug", "name")) == [(event.slug, "Saal 1")]


def test_token_auth_write_needs_no_csrf_token(event, organizer):
    client = client_for(organizer, enforce_csrf_checks=True)

    response = client.post(base(event) + "rooms/", {"name": "Saal 1"}, format="json")

    assert response.status_code == 201


# --- OpenAPI schema and Swagger UI ---------------------------------------------------------------


def test_schema_is_openapi_3_yaml_and_generates_without_warnings(db, capsys):
    GENERATOR_STATS.reset()

    response = client_for().get("/api/schema/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oai.openapi; charset=utf-8"
    schema = yaml.safe_load(response.content)
    assert schema["openapi"] == "3.0.3"
    assert schema["info"]["title"] == "Treffpunkt API"
    assert capsys.readouterr().err == ""
    assert not GENERATOR_STATS


def test_schema_as_json_documents_every_congress_route(db):
    response = client_for().get("/api/schema/?format=json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    documented = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    }
    nested = "/api/v1/events/{event_slug}/"
    expected = {
        ("POST", "/api/v1/auth/token/"),
        ("GET", "/api/v1/events/"),
        ("POST", "/api/v1/events/"),
        ("GET", "/api/v1/events/{slug}/"),
        ("PATCH", "/api/v1/events/{slug}/"),
        ("GET", nested + "sessions/"),
        ("POST", nested + "sessions/"),
        ("PATCH", nested + "sessions/{id}/"),
        ("DELETE", nested + "sessions/{id}/"),
        ("POST", nested + "sessions/{id}/state/"),
        ("GET", nested + "rooms/"),
        ("GET", nested + "tracks/"),
        ("GET", nested + "speakers/"),
        ("GET", nested + "registrations/"),
        ("GET", nested + "registration/"),
        ("POST", nested + "registration/"),
        ("DELETE", nested + "registration/"),
        ("GET", nested + "agenda/"),
        ("POST", nested + "agenda/"),
        ("DELETE", nested + "agenda/{session_id}/"),
        ("GET", nested + "exhibitors/"),
        ("GET", nested + "exhibitors/{id}/"),
    }
    # Other apps add routes of their own; these are the congress ones.
    assert expected - documented == set()
    assert ("POST", nested + "exhibitors/") not in documented
    sessions = schema["paths"][nested + "sessions/"]["get"]
    assert sorted(p["name"] for p in sessions["parameters"]) == [
        "day", "event_slug", "kind", "ordering", "page", "page_size", "q", "room", "speaker",
        "state", "track",
    ]  # fmt: skip
    registration = schema["paths"][nested + "registration/"]["post"]
    assert list(registration["responses"]) == ["201"]


def test_swagger_ui_uses_only_local_static_assets(db):
    response = client_for().get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sorted(assets) == [
        "/static/drf_spectacular_sidecar/swagger-ui-dist/favicon-32x32.png",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
    ]
    assert re.findall(r"https?://", html) == []
    assert 'url: "/api/schema/"' in html
    for asset in assets:
        served = client_for().get(asset)
        served.close()
        assert served.status_code == 200, asset


# --- bad input: 400 with the field at fault ------------------------------------------------------


def session_payload(event, room, **overrides):
    data = {
        "title": "Offene Daten",
        "kind": "talk",
        "start": at(event, 11).isoformat(),
        "end": at(event, 11, 45).isoformat(),
        "room": room.pk,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"kind": "concert"}, {"kind": ['"concert" is not a valid choice.']}),
        ({"room": 999999}, {"room": ['Invalid pk "999999" - object does not exist.']}),
        (
            {"start": "morgen um zehn"},
            {
                "start": [
                    "Datetime has wrong format. Use one of these formats instead: "
                    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
                ]
            },
        ),
        ({"title": ""}, {"title": ["This field may not be blank."]}),
        ({"speakers": [999999]}, {"speakers": ['Invalid pk "999999" - object does not exist.']}),
        ({"state": "paused"}, {"state": ['"paused" is not a valid choice.']}),
    ],
    ids=["unknown kind", "unknown room", "malformed datetime", "blank title", "unknown speaker",
         "unknown state"],
)  # fmt: skip
def test_create_session_with_bad_input_returns_400_naming_the_field(
    event, organizer, overrides, errors
):
    room = RoomFactory(event=event)

    response = client_for(organizer).post(
        base(event) + "sessions/", {**session_payload(event, room), **overrides}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == errors
    assert Session.objects.count() == 0


def test_create_session_without_fields_lists_every_required_one(event, organizer):
    response = client_for(organizer).post(base(event) + "sessions/", {}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "title": ["This field is required."],
        "start": ["This field is required."],
        "end": ["This field is required."],
    }


def test_room_and_speaker_of_another_event_are_unknown_here(event, organizer):
    other = EventFactory()
    foreign_room, foreign_speaker = RoomFactory(event=other), SpeakerFactory(event=other)

    response = client_for(organizer).post(
        base(event) + "sessions/",
        session_payload(event, foreign_room, speakers=[foreign_speaker.pk]),
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "room": [f'Invalid pk "{foreign_room.pk}" - object does not exist.'],
        "speakers": [f'Invalid pk "{foreign_speaker.pk}" - object does not exist.'],
    }
    assert Session.objects.count() == 0


def test_moving_a_session_into_a_room_of_another_event_returns_400(event, organizer):
    session = SessionFactory(event=event)
    foreign_room = RoomFactory(event=EventFactory())
    before = rows(Session)

    response = client_for(organizer).patch(
        base(event) + f"sessions/{session.pk}/", {"room": foreign_room.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"room": [f'Invalid pk "{foreign_room.pk}" - object does not exist.']}
    assert rows(Session) == before


@pytest.fixture
def staff(db):
    return UserFactory(username="stefan", is_staff=True)


def event_payload(**overrides):
    data = {
        "slug": "dsdr-2026",
        "acronym": "dsdr2026",
        "name": "Digitale Stadt, digitale Region",
        "start_date": "2026-09-01",
        "end_date": "2026-09-02",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"end_date": "2026-08-31"}, {"end_date": ["The last day must not be before the first."]}),
        ({"timezone": "Mars/Olympus"}, {"timezone": ["Unknown time zone."]}),
        (
            {"acronym": "DSDR"},
            {"acronym": ["Use at least four lower-case letters, digits or _, e.g. dsdr2026."]},
        ),
        (
            {"start_date": "1.9.2026"},
            {
                "start_date": [
                    "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
                ]
            },
        ),
    ],
    ids=["end before start", "unknown time zone", "bad acronym", "malformed date"],
)
def test_create_event_with_bad_input_returns_400_naming_the_field(staff, overrides, errors):
    response = client_for(staff).post("/api/v1/events/", event_payload(**overrides), format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert Event.objects.count() == 0


def test_change_event_end_before_start_returns_400_and_keeps_dates(event, organizer):
    before = rows(Event)

    response = client_for(organizer).patch(base(event), {"end_date": "2026-06-01"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"end_date": ["The last day must not be before the first."]}
    assert rows(Event) == before


def test_create_event_refuses_a_non_staff_user_before_validating(attendee):
    response = client_for(attendee).post("/api/v1/events/", {"name": ""}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to do this."}


def test_malformed_json_returns_400(event, organizer):
    response = client_for(organizer).post(
        base(event) + "rooms/", "{nope", content_type="application/json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["detail"]
    assert response.json()["detail"].startswith("JSON parse error")
    assert Room.objects.count() == 0


def test_unknown_session_returns_404(event):
    response = client_for().get(base(event) + "sessions/999999/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No Session matches the given query."}


def test_unknown_event_returns_404(db):
    response = client_for().get("/api/v1/events/gibt-es-nicht/sessions/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


# --- events --------------------------------------------------------------------------------------


def test_staff_creating_an_event_becomes_its_organizer(staff):
    response = client_for(staff).post("/api/v1/events/", event_payload(), format="json")

    assert response.status_code == 201, response.content
    event = Event.objects.get()
    assert response.json() == {
        "id": event.pk,
        "slug": "dsdr-2026",
        "acronym": "dsdr2026",
        "name": "Digitale Stadt, digitale Region",
        "description": "",
        "timezone": "Europe/Berlin",
        "start_date": "2026-09-01",
        "end_date": "2026-09-02",
        "days": ["2026-09-01", "2026-09-02"],
        "languages": [],
        "is_published": False,
        "speaker_count": 0,
        "exhibitor_count": 0,
        "session_count": 0,
    }
    assert list(Registration.objects.values_list("event__slug", "user__username", "role")) == [
        ("dsdr-2026", "stefan", "organizer")
    ]
    # As its organizer the creator sees the unpublished event and changes it; others do not see it.
    assert client_for(staff).get("/api/v1/events/dsdr-2026/").status_code == 200
    patched = client_for(staff).patch("/api/v1/events/dsdr-2026/", {"is_published": True})
    assert (patched.status_code, patched.json()["is_published"]) == (200, True)


def test_unpublished_event_is_hidden_from_others(staff, attendee):
    client_for(staff).post("/api/v1/events/", event_payload(), format="json")

    assert client_for().get("/api/v1/events/dsdr-2026/").status_code == 404
    assert client_for(attendee).get("/api/v1/events/dsdr-2026/").status_code == 404


# --- registration and agenda ---------------------------------------------------------------------


def test_register_then_keep_an_agenda_then_withdraw(event):
    user = UserFactory(username="neu")
    session = SessionFactory(event=event, title="Offene Daten")
    client = client_for(user)

    assert client.get(base(event) + "registration/").status_code == 404
    registered = client.post(base(event) + "registration/")
    assert registered.status_code == 201
    registration = Registration.objects.get(event=event, user=user)
    assert registered.json() == {
        "id": registration.pk,
        "user": user.pk,
        "username": "neu",
        "role": "attendee",
        "created_at": localtime(registration.created_at).isoformat(),
        "agenda_ics_url": "http://testserver"
        + reverse("agenda-ics", kwargs={"token": registration.agenda_token}),
    }
    assert client.get(base(event) + "registration/").json() == registered.json()

    added = client.post(base(event) + "agenda/", {"session": session.pk}, format="json")
    assert (added.status_code, added.json()["title"]) == (201, "Offene Daten")
    assert [s["id"] for s in client.get(base(event) + "agenda/").json()["results"]] == [session.pk]

    removed = client.delete(base(event) + f"agenda/{session.pk}/")
    assert removed.status_code == 204
    assert client.get(base(event) + "agenda/").json()["results"] == []

    client.post(base(event) + "agenda/", {"session": session.pk}, format="json")
    withdrawn = client.delete(base(event) + "registration/")
    assert withdrawn.status_code == 204
    assert client.get(base(event) + "registration/").status_code == 404
    assert Favourite.objects.filter(user=user).count() == 0


def test_registering_twice_keeps_one_registration(event, attendee):
    client = client_for(attendee)

    first = client.post(base(event) + "registration/").json()
    second = client.post(base(event) + "registration/").json()

    assert first == second
    assert Registration.objects.filter(event=event, user=attendee).count() == 1


def test_registering_does_not_downgrade_an_organizer(event, organizer):
    response = client_for(organizer).post(base(event) + "registration/")

    assert response.json()["role"] == "organizer"
    assert Registration.objects.get(event=event, user=organizer).role == "organizer"


def test_agenda_entry_registers_an_unregistered_user(event):
    user = UserFactory(username="neu")
    session = SessionFactory(event=event)

    client_for(user).post(base(event) + "agenda/", {"session": session.pk}, format="json")

    assert list(Registration.objects.filter(user=user).values_list("event", "role")) == [
        (event.pk, "attendee")
    ]


def test_agenda_entry_for_a_session_of_another_event_returns_400(event, attendee):
    foreign = SessionFactory(event=EventFactory())

    response = client_for(attendee).post(
        base(event) + "agenda/", {"session": foreign.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"session": ["No such session in this event."]}
    assert Favourite.objects.count() == 0


def test_agenda_entry_without_session_returns_400(event, attendee):
    response = client_for(attendee).post(base(event) + "agenda/", {}, format="json")

    assert response.status_code == 400
    assert response.json() == {"session": ["This field is required."]}


def test_adding_an_agenda_entry_twice_keeps_one(event, attendee):
    session = SessionFactory(event=event)
    client = client_for(attendee)

    client.post(base(event) + "agenda/", {"session": session.pk}, format="json")
    response = client.post(base(event) + "agenda/", {"session": session.pk}, format="json")

    assert response.status_code == 201
    assert Favourite.objects.filter(user=attendee).count() == 1


@pytest.mark.parametrize("session_id", ["999999", "abc"])
def test_removing_an_unknown_agenda_entry_returns_404(event, attendee, session_id):
    response = client_for(attendee).delete(base(event) + f"agenda/{session_id}/")

    assert response.status_code == 404


# --- moving, cancelling and the messages of a refused change ------------------------------------


def test_moving_a_session_to_a_free_slot_and_room(event, organizer):
    hall, foyer = RoomFactory(event=event, name="Saal 1"), RoomFactory(event=event, name="Foyer")
    session = SessionFactory(event=event, room=hall, start=at(event, 10), end=at(event, 11))
    version = event.programme_version

    response = client_for(organizer).patch(
        base(event) + f"sessions/{session.pk}/",
        {"room": foyer.pk, "start": at(event, 15).isoformat(), "end": at(event, 16).isoformat()},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["room"], body["room_name"], body["start"], body["end"]) == (
        foyer.pk,
        "Foyer",
        "2026-06-10T15:00:00+02:00",
        "2026-06-10T16:00:00+02:00",
    )
    session.refresh_from_db()
    assert (session.room, session.start, session.end) == (foyer, at(event, 15), at(event, 16))
    event.refresh_from_db()
    assert event.programme_version == version + 1


def test_moved_session_no_longer_blocks_its_old_slot(event, organizer):
    hall = RoomFactory(event=event, name="Saal 1")
    session = SessionFactory(event=event, room=hall, start=at(event, 10), end=at(event, 11))
    client = client_for(organizer)
    client.patch(
        base(event) + f"sessions/{session.pk}/",
        {"start": at(event, 12).isoformat(), "end": at(event, 13).isoformat()},
        format="json",
    )

    response = client.post(base(event) + "sessions/", session_payload(
        event, hall, start=at(event, 10).isoformat(), end=at(event, 11).isoformat()
    ), format="json")  # fmt: skip

    assert response.status_code == 201, response.content


@pytest.mark.parametrize("how", ["PATCH session", "POST state"])
def test_cancelling_a_session_frees_its_room(event, organizer, how):
    hall = RoomFactory(event=event, name="Saal 1")
    cancelled = SessionFactory(event=event, room=hall, start=at(event, 11), end=at(event, 12))
    client = client_for(organizer)
    replacement = session_payload(event, hall, title="Ersatz")
    assert client.post(base(event) + "sessions/", replacement, format="json").status_code == 400

    if how == "PATCH session":
        response = client.patch(
            base(event) + f"sessions/{cancelled.pk}/", {"state": "cancelled"}, format="json"
        )
    else:
        response = client.post(
            base(event) + f"sessions/{cancelled.pk}/state/", {"state": "cancelled"}, format="json"
        )
    created = client.post(base(event) + "sessions/", replacement, format="json")

    assert (response.status_code, response.json()["state"]) == (200, "cancelled")
    assert created.status_code == 201, created.content
    assert sorted(Session.objects.values_list("title", "state")) == [
        ("Ersatz", "scheduled"),
        (cancelled.title, "cancelled"),
    ]


@pytest.mark.parametrize(("method", "path"), [("patch", ""), ("post", "state/")])
def test_reinstating_a_cancelled_session_into_a_taken_room_is_refused(
    event, organizer, method, path
):
    hall = RoomFactory(event=event, name="Saal 1")
    cancelled = SessionFactory(
        event=event, room=hall, start=at(event, 11), end=at(event, 12), state="cancelled"
    )
    SessionFactory(event=event, room=hall, title="Ersatz", start=at(event, 11), end=at(event, 12))
    before = rows(Session)

    send = getattr(client_for(organizer), method)
    response = send(
        base(event) + f"sessions/{cancelled.pk}/{path}", {"state": "scheduled"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "room": [
            "Room Saal 1 is already booked from 10.06.2026 11:00 to 10.06.2026 12:00 by \u201eErsatz\u201c."
        ]
    }
    assert rows(Session) == before


def test_room_clash_message_names_the_conflicting_session(event, organizer):
    hall = RoomFactory(event=event, name="Saal 1")
    SessionFactory(
        event=event, room=hall, title="Eröffnung", start=at(event, 10, 30), end=at(event, 11, 15)
    )

    response = client_for(organizer).post(
        base(event) + "sessions/", session_payload(event, hall), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "room": [
            "Room Saal 1 is already booked from 10.06.2026 10:30 to 10.06.2026 11:15 "
            "by \u201eEröffnung\u201c."
        ]
    }


def test_speaker_clash_message_names_the_speaker_and_the_session(event, organizer):
    jana = SpeakerFactory(event=event, name="Dr. Jana Weber")
    SessionFactory(
        event=event, title="Eröffnung", start=at(event, 11), end=at(event, 12), speakers=[jana]
    )
    other_room = RoomFactory(event=event)
    moving = SessionFactory(event=event, room=other_room, start=at(event, 14), end=at(event, 15))
    before = rows(Session)

    response = client_for(organizer).patch(
        base(event) + f"sessions/{moving.pk}/",
        {
            "start": at(event, 11, 30).isoformat(),
            "end": at(event, 12, 30).isoformat(),
            "speakers": [jana.pk],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "speakers": [
            "Dr. Jana Weber already speaks from 10.06.2026 11:00 to 10.06.2026 12:00 "
            "in \u201eEröffnung\u201c."
        ]
    }
    assert rows(Session) == before


def test_speaker_sets_own_session_live_then_ended(event):
    user = UserFactory(username="sven")
    RegistrationFactory(event=event, user=user, role=Registration.Role.SPEAKER)
    session = SessionFactory(event=event, speakers=[SpeakerFactory(event=event, user=user)])
    client = client_for(user)
    url = base(event) + f"sessions/{session.pk}/state/"

    live = client.post(url, {"state": "live"}, format="json")
    ended = client.post(url, {"state": "ended"}, format="json")

    assert [live.status_code, live.json()["state"]] == [200, "live"]
    assert [ended.status_code, ended.json()["state"]] == [200, "ended"]
    session.refresh_from_db()
    assert session.state == "ended"


def test_state_with_unknown_value_returns_400(event, organizer):
    session = SessionFactory(event=event)

    response = client_for(organizer).post(
        base(event) + f"sessions/{session.pk}/state/", {"state": "paused"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"state": ['"paused" is not a valid choice.']}
    session.refresh_from_db()
    assert session.state == "scheduled"


def test_deleting_a_room_with_sessions_returns_400_and_keeps_it(event, organizer):
    hall = RoomFactory(event=event)
    SessionFactory(event=event, room=hall)

    response = client_for(organizer).delete(base(event) + f"rooms/{hall.pk}/")

    assert response.status_code == 400
    assert response.json() == {"room": ["Sessions are scheduled in this room; move them first."]}
    assert Room.objects.filter(pk=hall.pk).exists()


def test_last_organizer_cannot_unregister(event, organizer):
    response = client_for(organizer).delete(base(event) + "registration/")

    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    assert Registration.objects.filter(event=event, user=organizer, role="organizer").exists()


def test_registering_twice_answers_200_the_second_time(event, attendee):
    client = client_for(UserFactory(username="neu"))
    first = client.post(base(event) + "registration/")
    second = client.post(base(event) + "registration/")

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
