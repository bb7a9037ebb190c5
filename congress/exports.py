"""The schedule as files for other programs: frab XML, c3voc JSON and iCalendar.

Pure builders: each takes an event, its sessions (as ``selectors.sessions_for`` loads them, or any
iterable of sessions with room, track and speakers loaded) and the site's origin
(``https://example.org``, for the absolute URLs the formats require), and returns the file's bytes.
None of them queries beyond the loaded relations, so they can be timed and tested without a request.

What is left out, in every format: cancelled sessions. In XML and JSON also sessions without a room
(typically breaks), because both formats file every event under a room.
"""

import json
import re
import unicodedata
import xml.etree.ElementTree as ET  # noqa: N817 (the usual name)
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils.text import slugify

from .models import Session

# Part of every ETag and cache key: raise it when a builder's output changes for the same data.
REVISION = 2

GENERATOR = "Treffpunkt"
JSON_SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
TIMESLOT_DURATION = "00:05"

# The c3voc JSON schema's acronym rule; the XSD's ([a-z0-9_-]{4,}) is looser.
ACRONYM = re.compile(r"[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?")
JSON_SLUG = re.compile(r"[a-z0-9_-]+[a-z0-9]")
XML_TRACK_SLUG = re.compile(r"[a-z][a-z0-9-]+")
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# The JSON schema's time_zone_name pattern (its alternation is anchored only on one side each).
TIME_ZONE_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")
# Characters XML 1.0 cannot carry at all, not even escaped; an abstract pasted from a PDF may.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Day:
    index: int
    date: object
    start: datetime
    end: datetime
    sessions: list


def acronym_for(event):
    """The event's acronym in the form the c3voc schema accepts (``dsdr2026``, ``digital_2026``).

    The REST API already refuses other acronyms; this covers ones entered elsewhere (the admin).
    """
    acronym = event.acronym.strip().lower()
    if ACRONYM.fullmatch(acronym):
        return acronym
    folded = unicodedata.normalize("NFKD", acronym).encode("ascii", "ignore").decode()
    acronym = re.sub(r"[^a-z0-9_]+", "_", folded).strip("_") or "event"
    if len(acronym) < 4:
        acronym = f"{acronym}_{event.pk:03d}"
    return acronym


def programme_stamp(created_at, programme_version):
    """One state of an event's programme: its version, and the event's creation (in hex
    microseconds), since an event deleted and created again under the same slug or id (as by
    ``seed_demo --reset``) starts at version 1 again. Cached exports and pages are keyed by it."""
    return f"{round(created_at.timestamp() * 1_000_000):x}.{programme_version}"


def etag_for(slug, stamp, export):
    """Strong ETag of an export of an event's programme (``stamp``: :func:`programme_stamp`);
    every programme change changes it."""
    return f'"{slug}-{stamp}-{export}-r{REVISION}"'


def version_for(event):
    """The programme version the exports carry: the last release's name while the programme is as
    released, ``<release>+<changes since>`` after later changes, the change counter before any."""
    if not event.release_version:
        return str(event.programme_version)
    since = event.programme_version - (event.released_programme_version or 0)
    return event.release_version if since <= 0 else f"{event.release_version}+{since}"


def is_listed(session):
    """Whether the session appears in the XML/JSON schedule (every event there sits in a room)."""
    return session.state != Session.State.CANCELLED and session.room_id is not None


def _local(event, moment):
    return moment.astimezone(event.tz)


def _iso(moment):
    return moment.isoformat(timespec="seconds")


def _duration(session):
    minutes = int(session.duration.total_seconds()) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _session_slug(acronym, session):
    return f"{acronym}-{session.pk}-{slugify(session.title)}".rstrip("-_")


def _session_urls(origin, event):
    """session → absolute URL of its page; reverse() runs once, not once per session."""
    sentinel = 987654321
    path = reverse("web:session", kwargs={"slug": event.slug, "pk": sentinel})
    prefix, _, suffix = path.rpartition(str(sentinel))
    return lambda session: f"{origin}{prefix}{session.pk}{suffix}"


def _programme_url(origin, event):
    return origin + reverse("web:programme", kwargs={"slug": event.slug})


def _days(event, sessions):
    """The listed sessions by local day of their start, in order; every event day appears.

    A day spans its sessions (first start to last end), so readers draw no empty hours; a day
    without sessions spans the whole calendar day.
    """
    by_date = {day: [] for day in event.days}
    for session in sessions:
        by_date.setdefault(_local(event, session.start).date(), []).append(session)
    days = []
    for index, date in enumerate(sorted(by_date), start=1):
        listed = sorted(by_date[date], key=lambda s: (s.start, s.room.position, s.room_id, s.pk))
        if listed:
            start = _local(event, min(s.start for s in listed))
            end = _local(event, max(s.end for s in listed))
        else:
            start = datetime.combine(date, time.min, tzinfo=event.tz)
            end = datetime.combine(date + timedelta(days=1), time.min, tzinfo=event.tz)
        days.append(Day(index=index, date=date, start=start, end=end, sessions=listed))
    return days


