"""Every change to the congress goes through here: rules checked, then written atomically.

Each function raises :class:`ProgrammeError` (a DomainError naming the field at fault) for a refused
change. Programme changes bump ``Event.programme_version`` (which tags the cached exports) and, once
committed, push ``programme.changed`` to the ``event:<slug>`` topic.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from treffpunkt.access import require
from treffpunkt.errors import DomainError
from treffpunkt.realtime.events import emit

from . import hooks
from .models import (
    CANCELLATION_NOTE_MAX,
    Event,
    Favourite,
    Registration,
    Room,
    Session,
    Speaker,
    Track,
)
from .permissions import forget_roles

SESSION_FIELDS = (
    "title",
    "abstract",
    "description",
    "kind",
    "language",
    "start",
    "end",
    "room",
    "track",
    "capacity",
    "state",
    "cancellation_note",
)


class ProgrammeError(DomainError):
    pass


def _format_time(event, moment):
    return moment.astimezone(event.tz).strftime("%d.%m.%Y %H:%M")


def check_session(
    event, *, session_id, start, end, room, speakers, capacity, state, conflicts="raise"
):
    """Check a session in this slot against the programme's rules: the one place they live.

    A slot that cannot be at all — ending before it starts, outside the event's dates, with another
    event's room or speaker — always raises ProgrammeError. Conflicts with the rest of the
    programme — more seats than the room holds, the room or a speaker booked by another session at
    the same time — raise the first one found too (``conflicts="raise"``, what every edit uses);
    with ``conflicts="return"`` all of them are returned instead, a list of ProgrammeError (empty
    when there is none). The schedule import does that: the planning tool it follows is
    authoritative, so it keeps the session and reports the conflicts.
    """
    if conflicts not in ("raise", "return"):
        raise ValueError(f"conflicts must be 'raise' or 'return', not {conflicts!r}")
    if end <= start:
        raise ProgrammeError(
            _("The end must be after the start."), code="end_before_start", field="end"
        )
    if start < event.starts_at or end > event.ends_at:
        start_inside = event.starts_at <= start < event.ends_at
        field = "end" if start_inside else "start"
        raise ProgrammeError(
            _("The session must lie within the event's dates (%(first)s to %(last)s).")
            % {
                "first": event.start_date.strftime("%d.%m.%Y"),
                "last": event.end_date.strftime("%d.%m.%Y"),
            },
            code="outside_event",
            field=field,
        )
    if room is not None and room.event_id != event.pk:
        raise ProgrammeError(
            _("This room belongs to another event."), code="foreign_room", field="room"
        )
    for speaker in speakers:
        if speaker.event_id != event.pk:
            raise ProgrammeError(
                _("Speaker %(name)s belongs to another event.") % {"name": speaker.name},
                code="foreign_speaker",
                field="speakers",
            )
    found = []

    def conflict(error):
        if conflicts == "raise":
            raise error
        found.append(error)

    if (
        capacity is not None
        and room is not None
        and room.capacity is not None
        and capacity > room.capacity
    ):
        conflict(
            ProgrammeError(
                _("The capacity (%(capacity)s) exceeds the room's capacity (%(room_capacity)s).")
                % {"capacity": capacity, "room_capacity": room.capacity},
                code="capacity_above_room",
                field="capacity",
            )
        )
    if state == Session.State.CANCELLED:
        return found
    overlapping = (
        Session.objects.filter(event=event, start__lt=end, end__gt=start)
        .exclude(state=Session.State.CANCELLED)
        .exclude(pk=session_id)
        .order_by("start", "pk")
    )
    if room is not None:
        for clash in overlapping.filter(room=room):
            conflict(
                ProgrammeError(
                    _("Room %(room)s is already booked from %(start)s to %(end)s by „%(title)s“.")
                    % {
                        "room": room.name,
                        "start": _format_time(event, clash.start),
                        "end": _format_time(event, clash.end),
                        "title": clash.title,
                    },
                    code="room_double_booked",
                    field="room",
                )
            )
    if speakers:
        names = {s.name for s in speakers}
        for clash in (
            overlapping.filter(speakers__in=speakers).distinct().prefetch_related("speakers")
        ):
            busy = sorted({s.name for s in clash.speakers.all()} & names)
            conflict(
                ProgrammeError(
                    _("%(speakers)s already speaks from %(start)s to %(end)s in „%(title)s“.")
                    % {
                        "speakers": ", ".join(busy),
                        "start": _format_time(event, clash.start),
                        "end": _format_time(event, clash.end),
                        "title": clash.title,
                    },
                    code="speaker_double_booked",
                    field="speakers",
                )
            )
    return found


def _lock_event(event):
    """Serialise programme writes of one event, so two checks cannot pass side by side."""
    Event.objects.select_for_update().filter(pk=event.pk).values_list("pk", flat=True).first()


def _programme_changed(event, *, action, session=None, announce_as=None):
    """Retag the exports and push ``programme.changed`` to ``event:<slug>`` (stored for resume)."""
    Event.objects.filter(pk=event.pk).update(programme_version=F("programme_version") + 1)
    from .serializers import session_event_data

    data = {"action": action}
    if session is not None:
        data["session"] = session_event_data(session)
        announced = announce_as or ANNOUNCED_SESSION_ACTIONS.get(action, "session.changed")
        hooks.announce(event, announced, data)
    emit(f"event:{event.slug}", "programme.changed", data)


# programme.changed actions → the outward announcement (webhooks) they make.
ANNOUNCED_SESSION_ACTIONS = {
    "created": "session.created",
    "cancelled": "session.cancelled",
    "deleted": "session.cancelled",
}


def mark_release(event, *, version):
    """Record that the programme as it stands is published as release ``version``: the exports
    carry that name from now on (``exports.version_for``). The caller checks permission."""
    with transaction.atomic():
        _lock_event(event)
        Event.objects.filter(pk=event.pk).update(
            programme_version=F("programme_version") + 1,
            released_programme_version=F("programme_version") + 1,
            release_version=version,
        )
        event.refresh_from_db(
            fields=["programme_version", "released_programme_version", "release_version"]
        )
    return event


def session_state_data(session):
    from .live_services import chat_is_open

    return {
        "session": session.pk,
        "state": session.state,
        "chat_open": chat_is_open(session),
        "cancellation_note": session.cancellation_note,
    }


def note_programme_change(event, *, session=None):
    """For changes made outside these services (the admin): retag exports and push the change."""
    _programme_changed(event, action="changed", session=session)


# An event is a congress of days, not years: a longer span makes every per-day page and export
# (the public event list, the schedule) as long as the span.
MAX_EVENT_DAYS = 31


def check_event_dates(start_date, end_date):
    """Raise ProgrammeError unless the event's last day follows its first within MAX_EVENT_DAYS."""
    if end_date < start_date:
        raise ProgrammeError(_("The last day must not be before the first."), field="end_date")
    if (end_date - start_date).days >= MAX_EVENT_DAYS:
        raise ProgrammeError(
            _("An event lasts at most %(days)s days.") % {"days": MAX_EVENT_DAYS},
            field="end_date",
        )


