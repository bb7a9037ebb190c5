"""Access rules of the accessibility app (treffpunkt.access)."""

from congress.permissions import is_organizer
from treffpunkt.access import rule

from .models import Captioner


@rule("accessibility.caption_session")
def can_caption_session(user, session):
    """Organizers of the event and the session's assigned captioners write live captions."""
    if user is None or not user.is_authenticated:
        return False
    if is_organizer(user, session.event):
        return True
    return Captioner.objects.filter(session=session, user=user).exists()


@rule("accessibility.view_feedback")
def can_view_feedback(user, event):
    return is_organizer(user, event)


@rule("accessibility.change_statement")
def can_change_statement(user, event):
    return is_organizer(user, event)
