"""Reads of the accessibility app."""

from congress.live_services import session_topic
from treffpunkt.models import TopicEvent

from .models import RoomMedia, Statement

TRANSCRIPT_KEPT = 500


def transcript_for(session, *, limit=TRANSCRIPT_KEPT):
    """The session's caption cues, oldest first (the last ``limit``), each with its seq."""
    rows = list(
        TopicEvent.objects.filter(topic=session_topic(session), type="captions.cue")
        .order_by("-seq")
        .values_list("seq", "data")[:limit]
    )
    return [{**data, "seq": seq} for seq, data in reversed(rows)]


def room_media_for(room):
    if room is None:
        return None
    return RoomMedia.objects.filter(room=room).first()


def statement_for(event):
    """The event's statement, or None (the page then says what is known without one)."""
    if event is None:
        return None
    return Statement.objects.filter(event=event).first()


def feedback_for(event):
    return event.accessibility_feedback.select_related("user").order_by("-created_at")
