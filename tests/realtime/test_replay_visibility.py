"""Resuming with ``since`` replays by the snapshot's rules: deleted and hidden text stays gone."""

import json

import pytest

pytestmark = [pytest.mark.django_db(transaction=True)]

SECRET_CHAT = "geheime Telefonnummer 0171 555"
SECRET_QUESTION = "beleidigende Frage"


async def write_then_remove(connect, people, live_session):
    """Anna writes a message and asks a question; she deletes the one, the organizer hides the other."""
    topic = f"session:{live_session.pk}"
    anna = await connect(people["anna"])
    await anna.request("subscribe", {"topic": topic})
    sent = await anna.request("chat.send", {"topic": topic, "text": SECRET_CHAT, "client_id": "a"})
    asked = await anna.request(
        "question.ask", {"topic": topic, "text": SECRET_QUESTION, "client_id": "q"}
    )
    assert (sent["ok"], asked["ok"]) == (True, True)
    deleted = await anna.request("chat.delete", {"message": sent["data"]["message"]["id"]})
    orga = await connect(people["orga"])
    hidden = await orga.request("question.hide", {"question": asked["data"]["question"]["id"]})
    assert (deleted["ok"], hidden["ok"]) == (True, True)
    return topic, sent["data"]["message"]["id"], asked["data"]["question"]["id"]


@pytest.mark.parametrize("role", ["anonymous", "ben", "anna", "speaker", "orga"])
async def test_replay_after_delete_and_hide_shows_text_only_to_moderators(
    connect, people, live_session, role
):
    topic, message_id, question_id = await write_then_remove(connect, people, live_session)

    client = await connect(None if role == "anonymous" else people[role])
    reply = await client.request("subscribe", {"topic": topic, "since": 0})

    assert reply["ok"] is True, reply
    missed = reply["data"]["missed"]
    replayed = json.dumps(missed, ensure_ascii=False)
    assert SECRET_CHAT not in replayed
    moderator = role in {"speaker", "orga"}
    assert (SECRET_QUESTION in replayed) is moderator
    assert [push["seq"] for push in missed] == list(range(1, len(missed) + 1))
    assert missed[0] == {
        "type": "chat.deleted",
        "topic": topic,
        "seq": 1,
        "data": {"id": message_id},
    }
    if not moderator:
        question_pushes = [push for push in missed if push["type"].startswith("question.")]
        assert {json.dumps(push["data"]) for push in question_pushes} == {
            json.dumps({"id": question_id, "state": "hidden"})
        }


async def test_resumes_in_the_same_moment_share_no_text_across_roles(connect, people, live_session):
    """Replays are shared between resumes with the same `since`, but never from a moderator's."""
    topic, _message_id, _question_id = await write_then_remove(connect, people, live_session)
    resumed = {}
    for role in ("orga", "ben", "speaker", "anna"):
        client = await connect(people[role])
        reply = await client.request("subscribe", {"topic": topic, "since": 0})
        resumed[role] = json.dumps(reply["data"]["missed"], ensure_ascii=False)

    assert {role: SECRET_QUESTION in text for role, text in resumed.items()} == {
        "orga": True,
        "ben": False,
        "speaker": True,
        "anna": False,
    }
