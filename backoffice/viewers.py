"""Who watched a session, as counts: one keyed hash per viewer and session, and the peak."""

import hashlib
import hmac
import os

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import SessionPeak, SessionViewer


def viewer_key(ctx):
    """A keyed hash of the user, or of the anonymous socket: stable per person, no name."""
    user = ctx.user
    if user is not None and user.is_authenticated:
        identity = f"user:{user.pk}"
    else:
        identity = f"socket:{os.getpid()}:{id(ctx.connection)}"
    return hmac.new(settings.SECRET_KEY.encode(), identity.encode(), hashlib.sha256).hexdigest()


# What this process has written already: a resubscribe (a reconnect, a resume) of a known viewer,
# or a count at or below the peak already stored, costs no write on the subscribe path.
_recorded = set()
_peaks = {}
_MEMORY = 100_000


def record_viewer(ctx, session, *, now=None):
    """Called on every subscribe to ``session:<id>`` (``congress.hooks.session_watcher``)."""
    now = now or timezone.now()
    key = (session.pk, viewer_key(ctx))
    if key not in _recorded:
        try:
            with transaction.atomic():
                SessionViewer.objects.get_or_create(
                    session=session, viewer=key[1], defaults={"first_seen": now}
                )
        except IntegrityError:
            pass  # the same viewer's second socket subscribed at the same moment
        if len(_recorded) >= _MEMORY:
            _recorded.clear()
        _recorded.add(key)
    hub = getattr(ctx, "hub", None)
    current = hub.viewers(f"session:{session.pk}") if hub is not None else 1
    if current > _peaks.get(session.pk, 0):
        record_peak(session, current, now=now)
        if len(_peaks) >= _MEMORY:
            _peaks.clear()
        _peaks[session.pk] = current


def forget_recorded():
    """Drop this process's memory of what it wrote (tests start from an empty database)."""
    _recorded.clear()
    _peaks.clear()


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