def create_event(*, user, **fields):
    """Create an event; its creator becomes its first organizer. Raises AccessDenied,
    ProgrammeError (dates)."""
    require(user, "congress.add_event")
    check_event_dates(fields["start_date"], fields["end_date"])
    with transaction.atomic():
        event = Event.objects.create(**fields)
        Registration.objects.create(event=event, user=user, role=Registration.Role.ORGANIZER)
    forget_roles(user)
    return event


def update_event(event, *, user, **fields):
    require(user, "congress.change_event", event)
    check_event_dates(
        fields.get("start_date", event.start_date), fields.get("end_date", event.end_date)
    )
    with transaction.atomic():
        for name, value in fields.items():
            setattr(event, name, value)
        event.save()
        _programme_changed(event, action="event")
    return event


def create_session(*, user, event, speakers=(), allow_conflicts=False, **fields):
    """Schedule a session. Raises ProgrammeError on a room/speaker clash or a slot outside the event.

    ``allow_conflicts`` (the schedule import only) keeps a session that conflicts with the rest of
    the programme (``check_session``); the caller reports the conflicts.
    """
    require(user, "congress.change_programme", event)
    speakers = list(speakers)
    fields.setdefault("state", Session.State.SCHEDULED)
    with transaction.atomic():
        _lock_event(event)
        check_session(
            event,
            session_id=None,
            start=fields["start"],
            end=fields["end"],
            room=fields.get("room"),
            speakers=speakers,
            capacity=fields.get("capacity"),
            state=fields["state"],
            conflicts="return" if allow_conflicts else "raise",
        )
        session = Session.objects.create(event=event, **fields)
        session.speakers.set(speakers)
        _programme_changed(event, action="created", session=session)
    return session