def _rooms(sessions):
    rooms = {session.room_id: session.room for session in sessions}
    return sorted(rooms.values(), key=lambda room: (room.position, room.pk))


def _tracks(sessions):
    tracks = {session.track_id: session.track for session in sessions if session.track_id}
    return sorted(tracks.values(), key=lambda track: (track.name, track.pk))


# --- frab XML -----------------------------------------------------------------------------------


def _text(value):
    return XML_ILLEGAL.sub("", str(value))


def _sub(parent, tag, text=None, **attributes):
    element = ET.SubElement(parent, tag, {key: _text(value) for key, value in attributes.items()})
    if text is not None:
        element.text = _text(text)
    return element


def _xml_event(parent, event, session, *, session_url):
    local_start = _local(event, session.start)
    element = _sub(parent, "event", id=session.pk, guid=session.guid)
    _sub(element, "date", _iso(local_start))
    _sub(element, "start", local_start.strftime("%H:%M"))
    _sub(element, "duration", _duration(session))
    _sub(element, "room", session.room.name)
    _sub(element, "title", session.title)
    _sub(element, "subtitle", "")
    _sub(element, "track", session.track.name if session.track else "")
    _sub(element, "type", session.kind)
    _sub(element, "language", session.language)
    _sub(element, "abstract", session.abstract)
    _sub(element, "description", session.description)
    persons = _sub(element, "persons")
    for speaker in session.speakers.all():
        _sub(persons, "person", speaker.name, id=speaker.pk, guid=speaker.guid)
    _sub(element, "links")
    _sub(element, "url", session_url(session))


def schedule_xml(event, sessions, *, origin):
    """``schedule.xml`` in the frab/Pentabarf format (Giggity, ConfClerk, EventFahrplan, c3voc)."""
    listed = [session for session in sessions if is_listed(session)]
    days = _days(event, listed)
    rooms = _rooms(listed)
    session_url = _session_urls(origin, event)

    root = ET.Element("schedule")
    _sub(root, "generator", name=GENERATOR)
    _sub(root, "url", origin + reverse("schedule-xml", kwargs={"slug": event.slug}))
    _sub(root, "version", version_for(event))
    # Giggity looks for <conference> in the first KiB only, so nothing long comes before it.
    conference = _sub(root, "conference")
    _sub(conference, "acronym", acronym_for(event))
    _sub(conference, "title", event.name)
    _sub(conference, "start", days[0].date.isoformat())
    _sub(conference, "end", days[-1].date.isoformat())
    _sub(conference, "days", len(days))
    _sub(conference, "timeslot_duration", TIMESLOT_DURATION)
    _sub(conference, "base_url", origin + "/")
    _sub(conference, "url", _programme_url(origin, event))
    _sub(conference, "time_zone_name", event.timezone)
    for track in _tracks(listed):
        attributes = {"name": track.name}
        if HEX_COLOUR.fullmatch(track.color):
            attributes["color"] = track.color
        slug = slugify(track.name)
        if XML_TRACK_SLUG.fullmatch(slug):
            attributes["slug"] = slug
        _sub(conference, "track", track.name, **attributes)
    for day in days:
        day_element = _sub(
            root,
            "day",
            index=day.index,
            date=day.date.isoformat(),
            start=_iso(day.start),
            end=_iso(day.end),
        )
        for room in rooms:
            room_element = _sub(day_element, "room", name=room.name, guid=room.guid)
            for session in day.sessions:
                if session.room_id == room.pk:
                    _xml_event(room_element, event, session, session_url=session_url)
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


# --- c3voc JSON ---------------------------------------------------------------------------------


def _json_event(event, session, *, acronym, session_url):
    local_start = _local(event, session.start)
    return {
        "id": session.pk,
        "guid": str(session.guid),
        "date": _iso(local_start),
        "start": local_start.strftime("%H:%M"),
        "end": _iso(_local(event, session.end)),
        "duration": _duration(session),
        "room": session.room.name,
        "slug": _session_slug(acronym, session),
        "url": session_url(session),
        "title": session.title,
        "subtitle": "",
        "track": session.track.name if session.track else None,
        "type": session.kind,
        "language": session.language,
        "abstract": session.abstract,
        # Not required by the schema, but frab and pretalx always send them and readers (pyfahrplan)
        # index them directly.
        "description": session.description,
        "logo": None,
        "recording_license": "",
        "do_not_record": False,
        # "name" only, no "id": the schema's Person is oneOf frab (public_name + id) or pretalx
        # (name), and a person matching both would be refused.
        "persons": [
            {
                "guid": str(speaker.guid),
                "name": speaker.name,
                "public_name": speaker.name,
                "biography": speaker.bio or None,
            }
            for speaker in session.speakers.all()
        ],
        "links": [],
        "attachments": [],
    }


def _json_track(track):
    entry = {"name": track.name}
    slug = slugify(track.name)
    if JSON_SLUG.fullmatch(slug):
        entry["slug"] = slug
    if HEX_COLOUR.fullmatch(track.color):
        entry["color"] = track.color
    return entry


