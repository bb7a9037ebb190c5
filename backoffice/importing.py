"""Import a programme planned elsewhere on top of an event, in place.

Rooms, tracks, speakers and sessions are matched by guid, then by the file's id (or pretalx code),
then — rooms, tracks and speakers only — by name, so importing the same file again changes nothing
and a newer file updates what it names. Sessions an earlier import brought that the newer file no
longer lists are cancelled, never deleted (their chat, questions and polls stay).

Every write goes through ``congress.services``, so every change is pushed live
(``programme.changed``) and announced to webhooks. The planning tool is authoritative: a session
that conflicts with the rest of our programme (its room or a speaker booked twice at once, more
seats than the room holds) is imported all the same, and ``congress.services.check_session`` — the
rules' one place — reports each such conflict per session, in the report and in the stored
``ScheduleImport``. Only a session that cannot be at all (outside the event's dates, ending before
it starts) is refused, reported and left as it was. A dry run does all of it inside a transaction
that is rolled back, so its report is exactly what the real import would do.
"""

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress import services
from congress.models import Room, Session, Speaker, Track
from congress.services import ProgrammeError
from treffpunkt.access import require

from .models import ImportedObject, ScheduleImport

Kind = ImportedObject.Kind

SESSION_KINDS = {
    "lecture": Session.Kind.TALK,
    "talk": Session.Kind.TALK,
    "keynote": Session.Kind.KEYNOTE,
    "panel": Session.Kind.PANEL,
    "podium": Session.Kind.PANEL,
    "discussion": Session.Kind.PANEL,
    "workshop": Session.Kind.WORKSHOP,
    "hands-on": Session.Kind.WORKSHOP,
    "meeting": Session.Kind.ROUND_TABLE,
    "round_table": Session.Kind.ROUND_TABLE,
    "break": Session.Kind.BREAK,
    "pause": Session.Kind.BREAK,
}


def _uuid(text):
    try:
        return uuid.UUID(text)
    except (TypeError, ValueError, AttributeError):
        return None


class _Matcher:
    """Finds our row for a file's object: own guid field, then recorded identifiers, then name."""

    def __init__(self, event, kind, model):
        self.event = event
        self.kind = kind
        self.model = model
        self.known = dict(
            ImportedObject.objects.filter(event=event, kind=kind).values_list(
                "external_id", "object_id"
            )
        )
        self.rows = {row.pk: row for row in model.objects.filter(event=event)}

    def find(self, keys, *, name=None, use_guid_field=True):
        for key in keys:
            if use_guid_field and key.startswith("guid:"):
                guid = _uuid(key[5:])
                if guid is not None and hasattr(self.model, "guid"):
                    for row in self.rows.values():
                        if row.guid == guid:
                            return row
            object_id = self.known.get(key)
            if object_id in self.rows:
                return self.rows[object_id]
        if name:
            for row in self.rows.values():
                if row.name == name:
                    return row
        return None

    def remember(self, row, keys):
        self.rows[row.pk] = row
        for key in keys:
            if self.known.get(key) != row.pk:
                ImportedObject.objects.update_or_create(
                    event=self.event,
                    kind=self.kind,
                    external_id=key[:100],
                    defaults={"object_id": row.pk},
                )
                self.known[key] = row.pk

    def free_guid(self, text):
        """The file's guid if no row anywhere holds it yet (guids are unique site-wide)."""
        guid = _uuid(text)
        if guid is None or self.model.objects.filter(guid=guid).exists():
            return None
        return guid


def _section():
    return {"created": [], "updated": [], "unchanged": 0}


def _changed_fields(instance, fields):
    return sorted(name for name, value in fields.items() if getattr(instance, name) != value)


def import_programme(event, programme, *, user, dry_run=False, source=""):
    """Bring ``event``'s programme in line with ``programme`` (``formats.parse``'s result).

    Returns the report: per kind what was created, updated and left unchanged, the sessions
    cancelled because the file no longer lists them, the ``conflicts`` of the imported sessions
    with our rules (kept: one entry per session and conflict — guid, title, field, code, message),
    the sessions ``refused`` (same entries) and ``warnings`` about the file. A real import is
    stored as a ``ScheduleImport`` (``source`` names the file or URL), unless it changed nothing
    and found what the event's last stored import found. Raises AccessDenied for non-organizers.
    With ``dry_run`` nothing is kept and nothing is pushed.
    """
    require(user, "backoffice.import_programme", event)
    report = {
        "dry_run": dry_run,
        "version": programme.version,
        "rooms": _section(),
        "tracks": _section(),
        "speakers": _section(),
        "sessions": {**_section(), "cancelled": []},
        "conflicts": [],
        "refused": [],
        "warnings": [],
    }
    with transaction.atomic():
        rooms = _import_rooms(event, programme, user=user, report=report)
        tracks = _import_tracks(event, programme, user=user, report=report)
        speakers = _import_speakers(event, programme, user=user, report=report)
        _import_sessions(event, programme, rooms, tracks, speakers, user=user, report=report)
        if dry_run:
            transaction.set_rollback(True)
        else:
            _store(event, report, user=user, source=source)
    return report


