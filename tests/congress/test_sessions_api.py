from datetime import timedelta

import pytest

from congress.models import Session
from tests.factories import RoomFactory, SessionFactory, SpeakerFactory, at

pytestmark = pytest.mark.django_db


def url(event, pk=None):
    base = f"/api/v1/events/{event.slug}/sessions/"
    return f"{base}{pk}/" if pk else base


def payload(event, room, **overrides):
    data = {
        "title": "Datenräume für Kommunen",
        "abstract": "Wie Städte Daten teilen.",
        "kind": "talk",
        "start": at(event, 11).isoformat(),
        "end": at(event, 11, 45).isoformat(),
        "room": room.pk,
        "speakers": [],
    }
    data.update(overrides)
    return data


def test_create_session_in_free_slot_returns_201(event, organizer, as_user):
    room = RoomFactory(event=event)
    response = as_user(organizer).post(url(event), payload(event, room), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["room_name"] == room.name
    assert Session.objects.filter(event=event).count() == 1


def test_create_session_in_occupied_room_returns_400_naming_the_clash(event, organizer, as_user):
    room = RoomFactory(event=event)
    SessionFactory(
        event=event, room=room, title="Eröffnung", start=at(event, 11), end=at(event, 12)
    )
    response = as_user(organizer).post(
        url(event),
        payload(
            event, room, start=at(event, 11, 30).isoformat(), end=at(event, 12, 30).isoformat()
        ),
        format="json",
    )
    assert response.status_code == 400
    assert "Eröffnung" in response.json()["room"][0]
    assert Session.objects.filter(event=event).count() == 1


def test_create_session_with_double_booked_speaker_returns_400(event, organizer, as_user):
    speaker = SpeakerFactory(event=event, name="Dr. Jana Weber")
    SessionFactory(event=event, start=at(event, 11), end=at(event, 12), speakers=[speaker])
    other_room = RoomFactory(event=event)
    response = as_user(organizer).post(
        url(event), payload(event, other_room, speakers=[speaker.pk]), format="json"
    )
    assert response.status_code == 400
    assert "Dr. Jana Weber" in response.json()["speakers"][0]


def test_create_session_ending_before_start_returns_400(event, organizer, as_user):
    room = RoomFactory(event=event)
    response = as_user(organizer).post(
        url(event), payload(event, room, end=at(event, 10).isoformat()), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["end"]


def test_create_session_outside_event_dates_returns_400(event, organizer, as_user):
    room = RoomFactory(event=event)
    late = at(event, 10, day=5)
    response = as_user(organizer).post(
        url(event),
        payload(event, room, start=late.isoformat(), end=(late + timedelta(hours=1)).isoformat()),
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["start"]


def test_session_capacity_above_room_returns_400(event, organizer, as_user):
    room = RoomFactory(event=event, capacity=50)
    response = as_user(organizer).post(url(event), payload(event, room, capacity=80), format="json")
    assert response.status_code == 400
    assert "50" in response.json()["capacity"][0]


def test_attendee_write_is_403_and_changes_nothing(event, attendee, as_user):
    room = RoomFactory(event=event)
    response = as_user(attendee).post(url(event), payload(event, room), format="json")
    assert response.status_code == 403
    assert Session.objects.count() == 0


def test_anonymous_write_is_401(event, api):
    room = RoomFactory(event=event)
    response = api.post(url(event), payload(event, room), format="json")
    assert response.status_code == 401
    assert Session.objects.count() == 0


def test_delete_session_returns_204(event, organizer, as_user):
    session = SessionFactory(event=event)
    response = as_user(organizer).delete(url(event, session.pk))
    assert response.status_code == 204
    assert not Session.objects.filter(pk=session.pk).exists()


def test_move_session_into_occupied_room_is_refused_and_keeps_old_slot(event, organizer, as_user):
    room = RoomFactory(event=event)
    SessionFactory(event=event, room=room, start=at(event, 14), end=at(event, 15))
    moving = SessionFactory(event=event, start=at(event, 9), end=at(event, 10))
    response = as_user(organizer).patch(
        url(event, moving.pk),
        {
            "room": room.pk,
            "start": at(event, 14, 30).isoformat(),
            "end": at(event, 15, 30).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    moving.refresh_from_db()
    assert (moving.room_id, moving.start) == (moving.room_id, at(event, 9))
    assert moving.room != room


@pytest.mark.parametrize("count", [1, 3])
def test_session_list_query_count_is_constant(event, api, django_assert_num_queries, count):
    for hour in range(count):
        SessionFactory(
            event=event,
            start=at(event, 9 + hour),
            end=at(event, 9 + hour, 30),
            speakers=[SpeakerFactory(event=event)],
        )
    with django_assert_num_queries(4):
        response = api.get(url(event))
    assert response.json()["count"] == count
