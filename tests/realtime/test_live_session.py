"""Live sessions over the gateway: chat, resume, Q&A, polls, reactions, presence, state, moderation."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.test import override_settings

from congress.models import ChatMessage, ModerationLog, Mute, Question, Session
from tests.factories import at
from treffpunkt.models import TopicEvent

pytestmark = [pytest.mark.django_db(transaction=True)]


def topic_of(session):
    return f"session:{session.pk}"


async def subscribed(connect, user, session, **extra):
    client = await connect(user)
    reply = await client.request("subscribe", {"topic": topic_of(session), **extra})
    assert reply["ok"] is True, reply
    client.snapshot = reply["data"]
    return client


async def test_chat_message_reaches_other_subscriber_once(connect, people, live_session):
    anna = await subscribed(connect, people["anna"], live_session)
    ben = await subscribed(connect, people["ben"], live_session)
    reply = await anna.request(
        "chat.send", {"topic": topic_of(live_session), "text": "Guten Morgen!", "client_id": "c-1"}
    )
    assert reply["ok"] is True
    assert reply["data"]["message"]["text"] == "Guten Morgen!"
    push = await ben.push("chat.message")
    assert push["topic"] == topic_of(live_session)
    assert push["seq"] == reply["data"]["seq"]
    assert push["data"]["user"]["name"] == "Anna Schneider"
    # A resend with the same client id (after a reconnect) is stored and pushed once.
    again = await anna.request(
        "chat.send", {"topic": topic_of(live_session), "text": "Guten Morgen!", "client_id": "c-1"}
    )
    assert again["data"]["duplicate"] is True
    assert again["data"]["message"]["id"] == reply["data"]["message"]["id"]
    assert await ben.more_of("chat.message") == []
    assert await sync_to_async(ChatMessage.objects.count)() == 1


async def test_subscribe_snapshot_has_last_50_messages(connect, people, live_session):
    anna = await subscribed(connect, people["anna"], live_session)

    @sync_to_async
    def write_many():
        from congress.live_services import send_chat_message

        with override_settings(
            RATE_LIMITS={**__import__("django.conf").conf.settings.RATE_LIMITS, "chat": (100, 5)}
        ):
            for number in range(55):
                send_chat_message(
                    user=people["anna"],
                    session=live_session,
                    text=f"Nachricht {number}",
                    client_id=f"m{number}",
                )

    await write_many()
    ben = await subscribed(connect, people["ben"], live_session)
    texts = [message["text"] for message in ben.snapshot["snapshot"]["chat"]]
    assert texts == [f"Nachricht {number}" for number in range(5, 55)]
    assert ben.snapshot["seq"] == 55
    await anna.close()


async def test_resume_with_since_replays_each_missed_message_once_in_order(
    connect, people, live_session
):
    topic = topic_of(live_session)
    ben = await subscribed(connect, people["ben"], live_session)
    anna = await subscribed(connect, people["anna"], live_session)
    first = await anna.request("chat.send", {"topic": topic, "text": "eins", "client_id": "1"})
    await ben.push("chat.message")
    last_seen = first["data"]["seq"]
    await ben.close()
    for number, text in enumerate(["zwei", "drei", "vier"], start=2):
        await anna.request("chat.send", {"topic": topic, "text": text, "client_id": str(number)})
    ben = await subscribed(connect, people["ben"], live_session, since=last_seen)
    missed = ben.snapshot["missed"]
    assert [(m["type"], m["data"]["text"]) for m in missed] == [
        ("chat.message", "zwei"),
        ("chat.message", "drei"),
        ("chat.message", "vier"),
    ]
    assert [m["seq"] for m in missed] == [last_seen + 1, last_seen + 2, last_seen + 3]
    assert ben.snapshot["seq"] == last_seen + 3
    await anna.request("chat.send", {"topic": topic, "text": "fünf", "client_id": "5"})
    live = await ben.push("chat.message")
    assert (live["seq"], live["data"]["text"]) == (last_seen + 4, "fünf")
    assert await ben.nothing_more() is True


async def test_resume_brings_missed_messages_without_repeating_the_chat_history(
    connect, people, live_session
):
    topic = topic_of(live_session)
    anna = await subscribed(connect, people["anna"], live_session)
    first = await anna.request("chat.send", {"topic": topic, "text": "eins", "client_id": "1"})
    await anna.request("chat.send", {"topic": topic, "text": "zwei", "client_id": "2"})

    ben = await subscribed(connect, people["ben"], live_session, since=first["data"]["seq"])

    reply = ben.snapshot
    assert [push["data"]["text"] for push in reply["missed"]] == ["zwei"]
    assert "chat" not in reply["snapshot"]
    assert reply["snapshot"]["session"]["id"] == live_session.pk
    fresh = await subscribed(connect, people["ben"], live_session)
    assert [message["text"] for message in fresh.snapshot["snapshot"]["chat"]] == ["eins", "zwei"]


async def test_resume_too_far_back_resets_with_the_chat_history(
    connect, people, live_session, monkeypatch
):
    from treffpunkt.realtime import events

    monkeypatch.setattr(events, "REPLAY_LIMIT", 2)
    topic = topic_of(live_session)
    anna = await subscribed(connect, people["anna"], live_session)
    for number in range(4):
        await anna.request(
            "chat.send", {"topic": topic, "text": f"n{number}", "client_id": f"{number}"}
        )

    ben = await subscribed(connect, people["ben"], live_session, since=0)

    assert ben.snapshot["reset"] is True
    texts = [message["text"] for message in ben.snapshot["snapshot"]["chat"]]
    assert texts == ["n0", "n1", "n2", "n3"]


async def test_chat_refusals(connect, people, live_session, settings):
    topic = topic_of(live_session)
    anna = await connect(people["anna"])
    reply = await anna.request("chat.send", {"topic": topic, "text": "Hallo", "client_id": "x"})
    assert reply["error"]["code"] == "not_subscribed"
    await anna.request("subscribe", {"topic": topic})
    reply = await anna.request(
        "chat.send", {"topic": topic, "text": "x" * 1001, "client_id": "long"}
    )
    assert reply["error"]["code"] == "chat.too_long"
    reply = await anna.request("chat.send", {"topic": topic, "text": "   ", "client_id": "empty"})
    assert reply["error"]["code"] == "empty"
    codes = []
    for number in range(7):
        codes.append(
            (
                await anna.request(
                    "chat.send",
                    {"topic": topic, "text": f"schnell {number}", "client_id": f"r{number}"},
                )
            )["ok"]
        )
    assert codes == [True] * 5 + [False, False]
    assert await sync_to_async(ChatMessage.objects.count)() == 5
    await assert_open(anna)


async def assert_open(client):
    assert (await client.request("ping"))["ok"] is True


async def test_unregistered_user_cannot_chat(connect, people, live_session):
    guest = await subscribed(connect, people["outsider"], live_session)
    reply = await guest.request(
        "chat.send", {"topic": topic_of(live_session), "text": "Hallo", "client_id": "g"}
    )
    assert reply["error"]["code"] == "forbidden"
    assert await sync_to_async(ChatMessage.objects.count)() == 0


async def test_chat_is_closed_outside_the_session(connect, people, event):
    from tests.factories import SessionFactory

    @sync_to_async
    def later_session():
        return SessionFactory(event=event, start=at(event, 20, day=2), end=at(event, 21, day=2))

    session = await later_session()
    anna = await subscribed(connect, people["anna"], session)
    reply = await anna.request(
        "chat.send", {"topic": topic_of(session), "text": "Zu früh", "client_id": "e"}
    )
    assert reply["error"]["code"] == "chat.closed"
    assert anna.snapshot["snapshot"]["chat_open"] is False


async def test_delete_own_message_and_moderator_deletes_any(connect, people, live_session):
    topic = topic_of(live_session)
    anna = await subscribed(connect, people["anna"], live_session)
    ben = await subscribed(connect, people["ben"], live_session)
    speaker = await subscribed(connect, people["speaker"], live_session)
    mine = (
        await anna.request("chat.send", {"topic": topic, "text": "Tippfehler", "client_id": "a"})
    )["data"]["message"]
    bens = (await ben.request("chat.send", {"topic": topic, "text": "Werbung!", "client_id": "b"}))[
        "data"
    ]["message"]
    assert (await anna.request("chat.delete", {"message": bens["id"]}))["error"][
        "code"
    ] == "forbidden"
    assert (await anna.request("chat.delete", {"message": mine["id"]}))["ok"] is True
    assert (await speaker.request("chat.delete", {"message": bens["id"]}))["ok"] is True
    deleted = [
        (await ben.push("chat.deleted"))["data"]["id"],
        (await ben.push("chat.deleted"))["data"]["id"],
    ]
    assert deleted == [mine["id"], bens["id"]]
    assert await sync_to_async(ChatMessage.objects.filter(is_deleted=False).count)() == 0
    log = await sync_to_async(
        lambda: list(ModerationLog.objects.values_list("action", "actor__username"))
    )()
    assert log == [("chat.delete", "sprecherin")]


async def test_questions_ask_upvote_once_answer_and_hide(connect, people, live_session):
    topic = topic_of(live_session)
    anna = await subscribed(connect, people["anna"], live_session)
    ben = await subscribed(connect, people["ben"], live_session)
    orga = await subscribed(connect, people["orga"], live_session)
    asked = await anna.request(
        "question.ask", {"topic": topic, "text": "Wie finanzieren Kommunen das?", "client_id": "q1"}
    )
    question = asked["data"]["question"]
    assert (await ben.push("question.new"))["data"]["text"] == "Wie finanzieren Kommunen das?"
    assert (await ben.request("question.upvote", {"question": question["id"]}))["data"]["question"][
        "votes"
    ] == 1
    assert (await ben.request("question.upvote", {"question": question["id"]}))["error"][
        "code"
    ] == "already_voted"
    assert (await ben.request("question.answer", {"question": question["id"]}))["error"][
        "code"
    ] == "forbidden"
    assert (await ben.request("question.hide", {"question": question["id"]}))["error"][
        "code"
    ] == "forbidden"
    assert (await orga.request("question.answer", {"question": question["id"]}))["data"][
        "question"
    ]["state"] == "answered"
    updates = [(await anna.push("question.updated"))["data"] for _ in range(2)]
    assert [(u["votes"], u["state"]) for u in updates] == [(1, "open"), (1, "answered")]
    assert (await orga.request("question.hide", {"question": question["id"]}))["ok"] is True
    late = await subscribed(connect, people["ben"], live_session)
    assert late.snapshot["snapshot"]["questions"] == []
    assert await sync_to_async(lambda: Question.objects.get().state)() == "hidden"


async def test_polls_create_open_vote_once_results_close(connect, people, live_session):
    topic = topic_of(live_session)
    anna = await subscribed(connect, people["anna"], live_session)
    speaker = await subscribed(connect, people["speaker"], live_session)
    refused = await anna.request(
        "poll.create", {"topic": topic, "question": "Frage?", "options": ["Ja", "Nein"]}
    )
    assert refused["error"]["code"] == "forbidden"
    created = await speaker.request(
        "poll.create",
        {
            "topic": topic,
            "question": "Nutzt Ihre Kommune eine Datenplattform?",
            "options": ["Ja", "Nein", "In Planung"],
        },
    )
    poll = created["data"]["poll"]
    assert (
        await anna.request("poll.vote", {"poll": poll["id"], "option": poll["options"][0]["id"]})
    )["error"]["code"] == "poll.closed"
    assert (await speaker.request("poll.open", {"poll": poll["id"]}))["ok"] is True
    opened = await anna.push("poll.opened")
    assert [o["text"] for o in opened["data"]["options"]] == ["Ja", "Nein", "In Planung"]
    assert (
        await anna.request("poll.vote", {"poll": poll["id"], "option": poll["options"][2]["id"]})
    )["ok"] is True
    assert (
        await anna.request("poll.vote", {"poll": poll["id"], "option": poll["options"][1]["id"]})
    )["error"]["code"] == "already_voted"
    assert (await speaker.request("poll.vote", {"poll": poll["id"], "option": 999999}))["error"][
        "code"
    ] == "invalid"
    results = await anna.push("poll.results", timeout=3)
    assert [o["votes"] for o in results["data"]["options"]] == [0, 0, 1]
    assert (await speaker.request("poll.close", {"poll": poll["id"]}))["ok"] is True
    closed = await anna.push("poll.closed")
    assert closed["data"]["total"] == 1
    assert (await speaker.request("poll.close", {"poll": poll["id"]}))["error"][
        "code"
    ] == "poll.state"


async def test_reactions_are_aggregated_into_one_burst(connect, people, live_session):
    topic = topic_of(live_session)
    anna = await subscribed(connect, people["anna"], live_session)
    ben = await subscribed(connect, people["ben"], live_session)
    for emoji in ["👏", "👏", "🎉"]:
        assert (await anna.request("reaction.send", {"topic": topic, "emoji": emoji}))["ok"] is True
    assert (await anna.request("reaction.send", {"topic": topic, "emoji": "💩"}))["error"][
        "code"
    ] == "invalid"
    burst = await ben.push("reaction.burst", timeout=3)
    assert burst["data"]["counts"] == {"👏": 2, "🎉": 1}
    assert "seq" not in burst


async def test_only_registered_attendees_react_every_time_they_try(connect, people, live_session):
    """Reactions reuse the subscribe's check instead of asking the database each time."""
    topic = topic_of(live_session)
    outsider = await subscribed(connect, people["outsider"], live_session)
    anna = await subscribed(connect, people["anna"], live_session)
    for _attempt in range(2):
        refused = await outsider.request("reaction.send", {"topic": topic, "emoji": "👏"})
        assert refused["error"]["code"] == "forbidden"
        assert (await anna.request("reaction.send", {"topic": topic, "emoji": "👏"}))["ok"]