def _store(event, report, *, user, source):
    summary = summary_of(report)
    found = {key: report[key] for key in ("conflicts", "refused", "warnings")}
    last = ScheduleImport.objects.filter(event=event).order_by("-pk").first()
    changed = report["sessions"]["cancelled"] or any(
        report[kind]["created"] or report[kind]["updated"]
        for kind in ("rooms", "tracks", "speakers", "sessions")
    )
    if last is not None and not changed and found == {key: getattr(last, key) for key in found}:
        # A cron job importing an unchanged schedule every few minutes adds nothing to read.
        return
    ScheduleImport.objects.create(
        event=event,
        source=source[:500],
        version=(report["version"] or "")[:64],
        summary=summary,
        created_by=user,
        **found,
    )


def _import_rooms(event, programme, *, user, report):
    matcher = _Matcher(event, Kind.ROOM, Room)
    entries = {room.name: room for room in programme.rooms if room.name}
    for talk in programme.talks:
        entries.setdefault(talk.room, None)
    guid_names = {}
    for room in programme.rooms:
        if room.guid:
            guid_names.setdefault(room.guid, set()).add(room.name)
    # pretalx has given every room of an event the same guid; such a guid identifies nothing.
    shared = sorted(guid for guid, names in guid_names.items() if len(names) > 1)
    for guid in shared:
        report["warnings"].append(
            _("Rooms %(names)s share the guid %(guid)s; they are matched by name.")
            % {"names": ", ".join(sorted(guid_names[guid])), "guid": guid}
        )
    by_name = {}
    for position, (name, entry) in enumerate(entries.items()):
        guid = entry.guid if entry is not None and entry.guid not in shared else ""
        keys = [f"guid:{guid}"] if guid else []
        row = matcher.find(keys, name=name)
        fields = {"name": name}
        if entry is not None and entry.description:
            fields["description"] = entry.description
        if entry is not None and entry.capacity is not None:
            fields["capacity"] = entry.capacity
        if row is None:
            fields["position"] = position
            # Even a shared guid is kept by the first room that has it, as the file says.
            free = matcher.free_guid(entry.guid if entry is not None else "")
            if free is not None:
                fields["guid"] = free
            row = services.save_room(user=user, event=event, **fields)
            report["rooms"]["created"].append(name)
        elif _changed_fields(row, fields):
            try:
                with transaction.atomic():
                    row = services.save_room(row, user=user, event=event, **fields)
                report["rooms"]["updated"].append(name)
            except ProgrammeError as error:
                report["warnings"].append(f"{name}: {error.message}")
        else:
            report["rooms"]["unchanged"] += 1
        matcher.remember(row, keys)
        by_name[name] = row
    return by_name


def _import_tracks(event, programme, *, user, report):
    colours = {track.name: track.color for track in programme.tracks if track.name}
    for talk in programme.talks:
        if talk.track:
            colours.setdefault(talk.track, "")
    existing = {track.name: track for track in Track.objects.filter(event=event)}
    by_name = {}
    for name, colour in colours.items():
        row = existing.get(name)
        fields = {"name": name}
        if colour and len(colour) == 7 and colour.startswith("#"):
            fields["color"] = colour
        if row is None:
            row = services.save_track(user=user, event=event, **fields)
            report["tracks"]["created"].append(name)
        elif _changed_fields(row, fields):
            row = services.save_track(row, user=user, event=event, **fields)
            report["tracks"]["updated"].append(name)
        else:
            report["tracks"]["unchanged"] += 1
        by_name[name] = row
    return by_name


def _import_speakers(event, programme, *, user, report):
    matcher = _Matcher(event, Kind.SPEAKER, Speaker)
    by_key = {}
    done = set()
    for talk in programme.talks:
        for person in talk.persons:
            if not person.name:
                continue
            identity = tuple(person.keys) or (f"name:{person.name}",)
            if identity in by_key:
                continue
            row = matcher.find(person.keys, name=person.name)
            fields = {"name": person.name}
            if person.biography:
                fields["bio"] = person.biography
            if row is None:
                free = matcher.free_guid(person.guid)
                if free is not None:
                    fields["guid"] = free
                row = services.save_speaker(user=user, event=event, **fields)
                report["speakers"]["created"].append(person.name)
            elif row.pk not in done and _changed_fields(row, fields):
                row = services.save_speaker(row, user=user, event=event, **fields)
                report["speakers"]["updated"].append(person.name)
            elif row.pk not in done:
                report["speakers"]["unchanged"] += 1
            done.add(row.pk)
            matcher.remember(row, person.keys)
            by_key[identity] = row
    return by_key


