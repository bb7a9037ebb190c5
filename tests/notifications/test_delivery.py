"""notify(): live when online, one mail when away, nothing when turned off (a real SMTP server)."""

import icalendar
import pytest
from django.core import signing

from matchmaking import meetings
from notifications import services
from notifications.models import Notification, Preference
from tests.accounts.smtp import text_of
from treffpunkt.realtime import limits

from .conftest import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def request(event, slot, anna, ben):
    meeting, _warnings = meetings.request_meeting(
        event, user=anna, invitee_id=ben.pk, start=slot.start, end=slot.end, message="Kaffee?"
    )
    return meeting


def calendar_of(message):
    parts = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return icalendar.Calendar.from_ical(parts[0].get_payload(decode=True))


def test_offline_person_gets_one_mail_with_a_valid_ics_and_the_request_in_the_inbox(
    meeting_world, smtp, as_user
):
    event, slot, (anna, ben) = meeting_world

    meeting = request(event, slot, anna, ben)
    run_worker()
    run_worker()

    mails = smtp.to(ben.email)
    assert len(mails) == 1
    assert smtp.to(anna.email) == []
    assert mails[0]["Subject"] == "Anna möchte Sie treffen"
    assert mails[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert str(mails[0]["List-Unsubscribe"]).strip().startswith("<http")
    cal = calendar_of(mails[0])
    assert str(cal["METHOD"]) == "REQUEST"
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["UID"]) == f"meeting-{meeting.guid}"
    assert vevent.decoded("DTSTART") == slot.start
    assert vevent.decoded("DTEND") == slot.end
    inbox = as_user(ben).get("/api/v1/me/notifications/inbox/").json()
    assert inbox["unread"] == 1
    assert [(item["kind"], item["data"]["id"]) for item in inbox["results"]] == [
        ("meeting.requested", meeting.pk)
    ]


def test_cancelled_meeting_mails_a_method_cancel(meeting_world, smtp):
    event, slot, (anna, ben) = meeting_world
    meeting = request(event, slot, anna, ben)
    run_worker()
    meetings.cancel_meeting(meeting, user=anna)
    run_worker()

    mails = smtp.wait_for(ben.email, count=2)
    assert len(mails) == 2
    cal = calendar_of(mails[1])
    assert str(cal["METHOD"]) == "CANCEL"
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["UID"]) == f"meeting-{meeting.guid}"
    assert str(vevent["STATUS"]) == "CANCELLED"


def open_socket(user, monkeypatch):
    """As the gateway counts a socket of ``user`` in this process (treffpunkt.realtime.limits)."""
    monkeypatch.setitem(limits.counts.by_key, f"user:{user.pk}", 1)


def test_online_person_gets_a_live_push_and_no_mail(meeting_world, smtp, settings, monkeypatch):
    event, slot, (anna, ben) = meeting_world
    open_socket(ben, monkeypatch)
    pushed = []
    settings.NOTIFY_MAIL_AFTER = 600

    from treffpunkt.realtime import bus

    original = bus.publish
    bus.publish = lambda topic, type_, data, **kw: pushed.append((topic, type_))
    try:
        request(event, slot, anna, ben)
    finally:
        bus.publish = original
    run_worker()

    assert smtp.to(ben.email) == []
    assert (f"user:{ben.pk}", "notification.new") in pushed
    assert (f"user:{ben.pk}", "meeting.requested") in pushed
    notification = Notification.objects.get(user=ben)
    assert notification.mail_state == Notification.MailState.QUEUED  # waits 10 minutes


def test_online_person_who_leaves_without_reading_gets_the_mail_later(
    meeting_world, smtp, settings, monkeypatch
):
    event, slot, (anna, ben) = meeting_world
    settings.NOTIFY_MAIL_AFTER = 0
    open_socket(ben, monkeypatch)
    request(event, slot, anna, ben)
    monkeypatch.delitem(limits.counts.by_key, f"user:{ben.pk}")
    run_worker()

    assert len(smtp.to(ben.email)) == 1


def test_kind_turned_off_sends_nothing_and_stores_nothing(meeting_world, smtp, as_user):
    event, slot, (anna, ben) = meeting_world
    response = as_user(ben).patch(
        "/api/v1/me/notifications/", {"meeting.requested": "off"}, format="json"
    )
    assert response.status_code == 200

    request(event, slot, anna, ben)
    run_worker()

    assert smtp.to(ben.email) == []
    assert Notification.objects.filter(user=ben).count() == 0


