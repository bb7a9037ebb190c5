"""A busy topic's pushes to a big audience go out gathered in `batch` frames: each push reaches
each socket once and in order, and a socket that subscribed while pushes waited gets none twice."""

import json

import pytest

from treffpunkt.realtime import bus, hub

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gathering(settings, monkeypatch):
    """Make the tests' two or three sockets a "big audience" whose frames are 1 s apart, with no
    burst allowed (PUSH_BURST 1)."""
    settings.REALTIME = {**settings.REALTIME, "PUSH_FRAMES_PER_SECOND": 1}
    monkeypatch.setattr(hub, "MAX_HOLD_SECONDS", 1.0)
    monkeypatch.setattr(hub, "PUSH_BURST", 1)


CHAT = ("chat.message", "batch")


async def frames(client, count, timeout=3):
    """The next ``count`` chat frames (single or batch), parsed, as they came (others aside)."""
    found = [message for message in client.pushes if message.get("type") in CHAT]
    client.pushes = [message for message in client.pushes if message.get("type") not in CHAT]
    while len(found) < count:
        message = await client.receive(timeout=timeout)
        if message.get("type") in CHAT:
            found.append(message)
        else:
            client.pushes.append(message)
    return found


def texts(frame):
    pushes = frame["pushes"] if frame["type"] == "batch" else [frame]
    return [(push["seq"], push["data"]["text"]) for push in pushes]


async def send(client, topic, text):
    reply = await client.request("chat.send", {"topic": topic, "text": text, "client_id": text})
    assert reply["ok"] is True, reply


async def test_a_burst_reaches_a_big_audience_in_one_batch_once_in_order(
    connect, people, live_session, gathering
):
    topic = f"session:{live_session.pk}"
    anna = await connect(people["anna"])
    ben = await connect(people["ben"])
    for client in (anna, ben):
        assert (await client.request("subscribe", {"topic": topic}))["ok"] is True

    for text in ("eins", "zwei", "drei", "vier"):
        await send(anna, topic, text)

    first, gathered = await frames(ben, 2)
    # The first push after a quiet spell goes out at once; the ones right behind it together.
    assert first["type"] == "chat.message"
    assert texts(first) == [(1, "eins")]
    assert gathered["type"] == "batch"
    assert gathered["topic"] == topic
    assert gathered["seq"] == 4
    assert texts(gathered) == [(2, "zwei"), (3, "drei"), (4, "vier")]
    assert [texts(frame) for frame in await frames(anna, 2)] == [
        texts(first),
        texts(gathered),
    ]
    assert await ben.nothing_more(timeout=1.2) is True


async def test_a_burst_goes_out_at_once_and_what_follows_waits_for_its_turn(
    connect, people, live_session, gathering, monkeypatch
):
    monkeypatch.setattr(hub, "PUSH_BURST", 4)
    monkeypatch.setattr(hub, "MAX_HOLD_SECONDS", 2.0)  # two sockets: frames 2 s apart
    topic = f"session:{live_session.pk}"
    anna = await connect(people["anna"])
    ben = await connect(people["ben"])
    for client in (anna, ben):
        assert (await client.request("subscribe", {"topic": topic}))["ok"] is True

    for client, text in ((anna, "eins"), (ben, "zwei"), (anna, "drei"), (ben, "vier")):
        await send(client, topic, text)
    alone = await frames(ben, 4)
    for client, text in ((anna, "fünf"), (ben, "sechs")):
        await send(client, topic, text)

    assert [frame["type"] for frame in alone] == ["chat.message"] * 4
    assert [texts(frame)[0][1] for frame in alone] == ["eins", "zwei", "drei", "vier"]
    # Three frames may run ahead of the 2 s spacing: the fifth waits until 2 s after the first.
    assert await ben.more_of("batch", timeout=0.5) == []
    (gathered,) = await frames(ben, 1)
    assert texts(gathered) == [(5, "fünf"), (6, "sechs")]


async def test_a_small_audience_gets_each_push_at_once(connect, people, live_session):
    topic = f"session:{live_session.pk}"
    anna = await connect(people["anna"])
    ben = await connect(people["ben"])
    for client in (anna, ben):
        assert (await client.request("subscribe", {"topic": topic}))["ok"] is True

    for text in ("eins", "zwei", "drei"):
        await send(anna, topic, text)

    received = await frames(ben, 3)
    assert [frame["type"] for frame in received] == ["chat.message"] * 3
    assert [texts(frame) for frame in received] == [[(1, "eins")], [(2, "zwei")], [(3, "drei")]]


@pytest.mark.parametrize("resume", [False, True], ids=["fresh", "with since"])
async def test_a_socket_subscribing_while_pushes_wait_gets_none_twice(
    connect, people, live_session, gathering, resume
):
    topic = f"session:{live_session.pk}"
    anna = await connect(people["anna"])
    ben = await connect(people["ben"])
    for client in (anna, ben):
        assert (await client.request("subscribe", {"topic": topic}))["ok"] is True
    await send(anna, topic, "eins")
    assert texts((await frames(ben, 1))[0]) == [(1, "eins")]
    await send(anna, topic, "zwei")
    await send(anna, topic, "drei")  # both wait for the first's second to end

    late = await connect(people["orga"])
    request = {"topic": topic, "since": 1} if resume else {"topic": topic}
    reply = await late.request("subscribe", request)

    assert reply["ok"] is True
    assert reply["data"]["seq"] == 3
    if resume:
        assert [push["data"]["text"] for push in reply["data"]["missed"]] == ["zwei", "drei"]
    else:
        history = reply["data"]["snapshot"]["chat"]
        assert [message["text"] for message in history][-3:] == ["eins", "zwei", "drei"]
    # Ben, subscribed before, gets the waiting pushes together; the late socket had them.
    assert texts((await frames(ben, 1))[0]) == [(2, "zwei"), (3, "drei")]
    assert await late.more_of("chat.message", timeout=1.2) == []
    assert await late.more_of("batch", timeout=0.1) == []
    await send(anna, topic, "vier")
    assert texts((await frames(late, 1, timeout=3))[0]) == [(4, "vier")]


def test_a_batch_frame_holds_its_pushes_as_they_were_framed():
    pushes = [
        (bus.frame("chat.message", "session:3", {"text": "Grüß Gott"}, 8), 8),
        (bus.frame("reaction.burst", "session:3", {"counts": {"👏": 3}}), None),
        (bus.frame("chat.message", "session:3", {"text": "Moin"}, 9), 9),
    ]

    parsed = json.loads(bus.batch_frame("session:3", pushes))

    assert parsed == {
        "type": "batch",
        "topic": "session:3",
        "pushes": [json.loads(text) for text, _seq in pushes],
        "seq": 9,
    }
    assert "seq" not in json.loads(bus.batch_frame("session:3", pushes[1:2]))


@pytest.mark.parametrize(
    ("members", "rate", "spacing"),
    [(1_000, 5_000, 0.2), (25, 5_000, 0.005), (24, 5_000, 0.0), (2_500, 5_000, 0.5),
     (5_000, 5_000, 0.5), (2_500, 10_000, 0.25), (2_500, 0, 0.0)],
)  # fmt: skip
def test_the_spacing_grows_with_the_audience_and_zero_turns_it_off(
    settings, members, rate, spacing
):
    settings.REALTIME = {**settings.REALTIME, "PUSH_FRAMES_PER_SECOND": rate}

    assert hub.hold_seconds(members) == pytest.approx(spacing)
