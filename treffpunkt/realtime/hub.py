"""The process-local hub: one channel-layer subscription per topic per process.

Pushes arrive once per process from the channel layer (Redis pub/sub in production) as a frame that
was serialised once by the publisher; the hub hands that same string to each local socket's bounded
send queue. No per-socket dispatch, no database work on the delivery path.

A big audience gets a busy topic's pushes gathered: a topic's frames to ``members`` local sockets
go out at most every ``members / PUSH_FRAMES_PER_SECOND`` seconds on average (at most
``MAX_HOLD_SECONDS`` apart), in bursts of up to ``PUSH_BURST``. A push beyond that waits for the
topic's next turn, and everything that waited goes out together in one ``batch`` frame. Hundreds
writing into the keynote's chat then cost each of its thousands of sockets a few frames a second,
not one per message; a small audience, or a quiet topic, never waits.

Once a second the hub also reports its viewers per topic to the presence store and pushes changed
totals to its own sockets, and runs the coalesced jobs (reaction bursts, poll results) that handlers
queued with :meth:`Hub.once_per_second`.
"""

import asyncio
import logging
import os
import time
import uuid
import weakref

from channels.layers import get_channel_layer
from django.conf import settings

from . import presence, relay
from .bus import batch_frame, group_name, is_shared
from .bus import frame as build_frame

logger = logging.getLogger(__name__)


def _new_process_id():
    global PROCESS_ID
    PROCESS_ID = f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


# Names this process's counts in the shared presence store; read it as ``hub.PROCESS_ID``. A
# forked process (treffpunkt.serve's workers) takes a name of its own.
_new_process_id()
os.register_at_fork(after_in_child=_new_process_id)
TICK_SECONDS = 1.0
PRESENCE_STEP = 0.02
PRESENCE_QUIET_SECONDS = 5.0
# Presence pushes a process may deliver per topic and second: a push goes to every local socket,
# so a big audience is told at most every members / this seconds (within 1–5 s).
PRESENCE_DELIVERIES_PER_SECOND = 500
RELAY_SECONDS = 1.0
# The longest a busy topic's frames are apart (see the module's docstring), how many may go out in
# quick succession before the next has to wait, and the shortest spacing worth a timer (smaller
# audiences get each push at once).
MAX_HOLD_SECONDS = 0.5
PUSH_BURST = 4
MIN_HOLD_SECONDS = 0.005


def hold_seconds(members):
    """The spacing of a busy topic's frames to ``members`` local sockets (0: none; always 0 when
    ``PUSH_FRAMES_PER_SECOND`` is 0, which turns the gathering off)."""
    rate = settings.REALTIME["PUSH_FRAMES_PER_SECOND"]
    if rate <= 0:
        return 0.0
    hold = min(MAX_HOLD_SECONDS, members / rate)
    return hold if hold >= MIN_HOLD_SECONDS else 0.0


_hubs = weakref.WeakKeyDictionary()

# Called as ``watcher(hub, topic, total)`` whenever a hub has read a topic's viewers over every
# process (once a tick while it has viewers of the topic); registered by apps (the back office
# keeps each session's peak with it). A watcher must not block: it runs on the event loop.
_total_watchers = []


def watch_totals(function):
    if function not in _total_watchers:
        _total_watchers.append(function)


