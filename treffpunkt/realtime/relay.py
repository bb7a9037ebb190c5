"""The outbox relay: every stored push reaches the sockets even when its publish was lost.

A push is committed to the topic log (``TopicEvent``) before it is published, so the log is the
outbox. The publish can still fail or be lost (Redis down or restarting, the publishing process
killed between commit and publish); then nobody would see the message until they reloaded. So
each process's hub repairs its own delivery from the log:

- per topic with local sockets it tracks the highest seq delivered without a gap
  (:class:`SeqTracker`), drops a push that arrives twice and holds back one that arrives before
  an earlier one (pushes of two processes may cross on the way);
- once a second it reads the topics' counters (one query for all of them) and, for a topic whose
  counter stayed ahead of what was delivered for a whole second, reads the missing pushes from the
  log and delivers them, in order, as the channel layer would have.

A push therefore arrives at most about two seconds late when its publish was lost (or behind one
that was), never twice, and in seq order per topic, so every socket of every process sees a
topic's pushes in the same order.

While the database is known to be down (``treffpunkt.unavailable``'s breaker) the relay reads
nothing: each read would hold the one sync thread for the pool's whole timeout, and the request
that probes the database would wait behind it. It takes its turn as the probe like any request.
"""

import logging
import time

from channels.db import database_sync_to_async

from .. import unavailable
from ..models import TopicCounter, TopicEvent
from .bus import frame

logger = logging.getLogger(__name__)

GRACE_SECONDS = 1.0
BATCH = 500


class SeqTracker:
    """What of a topic this hub has delivered: the highest seq without a gap, and the pushes that
    came early (a later seq before an earlier one), held back until the gap is filled."""

    __slots__ = ("behind_since", "contiguous", "held")

    def __init__(self, seq):
        self.contiguous = seq
        self.held = {}
        self.behind_since = None

    def offer(self, seq, text):
        """The pushes to deliver now, in order: none for a duplicate or an early one (held)."""
        if seq <= self.contiguous or seq in self.held:
            return []
        if seq != self.contiguous + 1:
            self.held[seq] = text
            return []
        ready = [(seq, text)]
        self.contiguous = seq
        while self.contiguous + 1 in self.held:
            self.contiguous += 1
            ready.append((self.contiguous, self.held.pop(self.contiguous)))
        return ready

    def skip_to(self, seq):
        """Pushes up to ``seq`` that are not in the log any more: deliver what waits behind them."""
        ready = []
        for held_seq in sorted(self.held):
            if held_seq <= seq:
                ready.append((held_seq, self.held.pop(held_seq)))
        self.contiguous = max(self.contiguous, seq)
        while self.contiguous + 1 in self.held:
            self.contiguous += 1
            ready.append((self.contiguous, self.held.pop(self.contiguous)))
        return ready

    def missing(self, latest):
        return [seq for seq in range(self.contiguous + 1, latest + 1) if seq not in self.held]


@database_sync_to_async
def _counters(topics):
    return dict(TopicCounter.objects.filter(topic__in=topics).values_list("topic", "value"))


@database_sync_to_async
def _events(topic, seqs):
    return list(
        TopicEvent.objects.filter(topic=topic, seq__in=seqs)
        .order_by("seq")
        .values_list("seq", "type", "data")
    )


_probe_database = database_sync_to_async(unavailable.probe_database)


async def repair(hub, now=None):
    """Deliver from the log what the channel layer has not brought for a whole grace period;
    nothing while the database is known to be down."""
    topics = [topic for topic in hub.trackers if hub.members.get(topic)]
    if not topics:
        return 0
    try:
        with unavailable.admitted() as breaker:
            if breaker == "probe" and not await _probe_database():
                return 0
            return await _repair(hub, topics, time.monotonic() if now is None else now)
    except Exception as error:
        if not unavailable.is_database_unavailable(error):
            raise
        if not isinstance(error, unavailable.DatabaseKnownDown):
            unavailable.note_outage(error)
            logger.warning("relay: database unavailable: %s", error)
        return 0


async def _repair(hub, topics, now):
    counters = await _counters(topics)
    repaired = 0
    for topic in topics:
        tracker = hub.trackers.get(topic)
        latest = counters.get(topic, 0)
        if tracker is None or latest <= tracker.contiguous:
            if tracker is not None:
                tracker.behind_since = None
            continue
        if tracker.behind_since is None:
            tracker.behind_since = now
            continue
        if now - tracker.behind_since < GRACE_SECONDS:
            continue
        missing = tracker.missing(latest)[:BATCH]
        found = {seq: (type_, data) for seq, type_, data in await _events(topic, missing)}
        for seq in missing:
            if seq in found:
                type_, data = found[seq]
                ready = tracker.offer(seq, frame(type_, topic, data, seq))
            else:
                ready = tracker.skip_to(seq)
            for ready_seq, text in ready:
                hub.deliver_local(topic, text, ready_seq)
                repaired += 1
        tracker.behind_since = None if tracker.contiguous >= latest else now
    if repaired:
        logger.warning(
            "relay: delivered %s pushes from the log that the channel layer missed", repaired
        )
    return repaired
