"""Matchmaking on the socket: meeting and message notifications on user:<id>, blocks in 1:1 chat."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from rest_framework.test import APIClient

from conversations.models import ConversationMessage
from conversations.services import open_conversation
from matchmaking import meetings
from matchmaking.models import Block, MeetingSlot, Profile

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def slot(event, people):
    for name in ("anna", "ben"):
        Profile.objects.create(event=event, user=people[name], is_visible=True)
    start = event.starts_at + timedelta(days=2, hours=10)
    return MeetingSlot.objects.create(event=event, start=start, end=start + timedelta(minutes=30))


async def test_meeting_changes_reach_the_other_participant(connect, people, event, slot):
    anna, ben = people["anna"], people["ben"]
    anna_socket = await connect(anna)
    ben_socket = await connect(ben)

    meeting, _warnings = await sync_to_async(meetings.request_meeting)(
        event, user=anna, invitee_id=ben.pk, start=slot.start, end=slot.end, message="Kaffee?"
    )
    requested = await ben_socket.push("meeting.requested")

    assert requested["topic"] == f"user:{ben.pk}"
    assert requested["data"]["id"] == meeting.pk
    assert requested["data"]["by"]["name"] == "Anna Schneider"
    assert requested["data"]["awaiting_me"] is True
    assert requested["data"]["message"] == "Kaffee?"

    await sync_to_async(meetings.accept_meeting)(meeting, user=ben)
    accepted = await anna_socket.push("meeting.accepted")
    assert (accepted["data"]["state"], accepted["data"]["with"]["id"]) == ("accepted", ben.pk)

    later = slot.end + timedelta(minutes=30)
    await sync_to_async(MeetingSlot.objects.create)(event=event, start=slot.end, end=later)
    await sync_to_async(meetings.reschedule_meeting)(meeting, user=anna, start=slot.end, end=later)
    moved = await ben_socket.push("meeting.rescheduled")
    assert moved["data"]["awaiting_me"] is True

    await sync_to_async(meetings.decline_meeting)(meeting, user=ben)
    assert (await anna_socket.push("meeting.declined"))["data"]["state"] == "declined"
    # Nobody is told of their own actions.
    # Each change is also a stored notification for the other one (docs/notifications.md).
    for socket, kinds in (
        (anna_socket, ["meeting.accepted", "meeting.declined"]),
        (ben_socket, ["meeting.requested", "meeting.rescheduled"]),
    ):
        notified = [(await socket.push("notification.new"))["data"]["kind"] for _kind in kinds]
        assert notified == kinds
    assert await anna_socket.nothing_more()
    assert await ben_socket.nothing_more()


async def test_a_new_message_notifies_the_recipient_with_unread_counts(connect, people, event):
    anna, ben = people["anna"], people["ben"]
    conversation, _created = await sync_to_async(open_conversation)(
        user=anna, other=ben, event=event, origin="match"
    )
    topic = conversation.topic
    anna_socket = await connect(anna)
    ben_socket = await connect(ben)  # not subscribed to the conversation, only to user:<id>
    assert (await anna_socket.request("subscribe", {"topic": topic}))["ok"] is True

    for number in (1, 2):
        reply = await anna_socket.request(
            "chat.send", {"topic": topic, "text": f"Hallo {number}", "client_id": f"c{number}"}
        )
        assert reply["ok"] is True, reply
        notice = await ben_socket.push("conversation.message")
        assert notice["data"]["conversation"] == conversation.pk
        assert notice["data"]["from"]["id"] == anna.pk
        assert notice["data"]["text"] == f"Hallo {number}"
        assert (notice["data"]["unread"], notice["data"]["unread_total"]) == (number, number)

    await ben_socket.request("subscribe", {"topic": topic})
    await ben_socket.request("chat.read", {"topic": topic, "seq": reply["data"]["seq"] + 1000})
    receipt = await anna_socket.push("chat.read")
    # The mark stops at the newest message, so later messages still count as unread.
    assert receipt["data"] == {"user": ben.pk, "seq": reply["data"]["seq"]}
    await anna_socket.request("chat.send", {"topic": topic, "text": "Noch da?", "client_id": "c3"})
    notice = await ben_socket.push("conversation.message")
    assert (notice["data"]["unread"], notice["data"]["unread_total"]) == (1, 1)


async def test_a_blocked_message_gets_an_error_reply_and_is_not_stored(connect, people, event):
    anna, ben = people["anna"], people["ben"]
    conversation, _created = await sync_to_async(open_conversation)(
        user=anna, other=ben, event=event
    )
    await sync_to_async(Block.objects.create)(event=event, blocker=ben, blocked=anna)
    anna_socket = await connect(anna)
    ben_socket = await connect(ben)
    topic = conversation.topic
    assert (await anna_socket.request("subscribe", {"topic": topic}))["ok"] is True
    assert (await ben_socket.request("subscribe", {"topic": topic}))["ok"] is True

    refused = await anna_socket.request(
        "chat.send", {"topic": topic, "text": "Hallo?", "client_id": "b1"}
    )
    refused_back = await ben_socket.request(
        "chat.send", {"topic": topic, "text": "Bitte nicht.", "client_id": "b2"}
    )

    assert refused["ok"] is False
    assert refused["error"]["code"] == "blocked"
    assert refused_back["error"]["code"] == "blocked"
    assert await sync_to_async(ConversationMessage.objects.count)() == 0
    # The socket stays usable.
    assert (await anna_socket.request("ping"))["ok"] is True


async def test_a_blocked_user_cannot_open_a_conversation(people, event):
    await sync_to_async(Block.objects.create)(
        event=event, blocker=people["ben"], blocked=people["anna"]
    )

    @sync_to_async
    def open_as_anna():
        client = APIClient()
        client.force_authenticate(people["anna"])
        client.credentials(HTTP_ACCEPT_LANGUAGE="en")
        return client.post(
            f"/api/v1/events/{event.slug}/conversations/", {"with": people["ben"].pk}, format="json"
        )

    response = await open_as_anna()

    assert response.status_code == 403
    assert response.json()["detail"] == "This person cannot be contacted."