def test_unsubscribe_link_turns_off_that_kind_for_that_person_only(meeting_world, smtp, client):
    event, slot, (anna, ben) = meeting_world
    request(event, slot, anna, ben)
    run_worker()
    [mail] = smtp.to(ben.email)
    url = str(mail["List-Unsubscribe"]).strip().strip("<>")
    path = url.split("//", 1)[1].split("/", 1)[1]

    page = client.get("/" + path)
    assert page.status_code == 200
    assert not Preference.objects.exists()  # a GET (a link scanner) changes nothing
    response = client.post("/" + path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert list(Preference.objects.values_list("user__username", "kind", "channel")) == [
        ("ben", "meeting.requested", "live")
    ]
    assert services.channel_for(anna.pk, "meeting.requested") == "mail"
    assert services.channel_for(ben.pk, "meeting.accepted") == "mail"


def test_forged_unsubscribe_link_is_refused(meeting_world, client):
    _event, _slot, (anna, ben) = meeting_world
    token = services.unsubscribe_token(ben.pk, "meeting.requested")
    forged = signing.dumps({"u": anna.pk, "k": "meeting.requested"}, salt="other", compress=True)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    for bad in (forged, tampered):
        response = client.post(f"/notifications/unsubscribe/{bad}/")
        assert response.status_code == 400
    assert not Preference.objects.exists()


def test_conversation_messages_fold_into_one_digest_mail(meeting_world, smtp):
    from conversations import services as conversation_services

    event, _slot, (anna, ben) = meeting_world
    conversation, _created = conversation_services.open_conversation(
        user=anna, other=ben, event=event
    )
    for number in range(3):
        conversation_services.send_conversation_message(
            user=anna, conversation=conversation, text=f"Hallo {number}", client_id=f"c{number}"
        )
    run_worker()

    [mail] = smtp.to(ben.email)
    assert mail["Subject"] in ("3 neue Nachrichten von Anna", "3 new messages from Anna")
    assert "Hallo" not in text_of(mail)
    [notification] = Notification.objects.filter(user=ben)
    assert notification.count == 3


def test_a_conversation_is_mailed_at_most_once_an_hour(meeting_world, smtp):
    from django_tasks_db.models import DBTaskResult

    from conversations import services as conversation_services

    event, _slot, (anna, ben) = meeting_world
    conversation, _created = conversation_services.open_conversation(
        user=anna, other=ben, event=event
    )
    conversation_services.send_conversation_message(
        user=anna, conversation=conversation, text="Eins", client_id="c1"
    )
    run_worker()
    conversation_services.send_conversation_message(
        user=anna, conversation=conversation, text="Zwei", client_id="c2"
    )
    run_worker()

    assert len(smtp.to(ben.email)) == 1
    first, second = Notification.objects.filter(user=ben).order_by("pk")
    assert (first.mail_state, second.mail_state) == ("sent", "queued")
    waiting = DBTaskResult.objects.filter(status="READY").get()
    assert waiting.run_after == first.mailed_at + services.digest_every()


def test_booth_staff_and_organizers_are_notified(meeting_world, smtp):
    from congress.models import Registration
    from expo.services import request_contact
    from matchmaking.meetings import report_user
    from tests.factories import ExhibitorFactory, ExhibitorStaffFactory, RegistrationFactory

    event, _slot, (anna, ben) = meeting_world
    booth = ExhibitorFactory(event=event)
    ExhibitorStaffFactory(exhibitor=booth, user=ben)
    orga = RegistrationFactory(event=event, role=Registration.Role.ORGANIZER).user

    request_contact(user=anna, exhibitor=booth, message="Hallo")
    report_user(event, user=ben, reported_id=anna.pk, reason="Spam")
    run_worker()

    assert [n.kind for n in Notification.objects.filter(user=ben)] == ["booth.contact"]
    assert [n.kind for n in Notification.objects.filter(user=orga)] == ["report.created"]
    assert len(smtp.to(ben.email)) == 1
    assert len(smtp.to(orga.email)) == 1
