"""Joining and closing video rooms; the only code that talks to the video provider."""

import contextlib

from django.utils.translation import gettext as _

from congress.live_services import display_name
from congress.models import Session
from expo.permissions import is_booth_staff
from treffpunkt.access import require
from treffpunkt.errors import DomainError
from treffpunkt.realtime.events import emit

from .models import StageSettings
from .permissions import VIDEO_KINDS, moderates_video
from .selectors import allowed_embeds_for
from .streams import stream_data, stream_for
from .video import Participant, VideoProviderError, VideoRoom, configured_provider


class StageError(DomainError):
    pass


class VideoUnavailable(StageError):
    """No provider is configured or its server did not answer (HTTP 503)."""

    status = 503


def video_room_for(session):
    record = StageSettings.objects.filter(
        event_id=session.event_id, record_video_rooms=True
    ).exists()
    return VideoRoom(key=f"treffpunkt-{session.guid}", name=session.title, record=record)


def _join(provider, room, *, user, is_moderator):
    provider = provider or configured_provider()
    if provider is None:
        raise VideoUnavailable(_("No video rooms are configured."), code="video.unavailable")
    participant = Participant(user_id=user.pk, name=display_name(user), is_moderator=is_moderator)
    try:
        url = provider.join_url(room, participant)
    except VideoProviderError as error:
        raise VideoUnavailable(
            _("The video room cannot be reached; please try again shortly."),
            code="video.unreachable",
        ) from error
    return {"url": url, "moderator": is_moderator, "provider": provider.name}


def _occupancy(provider, room):
    provider = provider or configured_provider()
    if provider is None:
        return None
    try:
        return provider.occupancy(room)
    except VideoProviderError:
        return None


def booth_video_room(exhibitor):
    return VideoRoom(
        key=f"treffpunkt-booth-{exhibitor.pk}-{exhibitor.event_id}", name=exhibitor.name
    )


def meeting_video_room(meeting):
    return VideoRoom(key=f"treffpunkt-meeting-{meeting.guid}", name=_("Meeting"))


def join_booth_video(*, user, exhibitor, provider=None):
    """The join URL of a booth's video room: its staff moderate, registered attendees join.

    Raises AccessDenied, VideoUnavailable.
    """
    require(user, "stage.join_booth_video", exhibitor)
    return _join(
        provider,
        booth_video_room(exhibitor),
        user=user,
        is_moderator=is_booth_staff(user, exhibitor),
    )


def booth_video_occupancy(*, user, exhibitor, provider=None):
    """People in a booth's video room now, for those who may join it; None where unknown.

    Raises AccessDenied.
    """
    require(user, "stage.join_booth_video", exhibitor)
    return _occupancy(provider, booth_video_room(exhibitor))


def join_meeting_video(*, user, meeting, provider=None):
    """The join URL of an accepted meeting's video room, for its two participants (both moderate).

    Raises AccessDenied, VideoUnavailable.
    """
    require(user, "stage.join_meeting_video", meeting)
    return _join(provider, meeting_video_room(meeting), user=user, is_moderator=True)


def meeting_video_occupancy(*, user, meeting, provider=None):
    """People in an accepted meeting's video room now, for its two participants; None where
    unknown. Raises AccessDenied."""
    require(user, "stage.join_meeting_video", meeting)
    return _occupancy(provider, meeting_video_room(meeting))


def join_session_video(*, user, session, provider=None):
    """The join URL for ``user``: moderator for organizers and speakers, else attendee.

    Raises AccessDenied (not registered, banned, not a video session), StageError (no provider
    configured, or the video server refused or could not be reached).
    """
    require(user, "stage.join_video", session)
    return _join(
        provider,
        video_room_for(session),
        user=user,
        is_moderator=moderates_video(user, session),
    )


def video_occupancy(session, *, provider=None):
    """People in the session's video room, or None where unknown (no provider, Jitsi, a failure)."""
    if session.kind not in VIDEO_KINDS:
        return None
    return _occupancy(provider, video_room_for(session))


def end_session_video(session, *, provider=None):
    """Close the session's video room for everyone; called when the session ends or is cancelled."""
    provider = provider or configured_provider()
    if provider is None:
        return
    # The server closes an empty meeting on its own; a failed end must not fail the session.
    with contextlib.suppress(VideoProviderError):
        provider.end(video_room_for(session))


def close_video_room_when_over(session):
    """congress.hooks listener: an ended or cancelled round table closes its video room."""
    if session.kind in VIDEO_KINDS and session.state in (
        Session.State.ENDED,
        Session.State.CANCELLED,
    ):
        end_session_video(session)


def push_room_stream(room):
    """Push the room's stream as the player plays it to ``event:<slug>`` (``room.stream_changed``,
    stored for resume): open session pages in that room switch to it without a reload.

    congress.hooks room stream listener, and called by the stage's admin; inside the transaction.
    """
    stream = stream_for(room, allowed_embeds=allowed_embeds_for(room.event))
    emit(
        f"event:{room.event.slug}",
        "room.stream_changed",
        {"room": room.pk, "stream": stream_data(stream)},
    )
