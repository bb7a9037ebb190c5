"""The gateway's envelope, handshake and refusals: every refusal is a reply, the socket stays open."""

import json

import pytest
from django.test import override_settings

pytestmark = [pytest.mark.django_db(transaction=True)]


async def assert_still_open(client):
    reply = await client.request("ping")
    assert reply["ok"] is True
    assert "time" in reply["data"]


async def test_hello_names_the_token_user(connect, people):
    client = await connect(people["anna"])
    assert client.hello["data"]["user"]["username"] == "anna"
    assert "chat.send" in client.hello["data"]["handlers"]


async def test_anonymous_socket_is_accepted_without_user(connect, people):
    client = await connect()
    assert client.hello["data"]["user"] is None


async def test_foreign_origin_is_refused_at_handshake(connect, people):
    assert await connect(people["anna"], origin="https://evil.example.com", expect=False) is False


@override_settings(ALLOWED_HOSTS=["*"])
async def test_wildcard_allowed_hosts_still_refuses_foreign_origin(connect, people):
    assert (
        await connect(origin="https://evil.example.com", host="congress.example.org", expect=False)
        is False
    )
    client = await connect(origin="https://congress.example.org", host="congress.example.org")
    assert client.hello["type"] == "hello"


@override_settings(CSRF_TRUSTED_ORIGINS=["https://app.example.org"])
async def test_trusted_origin_is_accepted(connect, people):
    client = await connect(origin="https://app.example.org")
    assert client.hello["type"] == "hello"


async def test_unknown_token_is_refused(connect, people):
    assert await connect(token="not-a-token", expect=False) is False


async def test_malformed_json_gets_error_reply_and_socket_stays_open(connect, people):
    client = await connect(people["anna"])
    await client.send_raw("{not json")
    reply = await client.receive()
    assert reply == {
        "reply_to": None,
        "ok": False,
        "error": {"code": "bad_json", "message": reply["error"]["message"]},
    }
    await assert_still_open(client)


async def test_binary_frame_gets_error_reply(connect, people):
    client = await connect(people["anna"])
    await client.send_raw(bytes_=b"\x00\x01")
    reply = await client.receive()
    assert reply["error"]["code"] == "binary_not_supported"
    await assert_still_open(client)


async def test_envelope_without_id_or_with_bad_data(connect, people):
    client = await connect(people["anna"])
    await client.send_raw(json.dumps({"type": "ping"}))
    assert (await client.receive())["error"]["code"] == "bad_envelope"
    await client.send_raw(json.dumps({"id": 5, "type": "ping", "data": [1]}))
    reply = await client.receive()
    assert (reply["reply_to"], reply["error"]["code"]) == (5, "bad_envelope")
    await client.send_raw(json.dumps([1, 2]))
    assert (await client.receive())["error"]["code"] == "bad_envelope"
    await assert_still_open(client)


async def test_unknown_type_is_refused(connect, people):
    client = await connect(people["anna"])
    reply = await client.request("chat.shout", {"text": "hallo"})
    assert reply["ok"] is False
    assert reply["error"]["code"] == "unknown_type"
    await assert_still_open(client)


async def test_missing_and_wrong_fields_name_the_field(connect, people, live_session):
    client = await connect(people["anna"])
    reply = await client.request("chat.send", {"topic": f"session:{live_session.pk}"})
    assert reply["error"]["code"] == "invalid"
    assert sorted(reply["error"]["fields"]) == ["client_id", "text"]
    reply = await client.request(
        "subscribe", {"topic": f"session:{live_session.pk}", "since": "gestern"}
    )
    assert list(reply["error"]["fields"]) == ["since"]
    await assert_still_open(client)


async def test_too_long_frame_is_refused(connect, people):
    client = await connect(people["anna"])
    await client.send_raw(json.dumps({"id": 1, "type": "ping", "data": {"x": "a" * 20000}}))
    assert (await client.receive())["error"]["code"] == "too_long"
    await assert_still_open(client)


async def test_flooding_socket_is_rate_limited_but_stays_open(connect, people):
    client = await connect(people["anna"])
    codes = []
    for _ in range(40):
        codes.append((await client.request("ping"))["ok"])
    # After a refusal the gateway stops reading the socket until its window reopens, so the
    # flood is paced rather than refused over and over; every request is still answered.
    assert codes[:30] == [True] * 30
    assert codes.count(False) >= 1
    refused = [m for m in client.pushes if m.get("ok") is False]
    assert refused == []