class Hub:
    @classmethod
    def current(cls):
        loop = asyncio.get_running_loop()
        hub = _hubs.get(loop)
        if hub is None:
            hub = _hubs[loop] = cls()
        return hub

    def __init__(self):
        self.layer = get_channel_layer()
        self.channel = None
        self.members = {}
        # Shared groups (bus.is_shared) this hub has joined: it stays in them.
        self._groups = set()
        self._viewer_keys = {}
        self._pushed_at = {}
        self.presence_topics = {}
        self._pushed_totals = {}
        self._reported = {}
        # topic → (viewers over every process, when read): read at most once a tick.
        self._totals = {}
        self._jobs = {}
        self.reaction_counts = {}
        self._lock = asyncio.Lock()
        self._tasks = []
        # Per topic with local sockets: what was delivered (treffpunkt/realtime/relay.py).
        self.trackers = {}
        self._untracked = {}
        # Per busy topic: the pushes waiting to go out together, and when its next frame is due
        # (its frames keep to their spacing on average: a burst runs ahead by PUSH_BURST - 1).
        self._outbox = {}
        self._due = {}

    async def _start(self):
        if self.channel is None:
            self.channel = await self.layer.new_channel("hub.")
            self._tasks = [
                asyncio.create_task(self._receive()),
                asyncio.create_task(self._tick()),
                asyncio.create_task(self._relay()),
            ]

    async def join(self, topic, connection, *, counts_presence=False):
        members = self.members.get(topic)
        if members is None:
            group = group_name(topic)
            if group in self._groups:  # a shared group this hub is in: no trip to Redis
                members = self.members[topic] = set()
            else:
                async with self._lock:
                    await self._start()
                    members = self.members.get(topic)
                    if members is None:
                        if group not in self._groups:
                            await self.layer.group_add(group, self.channel)
                            if is_shared(group):
                                self._groups.add(group)
                        members = self.members[topic] = set()
        if connection not in members:
            members.add(connection)
            keys = self._viewer_keys.setdefault(topic, {})
            keys[connection.viewer_key] = keys.get(connection.viewer_key, 0) + 1
        if counts_presence:
            self.presence_topics[topic] = True

    async def leave(self, topic, connection):
        members = self.members.get(topic)
        if members is None:
            return
        if connection in members:
            members.discard(connection)
            keys = self._viewer_keys[topic]
            keys[connection.viewer_key] -= 1
            if not keys[connection.viewer_key]:
                del keys[connection.viewer_key]
        if members:
            return
        group = group_name(topic)
        if is_shared(group):  # stays joined for the other topics it carries
            if self.members.get(topic) is members:
                self._forget(topic)
            return
        async with self._lock:
            if self.members.get(topic) is members and not members:
                self._forget(topic)
                await self.layer.group_discard(group, self.channel)

    def _forget(self, topic):
        del self.members[topic]
        self._viewer_keys.pop(topic, None)
        self.trackers.pop(topic, None)
        self._untracked.pop(topic, None)
        self._outbox.pop(topic, None)
        self._due.pop(topic, None)

    def local_push(self, topic, type_, data):
        """Push to this process's sockets on ``topic`` only (presence is computed per process)."""
        text = build_frame(type_, topic, data)
        for connection in tuple(self.members.get(topic, ())):
            connection.deliver(topic, text, None)

    def once_per_second(self, key, job):
        """Run ``job()`` (a coroutine function) at the next tick; repeated calls coalesce by key."""
        self._jobs[key] = job

    def viewers(self, topic):
        """Distinct viewers (users; each anonymous socket counts once) of ``topic`` here."""
        return len(self._viewer_keys.get(topic, ()))

    async def total_viewers(self, topic):
        """Viewers of ``topic`` over every process, for a subscribe's snapshot.

        The presence store's total as this hub last read it, if within a tick, else read now: every
        process reports its count once a tick anyway, so reading it for each of a reconnect storm's
        thousands of subscribes (one Redis round trip each) would only ever find the same total.
        Never below this process's own count.
        """
        now = time.monotonic()
        known = self._totals.get(topic)
        if known is None or now - known[1] >= TICK_SECONDS:
            known = self._totals[topic] = (await presence.store().viewers(topic), now)
        return max(known[0], self.viewers(topic))

    async def _receive(self):
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("hub: channel layer receive failed; retrying")
                await asyncio.sleep(0.5)
                continue
            topic = message.get("topic")
            members = self.members.get(topic)
            if not members:
                continue
            if message.get("control") == "close":
                for connection in tuple(members):
                    connection.close_soon(message.get("code", 4001), message.get("frame"))
                continue
            seq = message.get("seq")
            tracker = self.trackers.get(topic) if seq is not None else None
            if tracker is None:
                if seq is not None:
                    # Before the first subscribe here has read the log: remember what went out.
                    self._untracked[topic] = max(seq, self._untracked.get(topic, 0))
                self.deliver_local(topic, message["frame"], seq)
                continue
            # In seq order, once: early pushes wait for the gap to fill (or the relay to fill it).
            for ready_seq, text in tracker.offer(seq, message["frame"]):
                self.deliver_local(topic, text, ready_seq)

    def deliver_local(self, topic, text, seq):
        """Hand a push to this process's sockets on ``topic``: at once, or gathered with the next
        ones when the audience is big and the topic busy (see the module's docstring)."""
        members = self.members.get(topic)
        if not members:
            return
        waiting = self._outbox.get(topic)
        if waiting is not None:
            waiting.append((text, seq))
            return
        spacing = hold_seconds(len(members))
        if spacing:
            loop = asyncio.get_running_loop()
            now = loop.time()
            due = self._due.get(topic, now)
            turn = due - spacing * (PUSH_BURST - 1)
            if now < turn:
                self._outbox[topic] = [(text, seq)]
                loop.call_at(turn, self._send_held, topic)
                return
            self._due[topic] = max(due, now) + spacing
        for connection in tuple(members):
            connection.deliver(topic, text, seq)

    def _send_held(self, topic):
        pushes = self._outbox.pop(topic, None)
        if not pushes:
            return
        members = tuple(self.members.get(topic, ()))
        now = asyncio.get_running_loop().time()
        self._due[topic] = max(self._due.get(topic, now), now) + hold_seconds(len(members))
        # Even a single push waited: a socket may have subscribed meanwhile, and got it already.
        text = pushes[0][0] if len(pushes) == 1 else batch_frame(topic, pushes)
        seqs = [seq for _text, seq in pushes if seq is not None]
        lowest = min(seqs) if seqs else None
        for connection in members:
            connection.deliver_batch(topic, text, pushes, lowest)

    def note_seq(self, topic, seq):
        """A socket subscribed to ``topic`` whose log ends at ``seq``: start tracking from there."""
        if topic in self.members and topic not in self.trackers:
            self.trackers[topic] = relay.SeqTracker(max(seq, self._untracked.pop(topic, 0)))

    async def _relay(self):
        while True:
            await asyncio.sleep(RELAY_SECONDS)
            try:
                await relay.repair(self)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("hub: relay failed; retrying")

    async def _tick(self):
        store = presence.store()
        while True:
            await asyncio.sleep(TICK_SECONDS)
            try:
                await self._tick_presence(store)
                jobs, self._jobs = self._jobs, {}
                for job in jobs.values():
                    await job()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("hub: tick failed")

    def _presence_worth_pushing(self, topic, total):
        """A changed count, but for big audiences only a change of 2 % or one 5 s old, and no
        more often than every members / PRESENCE_DELIVERIES_PER_SECOND seconds.

        Each push goes to every local socket; while thousands join (a reconnect storm: every
        tick's count is 2 % up), a push a second would cost more than the joins themselves.
        """
        previous = self._pushed_totals.get(topic)
        if previous == total:
            return False
        since = time.monotonic() - self._pushed_at.get(topic, float("-inf"))
        members = len(self.members.get(topic, ()))
        if since < min(members / PRESENCE_DELIVERIES_PER_SECOND, PRESENCE_QUIET_SECONDS):
            return False
        if previous is None or abs(total - previous) >= max(1, previous * PRESENCE_STEP):
            return True
        return since >= PRESENCE_QUIET_SECONDS

    async def _tick_presence(self, store):
        for topic in tuple(self.presence_topics):
            count = self.viewers(topic)
            previous = self._reported.get(topic)
            # Re-report unchanged counts now and then, so the report does not expire.
            if previous is None or previous[0] != count or previous[1] >= 5:
                await store.report(topic, PROCESS_ID, count)
                self._reported[topic] = (count, 0)
            else:
                self._reported[topic] = (count, previous[1] + 1)
            if count == 0:
                self.presence_topics.pop(topic, None)
                self._reported.pop(topic, None)
                self._pushed_totals.pop(topic, None)
                self._pushed_at.pop(topic, None)
                self._totals.pop(topic, None)
                continue
            total = await store.viewers(topic)
            self._totals[topic] = (total, time.monotonic())
            for watcher in _total_watchers:
                try:
                    watcher(self, topic, total)
                except Exception:
                    logger.exception("hub: a viewer-total watcher failed")
            if self._presence_worth_pushing(topic, total):
                self._pushed_totals[topic] = total
                self._pushed_at[topic] = time.monotonic()
                self.local_push(topic, "presence", {"viewers": total})
