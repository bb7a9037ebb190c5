"""Every change of the accessibility app: live captions, feedback about barriers, the statement."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.live_services import session_topic
from treffpunkt.access import require
from treffpunkt.errors import DomainError
from treffpunkt.realtime.events import emit

from .models import Feedback, Statement

CUE_MAX = 500


class AccessibilityError(DomainError):
    pass


def cue_data(*, session, user, text, at):
    return {"session": session.pk, "text": text, "by": user.pk, "at": at.isoformat()}


def send_caption_cue(*, user, session, text):
    """Push one line of live captions as ``captions.cue`` on the session topic.

    The cue is stored in the topic's event log, which is the transcript (``transcript_for``) and
    lets a reconnecting viewer catch up. Returns ``(cue data, seq)``. Raises AccessDenied for
    anyone but the event's organizers and the session's captioners, AccessibilityError for an
    empty or too long cue.
    """
    require(user, "accessibility.caption_session", session)
    text = " ".join(text.split())
    if not text:
        raise AccessibilityError(_("A caption needs text."), code="empty")
    if len(text) > CUE_MAX:
        raise AccessibilityError(
            _("A caption has at most %(count)s characters.") % {"count": CUE_MAX},
            code="captions.too_long",
        )
    data = cue_data(session=session, user=user, text=text, at=timezone.now())
    with transaction.atomic():
        seq = emit(session_topic(session), "captions.cue", data)
    return {**data, "seq": seq}, seq


def submit_feedback(*, event, user, message, name="", email="", page=""):
    """Store a report of a barrier for the organizers of ``event`` (None: the platform)."""
    message = message.strip()
    if not message:
        raise AccessibilityError(_("Please describe the barrier."), code="empty", field="message")
    return Feedback.objects.create(
        event=event,
        user=user if user is not None and user.is_authenticated else None,
        name=name.strip(),
        email=email.strip(),
        page=page[:500],
        message=message,
    )


def save_statement(*, user, event, **fields):
    """Create or change the statement of ``event``; organizers only (AccessDenied otherwise)."""
    require(user, "accessibility.change_statement", event)
    statement, _created = Statement.objects.get_or_create(event=event)
    for name, value in fields.items():
        setattr(statement, name, value)
    statement.save()
    return statement
