"""The control room ("Regie") for organizers: today's sessions by room and the moderation queue.

Every button here is a form that calls the same service as REST does (congress.services,
congress.live_services, expo.services, matchmaking.meetings), so the permission rules and the
conflict messages are the services' own. After a change the page redirects back (PRG); a refused
move re-renders the page with the refusal under the session's form. web/static/web/control_room.js
reloads the page's parts when the programme or the queue changes elsewhere.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from congress import live_services, selectors, services
from congress.models import Ban, Mute, Question, Room, Session
from expo.models import Exhibitor
from expo.services import approve_booth, reject_booth
from matchmaking.meetings import resolve_report
from matchmaking.models import Report
from treffpunkt.access import allowed

from ..forms import Form
from .common import event_or_404, handles_domain_errors, refusals_to_form


class MoveForm(Form):
    room = forms.ModelChoiceField(
        label=gettext_lazy("Room"), queryset=Room.objects.none(), required=False
    )
    day = forms.DateField(
        label=gettext_lazy("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start = forms.TimeField(
        label=gettext_lazy("Start"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(
        label=gettext_lazy("End"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["room"].queryset = Room.objects.filter(event=event)
        self.fields["room"].empty_label = _("No room")

    def slot(self):
        day = self.cleaned_data["day"]
        tz = self.event.tz
        return (
            datetime.combine(day, self.cleaned_data["start"], tzinfo=tz),
            datetime.combine(day, self.cleaned_data["end"], tzinfo=tz),
        )


class StreamForm(Form):
    stream_url = forms.URLField(
        label=gettext_lazy("Stream URL"), required=False, assume_scheme="https", max_length=200
    )


@dataclass
class Lane:
    room: Room | None
    sessions: list = field(default_factory=list)


def _control_event(request, slug):
    event = event_or_404(request, slug)
    if not allowed(request.user, "stage.open_control_room", event):
        raise PermissionDenied
    return event


def _day(request, event):
    today = timezone.localtime(timezone.now(), event.tz).date()
    try:
        chosen = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        chosen = today
    if chosen not in event.days:
        chosen = today if today in event.days else event.start_date
    return chosen


def _lanes(event, day):
    """The day's sessions in one lane per room (rooms in their order), breaks in their own lane."""
    lanes = {room.pk: Lane(room=room) for room in Room.objects.filter(event=event)}
    without_room = Lane(room=None)
    for session in selectors.sessions_for_day(event, day):
        lanes.get(session.room_id, without_room).sessions.append(session)
    result = list(lanes.values())
    if without_room.sessions:
        result.append(without_room)
    return result


def _queue(event):
    return {
        "reports": Report.objects.filter(event=event, state=Report.State.OPEN)
        .select_related("reporter", "reported")
        .order_by("created_at"),
        "mutes": Mute.objects.filter(session__event=event)
        .select_related("user", "session")
        .order_by("-created_at"),
        "bans": Ban.objects.filter(event=event).select_related("user").order_by("-created_at"),
        "hidden_questions": Question.objects.filter(
            session__event=event, state=Question.State.HIDDEN
        )
        .select_related("user", "session")
        .order_by("-created_at"),
        # New booths and published booths with changes awaiting review (BoothRevision).
        "booths": Exhibitor.objects.filter(event=event)
        .filter(
            Q(status=Exhibitor.Status.SUBMITTED)
            | Q(status=Exhibitor.Status.PUBLISHED, pending_revision__isnull=False)
        )
        .select_related("pending_revision")
        .order_by("name"),
    }


def _render(request, event, day, *, failed=None, form=None, status=200):
    timeline = _lanes(event, day)
    tz = event.tz
    forms_by_session = {}
    for lane in timeline:
        for session in lane.sessions:
            if failed == session.pk:
                forms_by_session[session.pk] = form
                continue
            start = timezone.localtime(session.start, tz)
            forms_by_session[session.pk] = MoveForm(
                event=event,
                prefix=f"s{session.pk}",
                initial={
                    "room": session.room_id,
                    "day": start.date(),
                    "start": start.time().replace(second=0),
                    "end": timezone.localtime(session.end, tz).time().replace(second=0),
                },
            )
    for lane in timeline:
        lane.entries = [(session, forms_by_session[session.pk]) for session in lane.sessions]
    return render(
        request,
        "web/control_room.html",
        {
            "event": event,
            "day": day,
            "days": event.days,
            "timeline": timeline,
            "now": timezone.now(),
            **_queue(event),
        },
        status=status,
    )


@handles_domain_errors
@login_required
@require_GET
def control_room(request, slug):
    event = _control_event(request, slug)
    return _render(request, event, _day(request, event))


def _back(event, session=None, day=None):
    url = f"/events/{event.slug}/regie/"
    if day is not None:
        url += f"?day={day.isoformat()}"
    if session is not None:
        url += f"#session-{session.pk}"
    return redirect(url)


def _session(event, pk):
    return get_object_or_404(Session.objects.filter(event=event).select_related("room"), pk=pk)