async def test_viewer_count_is_pushed_when_it_changes(connect, people, live_session):
    anna = await subscribed(connect, people["anna"], live_session)
    await subscribed(connect, people["ben"], live_session)
    while True:
        presence = await anna.push("presence", timeout=3)
        if presence["data"]["viewers"] == 2:
            break
    assert presence["data"]["viewers"] == 2


async def test_session_state_via_rest_is_pushed_and_attendee_is_refused(
    connect, people, live_session
):
    from rest_framework.test import APIClient

    anna = await subscribed(connect, people["anna"], live_session)
    url = f"/api/v1/events/{live_session.event.slug}/sessions/{live_session.pk}/state/"

    @sync_to_async
    def post_state(user, state):
        client = APIClient()
        client.force_authenticate(user)
        return client.post(url, {"state": state}, format="json").status_code

    assert await post_state(people["anna"], "ended") == 403
    assert await sync_to_async(lambda: Session.objects.get(pk=live_session.pk).state)() == "live"
    assert await post_state(people["speaker"], "ended") == 200
    push = await anna.push("session.state")
    assert push["data"] == {
        "session": live_session.pk,
        "state": "ended",
        "chat_open": True,
        "cancellation_note": "",
    }


async def test_programme_change_over_rest_is_pushed_to_event_topic(
    connect, people, live_session, event
):
    from rest_framework.test import APIClient

    watcher = await connect()
    assert (await watcher.request("subscribe", {"topic": f"event:{event.slug}"}))["ok"] is True

    @sync_to_async
    def create():
        client = APIClient()
        client.force_authenticate(people["orga"])
        return client.post(
            f"/api/v1/events/{event.slug}/sessions/",
            {
                "title": "Neu im Programm",
                "start": at(event, 7).isoformat(),
                "end": at(event, 8).isoformat(),
            },
            format="json",
        )

    response = await create()
    assert response.status_code == 201
    push = await watcher.push("programme.changed")
    assert push["data"]["action"] == "created"
    assert push["data"]["session"]["title"] == "Neu im Programm"
    assert isinstance(push["seq"], int)