async def test_unknown_topic_and_foreign_user_topic_are_refused(connect, people):
    client = await connect(people["anna"])
    assert (await client.request("subscribe", {"topic": "kantine:1"}))["error"][
        "code"
    ] == "unknown_topic"
    reply = await client.request("subscribe", {"topic": f"user:{people['ben'].pk}"})
    assert reply["error"]["code"] == "forbidden"
    reply = await client.request("subscribe", {"topic": "session:999999"})
    assert reply["error"]["code"] == "not_found"
    await assert_still_open(client)


async def test_unsubscribe_when_not_subscribed_is_refused(connect, people, live_session):
    client = await connect(people["anna"])
    reply = await client.request("unsubscribe", {"topic": f"session:{live_session.pk}"})
    assert reply["error"]["code"] == "not_subscribed"
    await client.request("subscribe", {"topic": f"session:{live_session.pk}"})
    reply = await client.request("unsubscribe", {"topic": f"session:{live_session.pk}"})
    assert reply == {
        "reply_to": reply["reply_to"],
        "ok": True,
        "data": {"topic": f"session:{live_session.pk}"},
    }


async def test_anonymous_may_watch_a_published_session_but_not_write(connect, people, live_session):
    client = await connect()
    topic = f"session:{live_session.pk}"
    reply = await client.request("subscribe", {"topic": topic})
    assert reply["ok"] is True
    assert reply["data"]["snapshot"]["may_take_part"] is False
    reply = await client.request("chat.send", {"topic": topic, "text": "Hallo", "client_id": "a1"})
    assert reply["error"]["code"] == "login_required"


async def test_unpublished_event_topics_are_hidden(connect, people, live_session, event):
    from asgiref.sync import sync_to_async

    event.is_published = False
    await sync_to_async(event.save)()
    anna = await connect(people["anna"])
    assert (await anna.request("subscribe", {"topic": f"session:{live_session.pk}"}))["error"][
        "code"
    ] == "not_found"
    assert (await anna.request("subscribe", {"topic": f"event:{event.slug}"}))["error"][
        "code"
    ] == "not_found"
    orga = await connect(people["orga"])
    assert (await orga.request("subscribe", {"topic": f"session:{live_session.pk}"}))["ok"] is True


async def test_session_cookie_authenticates_only_with_an_origin(people):
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator
    from django.test import Client

    from treffpunkt.asgi import application

    @sync_to_async
    def session_cookie():
        browser = Client()
        browser.force_login(people["anna"])
        return browser.cookies["sessionid"].value

    cookie = f"sessionid={await session_cookie()}".encode()
    users = []
    for origin in (b"http://testserver", None):
        headers = [(b"host", b"testserver"), (b"cookie", cookie)]
        if origin:
            headers.append((b"origin", origin))
        communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
        connected, _ = await communicator.connect(timeout=3)
        assert connected
        users.append(json.loads(await communicator.receive_from(timeout=3))["data"]["user"])
        await communicator.disconnect()
    assert [user and user["username"] for user in users] == ["anna", None]


async def test_frames_keep_their_order_when_the_servers_send_suspends():
    """A server whose send waits for the socket to drain (not daphne's) still gets every frame
    in order, with the suspended send finished before anything queued behind it."""
    import asyncio

    from treffpunkt.realtime.gateway import Connection

    written = []

    async def slow_send(message):
        if message["text"] in {"1", "4"}:
            await asyncio.sleep(0.02)
        written.append(message["text"])

    connection = Connection({"type": "websocket", "headers": []}, None, slow_send)
    for number in range(7):
        connection._enqueue(str(number))
        if number == 3:
            await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    connection._sender_task.cancel()
    assert written == [str(number) for number in range(7)]


@pytest.fixture
def outage():
    """An outage the breaker knows of (its state is process-wide: closed again afterwards)."""
    from treffpunkt import unavailable

    unavailable.note_outage()
    yield
    unavailable.note_recovery()


async def test_request_while_an_outage_is_known_gets_unavailable_and_ping_still_works(
    connect, live_session, outage
):
    client = await connect()

    reply = await client.request("subscribe", {"topic": f"session:{live_session.pk}"})
    ping = await client.request("ping")

    assert reply["error"]["code"] == "unavailable"
    assert ping["ok"] is True


