"""Who watched a session, as counts: one keyed hash per viewer and session, and the peak."""

import asyncio
import hashlib
import hmac
import os
import time

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from congress.models import Session

from .models import SessionPeak, SessionViewer


def keyed_hash(identity):
    return hmac.new(settings.SECRET_KEY.encode(), identity.encode(), hashlib.sha256).hexdigest()


def user_key(user):
    """The key a signed-in user's attendance is stored under."""
    return keyed_hash(f"user:{user.pk}")


def viewer_key(ctx):
    """A keyed hash of the user, or of the anonymous socket: stable per person, no name."""
    user = ctx.user
    if user is not None and user.is_authenticated:
        return user_key(user)
    return keyed_hash(f"socket:{os.getpid()}:{id(ctx.connection)}")


# What this process has written already: a resubscribe (a reconnect, a resume) of a known viewer,
# or a count at or below the peak already stored, costs no write on the subscribe path.
_recorded = set()
_peaks = {}
_MEMORY = 100_000
# While subscribes pour in (a reconnect storm: every viewer is new to a restarted process), the
# first one in a second writes at once and the rest wait for the hub's next tick, which writes
# them together: two write transactions a second instead of two per subscribe.
WRITE_EVERY_SECONDS = 1.0
_pending = {}  # session pk -> {viewer key: first seen}
_pending_peaks = {}  # session pk -> highest count not yet written
_written_at = {}  # session pk -> time.monotonic() of the last write


def record_viewer(ctx, session, *, now=None):
    """Called on every subscribe to ``session:<id>`` (``congress.hooks.session_watcher``)."""
    now = now or timezone.now()
    key = (session.pk, viewer_key(ctx))
    hub = getattr(ctx, "hub", None)
    current = hub.viewers(f"session:{session.pk}") if hub is not None else 1
    changed = False
    if key not in _recorded:
        if len(_recorded) >= _MEMORY:
            _recorded.clear()
        _recorded.add(key)
        _pending.setdefault(session.pk, {})[key[1]] = now
        changed = True
    if current > _peaks.get(session.pk, 0):
        if len(_peaks) >= _MEMORY:
            _peaks.clear()
        _peaks[session.pk] = current
        _pending_peaks[session.pk] = current
        changed = True
    if not changed:
        return
    if hub is None or time.monotonic() - _written_at.get(session.pk, 0) >= WRITE_EVERY_SECONDS:
        write_pending(session.pk, now=now)
        return
    _write_at_next_tick(hub, session.pk)


def note_total(hub, topic, total):
    """The hub's once-a-tick total of a session's viewers over every process: the peak.

    ``record_viewer`` sees only its own process's viewers; this sees them all (each process's
    distinct viewers, summed), and keeps the session's peak when it is higher. Only viewers of
    other processes are news here: this process's own were counted at their subscribe.
    """
    kind, _colon, pk = topic.partition(":")
    if kind != "session" or not pk.isdigit():
        return
    session_pk = int(pk)
    if total <= hub.viewers(topic) or total <= _peaks.get(session_pk, 0):
        return
    if len(_peaks) >= _MEMORY:
        _peaks.clear()
    _peaks[session_pk] = total
    _pending_peaks[session_pk] = max(total, _pending_peaks.get(session_pk, 0))
    _write_at_next_tick(hub, session_pk)


def _write_at_next_tick(hub, session_pk):
    async def later():
        # Not awaited by the tick: behind a busy database thread it would hold up the tick's
        # other jobs (presence, reaction bursts).
        asyncio.ensure_future(database_sync_to_async(write_pending)(session_pk))

    hub.once_per_second(f"viewers:{session_pk}", later)


def write_pending(session_pk, *, now=None):
    """Store the viewers and the peak of ``session_pk`` that wait to be written."""
    _written_at[session_pk] = time.monotonic()
    viewers = _pending.pop(session_pk, {})
    peak = _pending_peaks.pop(session_pk, None)
    if viewers:
        SessionViewer.objects.bulk_create(
            [
                SessionViewer(session_id=session_pk, viewer=viewer, first_seen=first_seen)
                for viewer, first_seen in viewers.items()
            ],
            ignore_conflicts=True,  # known from another process, or a second socket
        )
    if peak is not None:
        record_peak(Session(pk=session_pk), peak, now=now)


def forget_recorded():
    """Drop this process's memory of what it wrote (tests start from an empty database)."""
    _recorded.clear()
    _peaks.clear()
    _pending.clear()
    _pending_peaks.clear()
    _written_at.clear()


def record_peak(session, current, *, now=None):
    now = now or timezone.now()
    with transaction.atomic():
        peak, _created = SessionPeak.objects.get_or_create(
            session=session, defaults={"peak": current, "peak_at": now}
        )
        if not _created and current > peak.peak:
            SessionPeak.objects.filter(pk=peak.pk, peak__lt=current).update(
                peak=current, peak_at=now
            )
