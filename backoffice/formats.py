"""Read a programme planned elsewhere: c3voc ``schedule.json`` (pretalx, frab) and frab
``schedule.xml``, into plain records the import service matches against the event.

Pure functions, no database: ``parse(data)`` takes the file's bytes and returns a ``Programme``,
or raises ``FormatError`` naming what is wrong with the file.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from defusedxml import ElementTree
from django.utils.translation import gettext as _

from treffpunkt.errors import DomainError

DURATION = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{1,2}))?$")


class FormatError(DomainError):
    pass


@dataclass
class ExternalRoom:
    name: str
    guid: str = ""
    description: str = ""
    capacity: int | None = None


@dataclass
class ExternalTrack:
    name: str
    color: str = ""


@dataclass
class ExternalPerson:
    name: str
    guid: str = ""
    id: str = ""
    code: str = ""
    biography: str = ""

    @property
    def keys(self):
        """Identifiers in matching order: guid, then id, then pretalx code."""
        return [
            f"{kind}:{value}"
            for kind, value in (("guid", self.guid), ("id", self.id), ("code", self.code))
            if value
        ]


@dataclass
class ExternalTalk:
    title: str
    start: datetime
    end: datetime
    room: str
    guid: str = ""
    id: str = ""
    code: str = ""
    subtitle: str = ""
    abstract: str = ""
    description: str = ""
    type: str = ""
    language: str = ""
    track: str = ""
    persons: list = field(default_factory=list)

    @property
    def keys(self):
        return [
            f"{kind}:{value}"
            for kind, value in (("guid", self.guid), ("id", self.id), ("code", self.code))
            if value
        ]


@dataclass
class Programme:
    version: str = ""
    acronym: str = ""
    title: str = ""
    time_zone: str = ""
    rooms: list = field(default_factory=list)
    tracks: list = field(default_factory=list)
    talks: list = field(default_factory=list)


def _text(value):
    return "" if value is None else str(value).strip()


def _duration(value, where):
    match = DURATION.match(_text(value))
    if not match:
        raise FormatError(
            _("%(where)s: the duration „%(value)s“ is not HH:MM.")
            % {"where": where, "value": value},
            code="bad_duration",
        )
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def _zone(name):
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _start(date_text, day_date, start_text, zone, where):
    """The talk's start: its ``date`` with offset, else the day's date + ``start`` in the zone."""
    try:
        moment = datetime.fromisoformat(_text(date_text)) if date_text else None
    except ValueError:
        moment = None
    if moment is not None and moment.tzinfo is not None:
        return moment
    try:
        clock = time.fromisoformat(_text(start_text))
        day = date.fromisoformat(_text(day_date)[:10])
    except ValueError:
        raise FormatError(
            _("%(where)s: no start time with a time zone.") % {"where": where}, code="bad_start"
        ) from None
    if zone is None:
        raise FormatError(
            _("%(where)s: no start time with a time zone.") % {"where": where}, code="bad_start"
        )
    return datetime.combine(day, clock, tzinfo=zone)


# --- c3voc JSON ---------------------------------------------------------------------------------


def _json_person(entry):
    return ExternalPerson(
        name=_text(entry.get("public_name") or entry.get("name") or entry.get("full_public_name")),
        guid=_text(entry.get("guid")),
        id=_text(entry.get("id")),
        code=_text(entry.get("code")),
        biography=_text(entry.get("biography")),
    )


def parse_json(document):
    try:
        schedule = document["schedule"]
        conference = schedule["conference"]
        days = conference["days"]
    except (KeyError, TypeError):
        raise FormatError(
            _("This is not a schedule.json: schedule.conference.days is missing."),
            code="not_a_schedule",
        ) from None
    zone_name = _text(conference.get("time_zone_name"))
    zone = _zone(zone_name)
    programme = Programme(
        version=_text(schedule.get("version")),
        acronym=_text(conference.get("acronym")),
        title=_text(conference.get("title")),
        time_zone=zone_name,
    )
    for entry in conference.get("rooms") or []:
        programme.rooms.append(
            ExternalRoom(
                name=_text(entry.get("name")),
                guid=_text(entry.get("guid")),
                description=_text(entry.get("description")),
                capacity=entry.get("capacity") if isinstance(entry.get("capacity"), int) else None,
            )
        )
    for entry in conference.get("tracks") or []:
        programme.tracks.append(
            ExternalTrack(name=_text(entry.get("name")), color=_text(entry.get("color")))
        )
    for day in days:
        for room_name, talks in (day.get("rooms") or {}).items():
            for talk in talks:
                where = _text(talk.get("title")) or _text(talk.get("guid"))
                start = _start(talk.get("date"), day.get("date"), talk.get("start"), zone, where)
                end_text = talk.get("end")
                end = None
                if end_text:
                    try:
                        end = datetime.fromisoformat(end_text)
                    except ValueError:
                        end = None
                if end is None or end.tzinfo is None:
                    end = start + _duration(talk.get("duration"), where)
                programme.talks.append(
                    ExternalTalk(
                        title=_text(talk.get("title")),
                        start=start,
                        end=end,
                        room=_text(talk.get("room")) or room_name,
                        guid=_text(talk.get("guid")),
                        id=_text(talk.get("id")),
                        code=_text(talk.get("code")),
                        subtitle=_text(talk.get("subtitle")),
                        abstract=_text(talk.get("abstract")),
                        description=_text(talk.get("description")),
                        type=_text(talk.get("type")),
                        language=_text(talk.get("language")),
                        track=_text(talk.get("track")),
                        persons=[_json_person(p) for p in talk.get("persons") or []],
                    )
                )
    return programme


# --- frab XML -----------------------------------------------------------------------------------


def _child(element, tag):
    found = element.find(tag)
    return _text(found.text) if found is not None else ""


def parse_xml(root):
    if root.tag != "schedule":
        raise FormatError(
            _("This is not a frab schedule.xml: the root element is not <schedule>."),
            code="not_a_schedule",
        )
    conference = root.find("conference")
    zone_name = _child(conference, "time_zone_name") if conference is not None else ""
    zone = _zone(zone_name)
    programme = Programme(
        version=_child(root, "version"),
        acronym=_child(conference, "acronym") if conference is not None else "",
        title=_child(conference, "title") if conference is not None else "",
        time_zone=zone_name,
    )
    if conference is not None:
        for track in conference.findall("track"):
            programme.tracks.append(
                ExternalTrack(
                    name=_text(track.get("name") or track.text), color=_text(track.get("color"))
                )
            )
    seen_rooms = set()
    for day in root.findall("day"):
        for room in day.findall("room"):
            name = _text(room.get("name"))
            if name not in seen_rooms:
                seen_rooms.add(name)
                programme.rooms.append(ExternalRoom(name=name, guid=_text(room.get("guid"))))
            for talk in room.findall("event"):
                where = _child(talk, "title") or _text(talk.get("guid"))
                start = _start(
                    _child(talk, "date"), day.get("date"), _child(talk, "start"), zone, where
                )
                persons_element = talk.find("persons")
                persons = []
                if persons_element is not None:
                    for person in persons_element.findall("person"):
                        persons.append(
                            ExternalPerson(
                                name=_text(person.text),
                                guid=_text(person.get("guid")),
                                id=_text(person.get("id")),
                                code=_text(person.get("code")),
                            )
                        )
                programme.talks.append(
                    ExternalTalk(
                        title=_child(talk, "title"),
                        start=start,
                        end=start + _duration(_child(talk, "duration"), where),
                        room=_child(talk, "room") or name,
                        guid=_text(talk.get("guid")),
                        id=_text(talk.get("id")),
                        code=_text(talk.get("code")),
                        subtitle=_child(talk, "subtitle"),
                        abstract=_child(talk, "abstract"),
                        description=_child(talk, "description"),
                        type=_child(talk, "type"),
                        language=_child(talk, "language"),
                        track=_child(talk, "track"),
                        persons=persons,
                    )
                )
    return programme


def parse(data):
    """A ``Programme`` from the bytes of a schedule.json or schedule.xml (told apart by content)."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    stripped = text.lstrip()
    if stripped.startswith("<"):
        try:
            root = ElementTree.fromstring(stripped.encode())
        except ElementTree.ParseError as error:
            raise FormatError(
                _("The XML cannot be read: %(error)s") % {"error": error}, code="bad_xml"
            ) from None
        return parse_xml(root)
    try:
        document = json.loads(stripped)
    except ValueError as error:
        raise FormatError(
            _("The file is neither JSON nor XML: %(error)s") % {"error": error}, code="bad_json"
        ) from None
    return parse_json(document)