async def test_mute_stops_writing_and_attendee_cannot_mute(connect, people, live_session):
    topic = topic_of(live_session)
    anna = await subscribed(connect, people["anna"], live_session)
    ben = await subscribed(connect, people["ben"], live_session)
    orga = await subscribed(connect, people["orga"], live_session)
    refused = await anna.request("moderation.mute", {"topic": topic, "user": people["ben"].pk})
    assert refused["error"]["code"] == "forbidden"
    assert await sync_to_async(Mute.objects.count)() == 0
    assert (
        await orga.request(
            "moderation.mute", {"topic": topic, "user": people["ben"].pk, "minutes": 10}
        )
    )["ok"] is True
    notice = await ben.push("moderation.muted")
    assert notice["data"]["session"] == live_session.pk
    reply = await ben.request("chat.send", {"topic": topic, "text": "Hallo?", "client_id": "m"})
    assert reply["error"]["code"] == "muted"
    reply = await ben.request("question.ask", {"topic": topic, "text": "Hallo?", "client_id": "m"})
    assert reply["error"]["code"] == "muted"
    assert (await orga.request("moderation.unmute", {"topic": topic, "user": people["ben"].pk}))[
        "ok"
    ] is True
    assert (
        await ben.request("chat.send", {"topic": topic, "text": "Wieder da", "client_id": "m2"})
    )["ok"] is True
    actions = await sync_to_async(
        lambda: list(ModerationLog.objects.order_by("id").values_list("action", flat=True))
    )()
    assert actions == ["mute", "unmute"]


