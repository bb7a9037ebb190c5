"""Accepted meetings in the personal agenda (``agenda.ics`` and the agenda page)."""

from django.utils.translation import gettext as _

from congress.hooks import AgendaItem

from .meetings import display_name, meetings_for
from .models import Meeting


def accepted_meetings(user, event):
    """Registered with congress.hooks.agenda_source."""
    items = []
    for meeting in meetings_for(user, event, states=[Meeting.State.ACCEPTED]):
        other = meeting.invitee if user.pk == meeting.requester_id else meeting.requester
        items.append(
            AgendaItem(
                uid=f"meeting-{meeting.guid}",
                start=meeting.start,
                end=meeting.end,
                title=_("Meeting with %(name)s") % {"name": display_name(other)},
                updated_at=meeting.updated_at,
                location=meeting.location,
                description=meeting.message,
                categories=[_("Meeting")],
            )
        )
    return items
