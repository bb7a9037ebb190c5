"""1:1 meetings: request, accept, decline, cancel, reschedule; free slots; reports.

Every change goes through here. The rules:

- a meeting lies within one of the event's meeting slots and in the future;
- the invitee has a visible profile, and neither side has blocked the other;
- nobody holds two pending or accepted meetings that overlap: checked under a lock on both users'
  rows (SQLite takes the write lock at the start of every transaction) and, on PostgreSQL, also by
  the exclusion constraint on ``MeetingHold`` — both refusals are a ConflictError (409);
- at most ``MAX_PENDING`` pending requests per requester and event;
- while a meeting is pending, only ``awaiting`` accepts or declines it; a reschedule moves it back to
  pending and waits for the other side.

Each change pushes ``meeting.<what>`` to the other participant's ``user:<id>`` after commit.
"""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from congress.live_services import display_name, user_data
from congress.models import Favourite, Registration, Session
from treffpunkt.access import allowed, require
from treffpunkt.errors import AccessDenied, ConflictError, NotFound
from treffpunkt.notify import notify
from treffpunkt.realtime import bus

from .errors import MatchmakingError
from .models import Block, Meeting, MeetingHold, MeetingSlot, Profile, Report
from .services import bump_version

MAX_PENDING = 10
MAX_MESSAGE = 1000
MAX_REASON = 2000
MAX_SERIES = 100


# --- reading ------------------------------------------------------------------------------------


def load_meeting(user, meeting_id, *, event=None):
    """The meeting if ``user`` takes part in it; otherwise NotFound, so its existence stays hidden."""
    meeting = (
        Meeting.objects.select_related("event", "requester", "invitee")
        .filter(pk=meeting_id, **({"event": event} if event is not None else {}))
        .first()
    )
    if meeting is None or not allowed(user, "matchmaking.view_meeting", meeting):
        raise NotFound(_("No such meeting."))
    return meeting


def meetings_for(user, event, *, states=None):
    """The user's meetings at the event (as requester or invitee), by start time."""
    meetings = Meeting.objects.filter(Q(requester=user) | Q(invitee=user), event=event)
    if states:
        meetings = meetings.filter(state__in=states)
    return meetings.select_related("event", "requester", "invitee").order_by("start", "pk")


def _local_time(event, moment, fmt="H:i"):
    return formats.date_format(timezone.localtime(moment, event.tz), fmt)


def span_label(event, start, end):
    """``Mi, 25. Nov., 10:00–10:30`` in the event's time zone (the request's language)."""
    return _("%(day)s, %(start)s–%(end)s") % {
        "day": _local_time(event, start, "MONTH_DAY_FORMAT"),
        "start": _local_time(event, start),
        "end": _local_time(event, end),
    }


def _clash_warning(event, title, start, end):
    return _("The time overlaps “%(title)s” (%(span)s) in your agenda.") % {
        "title": title,
        "span": span_label(event, start, end),
    }


def _agenda_sessions(user, event, *, ending_after):
    """(title, start, end) of the sessions in ``user``'s agenda that end after ``ending_after``."""
    return list(
        Favourite.objects.filter(user=user, session__event=event, session__end__gt=ending_after)
        .exclude(session__state=Session.State.CANCELLED)
        .order_by("session__start")
        .values_list("session__title", "session__start", "session__end")
    )


def agenda_clashes(user, event, start, end):
    """Warnings for sessions in ``user``'s agenda that overlap ``start``–``end``."""
    return [
        _clash_warning(event, title, session_start, session_end)
        for title, session_start, session_end in _agenda_sessions(user, event, ending_after=start)
        if session_start < end
    ]


def _busy(user_ids, start, end, *, exclude_meeting=None):
    holds = MeetingHold.objects.filter(
        user_id__in=user_ids, active=True, start__lt=end, end__gt=start
    )
    if exclude_meeting is not None:
        holds = holds.exclude(meeting=exclude_meeting)
    return list(holds)


def free_slots(event, *, user, other, now=None):
    """The event's future slots in which neither ``user`` nor ``other`` holds a meeting.

    Each item: ``{"start", "end", "warnings"}``; warnings name sessions of ``user``'s agenda.
    """
    return free_slots_for_each(event, user=user, others=[other], now=now)[other.pk]


