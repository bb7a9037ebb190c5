"""Access rules of the stage: video rooms and the control room."""

from congress.models import Session
from congress.permissions import is_banned, is_organizer, is_registered, speaks_at
from treffpunkt.access import rule

# Session kinds that meet in a video room rather than on a stream.
VIDEO_KINDS = (Session.Kind.ROUND_TABLE, Session.Kind.WORKSHOP)


@rule("stage.join_video")
def can_join_video(user, session):
    """Registered for the event, not banned, and the session is a round table or workshop."""
    return (
        session.kind in VIDEO_KINDS
        and session.state != Session.State.CANCELLED
        and is_registered(user, session.event)
        and not is_banned(user, session.event)
    )


def moderates_video(user, session):
    """Organizers and the session's speakers join as moderators."""
    return is_organizer(user, session.event) or speaks_at(user, session)


@rule("stage.open_control_room")
def can_open_control_room(user, event):
    return is_organizer(user, event)