def _person_row(by_key, person):
    return by_key.get(tuple(person.keys) or (f"name:{person.name}",))


def _session_entry(session):
    return {"guid": str(session.guid), "title": session.title}


def _rule_entry(talk, error):
    return {
        "guid": talk.guid,
        "title": talk.title,
        "field": error.field,
        "code": error.code,
        "message": error.message,
    }


def _import_sessions(event, programme, rooms, tracks, speakers, *, user, report):
    matcher = _Matcher(event, Kind.SESSION, Session)
    section = report["sessions"]
    seen = set()
    kept = []
    for talk in programme.talks:
        fields = {
            "title": talk.title[:300],
            "abstract": talk.abstract,
            "description": talk.description,
            "kind": SESSION_KINDS.get(talk.type.lower(), Session.Kind.TALK),
            "language": (talk.language or (event.languages or ["de"])[0])[:8],
            "start": talk.start,
            "end": talk.end,
            "room": rooms.get(talk.room),
            "track": tracks.get(talk.track) if talk.track else None,
        }
        people = [row for row in (_person_row(speakers, p) for p in talk.persons) if row]
        row = matcher.find(talk.keys)
        written = {"user": user, "speakers": people, "allow_conflicts": True}
        try:
            with transaction.atomic():
                if row is None:
                    free = matcher.free_guid(talk.guid)
                    if free is not None:
                        fields["guid"] = free
                    row = services.create_session(event=event, **written, **fields)
                    section["created"].append(_session_entry(row))
                else:
                    if row.state == Session.State.CANCELLED:
                        fields["state"] = Session.State.SCHEDULED
                    changed = _changed_fields(row, fields)
                    if {s.pk for s in row.speakers.all()} != {s.pk for s in people}:
                        changed.append("speakers")
                    if changed:
                        row = services.update_session(row, **written, **fields)
                        section["updated"].append({**_session_entry(row), "fields": changed})
                    else:
                        section["unchanged"] += 1
                matcher.remember(row, talk.keys)
            kept.append((talk, row, people))
        except ProgrammeError as error:
            report["refused"].append(_rule_entry(talk, error))
            if row is None:
                continue
        seen.add(row.pk)
    imported = set(matcher.known.values())
    for session in Session.objects.filter(event=event, pk__in=imported - seen).exclude(
        state=Session.State.CANCELLED
    ):
        services.update_session(session, user=user, state=Session.State.CANCELLED)
        section["cancelled"].append(_session_entry(session))
    # Conflicts are looked for once the whole file is in: a talk written early may clash with one
    # written later, or no longer clash once a later talk has moved or a missing one is cancelled.
    for talk, row, people in kept:
        report["conflicts"].extend(
            _rule_entry(talk, error) for error in _conflicts_of(event, row, people)
        )


def _conflicts_of(event, session, speakers):
    try:
        return services.check_session(
            event,
            session_id=session.pk,
            start=session.start,
            end=session.end,
            room=session.room,
            speakers=speakers,
            capacity=session.capacity,
            state=session.state,
            conflicts="return",
        )
    except ProgrammeError as error:
        # A session the file leaves unchanged may no longer fit the event (its dates changed).
        return [error]


def import_from_source(source, *, user, dry_run=False):
    """Fetch ``source.url`` and import it; remember when and what (for the admin's list)."""
    from .fetching import fetch_schedule
    from .formats import parse

    report = import_programme(
        source.event,
        parse(fetch_schedule(source.url)),
        user=user,
        dry_run=dry_run,
        source=source.url,
    )
    if not dry_run:
        source.last_imported_at = timezone.now()
        source.last_summary = summary_of(report)
        source.save(update_fields=["last_imported_at", "last_summary"])
    return report


def summary_of(report):
    """Counts of an import report, for lists and logs."""
    return {
        "created": len(report["sessions"]["created"]),
        "updated": len(report["sessions"]["updated"]),
        "unchanged": report["sessions"]["unchanged"],
        "cancelled": len(report["sessions"]["cancelled"]),
        "conflicts": len(report["conflicts"]),
        "refused": len(report["refused"]),
    }