def free_slots_for_each(event, *, user, others, now=None):
    """``{other id: free slots}`` as :func:`free_slots` gives them, in three queries for all."""
    now = now or timezone.now()
    slots = list(MeetingSlot.objects.filter(event=event, start__gte=now).order_by("start", "end"))
    if not slots:
        return {other.pk: [] for other in others}
    busy = {}
    for user_id, start, end in MeetingHold.objects.filter(
        user_id__in={user.pk, *(other.pk for other in others)},
        active=True,
        end__gt=slots[0].start,
    ).values_list("user_id", "start", "end"):
        busy.setdefault(user_id, []).append((start, end))
    sessions = _agenda_sessions(user, event, ending_after=slots[0].start)

    def overlaps(spans, slot):
        return any(start < slot.end and end > slot.start for start, end in spans)

    mine = []
    for slot in slots:
        if overlaps(busy.get(user.pk, ()), slot):
            continue
        warnings = [
            _clash_warning(event, title, start, end)
            for title, start, end in sessions
            if start < slot.end and end > slot.start
        ]
        mine.append((slot, warnings))
    return {
        other.pk: [
            {"start": slot.start, "end": slot.end, "warnings": warnings}
            for slot, warnings in mine
            if not overlaps(busy.get(other.pk, ()), slot)
        ]
        for other in others
    }


# --- checks -------------------------------------------------------------------------------------


def _blocked_message(event, user, other):
    pairs = Block.objects.filter(
        Q(blocker=user, blocked=other) | Q(blocker=other, blocked=user), event=event
    ).values_list("blocker_id", flat=True)
    blockers = set(pairs)
    if user.pk in blockers:
        return _("You have blocked this person. Lift the block to get in touch again.")
    if other.pk in blockers:
        return _("This person cannot be contacted.")
    return None


def contact_barrier(event, user, other):
    """Registered with congress.hooks: blocks bar 1:1 conversations in both directions."""
    return _blocked_message(event, user, other)


def meeting_partner(event, user, invitee_id):
    """The user ``user`` may ask to meet: someone else with a visible profile at the event."""
    if invitee_id == user.pk:
        raise MatchmakingError(_("You cannot meet yourself."), field="invitee")
    invitee = get_user_model().objects.filter(pk=invitee_id).first()
    visible = (
        invitee is not None
        and Profile.objects.filter(event=event, user=invitee, is_visible=True).exists()
        and allowed(invitee, "matchmaking.take_part", event)
    )
    if not visible:
        raise MatchmakingError(
            _("This person is not available for meetings at this event."), field="invitee"
        )
    return invitee


def _check_time(event, start, end, *, now=None):
    now = now or timezone.now()
    if end <= start:
        raise MatchmakingError(_("The end must be after the start."), field="end")
    if start < now:
        raise MatchmakingError(_("The meeting cannot start in the past."), field="start")
    inside = MeetingSlot.objects.filter(event=event, start__lte=start, end__gte=end).exists()
    if not inside:
        raise MatchmakingError(
            _("Please choose one of the event's meeting slots."), code="no_slot", field="start"
        )


def _check_text(value, *, field, limit):
    value = (value or "").replace("\x00", "").strip()
    if len(value) > limit:
        raise MatchmakingError(_("At most %(limit)d characters.") % {"limit": limit}, field=field)
    return value


def _check_location(location):
    location = _check_text(location, field="location", limit=200)
    lowered = location.lower()
    if "://" in lowered and not lowered.startswith(("https://", "http://")):
        raise MatchmakingError(
            _("Give a table or a link starting with https://."), field="location"
        )
    return location


def _lock_users(*users):
    """Serialise meeting changes per user: lock both rows in id order (no deadlock)."""
    ids = sorted({user.pk for user in users})
    list(get_user_model().objects.select_for_update().filter(pk__in=ids).values_list("pk"))


def _check_free(meeting_event, user, other, start, end, *, exclude_meeting=None):
    for hold in _busy([user.pk, other.pk], start, end, exclude_meeting=exclude_meeting):
        span = span_label(meeting_event, hold.start, hold.end)
        if hold.user_id == user.pk:
            raise ConflictError(
                _("You already have a meeting at this time (%(span)s).") % {"span": span},
                code="overlap",
                field="start",
            )
        raise ConflictError(
            _("%(name)s is not available at this time (%(span)s).")
            % {"name": display_name(other), "span": span},
            code="overlap",
            field="start",
        )