async def test_ban_closes_sockets_and_refuses_subscribe(connect, people, live_session, event):
    anna = await subscribed(connect, people["anna"], live_session)
    ben = await subscribed(connect, people["ben"], live_session)
    refused = await anna.request("moderation.ban", {"event": event.slug, "user": people["ben"].pk})
    assert refused["error"]["code"] == "forbidden"
    orga = await connect(people["orga"])
    assert (
        await orga.request(
            "moderation.ban", {"event": event.slug, "user": people["ben"].pk, "reason": "Spam"}
        )
    )["ok"] is True
    closed = await ben.push("session.closed")
    assert closed["data"]["reason"] == "banned"
    output = await ben.ws.receive_output(timeout=3)
    assert output == {"type": "websocket.close", "code": 4001}
    again = await connect(people["ben"])
    assert (await again.request("subscribe", {"topic": topic_of(live_session)}))["error"][
        "code"
    ] == "forbidden"


async def test_logout_closes_the_users_sockets(connect, people, live_session):
    anna = await subscribed(connect, people["anna"], live_session)

    @sync_to_async
    def login_and_logout():
        from django.contrib.auth import logout
        from django.contrib.sessions.backends.db import SessionStore
        from django.test import RequestFactory

        request = RequestFactory().post("/logout/")
        request.session = SessionStore()
        request.user = people["anna"]
        logout(request)

    await login_and_logout()
    closed = await anna.push("session.closed")
    assert closed["data"]["reason"] == "logged_out"


