"""The demo congress's programme and people: event, rooms, tracks, speakers, sessions, accounts.

Content comes from ``demo/data/congress.toml`` (and ``names.toml`` for generated attendees); this
module plans who speaks where and writes it. Objects are matched by natural keys (room and track
names, deterministic GUIDs for speakers and sessions, usernames) and updated in place, so ids,
favourites and tokens survive a re-run; a full run deletes the demo event's rooms, tracks, speakers
and sessions it does not define.

Rows are written in bulk (``demo.sync``) rather than through ``congress.services.create_session``:
the services push one ``programme.changed`` per call and have no update-by-GUID, and 650 users
would take a password hash each. Every session is then held to the service's own rules by
``check_session``. Anna's favourites go through ``congress.services.add_favourite``.
"""

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F

from congress.models import Event, Registration, Room, Session, Speaker, Track
from congress.services import ProgrammeError, add_favourite, check_session

from .content import load
from .matchmaking import redate_matchmaking
from .privacy import redate_retention
from .sync import sync_links, sync_rows

SLUG = "digitale-staedte"
TIMEZONE = "Europe/Berlin"
PASSWORD = "treffpunkt"  # the development default of settings.DEMO_PASSWORD
SEED = 2026
# Speaker and session GUIDs derive from their names, so exports stay stable across re-seeds.
GUID_NAMESPACE = uuid.UUID("6f1d7c2e-5b7a-4d6e-9a51-2d0c8e3b7f42")

K = Session.Kind
SPEAKERS_PER_KIND = {K.KEYNOTE: 1, K.TALK: 1, K.PANEL: 4, K.WORKSHOP: 2, K.ROUND_TABLE: 3}
# How many speakers a session can take when a speaker still needs a session.
MAX_SPEAKERS_PER_KIND = {K.KEYNOTE: 1, K.TALK: 2, K.PANEL: 5, K.WORKSHOP: 3, K.ROUND_TABLE: 4}
MAX_SESSIONS_PER_SPEAKER = 3
WORKSHOP_CAPACITY = 30
# Attendees in total, anna and ben included.
ATTENDEE_COUNT = 650


@dataclass(frozen=True)
class PlannedSpeaker:
    last_name: str
    first_name: str
    organisation: str
    position: str
    track: str
    bio: str
    title: str = ""

    @property
    def name(self):
        return " ".join(part for part in (self.title, self.first_name, self.last_name) if part)


@dataclass(frozen=True)
class PlannedSession:
    day: int  # 0 for the first day
    slot: str
    kind: str
    title: str
    abstract: str
    room: str | None = None
    track: str | None = None
    # Last names of speakers set in advance; without, speakers are drawn.
    speakers: tuple = ()

    @property
    def minutes(self):
        start, end = load("congress")["slots"][self.slot]
        return _minutes(start), _minutes(end)


def _minutes(hhmm):
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def speakers():
    """The planned speakers, in the order of ``congress.toml``."""
    return [PlannedSpeaker(**{"organisation": "", **row}) for row in load("congress")["speakers"]]


def programme():
    """The planned sessions and breaks, in the order of ``congress.toml`` (which the draw follows)."""
    return [
        PlannedSession(**{**row, "day": row["day"] - 1, "speakers": tuple(row.get("speakers", ()))})
        for row in load("congress")["sessions"]
    ]


def accounts():
    """The demo accounts: dicts of username, first_name, last_name, role, note, booth ("" if none)."""
    return [
        {**row, "booth": row.get("booth", ""), "note": row["note"].format(**row)}
        for row in load("congress")["accounts"]
    ]


def speaker_accounts():
    """Last names of the speakers who get an account, in the order of their usernames."""
    return load("congress")["speaker_accounts"]


def generated_attendee_count():
    return ATTENDEE_COUNT - sum(
        1 for account in accounts() if account["role"] == Registration.Role.ATTENDEE
    )


def speaker_username(index):
    return f"sprecher{index + 1:02d}"


def attendee_username(index):
    return f"teilnehmer{index + 1:03d}"


def demo_usernames():
    """Every username the demo creates, for tests and for cleaning up."""
    return (
        [account["username"] for account in accounts()]
        + [speaker_username(index) for index in range(len(speaker_accounts()))]
        + [attendee_username(index) for index in range(generated_attendee_count())]
    )


