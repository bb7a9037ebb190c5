"""Live captions over the gateway: ``captions.cue`` from captioners, the transcript from the log."""

import pytest
from asgiref.sync import sync_to_async

from accessibility.models import Captioner
from treffpunkt.models import TopicEvent

pytestmark = [pytest.mark.django_db(transaction=True)]


def topic_of(session):
    return f"session:{session.pk}"


async def subscribed(connect, user, session):
    client = await connect(user)
    reply = await client.request("subscribe", {"topic": topic_of(session)})
    assert reply["ok"] is True, reply
    return client


def cue_count():
    return TopicEvent.objects.filter(type="captions.cue").count()


async def test_a_captioners_cue_reaches_every_viewer_and_the_transcript(
    connect, people, live_session
):
    await sync_to_async(Captioner.objects.create)(session=live_session, user=people["ben"])
    ben = await subscribed(connect, people["ben"], live_session)
    anna = await subscribed(connect, people["anna"], live_session)
    guest = await subscribed(connect, None, live_session)

    reply = await ben.request(
        "captions.cue", {"topic": topic_of(live_session), "text": "  Guten   Morgen. "}
    )

    assert reply["ok"] is True, reply
    assert reply["data"]["cue"]["text"] == "Guten Morgen."
    for viewer in (anna, guest):
        push = await viewer.push("captions.cue")
        assert (push["topic"], push["seq"], push["data"]["text"]) == (
            topic_of(live_session),
            reply["data"]["seq"],
            "Guten Morgen.",
        )
    transcript = await guest.request("captions.transcript", {"topic": topic_of(live_session)})
    assert [cue["text"] for cue in transcript["data"]["cues"]] == ["Guten Morgen."]
    assert transcript["data"]["cues"][0]["seq"] == reply["data"]["seq"]


async def test_organizers_caption_any_session(connect, people, live_session):
    orga = await subscribed(connect, people["orga"], live_session)

    reply = await orga.request("captions.cue", {"topic": topic_of(live_session), "text": "Hallo"})

    assert reply["ok"] is True, reply


async def test_an_attendee_who_is_no_captioner_is_refused_and_nothing_is_stored(
    connect, people, live_session
):
    anna = await subscribed(connect, people["anna"], live_session)
    ben = await subscribed(connect, people["ben"], live_session)

    reply = await anna.request("captions.cue", {"topic": topic_of(live_session), "text": "Hi"})

    assert reply["error"]["code"] == "forbidden"
    assert await sync_to_async(cue_count)() == 0
    assert await ben.nothing_more() is True


async def test_an_empty_or_too_long_cue_is_refused(connect, people, live_session):
    orga = await subscribed(connect, people["orga"], live_session)

    empty = await orga.request("captions.cue", {"topic": topic_of(live_session), "text": "   "})
    long = await orga.request("captions.cue", {"topic": topic_of(live_session), "text": "a" * 501})

    assert (empty["error"]["code"], long["error"]["code"]) == ("empty", "captions.too_long")
    assert await sync_to_async(cue_count)() == 0
