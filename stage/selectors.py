"""Reads of the stage: what the session page's player and video-room box show."""

from congress.models import Session
from treffpunkt.access import allowed

from .models import StageSettings
from .permissions import VIDEO_KINDS
from .streams import stream_for
from .video import configured_provider


def allowed_embeds_for(event):
    settings = StageSettings.objects.filter(event=event).first()
    return list(settings.embed_providers) if settings is not None else []


def next_session_in_room(session):
    """The next session in the same room after this one (cancelled ones left out), or None."""
    if session.room_id is None:
        return None
    return (
        Session.objects.filter(event_id=session.event_id, room_id=session.room_id)
        .filter(start__gte=session.end)
        .exclude(state=Session.State.CANCELLED)
        .order_by("start")
        .first()
    )


_UNKNOWN = object()


def stage_for(session, user, *, next_session=_UNKNOWN):
    """Everything the stage part of the session page needs, in three queries at most
    (``next_session``: ``next_session_in_room(session)`` when the caller already has it)."""
    is_video_kind = session.kind in VIDEO_KINDS
    if next_session is _UNKNOWN:
        next_session = next_session_in_room(session)
    return {
        "stream": None
        if is_video_kind
        else stream_for(session.room, allowed_embeds=allowed_embeds_for(session.event)),
        "next_session": next_session,
        "is_video_kind": is_video_kind,
        "video_configured": is_video_kind and configured_provider() is not None,
        "may_join_video": is_video_kind and allowed(user, "stage.join_video", session),
    }