def _save_holds(meeting):
    """Create or move both participants' holds to the meeting's time and state."""
    for user_id in (meeting.requester_id, meeting.invitee_id):
        MeetingHold.objects.update_or_create(
            meeting=meeting,
            user_id=user_id,
            defaults={"start": meeting.start, "end": meeting.end, "active": meeting.is_active},
        )


def _overlap_conflict():
    return ConflictError(
        _("One of you already has a meeting at this time."), code="overlap", field="start"
    )


# --- pushes -------------------------------------------------------------------------------------


def meeting_data(meeting, viewer):
    """The meeting as REST and pushes show it to ``viewer`` (one of its participants)."""
    other = meeting.invitee if viewer.pk == meeting.requester_id else meeting.requester
    return {
        "id": meeting.pk,
        "state": str(meeting.state),
        "start": timezone.localtime(meeting.start, meeting.event.tz).isoformat(),
        "end": timezone.localtime(meeting.end, meeting.event.tz).isoformat(),
        "message": meeting.message,
        "location": meeting.location,
        "requester": user_data(meeting.requester),
        "invitee": user_data(meeting.invitee),
        "with": user_data(other),
        "awaiting_me": meeting.state == Meeting.State.PENDING and meeting.awaiting_id == viewer.pk,
        "updated_at": meeting.updated_at.isoformat(),
    }


def _notify(meeting, *, actor, what):
    """After commit: ``meeting.<what>`` to the other participant, with the meeting as they see it."""
    recipient = meeting.invitee if actor.pk == meeting.requester_id else meeting.requester
    payload = {
        "by": user_data(actor),
        **meeting_data(meeting, recipient),
    }
    bump_version(meeting.event)
    transaction.on_commit(lambda: bus.publish(f"user:{recipient.pk}", f"meeting.{what}", payload))
    notify(
        recipient.pk,
        f"meeting.{what}",
        event=meeting.event,
        data={
            **payload,
            "url": f"/events/{meeting.event.slug}/meetings/",
            "timezone": meeting.event.timezone,
        },
        calendar={
            "uid": f"meeting-{meeting.guid}",
            "start": meeting.start.isoformat(),
            "end": meeting.end.isoformat(),
            "summary": f"Treffpunkt: {display_name(meeting.requester)} / "
            f"{display_name(meeting.invitee)}",
            "organizer_name": display_name(actor),
            "location": meeting.location,
            "sequence": int(meeting.updated_at.timestamp()),
            "cancelled": what in ("cancelled", "declined"),
        },
    )


# --- changes ------------------------------------------------------------------------------------


def request_meeting(event, *, user, invitee_id, start, end, message="", location=""):
    """Ask ``invitee_id`` to meet; returns ``(meeting, warnings)``.

    Raises MatchmakingError (400) for bad input or the pending cap, AccessDenied when blocked or
    not taking part, ConflictError (409) when either side is busy then.
    """
    require(user, "matchmaking.take_part", event)
    invitee = meeting_partner(event, user, invitee_id)
    refusal = _blocked_message(event, user, invitee)
    if refusal:
        raise AccessDenied(refusal, code="blocked")
    message = _check_text(message, field="message", limit=MAX_MESSAGE)
    location = _check_location(location)
    _check_time(event, start, end)
    try:
        with transaction.atomic():
            _lock_users(user, invitee)
            # Requests whose time has passed can no longer be accepted, so they do not count.
            pending = Meeting.objects.filter(
                event=event, requester=user, state=Meeting.State.PENDING, start__gt=timezone.now()
            ).count()
            if pending >= MAX_PENDING:
                raise MatchmakingError(
                    _(
                        "You have %(count)d open requests. Wait for answers or withdraw one "
                        "before you ask again."
                    )
                    % {"count": pending},
                    code="pending_limit",
                )
            _check_free(event, user, invitee, start, end)
            meeting = Meeting.objects.create(
                event=event,
                requester=user,
                invitee=invitee,
                awaiting=invitee,
                start=start,
                end=end,
                message=message,
                location=location,
            )
            _save_holds(meeting)
            _notify(meeting, actor=user, what="requested")
    except IntegrityError:
        raise _overlap_conflict() from None
    return meeting, agenda_clashes(user, event, start, end)