def update_session(session, *, user, speakers=None, allow_conflicts=False, **fields):
    """Change or move a session; the same rules as create_session apply to the new slot (and
    ``allow_conflicts`` as there)."""
    event = session.event
    require(user, "congress.change_programme", event)
    if "cancellation_note" in fields:
        fields["cancellation_note"] = clean_cancellation_note(fields["cancellation_note"])
    with transaction.atomic():
        _lock_event(event)
        new_speakers = list(speakers) if speakers is not None else list(session.speakers.all())
        merged = {name: fields.get(name, getattr(session, name)) for name in SESSION_FIELDS}
        check_session(
            event,
            session_id=session.pk,
            start=merged["start"],
            end=merged["end"],
            room=merged["room"],
            speakers=new_speakers,
            capacity=merged["capacity"],
            state=merged["state"],
            conflicts="return" if allow_conflicts else "raise",
        )
        state_before = session.state
        room_before = session.room_id
        moved = merged["start"] != session.start or merged["room"] != session.room
        cancelled = merged["state"] == Session.State.CANCELLED and session.state != merged["state"]
        for name, value in fields.items():
            setattr(session, name, value)
        session.save()
        if speakers is not None:
            session.speakers.set(new_speakers)
        action = "cancelled" if cancelled else "moved" if moved else "changed"
        _programme_changed(event, action=action, session=session)
        if session.room_id != room_before and session.room is not None:
            # Open pages of the moved session play the new room's stream from now on (pushed
            # after the move, so they already know their new room; a page in that room already
            # playing the stream ignores it).
            hooks.room_stream_changed(session.room)
        if "state" in fields and state_before != session.state:
            emit(f"session:{session.pk}", "session.state", session_state_data(session))
            transaction.on_commit(lambda: hooks.session_state_changed(session))
    return session


def delete_session(session, *, user):
    event = session.event
    require(user, "congress.change_programme", event)
    with transaction.atomic():
        snapshot = Session(
            pk=session.pk,
            guid=session.guid,
            event=event,
            title=session.title,
            start=session.start,
            end=session.end,
            room=session.room,
            track=session.track,
            kind=session.kind,
            state=session.state,
        )
        session.delete()
        _programme_changed(event, action="deleted", session=snapshot)


def clean_cancellation_note(note):
    """The note as stored: trimmed; ProgrammeError when it is longer than the field allows."""
    note = (note or "").strip()
    if len(note) > CANCELLATION_NOTE_MAX:
        raise ProgrammeError(
            _("The note may have at most %(max)s characters.") % {"max": CANCELLATION_NOTE_MAX},
            field="cancellation_note",
            code="too_long",
        )
    return note


