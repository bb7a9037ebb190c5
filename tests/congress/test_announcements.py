"""Announcements over REST: what organizers and registered people read, and how many queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from congress.models import Announcement, Registration
from tests.factories import RegistrationFactory, UserFactory
from treffpunkt.models import TopicEvent

pytestmark = pytest.mark.django_db


def url(event, suffix=""):
    return f"/api/v1/events/{event.slug}/announcements/{suffix}"


def test_organizer_announces_and_the_event_topic_logs_it(as_user, event, organizer):
    response = as_user(organizer).post(
        url(event),
        {"text_de": "Die Expo öffnet jetzt.", "text_en": "The expo opens now.", "level": "info"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["mail"] == {"total": 0, "sent": 0, "failed": 0, "unsure": 0}
    assert list(TopicEvent.objects.values_list("topic", "type")) == [
        (f"event:{event.slug}", "announcement.created")
    ]


def test_attendee_cannot_announce_and_nothing_changes(as_user, event, attendee):
    response = as_user(attendee).post(url(event), {"text_de": "Hallo"}, format="json")

    assert response.status_code == 403
    assert not Announcement.objects.exists()
    assert not TopicEvent.objects.exists()


def test_people_read_only_what_is_shown_to_them_now(as_user, event, organizer, attendee):
    now = timezone.now()
    Announcement.objects.create(event=event, text_de="Für alle")
    Announcement.objects.create(event=event, text_de="Für Vortragende", audience="speakers")
    Announcement.objects.create(event=event, text_de="Später", show_from=now + timedelta(hours=1))
    Announcement.objects.create(event=event, text_de="Vorbei", show_until=now - timedelta(hours=1))

    seen = as_user(attendee).get(url(event)).json()
    everything = as_user(organizer).get(url(event)).json()

    assert [item["text"]["de"] for item in seen] == ["Für alle"]
    assert len(everything) == 4


def test_show_until_must_follow_show_from(as_user, event, organizer):
    now = timezone.now()
    response = as_user(organizer).post(
        url(event),
        {"text_de": "x", "show_from": now.isoformat(), "show_until": now.isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"show_until": ["Das Ende muss nach dem Beginn liegen."]}


@pytest.mark.parametrize("items", [1, 3])
def test_list_query_count(as_user, event, organizer, items, django_assert_num_queries):
    for number in range(items):
        Announcement.objects.create(event=event, text_de=f"Nummer {number}")
    client = as_user(organizer)

    # token with user, event, role, announcements
    with django_assert_num_queries(4):
        response = client.get(url(event))
    assert len(response.json()) == items


@pytest.mark.parametrize("items", [1, 3])
def test_attendee_list_query_count(as_user, event, items, django_assert_num_queries):
    attendee = UserFactory(username="anna")
    RegistrationFactory(event=event, user=attendee, role=Registration.Role.ATTENDEE)
    for number in range(items):
        Announcement.objects.create(event=event, text_de=f"Nummer {number}")
    client = as_user(attendee)

    # token with user, event, role, announcements, dismissals
    with django_assert_num_queries(5):
        response = client.get(url(event))
    assert len(response.json()) == items