def schedule_json(event, sessions, *, origin):
    """``schedule.json`` in the c3voc format (the JSON twin of schedule.xml)."""
    listed = [session for session in sessions if is_listed(session)]
    days = _days(event, listed)
    rooms = _rooms(listed)
    acronym = acronym_for(event)
    session_url = _session_urls(origin, event)

    conference = {
        "acronym": acronym,
        "title": event.name,
        "start": days[0].date.isoformat(),
        "end": days[-1].date.isoformat(),
        "daysCount": len(days),
        "timeslot_duration": TIMESLOT_DURATION,
        "url": _programme_url(origin, event),
    }
    if event.description:
        conference["description"] = event.description
    if TIME_ZONE_NAME.match(event.timezone):
        conference["time_zone_name"] = event.timezone
    conference["tracks"] = [_json_track(track) for track in _tracks(listed)]
    conference["rooms"] = [
        {
            "name": room.name,
            "guid": str(room.guid),
            "description": room.description or None,
            "capacity": room.capacity,
        }
        for room in rooms
    ]
    conference["days"] = [
        {
            "index": day.index,
            "date": day.date.isoformat(),
            "day_start": _iso(day.start),
            "day_end": _iso(day.end),
            "rooms": {
                room.name: [
                    _json_event(event, session, acronym=acronym, session_url=session_url)
                    for session in day.sessions
                    if session.room_id == room.pk
                ]
                for room in rooms
            },
        }
        for day in days
    ]
    document = {
        "$schema": JSON_SCHEMA_URL,
        "generator": {"name": GENERATOR},
        "schedule": {
            "version": version_for(event),
            "base_url": origin + "/",
            "conference": conference,
        },
    }
    # Compact: an indent would switch json to its pure-Python encoder, several times slower.
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


# --- iCalendar ----------------------------------------------------------------------------------


def icalendar():
    """The icalendar package, imported on first use: 50 ms of CPU at every server process's
    start otherwise (the URLconf and the exports' fast path import this module)."""
    import icalendar as package

    return package


def _description(session):
    speakers = ", ".join(
        f"{speaker.name} ({speaker.organisation})" if speaker.organisation else speaker.name
        for speaker in session.speakers.all()
    )
    return "\n\n".join(part for part in (session.abstract.strip(), speakers) if part)


def _vevent(event, session, *, session_url):
    vevent = icalendar().Event()
    vevent.add("uid", str(session.guid))
    # The time the entry last changed: a stable value keeps the body (and its cache) stable.
    vevent.add("dtstamp", session.updated_at)
    vevent.add("last-modified", session.updated_at)
    vevent.add("dtstart", _local(event, session.start))
    vevent.add("dtend", _local(event, session.end))
    vevent.add("summary", session.title)
    if session.room is not None:
        vevent.add("location", session.room.name)
    description = _description(session)
    if description:
        vevent.add("description", description)
    if session.track is not None:
        vevent.add("categories", [session.track.name])
    vevent.add("url", session_url(session))
    return vevent


def _item_vevent(event, item):
    vevent = icalendar().Event()
    vevent.add("uid", item.uid)
    vevent.add("dtstamp", item.updated_at)
    vevent.add("last-modified", item.updated_at)
    vevent.add("dtstart", _local(event, item.start))
    vevent.add("dtend", _local(event, item.end))
    vevent.add("summary", item.title)
    if item.location:
        vevent.add("location", item.location)
    if item.description:
        vevent.add("description", item.description)
    if item.categories:
        vevent.add("categories", list(item.categories))
    if item.url:
        vevent.add("url", item.url)
    return vevent


def _calendar(event, sessions, *, origin, name, items=()):
    calendar = icalendar().Calendar()
    calendar.add("prodid", "-//Treffpunkt//Schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", event.timezone)
    # A year either side, so the zone carries both its summer and winter offsets.
    calendar.add_component(
        icalendar().Timezone.from_tzid(
            event.timezone,
            first_date=event.start_date - timedelta(days=366),
            last_date=event.end_date + timedelta(days=366),
        )
    )
    session_url = _session_urls(origin, event)
    for session in sessions:
        if session.state != Session.State.CANCELLED:
            calendar.add_component(_vevent(event, session, session_url=session_url))
    for item in items:
        calendar.add_component(_item_vevent(event, item))
    return calendar.to_ical()


def schedule_ics(event, sessions, *, origin):
    """``schedule.ics``: one VEVENT per session that is not cancelled, breaks included."""
    return _calendar(event, sessions, origin=origin, name=event.name)


def agenda_ics(event, sessions, *, origin, owner, items=()):
    """A user's ``agenda.ics``: their favourite sessions, built as schedule.ics builds them, and
    ``items`` from other apps (``congress.hooks.AgendaItem``, e.g. accepted meetings)."""
    owner_name = owner.get_full_name() or owner.get_username()
    return _calendar(
        event, sessions, origin=origin, name=f"{event.name} – {owner_name}", items=items
    )