def _local_day(event, session):
    return timezone.localtime(session.start, event.tz).date()


@handles_domain_errors(redirect_to="web:control-room")
@login_required
@require_POST
def session_state(request, slug, pk):
    """Go live, end, cancel (with an optional note for attendees) or reinstate:
    congress.services.set_session_state."""
    event = _control_event(request, slug)
    session = _session(event, pk)
    state = request.POST.get("state", "")
    was_cancelled = session.state == Session.State.CANCELLED
    services.set_session_state(
        session, user=request.user, state=state, note=request.POST.get("cancellation_note")
    )
    if was_cancelled and session.state == Session.State.CANCELLED:
        messages.success(
            request, _("The note on „%(title)s“ has been changed.") % {"title": session.title}
        )
        return _back(event, session, _local_day(event, session))
    labels = {
        Session.State.LIVE: _("„%(title)s“ is live."),
        Session.State.ENDED: _("„%(title)s“ has ended."),
        Session.State.CANCELLED: _("„%(title)s“ has been cancelled."),
        Session.State.SCHEDULED: _("„%(title)s“ is scheduled again."),
    }
    messages.success(request, labels[session.state] % {"title": session.title})
    return _back(event, session, _local_day(event, session))


@handles_domain_errors(redirect_to="web:control-room")
@login_required
@require_POST
def session_move(request, slug, pk):
    """Move a session (room, day, time): congress.services.update_session with its conflict rules."""
    event = _control_event(request, slug)
    session = _session(event, pk)
    form = MoveForm(request.POST, event=event, prefix=f"s{session.pk}")
    if form.is_valid():
        start, end = form.slot()
        with refusals_to_form(form):
            services.update_session(
                session, user=request.user, room=form.cleaned_data["room"], start=start, end=end
            )
            messages.success(request, _("„%(title)s“ has been moved.") % {"title": session.title})
            return _back(event, session, _local_day(event, session))
    return _render(
        request,
        event,
        _local_day(event, session),
        failed=session.pk,
        form=form,
        status=form.refusal_status or 400,
    )


@handles_domain_errors(redirect_to="web:control-room")
@login_required
@require_POST
def room_stream(request, slug, pk):
    """Change a room's stream (a backup stream, another player): congress.services.save_room.
    Open session pages in the room switch to it without a reload (docs/stage.md)."""
    event = _control_event(request, slug)
    room = get_object_or_404(Room, event=event, pk=pk)
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        day = None
    form = StreamForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["stream_url"]))
    else:
        services.save_room(
            room, user=request.user, event=event, stream_url=form.cleaned_data["stream_url"]
        )
        messages.success(
            request, _("The stream of %(room)s has been changed.") % {"room": room.name}
        )
    url = f"/events/{event.slug}/regie/"
    if day is not None and day in event.days:
        url += f"?day={day.isoformat()}"
    return redirect(f"{url}#lane-room-{room.pk}")


@handles_domain_errors(redirect_to="web:control-room")
@login_required
@require_POST
def unban(request, slug, user_id):
    event = _control_event(request, slug)
    ban = get_object_or_404(Ban.objects.select_related("user"), event=event, user_id=user_id)
    live_services.unban_user(user=request.user, event=event, target=ban.user)
    messages.success(request, _("The ban has been lifted."))
    return _back(event)


@handles_domain_errors(redirect_to="web:control-room")
@login_required
@require_POST
def unmute(request, slug, pk):
    event = _control_event(request, slug)
    mute = get_object_or_404(
        Mute.objects.select_related("user", "session"), session__event=event, pk=pk
    )
    live_services.unmute_user(user=request.user, session=mute.session, target=mute.user)
    messages.success(request, _("The mute has been lifted."))
    return _back(event)


@handles_domain_errors(redirect_to="web:control-room")
@login_required
@require_POST
def show_question(request, slug, pk):
    event = _control_event(request, slug)
    question = get_object_or_404(Question, session__event=event, pk=pk)
    live_services.set_question_state(
        user=request.user, question=question, state=Question.State.OPEN
    )
    messages.success(request, _("The question is visible again."))
    return _back(event)


@handles_domain_errors(redirect_to="web:control-room")
@login_required
@require_POST
def resolve(request, slug, pk):
    event = _control_event(request, slug)
    report = get_object_or_404(Report, event=event, pk=pk)
    resolve_report(report, user=request.user)
    messages.success(request, _("The report has been marked as resolved."))
    return _back(event)


@handles_domain_errors(redirect_to="web:control-room")
@login_required
@require_POST
def review_booth(request, slug, pk):
    event = _control_event(request, slug)
    booth = get_object_or_404(Exhibitor, event=event, pk=pk)
    if request.POST.get("decision") == "approve":
        approve_booth(booth, user=request.user)
        messages.success(request, _("„%(name)s“ is published.") % {"name": booth.name})
    else:
        reject_booth(booth, user=request.user, note=request.POST.get("note", ""))
        messages.success(request, _("„%(name)s“ went back to its team.") % {"name": booth.name})
    return _back(event)