def set_session_state(session, *, user, state, note=None):
    """Start, end or cancel a session; organizers and its own speakers may.

    ``note`` goes with a cancellation (``None`` keeps the stored note, ``""`` clears it); on an
    already cancelled session it changes the note. The note stays stored when the session is
    scheduled again, and is shown only while it is cancelled. Pushes ``programme.changed``
    (action ``state``) and ``session.state``; a cancellation is announced as
    ``session.cancelled``. Raises AccessDenied, ProgrammeError (unknown state, a note with another
    state, a note too long, the slot taken when a cancelled session comes back).
    """
    require(user, "congress.change_session_state", session)
    if state not in Session.State.values:
        raise ProgrammeError(_("Unknown state."), field="state")
    if note is not None:
        if state != Session.State.CANCELLED:
            raise ProgrammeError(
                _("A note goes only with a cancellation."), field="cancellation_note"
            )
        note = clean_cancellation_note(note)
    if state == session.state and (note is None or note == session.cancellation_note):
        return session
    state_changed = state != session.state
    with transaction.atomic():
        if session.state == Session.State.CANCELLED and state_changed:
            # A cancelled session holds no slot; reinstating it must find its slot free again.
            _lock_event(session.event)
            check_session(
                session.event,
                session_id=session.pk,
                start=session.start,
                end=session.end,
                room=session.room,
                speakers=list(session.speakers.all()),
                capacity=session.capacity,
                state=state,
            )
        session.state = state
        if note is not None:
            session.cancellation_note = note
        session.save(update_fields=["state", "cancellation_note", "updated_at"])
        cancelled = state_changed and state == Session.State.CANCELLED
        # The control room and POST …/state/ cancel here; webhooks hear it as from update_session.
        _programme_changed(
            session.event,
            action="state",
            session=session,
            announce_as="session.cancelled" if cancelled else None,
        )
        emit(f"session:{session.pk}", "session.state", session_state_data(session))
        if state_changed:
            transaction.on_commit(lambda: hooks.session_state_changed(session))
    return session


def _save_programme_object(model, instance, *, user, event, fields):
    """Create or change a room, track or speaker. Raises AccessDenied, ProgrammeError (a room's
    or track's name taken in the event, or a speaker's user linked twice)."""
    require(user, "congress.change_programme", event)
    try:
        with transaction.atomic():
            if instance is None:
                instance = model.objects.create(event=event, **fields)
            else:
                for name, value in fields.items():
                    setattr(instance, name, value)
                instance.save()
            _programme_changed(event, action=model._meta.model_name)
    except IntegrityError:
        # Only the event-scoped unique constraints can fail here; two organizers saving the same
        # name at once both reach this, so it is not checked before.
        field = "user" if model is Speaker else "name"
        raise ProgrammeError(
            _("This is already taken in this event."), field=field, code="duplicate"
        ) from None
    return instance


def save_room(room=None, *, user, event, **fields):
    """Create or change a room. A changed stream URL reaches the open players at once
    (``hooks.room_stream_changed``). Raises AccessDenied, ProgrammeError (a name taken, a
    capacity below one of its sessions')."""
    if room is not None and "capacity" in fields and fields["capacity"] is not None:
        bigger = room.sessions.filter(capacity__gt=fields["capacity"]).order_by("-capacity").first()
        if bigger is not None:
            raise ProgrammeError(
                _("„%(title)s“ in this room has a capacity of %(capacity)s.")
                % {"title": bigger.title, "capacity": bigger.capacity},
                field="capacity",
            )
    stream_before = room.stream_url if room is not None else None
    with transaction.atomic():
        saved = _save_programme_object(Room, room, user=user, event=event, fields=fields)
        if stream_before is not None and saved.stream_url != stream_before:
            hooks.room_stream_changed(saved)
    return saved


def note_room_change(room, *, stream_changed):
    """For room changes made outside these services (the admin): retag the exports, push the
    change, and tell the stage when the stream URL changed."""
    with transaction.atomic():
        _programme_changed(room.event, action="room")
        if stream_changed:
            hooks.room_stream_changed(room)


