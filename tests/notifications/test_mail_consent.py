"""Consent to mail notifications: given and withdrawn as Consent records with the text's version.

REST, the web page, the unsubscribe link and "Meine Daten" all go through
notifications.services.set_preferences; a withdrawal stops mail that is already queued.
"""

import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Consent
from matchmaking import meetings
from notifications import services
from notifications.models import Notification, Preference
from privacy.services import build_archive, save_event_text

from .conftest import run_worker

pytestmark = pytest.mark.django_db

TEXT_DE = "Die Stadt Musterstadt schickt Ihnen Benachrichtigungen per E-Mail."
TEXT_EN = "The city of Musterstadt sends you notifications by e-mail."


def web(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(user)
    return client


def consents(user):
    return list(
        Consent.objects.filter(user=user, document="mail_notifications")
        .order_by("pk")
        .values_list("event__slug", "scope", "version", "how", "withdrawn_how")
    )


def test_choosing_mail_over_rest_records_the_events_text_version(event, attendee, as_user):
    save_event_text(event=event, kind="mail_notifications", language="de", body=TEXT_DE)
    save_event_text(event=event, kind="mail_notifications", language="en", body="Draft")
    save_event_text(event=event, kind="mail_notifications", language="en", body=TEXT_EN)
    client = as_user(attendee)

    shown = client.get(
        f"/api/v1/me/notifications/?event={event.slug}", HTTP_ACCEPT_LANGUAGE="en"
    ).json()["mail_consent"]
    response = client.patch(
        f"/api/v1/me/notifications/?event={event.slug}",
        {"session.reminder": "mail", "booth.contact": "off"},
        format="json",
    )

    assert shown == {"event": event.slug, "version": "3", "text": TEXT_EN}
    assert response.status_code == 200
    # Only the kind that became "mail" is a consent; turning a default off withdraws nothing.
    assert consents(attendee) == [
        (event.slug, "kind:session.reminder", "3", "api: preferences", "")
    ]
    assert services.channel_for(attendee.pk, "session.reminder") == "mail"


def test_the_web_page_shows_the_platform_text_and_records_giving_and_withdrawing(attendee):
    client = web(attendee)

    page = client.get("/me/notifications/")
    client.post("/me/notifications/", {"session.reminder": "mail"})
    given = consents(attendee)
    client.post("/me/notifications/", {"session.reminder": "live"})

    assert "willigen Sie ein, dass Treffpunkt Ihnen dazu E-Mails" in page.content.decode()
    assert "Textfassung: default." in page.content.decode()
    assert given == [(None, "kind:session.reminder", "default", "web: preferences", "")]
    assert consents(attendee) == [
        (None, "kind:session.reminder", "default", "web: preferences", "web: preferences")
    ]
    assert Consent.objects.get(user=attendee).withdrawn_at is not None


def test_an_unknown_event_is_refused_and_nothing_changes(attendee, as_user):
    response = as_user(attendee).patch(
        "/api/v1/me/notifications/?event=nowhere", {"session.reminder": "mail"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["event"]
    assert not Preference.objects.exists()
    assert not Consent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_withdrawing_under_my_data_stops_a_queued_mail_at_once(meeting_world, smtp):
    event, slot, (anna, ben) = meeting_world
    services.set_preferences(ben, {"meeting.requested": "live"}, method="test")
    services.set_preferences(ben, {"meeting.requested": "mail"}, event=event, method="test")
    consent = Consent.objects.get(user=ben, withdrawn_at=None)
    # Ben is offline: the request's mail job is queued, not yet run.
    meetings.request_meeting(event, user=anna, invitee_id=ben.pk, start=slot.start, end=slot.end)
    assert Notification.objects.get(user=ben).mail_state == "queued"

    response = web(ben).post(reverse("privacy:withdraw", args=[consent.pk]))
    run_worker()

    assert response.status_code == 302
    assert smtp.to(ben.email) == []
    assert Notification.objects.get(user=ben).mail_state == "skipped"
    assert services.channel_for(ben.pk, "meeting.requested") == "live"
    consent.refresh_from_db()
    assert (consent.withdrawn_at is not None, consent.withdrawn_how) == (True, "web: Meine Daten")


def test_the_unsubscribe_link_withdraws_the_consent(attendee):
    services.set_preferences(attendee, {"announcement": "live"}, method="test")
    services.set_preferences(attendee, {"announcement": "mail"}, method="web: preferences")
    token = services.unsubscribe_token(attendee.pk, "announcement")

    Client().post(reverse("notifications:unsubscribe", args=[token]))

    assert consents(attendee) == [
        (None, "kind:announcement", "default", "web: preferences", "mail: unsubscribe link")
    ]
    assert services.channel_for(attendee.pk, "announcement") == "live"


def test_the_export_holds_the_mail_consents_with_version_and_withdrawal(event, attendee):
    save_event_text(event=event, kind="mail_notifications", language="de", body=TEXT_DE)
    services.set_preferences(attendee, {"session.reminder": "mail"}, event=event, method="api")
    services.set_preferences(attendee, {"session.reminder": "live"}, method="web")

    with zipfile.ZipFile(io.BytesIO(build_archive(attendee))) as archive:
        data = json.loads(archive.read("data.json"))

    [exported] = [
        row
        for row in data["sections"]["accounts"]["consents"]
        if row["document"] == "mail_notifications"
    ]
    assert {key: exported[key] for key in ("event__slug", "scope", "version", "how")} == {
        "event__slug": event.slug,
        "scope": "kind:session.reminder",
        "version": "1",
        "how": "api",
    }
    assert exported["withdrawn_at"] is not None
    assert exported["withdrawn_how"] == "web"
