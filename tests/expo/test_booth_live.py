"""The booth topic: staff presence, contact requests to online staff, accept into a 1:1."""

import pytest
from asgiref.sync import sync_to_async

from conversations.models import Conversation
from expo.models import ContactRequest, ExhibitorStaff
from tests.factories import (
    ExhibitorFactory,
    ExhibitorStaffFactory,
    RegistrationFactory,
    UserFactory,
)
from tests.realtime.conftest import connect, event  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def booths(event):  # noqa: F811
    booth = ExhibitorFactory(event=event, name="Muster GmbH")
    other_booth = ExhibitorFactory(event=event)
    staff = UserFactory(username="standdienst", first_name="Sina", last_name="Stand")
    admin = UserFactory(username="standchefin")
    foreign = UserFactory(username="fremdstand")
    attendee = UserFactory(username="besucher", first_name="Anna", last_name="Schneider")
    RegistrationFactory(event=event, user=attendee)
    ExhibitorStaffFactory(exhibitor=booth, user=staff)
    ExhibitorStaffFactory(exhibitor=booth, user=admin, role=ExhibitorStaff.Role.ADMIN)
    ExhibitorStaffFactory(exhibitor=other_booth, user=foreign)
    return {
        "booth": booth,
        "staff": staff,
        "admin": admin,
        "foreign": foreign,
        "attendee": attendee,
    }


async def test_snapshot_counts_staff_online(connect, booths):  # noqa: F811
    topic = f"booth:{booths['booth'].pk}"
    staff = await connect(booths["staff"])
    reply = await staff.request("subscribe", {"topic": topic})
    assert reply["ok"] is True, reply
    assert reply["data"]["snapshot"]["staff"] is True
    attendee = await connect(booths["attendee"])
    reply = await attendee.request("subscribe", {"topic": topic})
    assert reply["data"]["snapshot"]["staff_online"] == 1
    assert reply["data"]["snapshot"]["may_contact"] is True
    off = await staff.request("booth.staff_online", {"booth": booths["booth"].pk, "online": False})
    assert off["data"]["staff_online"] == 0
    refused = await attendee.request("booth.staff_online", {"booth": booths["booth"].pk})
    assert refused["error"]["code"] == "forbidden"


async def test_contact_reaches_online_staff_of_that_booth_only_and_accept_opens_chat(
    connect,  # noqa: F811
    booths,
):
    staff = await connect(booths["staff"])
    foreign = await connect(booths["foreign"])
    attendee = await connect(booths["attendee"])
    reply = await attendee.request(
        "booth.contact", {"booth": booths["booth"].pk, "message": "Haben Sie kurz Zeit?"}
    )
    assert reply["ok"] is True, reply
    request_id = reply["data"]["request"]
    push = await staff.push("booth.contact")
    assert push["topic"] == f"user:{booths['staff'].pk}"
    assert push["data"]["id"] == request_id
    assert push["data"]["user"]["name"] == "Anna Schneider"
    assert await foreign.nothing_more() is True

    # The attendee cannot accept their own request, nor can staff of another booth.
    refused = await attendee.request("booth.accept", {"request": request_id})
    assert refused["ok"] is False
    assert refused["error"]["code"] == "forbidden"
    refused = await foreign.request("booth.accept", {"request": request_id})
    assert refused["error"]["code"] == "not_found"

    accepted = await staff.request("booth.accept", {"request": request_id})
    assert accepted["ok"] is True, accepted
    conversation_id = accepted["data"]["conversation"]
    opened = await attendee.push("conversation.opened")
    assert opened["data"]["conversation"] == conversation_id
    assert opened["data"]["with"]["name"] == "Sina Stand"

    topic = f"conversation:{conversation_id}"
    assert (await staff.request("subscribe", {"topic": topic}))["ok"] is True
    assert (await attendee.request("subscribe", {"topic": topic}))["ok"] is True
    sent = await attendee.request("chat.send", {"topic": topic, "text": "Hallo!", "client_id": "x"})
    assert sent["ok"] is True, sent
    assert (await staff.push("chat.message"))["data"]["text"] == "Hallo!"
    answer = await staff.request("chat.send", {"topic": topic, "text": "Gern!", "client_id": "y"})
    assert answer["ok"] is True, answer
    assert (await attendee.push("chat.message"))["data"]["text"] == "Hallo!"  # its own
    assert (await attendee.push("chat.message"))["data"]["text"] == "Gern!"

    @sync_to_async
    def stored():
        request = ContactRequest.objects.get(pk=request_id)
        return request.status, request.conversation_id, Conversation.objects.get().origin

    assert await stored() == ("accepted", conversation_id, f"booth:{booths['booth'].pk}")


async def test_staff_cannot_contact_their_own_booth(connect, booths):  # noqa: F811
    staff = await connect(booths["staff"])
    reply = await staff.request("booth.contact", {"booth": booths["booth"].pk})
    assert reply["error"]["code"] == "forbidden"


def test_stats_count_contact_requests(booths, as_user):
    booth = booths["booth"]
    ContactRequest.objects.create(exhibitor=booth, user=booths["attendee"])
    ContactRequest.objects.create(
        exhibitor=booth, user=booths["attendee"], status=ContactRequest.Status.ACCEPTED
    )
    response = as_user(booths["staff"]).get(
        f"/api/v1/events/{booth.event.slug}/exhibitors/{booth.pk}/stats/"
    )
    assert response.status_code == 200, response.content
    assert response.json()["contact_requests"] == 2


async def test_requests_made_while_nobody_was_online_wait_in_the_staff_snapshot(
    connect,  # noqa: F811
    booths,
):
    attendee = await connect(booths["attendee"])
    sent = await attendee.request(
        "booth.contact", {"booth": booths["booth"].pk, "message": "Rufen Sie mich an?"}
    )
    assert sent["data"]["staff_online"] == 0
    topic = f"booth:{booths['booth'].pk}"

    staff = await connect(booths["staff"])
    snapshot = (await staff.request("subscribe", {"topic": topic}))["data"]["snapshot"]
    visitor = (await attendee.request("subscribe", {"topic": topic}))["data"]["snapshot"]

    assert [(item["id"], item["message"]) for item in snapshot["requests"]] == [
        (sent["data"]["request"], "Rufen Sie mich an?")
    ]
    assert "requests" not in visitor
    accepted = await staff.request("booth.accept", {"request": sent["data"]["request"]})
    assert accepted["ok"] is True
    admin = await connect(booths["admin"])
    later = (await admin.request("subscribe", {"topic": topic}))["data"]["snapshot"]
    assert later["requests"] == []
