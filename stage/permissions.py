"""Access rules of the stage: video rooms and the control room."""

from congress.models import Session
from congress.permissions import is_banned, is_organizer, is_registered, speaks_at
from expo.permissions import is_booth_staff
from matchmaking.models import Meeting
from treffpunkt.access import allowed, rule

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


@rule("stage.join_booth_video")
def can_join_booth_video(user, exhibitor):
    """The booth's staff (as moderators) and registered attendees who may see the booth."""
    if is_booth_staff(user, exhibitor):
        return True
    return (
        allowed(user, "expo.view_exhibitor", exhibitor)
        and is_registered(user, exhibitor.event)
        and not is_banned(user, exhibitor.event)
    )


@rule("stage.join_meeting_video")
def can_join_meeting_video(user, meeting):
    """The two participants of an accepted meeting."""
    return (
        meeting.state == Meeting.State.ACCEPTED
        and bool(user and user.is_authenticated)
        and meeting.has_participant(user)
        and not is_banned(user, meeting.event)
    )