def guid(kind, *parts):
    return uuid.uuid5(GUID_NAMESPACE, ":".join([kind, *map(str, parts)]))


def moved_by_days(moment, days, tz):
    """The same local wall time ``days`` later, so a move across a DST change keeps 09:30."""
    local = moment.astimezone(tz)
    return datetime.combine(local.date() + timedelta(days=days), local.time(), tzinfo=tz)


def plan_speakers(programme, speakers, rng):
    """Speaker indices per session: set ones first, then drawn so nobody is in two places.

    Drawn speakers come from the session's track first, the least busy first. A speaker left
    without a session then joins a session that has room for one more. Raises CommandError if
    the data cannot be planned, which only a change to ``congress.toml`` can cause.
    """
    by_last_name = {speaker.last_name: index for index, speaker in enumerate(speakers)}
    busy = {index: [] for index in range(len(speakers))}
    plan = {index: [] for index in range(len(programme))}

    def is_free(speaker, session):
        start, end = session.minutes
        return all(
            day != session.day or not (start < other_end and end > other_start)
            for day, other_start, other_end in busy[speaker]
        )

    def assign(speaker, index):
        session = programme[index]
        if not is_free(speaker, session):
            raise CommandError(f"{speakers[speaker].name} is double-booked: {session.title}")
        busy[speaker].append((session.day, *session.minutes))
        plan[index].append(speaker)

    for index, session in enumerate(programme):
        for last_name in session.speakers:
            assign(by_last_name[last_name], index)

    for index, session in enumerate(programme):
        if session.kind == K.BREAK or session.speakers:
            continue
        wanted = SPEAKERS_PER_KIND[session.kind]
        candidates = [
            speaker
            for speaker in busy
            if len(busy[speaker]) < MAX_SESSIONS_PER_SPEAKER and is_free(speaker, session)
        ]
        candidates.sort(
            key=lambda speaker: (
                speakers[speaker].track != session.track,
                len(busy[speaker]),
                rng.random(),
            )
        )
        if len(candidates) < wanted:
            raise CommandError(f"Not enough free speakers for {session.title}")
        for speaker in candidates[:wanted]:
            assign(speaker, index)

    for speaker in busy:
        if busy[speaker]:
            continue
        open_sessions = [
            index
            for index, session in enumerate(programme)
            if session.kind != K.BREAK
            and not session.speakers
            and len(plan[index]) < MAX_SPEAKERS_PER_KIND[session.kind]
            and is_free(speaker, session)
        ]
        if not open_sessions:
            raise CommandError(f"No session left for {speakers[speaker].name}")
        open_sessions.sort(
            key=lambda index: (programme[index].track != speakers[speaker].track, index)
        )
        assign(speaker, open_sessions[0])
    return plan


def redate_event(event, today):
    """Move the event to start ``today``, every session by the same number of days.

    Matchmaking slots and meetings and the retention policy's erasure date move along. Returns
    whether anything moved. Retags the exports (``programme_version``) when it did.
    """
    days = (today - event.start_date).days
    if days == 0:
        return False
    tz = event.tz
    sessions = list(event.sessions.only("pk", "start", "end"))
    for session in sessions:
        session.start = moved_by_days(session.start, days, tz)
        session.end = moved_by_days(session.end, days, tz)
    with transaction.atomic():
        Session.objects.bulk_update(sessions, ["start", "end"], batch_size=500)
        redate_matchmaking(event, lambda moment: moved_by_days(moment, days, tz))
        Event.objects.filter(pk=event.pk).update(
            start_date=today,
            end_date=event.end_date + timedelta(days=days),
            programme_version=F("programme_version") + 1,
        )
        event.refresh_from_db()
        redate_retention(event)
    return True


def seed_event(today, out):
    fields = {**load("congress")["event"], "timezone": TIMEZONE}
    event, _created = Event.objects.update_or_create(
        slug=SLUG,
        defaults={**fields, "start_date": today, "end_date": today + timedelta(days=1)},
    )
    out.write(f"Veranstaltung „{event.name}“ ({event.start_date:%d.%m.}–{event.end_date:%d.%m.%Y})")
    return event


