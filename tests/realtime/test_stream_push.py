"""A room's stream changed mid-session reaches open session pages: ``room.stream_changed`` on
``event:<slug>``, pushed by the stage for every door that changes it (REST, the control room, the
admin), with the stream as the player plays it (type, embed frame after the allow-list)."""

import pytest
from asgiref.sync import sync_to_async
from django.test import Client as WebClient
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from stage.models import RoomStage, StageSettings
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True)]

BACKUP = "https://cdn.example.org/live/saal1-backup/index.m3u8"


async def on_event_topic(connect, user, event, **extra):
    client = await connect(user)
    reply = await client.request("subscribe", {"topic": f"event:{event.slug}", **extra})
    assert reply["ok"] is True, reply
    client.seq = reply["data"]["seq"]
    return client


@sync_to_async
def rest_patch(user, url, body):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client.patch(url, body, format="json").status_code


@sync_to_async
def web_post(user, url, body):
    client = WebClient()
    client.force_login(user)
    return client.post(url, body).status_code


async def test_rest_change_pushes_the_new_stream_to_the_event_topic(
    connect, people, event, live_session
):
    anna = await on_event_topic(connect, people["anna"], event)
    room = live_session.room

    status = await rest_patch(
        people["orga"], f"/api/v1/events/{event.slug}/rooms/{room.pk}/", {"stream_url": BACKUP}
    )

    assert status == 200
    push = await anna.push("room.stream_changed")
    assert push["topic"] == f"event:{event.slug}"
    assert push["data"] == {
        "room": room.pk,
        "stream": {"type": "hls", "url": BACKUP, "poster": "", "embed_url": "", "provider": ""},
    }


async def test_control_room_change_to_an_allowed_embed_carries_the_frame_url(
    connect, people, event, live_session
):
    await sync_to_async(StageSettings.objects.create)(event=event, embed_providers=["youtube"])
    anna = await on_event_topic(connect, people["anna"], event)
    room = live_session.room

    status = await web_post(
        people["orga"],
        f"/events/{event.slug}/regie/rooms/{room.pk}/stream/",
        {"stream_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"},
    )

    assert status == 302
    push = await anna.push("room.stream_changed")
    assert push["data"]["stream"] == {
        "type": "embed",
        "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "poster": "",
        "embed_url": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "provider": "YouTube",
    }


async def test_admin_changes_of_the_url_and_of_the_stream_type_are_pushed(
    connect, people, event, live_session
):
    anna = await on_event_topic(connect, people["anna"], event)
    room = live_session.room
    admin = await sync_to_async(UserFactory)(username="admin", is_staff=True, is_superuser=True)

    url_status = await web_post(
        admin,
        f"/admin/congress/room/{room.pk}/change/",
        {
            "event": event.pk,
            "name": room.name,
            "description": "",
            "capacity": room.capacity,
            "stream_url": "https://cdn.example.org/saal1/manifest.mpd",
            "position": room.position,
        },
    )
    by_url = await anna.push("room.stream_changed")
    stage = await sync_to_async(RoomStage.objects.create)(room=room)
    type_status = await web_post(
        admin,
        f"/admin/stage/roomstage/{stage.pk}/change/",
        {"room": room.pk, "stream_type": "hls", "poster_url": "https://cdn.example.org/p.jpg"},
    )
    by_type = await anna.push("room.stream_changed")

    assert (url_status, type_status) == (302, 302)
    assert (by_url["data"]["stream"]["type"], by_url["data"]["stream"]["url"]) == (
        "dash",
        "https://cdn.example.org/saal1/manifest.mpd",
    )
    assert by_type["data"]["stream"] == {
        "type": "hls",
        "url": "https://cdn.example.org/saal1/manifest.mpd",
        "poster": "https://cdn.example.org/p.jpg",
        "embed_url": "",
        "provider": "",
    }


async def test_removed_stream_is_pushed_as_none_and_a_rename_pushes_no_stream(
    connect, people, event, live_session
):
    room = live_session.room
    room.stream_url = BACKUP
    await sync_to_async(room.save)()
    anna = await on_event_topic(connect, people["anna"], event)
    url = f"/api/v1/events/{event.slug}/rooms/{room.pk}/"

    await rest_patch(people["orga"], url, {"name": "Forum Ost"})
    renamed = await anna.push("programme.changed")
    await rest_patch(people["orga"], url, {"stream_url": ""})
    removed = await anna.push("room.stream_changed")

    assert renamed["data"] == {"action": "room"}
    assert removed["data"] == {"room": room.pk, "stream": None}
    assert [push["type"] for push in anna.pushes] == ["programme.changed"]


async def test_a_page_offline_during_the_change_gets_it_on_resume(
    connect, people, event, live_session
):
    anna = await on_event_topic(connect, people["anna"], event)
    since = anna.seq
    await anna.close()

    await rest_patch(
        people["orga"],
        f"/api/v1/events/{event.slug}/rooms/{live_session.room.pk}/",
        {"stream_url": BACKUP},
    )
    again = await connect(people["anna"])
    reply = await again.request("subscribe", {"topic": f"event:{event.slug}", "since": since})

    missed = [(push["type"], push["data"].get("stream")) for push in reply["data"]["missed"]]
    assert ("room.stream_changed", {
        "type": "hls", "url": BACKUP, "poster": "", "embed_url": "", "provider": "",
    }) in missed  # fmt: skip


async def test_attendee_cannot_change_the_stream_and_nothing_is_pushed(
    connect, people, event, live_session
):
    anna = await on_event_topic(connect, people["anna"], event)
    room = live_session.room

    rest = await rest_patch(
        people["ben"], f"/api/v1/events/{event.slug}/rooms/{room.pk}/", {"stream_url": BACKUP}
    )
    web = await web_post(
        people["ben"], f"/events/{event.slug}/regie/rooms/{room.pk}/stream/", {"stream_url": BACKUP}
    )

    assert (rest, web) == (403, 403)
    assert await anna.nothing_more() is True
    await sync_to_async(room.refresh_from_db)()
    assert room.stream_url == ""


async def test_a_session_moved_to_another_room_gets_that_rooms_stream_after_the_move(
    connect, people, event, live_session
):
    from congress import services
    from tests.factories import RoomFactory

    other = await sync_to_async(RoomFactory)(event=event, name="Saal 2", stream_url=BACKUP)
    anna = await on_event_topic(connect, people["anna"], event)

    await sync_to_async(services.update_session)(live_session, user=people["orga"], room=other)

    moved = await anna.push("programme.changed")
    stream = await anna.push("room.stream_changed")
    assert (moved["data"]["action"], moved["data"]["session"]["room"]) == ("moved", other.pk)
    assert stream["seq"] > moved["seq"]
    assert stream["data"]["room"] == other.pk
    assert (stream["data"]["stream"]["type"], stream["data"]["stream"]["url"]) == ("hls", BACKUP)


async def test_a_session_change_without_a_new_room_pushes_no_stream(
    connect, people, event, live_session
):
    from congress import services

    anna = await on_event_topic(connect, people["anna"], event)

    await sync_to_async(services.update_session)(live_session, user=people["orga"], title="Neu")

    await anna.push("programme.changed")
    assert await anna.more_of("room.stream_changed") == []
