"""Access rules of matchmaking: one predicate per permission, used by REST and realtime alike."""

from congress.permissions import is_banned, is_registered
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
