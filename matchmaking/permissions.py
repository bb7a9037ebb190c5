"""Access rules of matchmaking: one predicate per permission, used by REST and realtime alike."""

from congress.permissions import is_banned, is_organizer, is_registered
from treffpunkt.access import rule


@rule("matchmaking.take_part")
def can_take_part(user, event):
    """Keep a profile, browse visible profiles, block: registered for the event and not banned."""
    return is_registered(user, event) and not is_banned(user, event)


@rule("matchmaking.view_recommendations")
def can_view_recommendations(user, profile):
    """Only for one's own profile, and only while it is visible: see docs/matchmaking.md."""
    return (
        profile is not None
        and profile.user_id == user.pk
        and profile.is_visible
        and can_take_part(user, profile.event)
    )


@rule("matchmaking.view_meeting")
def can_view_meeting(user, meeting):
    """Read, answer, cancel or move a meeting: only its two participants."""
    return bool(user and user.is_authenticated) and meeting.has_participant(user)


@rule("matchmaking.manage_slots")
def can_manage_slots(user, event):
    """Create and delete the event's meeting slots: organizers."""
    return is_organizer(user, event)


@rule("matchmaking.handle_reports")
def can_handle_reports(user, event):
    """Read and resolve reports about attendees: organizers."""
    return is_organizer(user, event)
