"""A committed push reaches every subscriber even when its publish fails, once and in order."""

import pytest

from treffpunkt.realtime import bus
from treffpunkt.realtime.relay import SeqTracker

pytestmark = [pytest.mark.django_db(transaction=True)]


async def test_lost_publishes_are_delivered_from_the_log_once_in_order(
    connect, people, live_session, monkeypatch
):
    topic = f"session:{live_session.pk}"
    anna = await connect(people["anna"])
    ben = await connect(people["ben"])
    assert (await anna.request("subscribe", {"topic": topic}))["ok"] is True
    assert (await ben.request("subscribe", {"topic": topic}))["ok"] is True
    real_publish = bus.publish

    def redis_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(bus, "publish", redis_down)
    replies = [
        await anna.request("chat.send", {"topic": topic, "text": text, "client_id": text})
        for text in ("eins", "zwei")
    ]
    monkeypatch.setattr(bus, "publish", real_publish)
    third = await anna.request("chat.send", {"topic": topic, "text": "drei", "client_id": "drei"})

    assert [reply["ok"] for reply in [*replies, third]] == [True, True, True]
    received = [await ben.push("chat.message", timeout=5) for _ in range(3)]
    assert [(push["seq"], push["data"]["text"]) for push in received] == [
        (1, "eins"),
        (2, "zwei"),
        (3, "drei"),
    ]
    assert await ben.nothing_more(timeout=2.5) is True


def test_seq_tracker_delivers_in_order_once_and_names_the_gaps():
    tracker = SeqTracker(5)

    delivered = [tracker.offer(seq, f"f{seq}") for seq in (6, 8, 6, 8, 7, 5)]

    assert delivered == [[(6, "f6")], [], [], [], [(7, "f7"), (8, "f8")], []]
    assert tracker.contiguous == 8
    tracker.offer(11, "f11")
    assert tracker.missing(12) == [9, 10, 12]
    assert tracker.skip_to(10) == [(11, "f11")]