def seed_rooms(event, out):
    """The event's rooms by key; sessions in rooms the demo does not define go first (PROTECT)."""
    planned = load("congress")["rooms"]
    rows = [
        {
            "event_id": event.pk,
            "name": room["name"],
            "capacity": room["capacity"],
            "stream_url": f"https://stream.example.org/{room['stream']}.m3u8",
            "description": room["description"],
            "position": position,
        }
        for position, room in enumerate(planned)
    ]
    names = [row["name"] for row in rows]
    Session.objects.filter(event=event).exclude(room__name__in=names).exclude(room=None).delete()
    Room.objects.filter(event=event).exclude(name__in=names).delete()
    by_name = sync_rows(Room.objects.filter(event=event), "name", rows)
    out.write(f"{len(by_name)} Räume ({len(by_name) - 1} Bühnen und die Werkstatt)")
    return {room["key"]: by_name[room["name"]] for room in planned}


def seed_tracks(event, out):
    planned = load("congress")["tracks"]
    rows = [{"event_id": event.pk, "name": t["name"], "color": t["color"]} for t in planned]
    Track.objects.filter(event=event).exclude(name__in=[row["name"] for row in rows]).delete()
    by_name = sync_rows(Track.objects.filter(event=event), "name", rows)
    out.write(f"{len(by_name)} Themen-Tracks")
    return {track["key"]: by_name[track["name"]] for track in planned}


def seed_programme(event, rooms, tracks, rng, out):
    """Speakers and sessions, and who speaks in which session (drawn with ``rng``)."""
    planned_speakers, planned_sessions = speakers(), programme()
    speaker_rows = [
        {
            "event_id": event.pk,
            "guid": guid("speaker", speaker.name),
            "name": speaker.name,
            "organisation": speaker.organisation,
            "position": speaker.position,
            "bio": f"{speaker.name} {speaker.bio[0].lower()}{speaker.bio[1:]}",
        }
        for speaker in planned_speakers
    ]
    guids = [row["guid"] for row in speaker_rows]
    Speaker.objects.filter(event=event).exclude(guid__in=guids).delete()
    by_guid = sync_rows(Speaker.objects.filter(event=event), "guid", speaker_rows)
    speaker_objects = [by_guid[key] for key in guids]
    out.write(f"{len(speaker_objects)} Sprecher*innen")

    slots = load("congress")["slots"]
    session_rows = []
    for planned in planned_sessions:
        start, end = slots[planned.slot]
        day = event.start_date + timedelta(days=planned.day)
        has_limited_places = planned.kind in (K.WORKSHOP, K.ROUND_TABLE)
        session_rows.append(
            {
                "event_id": event.pk,
                "guid": guid("session", planned.day, planned.title),
                "title": planned.title,
                "abstract": planned.abstract,
                "kind": planned.kind,
                "language": "de",
                "start": datetime.combine(day, time.fromisoformat(start), tzinfo=event.tz),
                "end": datetime.combine(day, time.fromisoformat(end), tzinfo=event.tz),
                "room_id": rooms[planned.room].pk if planned.room else None,
                "track_id": tracks[planned.track].pk if planned.track else None,
                "capacity": WORKSHOP_CAPACITY if has_limited_places else None,
                "state": Session.State.SCHEDULED,
            }
        )
    guids = [row["guid"] for row in session_rows]
    Session.objects.filter(event=event).exclude(guid__in=guids).delete()
    by_guid = sync_rows(Session.objects.filter(event=event), "guid", session_rows)
    sessions = [by_guid[key] for key in guids]

    plan = plan_speakers(planned_sessions, planned_speakers, rng)
    sync_links(
        Session.speakers.through,
        "session_id",
        "speaker_id",
        [session.pk for session in sessions],
        {
            (sessions[index].pk, speaker_objects[speaker].pk)
            for index, drawn in plan.items()
            for speaker in drawn
        },
    )
    breaks = sum(1 for planned in planned_sessions if planned.kind == K.BREAK)
    out.write(f"{len(sessions)} Sessions ({breaks} davon Pausen)")