def _answerable(meeting, user):
    if meeting.state != Meeting.State.PENDING:
        raise ConflictError(
            _("This meeting is %(state)s and can no longer be answered.")
            % {"state": meeting.get_state_display()},
            code="not_pending",
        )
    if meeting.awaiting_id != user.pk:
        raise AccessDenied(_("The other side has to answer this request."), code="not_awaiting")


def _relock(meeting):
    """Re-read the meeting inside the transaction, after locking its participants."""
    _lock_users(meeting.requester, meeting.invitee)
    fresh = Meeting.objects.get(pk=meeting.pk)
    meeting.state, meeting.awaiting_id = fresh.state, fresh.awaiting_id
    meeting.start, meeting.end = fresh.start, fresh.end
    return meeting


def accept_meeting(meeting, *, user):
    """The awaited participant accepts; returns ``(meeting, warnings)`` for their own agenda."""
    require(user, "matchmaking.view_meeting", meeting)
    with transaction.atomic():
        _relock(meeting)
        _answerable(meeting, user)
        if meeting.start <= timezone.now():
            raise ConflictError(_("This meeting's time has passed."), code="past")
        meeting.state = Meeting.State.ACCEPTED
        meeting.awaiting = None
        meeting.save(update_fields=["state", "awaiting", "updated_at"])
        _save_holds(meeting)
        _notify(meeting, actor=user, what="accepted")
    return meeting, agenda_clashes(user, meeting.event, meeting.start, meeting.end)


def decline_meeting(meeting, *, user):
    """The awaited participant declines; the time is free again for both."""
    require(user, "matchmaking.view_meeting", meeting)
    with transaction.atomic():
        _relock(meeting)
        _answerable(meeting, user)
        meeting.state = Meeting.State.DECLINED
        meeting.awaiting = None
        meeting.save(update_fields=["state", "awaiting", "updated_at"])
        _save_holds(meeting)
        _notify(meeting, actor=user, what="declined")
    return meeting


def cancel_meeting(meeting, *, user):
    """Either participant calls off a pending or accepted meeting (a requester withdraws)."""
    require(user, "matchmaking.view_meeting", meeting)
    with transaction.atomic():
        _relock(meeting)
        if not meeting.is_active:
            raise ConflictError(
                _("This meeting is already %(state)s.") % {"state": meeting.get_state_display()},
                code="not_active",
            )
        meeting.state = Meeting.State.CANCELLED
        meeting.awaiting = None
        meeting.save(update_fields=["state", "awaiting", "updated_at"])
        _save_holds(meeting)
        _notify(meeting, actor=user, what="cancelled")
    return meeting


def reschedule_meeting(meeting, *, user, start, end):
    """Either participant proposes a new time; the meeting is pending until the other accepts.

    Returns ``(meeting, warnings)``. Same checks as a request; the meeting's own old time does not
    count as busy.
    """
    require(user, "matchmaking.view_meeting", meeting)
    event = meeting.event
    other = meeting.invitee if user.pk == meeting.requester_id else meeting.requester
    refusal = _blocked_message(event, user, other)
    if refusal:
        raise AccessDenied(refusal, code="blocked")
    _check_time(event, start, end)
    try:
        with transaction.atomic():
            _relock(meeting)
            if not meeting.is_active:
                raise ConflictError(
                    _("This meeting is %(state)s and can no longer be moved.")
                    % {"state": meeting.get_state_display()},
                    code="not_active",
                )
            if (meeting.start, meeting.end) == (start, end):
                raise MatchmakingError(_("Choose a different time."), field="start")
            _check_free(event, user, other, start, end, exclude_meeting=meeting)
            meeting.start, meeting.end = start, end
            meeting.state = Meeting.State.PENDING
            meeting.awaiting = other
            meeting.save(update_fields=["start", "end", "state", "awaiting", "updated_at"])
            _save_holds(meeting)
            _notify(meeting, actor=user, what="rescheduled")
    except IntegrityError:
        raise _overlap_conflict() from None
    return meeting, agenda_clashes(user, event, start, end)


# --- slots (organizers) ---------------------------------------------------------------------------


