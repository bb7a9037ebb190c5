"""The web pages of notifications: the bell, the inbox, the settings."""

import pytest

from notifications.models import Notification, Preference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_bell_counts_unread_and_the_inbox_shows_what_was_missed(client, event):
    ben = UserFactory(username="ben")
    Notification.objects.create(
        user=ben, kind="meeting.requested", data={"by": {"name": "Anna"}, "url": "/x/"}
    )
    client.force_login(ben)

    page = client.get(f"/events/{event.slug}/").content.decode()
    assert "data-notification-bell" in page
    assert client.get("/api/v1/me/notifications/inbox/?unread=1&limit=1").json()["unread"] == 1

    inbox = client.get("/me/notifications/inbox/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Anna asks to meet you" in inbox or "Anna möchte Sie treffen" in inbox
    assert Notification.objects.get().read_at is not None


def test_settings_page_saves_a_channel_per_kind(client):
    ben = UserFactory(username="ben")
    client.force_login(ben)

    assert client.get("/me/notifications/").status_code == 200
    response = client.post("/me/notifications/", {"session.reminder": "mail", "bogus": "off"})

    assert response.status_code == 302
    assert list(Preference.objects.values_list("kind", "channel")) == [("session.reminder", "mail")]


def test_pages_need_a_login(client):
    assert client.get("/me/notifications/").status_code == 302
    assert client.get("/me/notifications/inbox/").status_code == 302