async def test_every_persisted_push_is_in_the_log(connect, people, live_session):
    topic = topic_of(live_session)
    anna = await subscribed(connect, people["anna"], live_session)
    await anna.request("chat.send", {"topic": topic, "text": "eins", "client_id": "1"})
    await anna.request("question.ask", {"topic": topic, "text": "Frage", "client_id": "2"})
    await asyncio.sleep(0)
    types = await sync_to_async(
        lambda: list(
            TopicEvent.objects.filter(topic=topic).order_by("seq").values_list("seq", "type")
        )
    )()
    assert types == [(1, "chat.message"), (2, "question.new")]


async def test_speaker_patches_state_and_attendee_patch_is_refused(connect, people, live_session):
    from rest_framework.test import APIClient

    anna = await subscribed(connect, people["anna"], live_session)
    url = f"/api/v1/events/{live_session.event.slug}/sessions/{live_session.pk}/"

    @sync_to_async
    def patch(user, body):
        client = APIClient()
        client.force_authenticate(user)
        return client.patch(url, body, format="json").status_code

    assert await patch(people["anna"], {"state": "ended"}) == 403
    assert await patch(people["speaker"], {"state": "ended", "title": "Umbenannt"}) == 403
    assert await sync_to_async(
        lambda: Session.objects.values_list("state", "title").get(pk=live_session.pk)
    )() == ("live", live_session.title)
    assert await patch(people["speaker"], {"state": "ended"}) == 200
    push = await anna.push("session.state")
    assert push["data"] == {
        "session": live_session.pk,
        "state": "ended",
        "chat_open": True,
        "cancellation_note": "",
    }
    assert await patch(people["orga"], {"state": "live", "title": "Verlängert"}) == 200
    push = await anna.push("session.state")
    assert push["data"] == {
        "session": live_session.pk,
        "state": "live",
        "chat_open": True,
        "cancellation_note": "",
    }