def note_stage_change(*, event_id=None, room_id=None):
    """What a session page's stage shows besides the programme changed for the event or the room:
    stage settings, a stream type or poster, captions or sign language, saved or deleted (the
    stage and accessibility apps' signals). The event's next session pages are built again
    (``Event.stage_version``, web/page_cache.py). Not a programme change: exports keep their
    version."""
    if room_id is not None:
        event_id = Room.objects.filter(pk=room_id).values_list("event_id", flat=True).first()
    if event_id is not None:
        Event.objects.filter(pk=event_id).update(stage_version=F("stage_version") + 1)


def stage_changed(sender, instance, **_kwargs):
    """``post_save``/``post_delete`` receiver of the stage and accessibility apps' models of an
    event (``event_id``) or a room (``room_id``): :func:`note_stage_change`."""
    room_id = getattr(instance, "room_id", None)
    note_stage_change(event_id=None if room_id else instance.event_id, room_id=room_id)


def save_track(track=None, *, user, event, **fields):
    return _save_programme_object(Track, track, user=user, event=event, fields=fields)


def save_speaker(speaker=None, *, user, event, **fields):
    return _save_programme_object(Speaker, speaker, user=user, event=event, fields=fields)


def delete_programme_object(instance, *, user):
    event = instance.event
    require(user, "congress.change_programme", event)
    if isinstance(instance, Room) and instance.sessions.exists():
        raise ProgrammeError(
            _("Sessions are scheduled in this room; move them first."), field="room"
        )
    with transaction.atomic():
        instance.delete()
        _programme_changed(event, action="deleted")


def register(*, user, event, role=Registration.Role.ATTENDEE, by=None):
    """Register ``user`` for ``event``. Only organizers (``by``) grant roles other than attendee."""
    if by is None or by == user:
        require(user, "congress.register", event)
        if role != Registration.Role.ATTENDEE:
            require(user, "congress.view_registrations", event)
        _check_registration_gates(user, event)
    else:
        require(by, "congress.view_registrations", event)
    with transaction.atomic():
        registration, created = Registration.objects.get_or_create(
            event=event, user=user, defaults={"role": role}
        )
        if created:
            hooks.announce(event, "registration.created", registration_announcement(registration))
    if not created and registration.role != role and by is not None and by != user:
        registration.role = role
        registration.save(update_fields=["role"])
    forget_roles(user)
    return registration


def _check_registration_gates(user, event):
    if Registration.objects.filter(event=event, user=user).exists():
        return
    refusal = hooks.registration_refusal(user, event)
    if refusal:
        raise ProgrammeError(refusal, code="registration_refused")


def registration_announcement(registration):
    """What a registration webhook carries: ids and the role, no personal data."""
    return {
        "registration": {
            "id": registration.pk,
            "user": registration.user_id,
            "role": registration.role,
            "created_at": registration.created_at.isoformat(),
        }
    }


def unregister(*, user, event):
    """Withdraw the user's registration and agenda. The last organizer cannot leave the event."""
    organizers = Registration.objects.filter(event=event, role=Registration.Role.ORGANIZER)
    if organizers.filter(user=user).exists() and organizers.count() == 1:
        raise ProgrammeError(
            _("You are the event's last organizer; name another organizer first."),
            code="last_organizer",
        )
    Registration.objects.filter(event=event, user=user).delete()
    Favourite.objects.filter(user=user, session__event=event).delete()
    forget_roles(user)


def add_favourite(*, user, session):
    require(user, "congress.keep_agenda", session.event)
    _check_registration_gates(user, session.event)
    with transaction.atomic():
        Registration.objects.get_or_create(event=session.event, user=user)
        favourite, _created = Favourite.objects.get_or_create(user=user, session=session)
    return favourite


def remove_favourite(*, user, session):
    Favourite.objects.filter(user=user, session=session).delete()
