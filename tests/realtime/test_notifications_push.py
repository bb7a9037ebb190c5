"""Notifications and announcements on the socket: online marks, live pushes, the event snapshot."""

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from congress.announcements import create_announcement
from matchmaking import meetings
from matchmaking.models import MeetingSlot, Profile
from notifications.models import Notification
from treffpunkt import notify

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def slot(event, people):
    for name in ("anna", "ben"):
        Profile.objects.create(event=event, user=people[name], is_visible=True)
    start = event.starts_at + timedelta(days=2, hours=10)
    return MeetingSlot.objects.create(event=event, start=start, end=start + timedelta(minutes=30))


async def test_an_open_socket_marks_its_person_online_until_it_closes(connect, people):
    ben = people["ben"]
    assert await sync_to_async(notify.is_online)(ben.pk) is False

    first = await connect(ben)
    second = await connect(ben)
    assert await sync_to_async(notify.is_online)(ben.pk) is True
    await first.close()
    assert await sync_to_async(notify.is_online)(ben.pk) is True
    await second.close()

    assert await sync_to_async(notify.is_online)(ben.pk) is False


async def test_online_person_gets_the_notification_live_and_no_mail(
    connect, people, event, slot, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    anna, ben = people["anna"], people["ben"]
    ben_socket = await connect(ben)

    await sync_to_async(meetings.request_meeting)(
        event, user=anna, invitee_id=ben.pk, start=slot.start, end=slot.end
    )
    pushed = await ben_socket.push("notification.new")

    assert pushed["topic"] == f"user:{ben.pk}"
    assert pushed["data"]["kind"] == "meeting.requested"
    assert pushed["data"]["unread"] == 1
    # The mail job waits NOTIFY_MAIL_AFTER (10 minutes) and mails only if still unread and away.
    job = await sync_to_async(DBTaskResult.objects.get)()
    assert job.task_path == "notifications.tasks.send_notification_mail"
    assert job.run_after >= timezone.now() + timedelta(minutes=9)
    assert job.args_kwargs["kwargs"] == {"require_away": True}
    assert mail.outbox == []


def _notify(user, count):
    from notifications.models import Notification

    for number in range(count):
        Notification.objects.create(
            user=user, kind="meeting.requested", data={"by": {"name": f"Anna {number}"}}
        )


async def test_each_socket_is_told_its_unread_count_and_a_later_notification_follows(
    connect, people, event, slot
):
    anna, ben = people["anna"], people["ben"]
    await sync_to_async(_notify)(ben, 2)

    socket = await connect(ben)
    assert socket.greeting["topic"] == f"user:{ben.pk}"
    assert socket.greeting["data"] == {"unread": 2}
    assert (await connect(anna)).greeting["data"] == {"unread": 0}

    await sync_to_async(meetings.request_meeting)(
        event, user=anna, invitee_id=ben.pk, start=slot.start, end=slot.end
    )
    assert (await socket.push("notification.new"))["data"]["unread"] == 3
    # Read ones do not count.
    await sync_to_async(
        lambda: Notification.objects.filter(user=ben).update(read_at=timezone.now())
    )()
    assert (await connect(ben)).greeting["data"] == {"unread": 0}


async def test_a_notification_while_the_count_is_read_follows_the_count(
    connect, people, event, slot, monkeypatch
):
    """The person's pushes wait behind the count: a newer count never comes before an older."""
    from notifications import services as notification_services

    anna, ben = people["anna"], people["ben"]
    original = notification_services.unread_counts
    notified = []

    def counts_then_a_notification(user_ids):
        counts = original(user_ids)
        if not notified:  # the notification's own push counts again, through this
            notified.append(True)
            # The notification is stored and pushed after the count was read, before it is sent.
            meetings.request_meeting(
                event, user=anna, invitee_id=ben.pk, start=slot.start, end=slot.end
            )
        return counts

    monkeypatch.setattr(notification_services, "unread_counts", counts_then_a_notification)
    socket = await connect(ben)

    # connect() took the first message after hello as the greeting.
    assert socket.greeting["data"] == {"unread": 0}
    assert (await socket.push("notification.new"))["data"]["unread"] == 1


async def test_sockets_opening_together_are_each_told_their_own_count(connect, people):
    anna, ben, orga = people["anna"], people["ben"], people["orga"]
    await sync_to_async(_notify)(anna, 1)
    await sync_to_async(_notify)(ben, 3)

    sockets = await asyncio.gather(*(connect(user) for user in (anna, ben, orga, anna, ben)))

    assert [socket.greeting["data"]["unread"] for socket in sockets] == [1, 3, 0, 1, 3]


async def test_an_anonymous_socket_gets_no_count(connect):
    socket = await connect()
    assert socket.hello["data"]["user"] is None
    assert socket.greeting is None
    assert await socket.nothing_more()


async def test_announcements_are_pushed_and_in_the_snapshot_until_dismissed(connect, people, event):
    anna, orga = people["anna"], people["orga"]
    socket = await connect(anna)
    subscribed = await socket.request("subscribe", {"topic": f"event:{event.slug}"})
    assert subscribed["data"]["snapshot"]["announcements"] == []

    announcement = await sync_to_async(create_announcement)(
        event, user=orga, text_de="Saal 2 beginnt später.", text_en="Stage 2 starts late."
    )
    pushed = await socket.push("announcement.created")
    assert pushed["topic"] == f"event:{event.slug}"
    assert pushed["data"]["text"] == {"de": "Saal 2 beginnt später.", "en": "Stage 2 starts late."}
    assert pushed["seq"] >= 1

    client = APIClient()
    await sync_to_async(client.force_authenticate)(anna)
    response = await sync_to_async(client.post)(
        f"/api/v1/events/{event.slug}/announcements/{announcement.pk}/dismiss/"
    )
    assert response.status_code == 204
    again = await connect(anna)
    snapshot = (await again.request("subscribe", {"topic": f"event:{event.slug}"}))["data"]
    assert [(item["id"], item["dismissed"]) for item in snapshot["snapshot"]["announcements"]] == [
        (announcement.pk, True)
    ]


async def test_announcements_for_speakers_are_not_in_an_attendees_snapshot(connect, people, event):
    await sync_to_async(create_announcement)(
        event, user=people["orga"], text_de="Sprecherbriefing um 9 Uhr.", audience="speakers"
    )
    anna = await connect(people["anna"])
    speaker = await connect(people["speaker"])
    topic = {"topic": f"event:{event.slug}"}

    for_anna = (await anna.request("subscribe", topic))["data"]["snapshot"]["announcements"]
    for_speaker = (await speaker.request("subscribe", topic))["data"]["snapshot"]["announcements"]

    assert for_anna == []
    assert [item["text"]["de"] for item in for_speaker] == ["Sprecherbriefing um 9 Uhr."]
