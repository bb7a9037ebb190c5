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


def test_organizer_sees_unsure_mails_and_resends_them_from_the_control_room(
    client, event, organizer, attendee, django_capture_on_commit_callbacks
):
    from notifications.models import AnnouncementRecipient

    announcement = Announcement.objects.create(
        event=event, text_de="Saal 2 beginnt später.", send_mail=True, created_by=organizer
    )
    AnnouncementRecipient.objects.create(announcement=announcement, user=attendee, state="unsure")
    Announcement.objects.filter(pk=announcement.pk).update(mail_total=1, mail_unsure=1)
    client.force_login(organizer)

    page = client.get(f"/events/{event.slug}/regie/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/events/{event.slug}/regie/announcements/{announcement.pk}/resend/",
            {"which": "unsure"},
        )

    assert "1 unsicher (vielleicht angekommen)" in page
    assert "Unsichere Mails erneut senden" in page
    assert response.status_code == 302
    # The row waits for the worker again; the organizer's page counts it as not unsure any more.
    assert AnnouncementRecipient.objects.get().state == "pending"
    assert Announcement.objects.get().mail_unsure == 0
