""" "My meetings": requests awaiting an answer, requests sent, accepted meetings, and their actions."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from matchmaking import meetings as meeting_services
from matchmaking.models import Meeting

from ..forms import RescheduleForm, slot_choices
from .common import handles_domain_errors, networking_event
from .messages import networking_context

# Buttons per group on "My meetings": (action, label).
MEETING_ACTIONS = {
    "answer_actions": [("accept", gettext_lazy("Accept")), ("decline", gettext_lazy("Decline"))],
    "withdraw_actions": [("cancel", gettext_lazy("Withdraw"))],
    "cancel_actions": [("cancel", gettext_lazy("Call off"))],
}


@dataclass
class MeetingRow:
    meeting: Meeting
    partner: object
    name: str
    is_past: bool
    reschedule_form: RescheduleForm | None = None


@handles_domain_errors
@login_required
@require_GET
def meetings(request, slug):
    """ "My meetings": requests awaiting me, requests I sent, accepted, and the rest greyed."""
    event = networking_event(request, slug)
    user = request.user
    now = timezone.now()
    groups = {"awaiting": [], "sent": [], "accepted": [], "other": []}
    mine = list(meeting_services.meetings_for(user, event))
    partners = {
        meeting.invitee if user.pk == meeting.requester_id else meeting.requester
        for meeting in mine
        if meeting.state == Meeting.State.ACCEPTED and meeting.end > now
    }
    free = meeting_services.free_slots_for_each(event, user=user, others=partners)
    for meeting in mine:
        partner = meeting.invitee if user.pk == meeting.requester_id else meeting.requester
        row = MeetingRow(
            meeting=meeting,
            partner=partner,
            name=meeting_services.display_name(partner),
            is_past=meeting.end <= now,
        )
        if row.is_past or not meeting.is_active:
            groups["other"].append(row)
        elif meeting.state == Meeting.State.PENDING:
            groups["awaiting" if meeting.awaiting_id == user.pk else "sent"].append(row)
        else:
            row.reschedule_form = RescheduleForm(
                prefix=f"meeting-{meeting.pk}",
                auto_id=f"id_meeting-{meeting.pk}_%s",
                slot_choices=slot_choices(event, free[partner.pk]),
            )
            groups["accepted"].append(row)
    return render(
        request,
        "web/meetings.html",
        networking_context(request, event, **groups, **MEETING_ACTIONS),
    )


@handles_domain_errors(redirect_to="web:meetings")
@login_required
@require_POST
def meeting_action(request, slug, pk, action):
    """Accept, decline, cancel (withdraw or call off) or reschedule one of one's meetings."""
    event = networking_event(request, slug)
    if action not in ("accept", "decline", "cancel", "reschedule"):
        raise Http404
    # NotFound for others' meetings: 404, so their existence stays hidden.
    meeting = meeting_services.load_meeting(request.user, pk, event=event)
    name = meeting_services.display_name(
        meeting.requester if meeting.invitee_id == request.user.pk else meeting.invitee
    )
    warnings = []
    if action == "accept":
        meeting, warnings = meeting_services.accept_meeting(meeting, user=request.user)
        done = _("You accepted the meeting with %(name)s.")
    elif action == "decline":
        meeting_services.decline_meeting(meeting, user=request.user)
        done = _("You declined the request of %(name)s.")
    elif action == "cancel":
        was_pending = meeting.state == Meeting.State.PENDING
        meeting_services.cancel_meeting(meeting, user=request.user)
        done = (
            _("Your request to %(name)s was withdrawn.")
            if was_pending and meeting.requester_id == request.user.pk
            else _("The meeting with %(name)s was cancelled.")
        )
    else:
        form = RescheduleForm(request.POST, prefix=f"meeting-{meeting.pk}")
        if not form.is_valid():
            messages.error(request, _("Please choose a new time from the list."))
            return redirect("web:meetings", slug=event.slug)
        start, end = form.cleaned_data["slot"]
        meeting, warnings = meeting_services.reschedule_meeting(
            meeting, user=request.user, start=start, end=end
        )
        done = _("You proposed a new time to %(name)s; the meeting waits for their answer.")
    messages.success(request, done % {"name": name})
    for warning in warnings:
        messages.warning(request, warning)
    return redirect("web:meetings", slug=event.slug)
