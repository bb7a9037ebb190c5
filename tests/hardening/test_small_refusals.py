"""Inputs that answered 500 (or the wrong refusal) now get the documented 4xx; nothing changes."""

import pytest
from django.test import Client

from congress.models import Event, Room, Track
from matchmaking.models import MeetingSlot
from tests.factories import RoomFactory, TrackFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "exhibitors/abc/",
        "exhibitors/1.5/",
        "rooms/x/",
        "tracks/%20/",
        "sessions/abc/",
        "speakers/abc/",
        "registrations/abc/",
    ],
)
def test_non_integer_id_in_the_url_is_404(api, event, path):
    response = api.get(f"/api/v1/events/{event.slug}/{path}")

    assert response.status_code == 404


def test_non_integer_booth_id_in_the_web_url_is_404(event):
    assert Client().get(f"/events/{event.slug}/expo/abc/").status_code == 404


@pytest.mark.parametrize(
    ("kind", "factory", "model"), [("rooms", RoomFactory, Room), ("tracks", TrackFactory, Track)]
)
def test_duplicate_room_or_track_name_is_400_and_nothing_stored(
    as_user, event, organizer, kind, factory, model
):
    factory(event=event, name="Saal 1")

    response = as_user(organizer).post(
        f"/api/v1/events/{event.slug}/{kind}/", {"name": "Saal 1"}, format="json"
    )

    assert response.status_code == 400, response.content
    assert list(response.json()) == ["name"]
    assert model.objects.filter(event=event).count() == 1


def test_renaming_to_a_taken_room_name_is_400(as_user, event, organizer):
    RoomFactory(event=event, name="Saal 1")
    other = RoomFactory(event=event, name="Saal 2")

    response = as_user(organizer).patch(
        f"/api/v1/events/{event.slug}/rooms/{other.pk}/", {"name": "Saal 1"}, format="json"
    )

    assert response.status_code == 400
    other.refresh_from_db()
    assert other.name == "Saal 2"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "meeting-slots/", {"start": "nonsense"}),
        ("post", "meeting-slots/series/", {}),
        ("delete", "meeting-slots/999999/", None),
    ],
)
def test_meeting_slot_routes_check_permission_before_the_body(
    as_user, event, attendee, method, path, body
):
    client = as_user(attendee)

    response = getattr(client, method)(f"/api/v1/events/{event.slug}/{path}", body, format="json")

    assert response.status_code == 403, response.content
    assert MeetingSlot.objects.count() == 0


def test_anonymous_meeting_slot_write_is_401(api, event):
    response = api.post(f"/api/v1/events/{event.slug}/meeting-slots/", {}, format="json")

    assert response.status_code == 401


@pytest.mark.parametrize(("days", "status"), [(30, 201), (31, 400), (620_000, 400)])
def test_event_span_is_limited(as_user, days, status, django_user_model):
    from datetime import date, timedelta

    admin = django_user_model.objects.create_superuser("admin", password="x")
    start = date(2026, 6, 10)

    response = as_user(admin).post(
        "/api/v1/events/",
        {
            "slug": "lang",
            "acronym": "lang",
            "name": "Lang",
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=days)).isoformat(),
        },
        format="json",
    )

    assert response.status_code == status, response.content
    assert Event.objects.filter(slug="lang").exists() is (status == 201)
