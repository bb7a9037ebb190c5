"""Session reminders and cancellation notices for favourited sessions (run every minute).

A reminder is due ``NOTIFY_REMINDER_MINUTES`` (15) before a favourited session's *current*
start; :class:`SessionNotice` is keyed by that start, so a session the organizer moves gets its
reminder at the new time (and again, if it was moved after its reminder went out). A session that
is cancelled while it still lies ahead gets one ``session.cancelled`` notice per person instead.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from congress.models import Favourite, Session
from treffpunkt.notify import notify

from .models import SessionNotice


def lead_time():
    return timedelta(minutes=getattr(settings, "NOTIFY_REMINDER_MINUTES", 15))


def session_notice_data(session):
    return {
        "session": session.pk,
        "title": session.title,
        "start": session.start.isoformat(),
        "end": session.end.isoformat(),
        "room": session.room.name if session.room_id else "",
        "timezone": session.event.timezone,
        "url": f"/events/{session.event.slug}/sessions/{session.pk}/",
    }


def _send(favourite, kind):
    session = favourite.session
    try:
        with transaction.atomic():
            SessionNotice.objects.create(
                user_id=favourite.user_id, session=session, kind=kind, start=session.start
            )
            notify(favourite.user_id, kind, event=session.event, data=session_notice_data(session))
    except IntegrityError:
        return 0
    return 1


def send_due_reminders(*, now=None):
    """Remind of favourited sessions starting within the lead time; returns how many were sent."""
    now = now or timezone.now()
    due = (
        Favourite.objects.filter(
            session__start__gt=now,
            session__start__lte=now + lead_time(),
            session__state=Session.State.SCHEDULED,
        )
        .select_related("session__event", "session__room")
        .order_by("session__start", "pk")
    )
    already = set(
        SessionNotice.objects.filter(
            kind="session.reminder", start__gt=now, start__lte=now + lead_time()
        ).values_list("user_id", "session_id", "start")
    )
    sent = 0
    for favourite in due:
        key = (favourite.user_id, favourite.session_id, favourite.session.start)
        if key not in already:
            sent += _send(favourite, "session.reminder")
    return sent


def send_cancellation_notices(*, now=None):
    """Tell who favourited a session that still lay ahead that it was cancelled (once)."""
    now = now or timezone.now()
    cancelled = Favourite.objects.filter(
        session__state=Session.State.CANCELLED, session__end__gt=now
    ).select_related("session__event", "session__room")
    noticed = set(
        SessionNotice.objects.filter(kind="session.cancelled").values_list("user_id", "session_id")
    )
    sent = 0
    for favourite in cancelled:
        if (favourite.user_id, favourite.session_id) not in noticed:
            sent += _send(favourite, "session.cancelled")
    return sent
