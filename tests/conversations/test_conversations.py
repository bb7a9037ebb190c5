"""1:1 conversations: REST open/list with unread counts, and the topic conversation:<id>."""

import pytest
from asgiref.sync import sync_to_async
from rest_framework.test import APIClient

from conversations.models import Conversation
from conversations.services import open_conversation

pytestmark = [pytest.mark.django_db(transaction=True)]


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def conversations_url(event):
    return f"/api/v1/events/{event.slug}/conversations/"


def test_same_pair_gets_the_same_conversation(people, event):
    anna, ben = people["anna"], people["ben"]
    first = api(anna).post(conversations_url(event), {"with": ben.pk}, format="json")
    assert first.status_code == 201, first.content
    again = api(ben).post(conversations_url(event), {"with": anna.pk}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["with"]["name"] == "Anna Schneider"
    conversation = Conversation.objects.get()
    assert conversation.user_a_id < conversation.user_b_id
    same, created = open_conversation(user=anna, other=ben, event=event, origin="booth:1")
    assert (same.pk, created) == (conversation.pk, False)


def test_open_needs_a_registered_other_and_login(people, event):
    response = api(people["anna"]).post(
        conversations_url(event), {"with": people["outsider"].pk}, format="json"
    )
    assert response.status_code == 404
    response = api(people["outsider"]).post(
        conversations_url(event), {"with": people["anna"].pk}, format="json"
    )
    assert response.status_code == 403
    assert APIClient().get(conversations_url(event)).status_code in (401, 403)


async def _open(people, event):
    conversation, _created = await sync_to_async(open_conversation)(
        user=people["anna"], other=people["ben"], event=event
    )
    return conversation


async def test_third_party_cannot_subscribe_and_socket_stays_open(connect, people, event):
    conversation = await _open(people, event)
    stranger = await connect(people["orga"])
    reply = await stranger.request("subscribe", {"topic": f"conversation:{conversation.pk}"})
    assert reply["ok"] is False
    assert reply["error"]["code"] in ("forbidden", "not_found")
    pong = await stranger.request("ping")
    assert pong["ok"] is True
    anonymous = await connect()
    reply = await anonymous.request("subscribe", {"topic": f"conversation:{conversation.pk}"})
    assert reply["ok"] is False


async def test_chat_in_conversation_reaches_the_other_and_resumes(connect, people, event):
    conversation = await _open(people, event)
    topic = f"conversation:{conversation.pk}"
    anna = await connect(people["anna"])
    ben = await connect(people["ben"])
    reply = await ben.request("subscribe", {"topic": topic})
    assert reply["ok"] is True, reply
    assert reply["data"]["snapshot"]["with"]["name"] == "Anna Schneider"
    assert reply["data"]["snapshot"]["unread"] == 0
    assert (await anna.request("subscribe", {"topic": topic}))["ok"] is True
    sent = await anna.request("chat.send", {"topic": topic, "text": "Hallo Ben", "client_id": "a1"})
    assert sent["ok"] is True, sent
    push = await ben.push("chat.message")
    assert push["topic"] == topic
    assert push["seq"] == sent["data"]["seq"]
    assert push["data"]["text"] == "Hallo Ben"
    again = await anna.request(
        "chat.send", {"topic": topic, "text": "Hallo Ben", "client_id": "a1"}
    )
    assert again["data"]["duplicate"] is True
    too_long = await anna.request(
        "chat.send", {"topic": topic, "text": "x" * 1001, "client_id": "a2"}
    )
    assert too_long["error"]["code"] == "chat.too_long"
    await ben.close()
    await anna.request("chat.send", {"topic": topic, "text": "Noch da?", "client_id": "a3"})
    ben = await connect(people["ben"])
    resumed = await ben.request("subscribe", {"topic": topic, "since": push["seq"]})
    assert [message["data"]["text"] for message in resumed["data"]["missed"]] == ["Noch da?"]
    assert resumed["data"]["snapshot"]["unread"] == 2
    assert "chat" not in resumed["data"]["snapshot"]  # Ben has the history; missed the rest


async def test_unread_counts_before_and_after_read(connect, people, event):
    conversation = await _open(people, event)
    topic = f"conversation:{conversation.pk}"
    anna = await connect(people["anna"])
    assert (await anna.request("subscribe", {"topic": topic}))["ok"] is True
    last = None
    for number in range(3):
        last = await anna.request(
            "chat.send", {"topic": topic, "text": f"Nachricht {number}", "client_id": f"m{number}"}
        )
    url = conversations_url(event)

    @sync_to_async
    def listed(user):
        response = api(user).get(url)
        assert response.status_code == 200
        return {row["id"]: row["unread"] for row in response.json()}

    assert await listed(people["ben"]) == {conversation.pk: 3}
    assert await listed(people["anna"]) == {conversation.pk: 0}
    ben = await connect(people["ben"])
    read = await ben.request("chat.read", {"topic": topic, "seq": last["data"]["seq"] - 1})
    assert read["ok"] is True, read
    assert read["data"]["unread"] == 1
    await ben.request("chat.read", {"topic": topic, "seq": last["data"]["seq"]})
    assert await listed(people["ben"]) == {conversation.pk: 0}
    stranger = await connect(people["orga"])
    refused = await stranger.request("chat.read", {"topic": topic, "seq": 1})
    assert refused["error"]["code"] == "not_found"


def test_list_is_one_query_for_many_conversations(people, event, django_assert_max_num_queries):
    from tests.factories import RegistrationFactory, UserFactory

    anna = people["anna"]
    for number in range(5):
        other = UserFactory(username=f"peer{number}")
        RegistrationFactory(event=event, user=other)
        open_conversation(user=anna, other=other, event=event)
    client = api(anna)
    with django_assert_max_num_queries(8):
        response = client.get(conversations_url(event))
    assert len(response.json()) == 5