def seed_people(event, rng, out):
    """Users and registrations: the demo accounts, the speakers' accounts, generated attendees.

    Returns ``(people, users)``: (username, first name, last name, role) of everyone and the
    users by username.
    """
    names = load("names")
    by_last_name = {speaker.last_name: speaker for speaker in speakers()}
    planned = [(a["username"], a["first_name"], a["last_name"], a["role"]) for a in accounts()]
    planned += [
        (speaker_username(index), by_last_name[name].first_name, name, Registration.Role.SPEAKER)
        for index, name in enumerate(speaker_accounts())
    ]
    attendees = [
        (
            attendee_username(index),
            rng.choice(names["first_names"]),
            rng.choice(names["last_names"]),
            Registration.Role.ATTENDEE,
        )
        for index in range(generated_attendee_count())
    ]
    people = planned + attendees
    users = seed_users(people, accounts=[username for username, *_ in planned])

    registered = set(Registration.objects.filter(event=event).values_list("user_id", flat=True))
    Registration.objects.bulk_create(
        [
            Registration(event=event, user_id=users[username].pk, role=role)
            for username, _first, _last, role in people
            if users[username].pk not in registered
        ],
        batch_size=500,
    )
    for role in Registration.Role.values:
        user_ids = [users[username].pk for username, *_names, wanted in people if wanted == role]
        Registration.objects.filter(event=event, user_id__in=user_ids).exclude(role=role).update(
            role=role
        )

    for index, name in enumerate(speaker_accounts()):
        Speaker.objects.filter(event=event, guid=guid("speaker", by_last_name[name].name)).update(
            user=users[speaker_username(index)]
        )
    favourites = load("congress")["favourites_of_anna"]
    for session in Session.objects.filter(event=event, title__in=favourites):
        add_favourite(user=users["anna"], session=session)

    attendee_count = sum(1 for *_person, role in people if role == Registration.Role.ATTENDEE)
    out.write(f"{attendee_count} Teilnehmende")
    return people, users


def seed_users(people, *, accounts):
    """Create missing users; hashing the password once keeps 650 users to a bulk insert.

    The demo ``accounts`` get their password reset, since the table printed at the end
    promises it even after someone changed it while trying the demo.
    """
    user_model = get_user_model()
    password = make_password(demo_password())
    usernames = [username for username, *_rest in people]
    existing = set(
        user_model.objects.filter(username__in=usernames).values_list("username", flat=True)
    )
    user_model.objects.bulk_create(
        [
            user_model(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
                password=password,
                is_staff=role == Registration.Role.ORGANIZER,
                is_superuser=role == Registration.Role.ORGANIZER,
            )
            for username, first, last, role in people
            if username not in existing
        ],
        batch_size=500,
    )
    user_model.objects.filter(username__in=accounts).update(password=password, is_active=True)
    organizers = [username for username, *_, role in people if role == Registration.Role.ORGANIZER]
    user_model.objects.filter(username__in=organizers).update(is_staff=True, is_superuser=True)
    return user_model.objects.in_bulk(usernames, field_name="username")


def check_programme(event):
    """Every session must pass the same rules as one scheduled through the API."""
    sessions = event.sessions.select_related("room").prefetch_related("speakers")
    for session in sessions:
        try:
            check_session(
                event,
                session_id=session.pk,
                start=session.start,
                end=session.end,
                room=session.room,
                speakers=list(session.speakers.all()),
                capacity=session.capacity,
                state=session.state,
            )
        except ProgrammeError as error:
            raise CommandError(f"{session.title}: {error.message}") from error


def write_accounts(out):
    """The table of demo log-ins the command ends with."""
    out.write("Demo-Zugänge")
    rows = [(account["username"], account["note"]) for account in accounts()]
    first = speaker_username(0)
    last = speaker_username(len(speaker_accounts()) - 1)
    rows.append((f"{first} … {last}", "Sprecher*innen"))
    first, last = attendee_username(0), attendee_username(generated_attendee_count() - 1)
    rows.append((f"{first} … {last}", "Teilnehmende"))
    width = max(len(username) for username, _role in rows)
    password = demo_password()
    out.write(f"  {'Benutzername':<{width}}  {'Passwort':<{len(password)}}  Rolle")
    for username, role in rows:
        out.write(f"  {username:<{width}}  {password}  {role}")


_random_password = []


def demo_password():
    """``settings.DEMO_PASSWORD``; unset (production), one random password per process, so the
    accounts table printed at the end names the password the users were given."""
    if settings.DEMO_PASSWORD:
        return settings.DEMO_PASSWORD
    if not _random_password:
        _random_password.append(secrets.token_urlsafe(12))
    return _random_password[0]