async def test_log_in_while_an_outage_is_known_is_closed_with_4013(people, outage):
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator
    from rest_framework.authtoken.models import Token

    from treffpunkt.asgi import application

    key = (await sync_to_async(Token.objects.create)(user=people["anna"])).key
    communicator = WebsocketCommunicator(
        application,
        "/ws/",
        headers=[(b"host", b"testserver"), (b"authorization", f"Token {key}".encode())],
    )

    connected, _subprotocol = await communicator.connect(timeout=3)
    closed = await communicator.receive_output(timeout=3)

    assert connected is True
    assert closed == {"type": "websocket.close", "code": 4013}


async def test_other_websocket_paths_are_refused():
    from channels.testing import WebsocketCommunicator

    from treffpunkt.asgi import application

    communicator = WebsocketCommunicator(application, "/ws/other/")
    connected, _code = await communicator.connect()
    assert connected is False


async def test_a_token_stops_working_once_deleted_or_its_user_deactivated(connect, people):
    from asgiref.sync import sync_to_async
    from rest_framework.authtoken.models import Token

    anna = people["anna"]
    assert (await connect(anna)).hello["data"]["user"]["username"] == "anna"
    token = await sync_to_async(lambda: Token.objects.get(user=anna).key)()

    @sync_to_async
    def set_active(active):
        anna.is_active = active
        anna.save(update_fields=["is_active"])

    await set_active(False)
    assert await connect(token=token, expect=False) is False
    await set_active(True)
    assert (await connect(token=token)).hello["data"]["user"]["username"] == "anna"
    await sync_to_async(Token.objects.filter(key=token).delete)()
    assert await connect(token=token, expect=False) is False


async def test_a_session_cookie_stops_working_after_logout_or_a_password_change(people):
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator
    from django.test import Client

    from treffpunkt.asgi import application

    async def hello_user(cookie):
        headers = [(b"host", b"testserver"), (b"origin", b"http://testserver")]
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
        communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
        connected, _ = await communicator.connect(timeout=3)
        assert connected
        user = json.loads(await communicator.receive_from(timeout=3))["data"]["user"]
        await communicator.disconnect()
        return user and user["username"]

    @sync_to_async
    def logged_in(user):
        browser = Client()
        browser.force_login(user)
        return browser, browser.cookies["sessionid"].value

    browser, cookie = await logged_in(people["anna"])
    assert await hello_user(cookie) == "anna"
    await sync_to_async(browser.logout)()
    assert await hello_user(cookie) is None

    _browser, cookie = await logged_in(people["ben"])
    assert await hello_user(cookie) == "ben"

    @sync_to_async
    def change_password():
        people["ben"].set_password("ein ganz neues Passwort")
        people["ben"].save()

    await change_password()
    assert await hello_user(cookie) is None


async def test_a_users_pushes_reach_that_user_only_though_every_user_topic_shares_a_group(
    connect, people
):
    from treffpunkt.realtime import bus

    anna = await connect(people["anna"])
    ben = await connect(people["ben"])
    ben_topic = f"user:{people['ben'].pk}"

    await bus.apublish(ben_topic, "notification.new", {"title": "Für Ben"})
    assert (await ben.push("notification.new"))["data"] == {"title": "Für Ben"}
    assert await anna.more_of("notification.new") == []

    # Ben leaves and comes back: his pushes find him again, and never Anna.
    await ben.close()
    await bus.apublish(ben_topic, "notification.new", {"title": "Verpasst"})
    ben = await connect(people["ben"])
    await bus.apublish(ben_topic, "notification.new", {"title": "Wieder da"})
    assert (await ben.push("notification.new"))["data"] == {"title": "Wieder da"}
    assert await ben.more_of("notification.new") == []
    assert await anna.more_of("notification.new") == []
    await anna.close()
    await ben.close()


def test_field_errors_are_in_the_language_active_for_each_message():
    # One schema instance serves many messages: a validator's message must not stay in the
    # language of the first.
    from django.utils import translation

    from treffpunkt.realtime.gateway import RealtimeError, SubscribeSchema, _validate

    def since_error(language):
        with translation.override(language), pytest.raises(RealtimeError) as refused:
            _validate(SubscribeSchema, {"topic": "session:1", "since": -1})
        return refused.value.fields["since"][0]

    assert since_error("de") == "Stelle sicher, dass dieser Wert größer oder gleich 0 ist."
    assert since_error("en") == "Ensure this value is greater than or equal to 0."
    assert since_error("de") == "Stelle sicher, dass dieser Wert größer oder gleich 0 ist."
