"""A bare ``websockets`` broadcast server: the floor that ``live_fanout.py`` measures Treffpunkt against.

It speaks just enough of Treffpunkt's envelope for the benchmark's client to be the same code:

- ``{"id": 1, "type": "subscribe", "data": {"topic": "session:1"}}`` → ``{"reply_to":1,"ok":true,…}``
- ``{"id": 2, "type": "chat.send", "data": {"topic", "text", "client_id"}}`` → a ``chat.message``
  push, serialised once and handed to ``websockets.broadcast`` for every subscriber of the topic
  (the sender included), then ``{"reply_to":2,"ok":true,…}`` to the sender.
- ``{"id": 3, "type": "reaction.send", "data": {"topic", "emoji"}}`` → counted; once a second one
  ``reaction.burst`` push with the counts to every subscriber of the topic (as Treffpunkt's hub).

Pushes to a big audience are gathered as Treffpunkt's hub gathers them (treffpunkt/realtime/hub.py,
docs/realtime.md "Gathered pushes"): a topic's frames go out at most every members /
``REALTIME_PUSH_FRAMES_PER_SECOND`` seconds on average (at most 0.5 s apart, bursts of four), and
what waited goes out as one ``batch`` frame. So the floor does the same work per socket; below 25
sockets, or on a quiet topic, every push goes out at once, as before.

No database, no authentication, no origin check, no presence: it is the limit of Python +
``websockets`` on this machine, not a competitor. Run by ``live_fanout.py``; standalone::

    .venv/bin/python benchmarks/bare_broadcast.py --port 8765

It prints ``ready <port>`` on stdout once it listens.
"""

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
from datetime import UTC, datetime

from websockets.asyncio.server import broadcast, serve

# The spacing of treffpunkt/realtime/hub.py, with the same setting.
FRAMES_PER_SECOND = int(os.environ.get("REALTIME_PUSH_FRAMES_PER_SECOND", "5000"))
MAX_HOLD_SECONDS, BURST, MIN_HOLD_SECONDS = 0.5, 4, 0.005


def dumps(payload):
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


class Gatherer:
    """Broadcasts a topic's pushes, gathering them into ``batch`` frames for a big audience."""

    def __init__(self, subscribers):
        self.subscribers = subscribers
        self.waiting = {}  # topic -> (frame, seq) pairs waiting for its turn
        self.due = {}  # topic -> when its next frame is due

    def spacing(self, members):
        if FRAMES_PER_SECOND <= 0:
            return 0.0
        spacing = min(MAX_HOLD_SECONDS, members / FRAMES_PER_SECOND)
        return spacing if spacing >= MIN_HOLD_SECONDS else 0.0

    def push(self, topic, frame, seq=0):
        if topic in self.waiting:
            self.waiting[topic].append((frame, seq))
            return
        members = self.subscribers.get(topic, ())
        spacing = self.spacing(len(members))
        if spacing:
            loop = asyncio.get_running_loop()
            now = loop.time()
            due = self.due.get(topic, now)
            turn = due - spacing * (BURST - 1)
            if now < turn:
                self.waiting[topic] = [(frame, seq)]
                loop.call_at(turn, self.send_waiting, topic)
                return
            self.due[topic] = max(due, now) + spacing
        broadcast(members, frame)

    def send_waiting(self, topic):
        pushes = self.waiting.pop(topic)
        members = self.subscribers.get(topic, ())
        now = asyncio.get_running_loop().time()
        self.due[topic] = max(self.due.get(topic, now), now) + self.spacing(len(members))
        frame = pushes[0][0]
        if len(pushes) > 1:
            joined = ",".join(text for text, _seq in pushes)
            seq = max(seq for _text, seq in pushes)
            frame = f'{{"type":"batch","topic":{dumps(topic)},"pushes":[{joined}],"seq":{seq}}}'
        broadcast(members, frame)


async def main(host, port, fd=None, backlog=4096):
    subscribers = {}  # topic -> set of connections
    seqs = {}
    reactions = {}  # topic -> {emoji: count}
    gatherer = Gatherer(subscribers)

    async def bursts():
        while True:
            await asyncio.sleep(1.0)
            pending = dict(reactions)
            reactions.clear()
            for topic, counts in pending.items():
                frame = dumps(
                    {"type": "reaction.burst", "topic": topic, "data": {"counts": counts}}
                )
                gatherer.push(topic, frame)

    async def handler(connection):
        topics = set()
        try:
            async for text in connection:
                try:
                    request = json.loads(text)
                    request_id = request["id"]
                    type_ = request["type"]
                    data = request.get("data") or {}
                    topic = data["topic"]
                except (ValueError, KeyError, TypeError):
                    await connection.send(dumps({"reply_to": None, "ok": False}))
                    continue
                if type_ == "subscribe":
                    subscribers.setdefault(topic, set()).add(connection)
                    topics.add(topic)
                    reply = {"topic": topic, "seq": seqs.get(topic, 0)}
                elif type_ == "chat.send":
                    seq = seqs[topic] = seqs.get(topic, 0) + 1
                    message = {
                        "id": seq,
                        "session": 0,
                        "user": {"id": 0, "name": "bench"},
                        "text": data.get("text", ""),
                        "client_id": data.get("client_id", ""),
                        "created_at": datetime.now(UTC).isoformat(),
                    }
                    frame = dumps(
                        {"type": "chat.message", "topic": topic, "data": message, "seq": seq}
                    )
                    gatherer.push(topic, frame, seq)
                    reply = {"message": message, "seq": seq, "duplicate": False}
                elif type_ == "reaction.send":
                    counts = reactions.setdefault(topic, {})
                    counts[data.get("emoji", "")] = counts.get(data.get("emoji", ""), 0) + 1
                    reply = {}
                else:
                    await connection.send(
                        dumps({"reply_to": request_id, "ok": False, "error": {"code": "unknown"}})
                    )
                    continue
                await connection.send(dumps({"reply_to": request_id, "ok": True, "data": reply}))
        finally:
            for topic in topics:
                subscribers.get(topic, set()).discard(connection)

    stop = asyncio.get_running_loop().create_future()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, stop.cancel)
    # Like daphne (autobahn): no compression unless the client asks; our client never asks.
    ticker = asyncio.create_task(bursts())
    if fd is not None:  # a socket held for us (harness.Cluster(held=True)), listening already
        listening = {"sock": socket.socket(fileno=fd)}
    else:
        listening = {"host": host, "port": port, "backlog": backlog}
    async with serve(handler, max_size=2**20, **listening):
        print(f"ready {port if fd is None else f'fd {fd}'}", flush=True)
        with contextlib.suppress(asyncio.CancelledError):
            await stop
    ticker.cancel()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--fd", type=int, help="serve on this inherited listening socket instead")
    # The benchmarks give every server of a run the same backlog (harness.LISTEN_BACKLOG).
    parser.add_argument("--backlog", type=int, default=4096)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.host, arguments.port, arguments.fd, arguments.backlog))
    sys.exit(0)
