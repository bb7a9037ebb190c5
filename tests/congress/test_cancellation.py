"""Cancelling a session with a note for attendees: REST (POST …/state/, PATCH), the pushes, the
webhook, and the note kept when the session is scheduled again (congress.services.set_session_state).
"""

import json

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from backoffice.models import Webhook, WebhookDelivery
from congress.models import Session
from tests.factories import (
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    UserFactory,
    at,
)
from treffpunkt.models import TopicEvent

pytestmark = pytest.mark.django_db

NOTE = "Der Vortrag entfällt wegen Krankheit."


def client_for(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def talk(event):
    return SessionFactory(
        event=event,
        room=RoomFactory(event=event, name="Saal 1"),
        title="Offene Daten",
        start=at(event, 10),
        end=at(event, 11),
    )


def state_url(session):
    return f"/api/v1/events/{session.event.slug}/sessions/{session.pk}/state/"


def session_url(session):
    return f"/api/v1/events/{session.event.slug}/sessions/{session.pk}/"


def pushes(topic):
    return [(push.type, push.data) for push in TopicEvent.objects.filter(topic=topic)]


@pytest.mark.parametrize("how", ["POST state", "PATCH state only"])
def test_cancel_with_a_note_stores_it_and_pushes_it(event, organizer, talk, how):
    client = client_for(organizer)
    body = {"state": "cancelled", "cancellation_note": f"  {NOTE} "}

    if how == "POST state":
        response = client.post(state_url(talk), body, format="json")
    else:
        response = client.patch(session_url(talk), body, format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["cancellation_note"]) == ("cancelled", NOTE)
    talk.refresh_from_db()
    assert (talk.state, talk.cancellation_note) == ("cancelled", NOTE)
    [(kind, programme)] = pushes(f"event:{event.slug}")
    assert (kind, programme["action"]) == ("programme.changed", "state")
    assert (programme["session"]["state"], programme["session"]["cancellation_note"]) == (
        "cancelled",
        NOTE,
    )
    [(kind, state)] = pushes(f"session:{talk.pk}")
    assert (kind, state["state"], state["cancellation_note"]) == (
        "session.state",
        "cancelled",
        NOTE,
    )


def test_a_speaker_may_cancel_their_own_session_with_a_note(event, talk):
    user = UserFactory(username="sven")
    RegistrationFactory(event=event, user=user, role="speaker")
    talk.speakers.add(SpeakerFactory(event=event, user=user))

    response = client_for(user).post(
        state_url(talk), {"state": "cancelled", "cancellation_note": NOTE}, format="json"
    )

    assert (response.status_code, response.json()["cancellation_note"]) == (200, NOTE)


def test_note_is_kept_when_the_session_comes_back_and_shown_again_on_the_next_cancel(
    event, organizer, talk
):
    client = client_for(organizer)
    client.post(state_url(talk), {"state": "cancelled", "cancellation_note": NOTE}, format="json")

    back = client.post(state_url(talk), {"state": "scheduled"}, format="json")
    again = client.post(state_url(talk), {"state": "cancelled"}, format="json")

    assert (back.json()["state"], back.json()["cancellation_note"]) == ("scheduled", NOTE)
    assert (again.json()["state"], again.json()["cancellation_note"]) == ("cancelled", NOTE)


def test_note_of_a_cancelled_session_can_be_changed_and_cleared(event, organizer, talk):
    client = client_for(organizer)
    client.post(state_url(talk), {"state": "cancelled", "cancellation_note": NOTE}, format="json")

    changed = client.post(
        state_url(talk),
        {"state": "cancelled", "cancellation_note": "Neuer Termin folgt."},
        format="json",
    )
    cleared = client.post(
        state_url(talk), {"state": "cancelled", "cancellation_note": ""}, format="json"
    )

    assert changed.json()["cancellation_note"] == "Neuer Termin folgt."
    assert cleared.json()["cancellation_note"] == ""
    notes = [data["session"]["cancellation_note"] for _type, data in pushes(f"event:{event.slug}")]
    assert notes == [NOTE, "Neuer Termin folgt.", ""]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"state": "live", "cancellation_note": NOTE},
            {"cancellation_note": ["A note goes only with a cancellation."]},
        ),
        (
            {"state": "cancelled", "cancellation_note": "x" * 501},
            {"cancellation_note": ["Ensure this field has no more than 500 characters."]},
        ),
    ],
    ids=["note without cancellation", "note too long"],
)
def test_bad_note_is_400_with_the_field_and_changes_nothing(event, organizer, talk, body, errors):
    response = client_for(organizer).post(state_url(talk), body, format="json")

    assert (response.status_code, response.json()) == (400, errors)
    talk.refresh_from_db()
    assert (talk.state, talk.cancellation_note) == ("scheduled", "")
    assert TopicEvent.objects.count() == 0


def test_attendee_cannot_cancel_and_nothing_changes(event, attendee, talk):
    response = client_for(attendee).post(
        state_url(talk), {"state": "cancelled", "cancellation_note": NOTE}, format="json"
    )

    assert response.status_code == 403
    talk.refresh_from_db()
    assert (talk.state, talk.cancellation_note) == ("scheduled", "")


def test_cancelling_through_the_state_endpoint_is_announced_as_cancelled(event, organizer, talk):
    Webhook.objects.create(
        event=event,
        url="https://example.org/hook",
        events=["session.cancelled", "session.changed"],
    )

    client_for(organizer).post(
        state_url(talk), {"state": "cancelled", "cancellation_note": NOTE}, format="json"
    )

    [delivery] = WebhookDelivery.objects.all()
    body = json.loads(delivery.body)
    assert (delivery.name, body["data"]["session"]["cancellation_note"]) == (
        "session.cancelled",
        NOTE,
    )


def test_full_patch_may_set_the_note_too(event, organizer, talk):
    response = client_for(organizer).patch(
        session_url(talk),
        {"state": "cancelled", "cancellation_note": NOTE, "title": "Offene Daten (entfällt)"},
        format="json",
    )

    assert response.status_code == 200, response.content
    talk.refresh_from_db()
    assert (talk.state, talk.cancellation_note, talk.title) == (
        Session.State.CANCELLED,
        NOTE,
        "Offene Daten (entfällt)",
    )