async def test_push_racing_a_resume_arrives_once(connect, people, live_session, monkeypatch):
    """A message committed while a resume reads the log is in `missed` and is not pushed again."""
    import time

    from congress.live_services import send_chat_message
    from treffpunkt.realtime import events

    replay = events.replay

    def replay_while_anna_writes(topic, since):
        send_chat_message(
            user=people["anna"], session=live_session, text="mittendrin", client_id="race"
        )
        time.sleep(0.1)  # the push reaches the hub and is held back meanwhile
        return replay(topic, since)

    monkeypatch.setattr(events, "replay", replay_while_anna_writes)
    ben = await subscribed(connect, people["ben"], live_session, since=0)
    assert [m["data"]["text"] for m in ben.snapshot["missed"]] == ["mittendrin"]
    assert ben.pushes == []
    assert await ben.nothing_more(timeout=0.5) is True


async def test_snapshot_tells_the_user_about_own_votes_and_mute(connect, people, live_session):
    from congress.live_services import create_poll, mute_user, set_poll_state, vote_in_poll

    @sync_to_async
    def arrange():
        poll = create_poll(
            user=people["orga"], session=live_session, question="?", options=["a", "b"]
        )
        set_poll_state(user=people["orga"], poll=poll, state="open")
        vote_in_poll(user=people["anna"], poll=poll, option_id=poll.options.first().pk)
        mute_user(user=people["orga"], session=live_session, target=people["anna"])
        return poll

    poll = await arrange()
    anna = await subscribed(connect, people["anna"], live_session)
    ben = await subscribed(connect, people["ben"], live_session)
    assert [(p["id"], p["voted"]) for p in anna.snapshot["snapshot"]["polls"]] == [(poll.pk, True)]
    assert [(p["id"], p["voted"]) for p in ben.snapshot["snapshot"]["polls"]] == [(poll.pk, False)]
    assert (anna.snapshot["snapshot"]["muted"], ben.snapshot["snapshot"]["muted"]) == (True, False)


async def test_snapshot_tells_each_user_their_standing_at_the_session(
    connect, people, live_session
):
    """Role, speaking, a timed mute and a mute that has run out, as each user's snapshot says."""
    from datetime import timedelta

    from django.utils import timezone

    @sync_to_async
    def arrange():
        now = timezone.now()
        Mute.objects.create(
            session=live_session, user=people["anna"], until=now + timedelta(minutes=10)
        )
        Mute.objects.create(session=live_session, user=people["ben"], until=now - timedelta(1))

    await arrange()
    snapshots = {}
    for name in ("anna", "ben", "speaker", "outsider"):
        client = await subscribed(connect, people[name], live_session)
        snapshots[name] = client.snapshot["snapshot"]
    anna = snapshots["anna"]
    assert anna["muted"] is True
    assert anna["muted_until"] > timezone.now().isoformat()
    assert (snapshots["ben"]["muted"], snapshots["ben"]["muted_until"]) == (False, None)
    assert [snapshots[name]["moderator"] for name in ("anna", "speaker", "outsider")] == [
        False,
        True,
        False,
    ]
    assert [snapshots[name]["may_take_part"] for name in ("anna", "speaker", "outsider")] == [
        True,
        True,
        False,
    ]


async def test_nul_characters_are_refused_not_stored(connect, people, live_session):
    """PostgreSQL cannot store NUL; the schema refuses it with a reply on every database."""
    anna = await subscribed(connect, people["anna"], live_session)
    reply = await anna.request(
        "chat.send", {"topic": topic_of(live_session), "text": "Hallo\x00", "client_id": "nul"}
    )
    assert reply["error"]["code"] == "invalid"
    assert list(reply["error"]["fields"]) == ["text"]
    assert await sync_to_async(ChatMessage.objects.count)() == 0
    await assert_open(anna)