def create_slot(event, *, user, start, end):
    require(user, "matchmaking.manage_slots", event)
    if end <= start:
        raise MatchmakingError(_("The end must be after the start."), field="end")
    if not (event.starts_at <= start and end <= event.ends_at):
        raise MatchmakingError(_("The slot must lie within the event's days."), field="start")
    if MeetingSlot.objects.filter(event=event, start=start, end=end).exists():
        raise MatchmakingError(_("This slot exists already."), field="start")
    return MeetingSlot.objects.create(event=event, start=start, end=end)


def create_slot_series(event, *, user, day, first, last, minutes):
    """Slots of ``minutes`` each on ``day`` from ``first`` until ``last`` (local times of the event).

    Slots that exist already are kept; returns the new ones. Raises MatchmakingError for a day
    outside the event, an empty range, a length outside 5–240 minutes or more than 100 slots.
    """
    require(user, "matchmaking.manage_slots", event)
    if day not in event.days:
        raise MatchmakingError(_("Choose one of the event's days."), field="day")
    if not 5 <= minutes <= 240:
        raise MatchmakingError(_("Between 5 and 240 minutes."), field="minutes")
    start = datetime.combine(day, first, tzinfo=event.tz)
    end = datetime.combine(day, last, tzinfo=event.tz)
    if end <= start:
        raise MatchmakingError(_("The end must be after the start."), field="to")
    step = timedelta(minutes=minutes)
    count = int((end - start) / step)
    if count < 1:
        raise MatchmakingError(_("The range is shorter than one slot."), field="to")
    if count > MAX_SERIES:
        raise MatchmakingError(
            _("At most %(count)d slots at once.") % {"count": MAX_SERIES}, field="minutes"
        )
    wanted = [(start + step * index, start + step * (index + 1)) for index in range(count)]
    with transaction.atomic():
        existing = set(
            MeetingSlot.objects.filter(event=event, start__gte=start, end__lte=end).values_list(
                "start", "end"
            )
        )
        return MeetingSlot.objects.bulk_create(
            MeetingSlot(event=event, start=slot_start, end=slot_end)
            for slot_start, slot_end in wanted
            if (slot_start, slot_end) not in existing
        )


def delete_slot(slot, *, user):
    """Remove a slot; meetings already in it stay."""
    require(user, "matchmaking.manage_slots", slot.event)
    slot.delete()


# --- reports ------------------------------------------------------------------------------------


def report_user(event, *, user, reported_id, reason, conversation=None, block=False):
    """Tell the organizers about another attendee; optionally block them in the same step.

    Each organizer's ``user:<id>`` gets ``report.created``.
    """
    require(user, "matchmaking.take_part", event)
    if reported_id == user.pk:
        raise MatchmakingError(_("You cannot report yourself."), field="user")
    reported = get_user_model().objects.filter(pk=reported_id).first()
    if reported is None or not allowed(reported, "matchmaking.take_part", event):
        raise MatchmakingError(_("Unknown participant."), field="user")
    reason = _check_text(reason, field="reason", limit=MAX_REASON)
    if not reason:
        raise MatchmakingError(_("Please say what happened."), field="reason")
    if conversation is not None and not (
        conversation.event_id == event.pk
        and conversation.has_participant(user)
        and conversation.has_participant(reported)
    ):
        raise MatchmakingError(
            _("Not a conversation of yours with this person."), field="conversation"
        )
    with transaction.atomic():
        report = Report.objects.create(
            event=event, reporter=user, reported=reported, conversation=conversation, reason=reason
        )
        if block:
            Block.objects.get_or_create(event=event, blocker=user, blocked=reported)
            bump_version(event)
        organizer_ids = list(
            Registration.objects.filter(event=event, role=Registration.Role.ORGANIZER).values_list(
                "user_id", flat=True
            )
        )
        payload = {
            "id": report.pk,
            "event": event.slug,
            "reported": user_data(reported),
        }
        transaction.on_commit(
            lambda: [
                bus.publish(f"user:{organizer_id}", "report.created", payload)
                for organizer_id in organizer_ids
            ]
        )
        for organizer_id in organizer_ids:
            notify(organizer_id, "report.created", event=event, data=payload)
    return report


def resolve_report(report, *, user):
    require(user, "matchmaking.handle_reports", report.event)
    report.state = Report.State.RESOLVED
    report.resolved_by = user
    report.resolved_at = timezone.now()
    report.save(update_fields=["state", "resolved_by", "resolved_at"])
    return report
