"""Announcing from the control room calls the announcements service, as REST does."""

import pytest

from congress.models import Announcement
from treffpunkt.models import TopicEvent

pytestmark = pytest.mark.django_db


def test_organizer_announces_from_the_control_room(client, event, organizer):
    client.force_login(organizer)
    page = client.get(f"/events/{event.slug}/regie/")
    assert page.status_code == 200
    assert f'action="/events/{event.slug}/regie/announce/"' in page.content.decode()

    response = client.post(
        f"/events/{event.slug}/regie/announce/",
        {"text_de": "Die Expo öffnet jetzt.", "level": "info", "audience": "everyone"},
    )

    assert response.status_code == 302
    assert list(Announcement.objects.values_list("text_de", "created_by")) == [
        ("Die Expo öffnet jetzt.", organizer.pk)
    ]
    assert TopicEvent.objects.filter(type="announcement.created").count() == 1


def test_attendee_cannot_announce_from_the_control_room(client, event, attendee):
    client.force_login(attendee)

    response = client.post(
        f"/events/{event.slug}/regie/announce/",
        {"text_de": "Hallo", "level": "info", "audience": "everyone"},
    )

    assert response.status_code == 403
    assert not Announcement.objects.exists()
