"""Matchmaking data of the demo congress: vocabulary, profiles, meeting slots, meetings and chats.

Content comes from ``demo/data/matchmaking.toml`` (and ``names.toml``). Everything derives from it
and the random generator handed in, walking users in username order, so two runs on any database
plan the same profiles, meetings and conversations. Rows are matched by natural keys (tag slug,
profile user, slot times, deterministic meeting GUIDs, conversation pair) and only changed rows
are written; a full run removes the event's tags, slots, meetings and "match" conversations the
demo does not define.

All of it is written in bulk (``demo.sync``), not through ``matchmaking.meetings`` or
``send_conversation_message`` (the chats: ``demo/conversations.py``): those refuse meetings in the past (the demo's first day is
half over when shown), rate-limit a sender, push a notification per change and have no natural
key to update by, while 661 profiles and 90 meetings must stay a second's work. The one side effect
the services have that matters here, a new recommendations version, comes from
``matchmaking.services.bump_version``.

The demo accounts: ``anna`` (a city's digitalisation officer) and ``ben`` (a LoRaWAN provider)
have complementary profiles, so each is among the other's first recommendations, and no meeting
with each other (the demo requests one by hand); each has a pending request to answer, an
accepted meeting and a conversation with someone else.
"""

import copy
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache

from django.contrib.auth import get_user_model

from matchmaking.models import Meeting, MeetingHold, MeetingSlot, Profile, Tag
from matchmaking.services import bump_version

from .content import load
from .conversations import PlannedConversation, sync_conversations
from .sync import sync_rows

NAMESPACE = uuid.UUID("0b6c1f0e-7d1e-4a5b-8f0c-4e2d9a7c3b15")
ORIGIN = "match"
SLOT_MINUTES = 30
FIRST_SLOT, LAST_SLOT_END = time(9, 0), time(17, 30)
VISIBLE_SHARE = 0.58  # of generated attendees; speakers and demo accounts are all visible
MEETINGS = 90
CONVERSATIONS = 40
MAX_PENDING_PER_REQUESTER = 3
ANNA, BEN = "anna", "ben"

T = Profile.OrganisationType
PUBLIC = {T.MUNICIPALITY, T.COUNTY, T.STATE}


def _data():
    return load("matchmaking")


@cache
def tag_names():
    return {tag["slug"]: tag["name"] for tag in _data()["tags"]}


@cache
def themes():
    """Tag slugs per theme, themes in their order of first appearance."""
    grouped = {}
    for tag in _data()["tags"]:
        grouped.setdefault(tag["theme"], []).append(tag["slug"])
    return grouped


def _guid(*parts):
    return uuid.uuid5(NAMESPACE, ":".join(map(str, parts)))


@cache
def _female_names():
    return frozenset(load("names")["female_names"])


def _gendered(position, first_name):
    masculine, _bar, feminine = position.partition("|")
    return (feminine or masculine) if first_name in _female_names() else masculine


def _weighted(rng, pairs):
    return rng.choices([value for value, _w in pairs], [weight for _v, weight in pairs])[0]


def _pick(rng, pool, low, high, exclude=()):
    pool = [slug for slug in dict.fromkeys(pool) if slug not in exclude]
    return rng.sample(pool, min(len(pool), rng.randint(low, high)))


def _names(slugs):
    names = [tag_names()[slug] for slug in slugs]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} und {names[-1]}"


def organisation_type_of(name):
    """Classify a speaker's organisation by its name."""
    lowered = name.lower()
    for rule in _data()["organisation_rules"]:
        if any(word in lowered for word in rule["words"]):
            return rule["type"]
    return T.OTHER


def plan_profile(
    rng, kind, *, first_name, organisation=None, region=None, position=None, themes_=None
):
    """One plausible profile of ``kind``: what such a person is interested in, offers and seeks."""
    data, by_theme = _data(), themes()
    bios, subjects, governance = data["bios"], data["subjects"], data["governance"]
    if organisation is None:
        chosen = rng.choice(data["organisations"][kind])
        organisation, region = chosen["name"], chosen["region"]
    if position is None:
        position = _gendered(rng.choice(data["positions"][kind]), first_name)
    main = (themes_ or [rng.choice(subjects)])[0]
    second = rng.choice([theme for theme in subjects if theme != main])
    subject = by_theme[main] + by_theme[second]
    if kind in (T.MUNICIPALITY, T.COUNTY):
        extra = (
            ["digitale-doerfer", "daseinsvorsorge", "breitbandausbau"] if kind == T.COUNTY else []
        )
        seeks = (
            _pick(rng, by_theme[main], 2, 3)
            + _pick(rng, extra, 0, 1)
            + _pick(rng, ["foerderprogramme", "studien"], 0, 1)
        )
        interests = _pick(rng, subject + governance, 3, 5)
        offers = _pick(
            rng, ["praxiserfahrung", "pilotprojekte", "interkommunale-zusammenarbeit"], 1, 2
        )
        offers += _pick(rng, by_theme[main], 0, 1, exclude=seeks)
        focus = rng.choice(data["focus"][main])
        lead = rng.choice(data["leads"])
        closing = rng.choice(bios["public_closings"]).format(
            seeks=_names(seeks[:2]),
            first_seek=tag_names()[seeks[0]],
            interests=_names(interests[:2]),
        )
        bio = f"{lead} {focus}{' voran' if lead == 'Treibt' else ''}. {closing}"
    elif kind == T.STATE:
        offers = ["foerderprogramme"] + _pick(
            rng, ["ozg-umsetzung", "verwaltungscloud", "studien", "digitalkompetenz"], 1, 2
        )
        seeks = _pick(rng, ["praxiserfahrung", "pilotprojekte", "begleitforschung"], 1, 2)
        interests = _pick(rng, subject + governance, 3, 5)
        bio = bios["state"].format(interests=_names(interests[:2]))
    elif kind == T.PROVIDER:
        pool = [slug for theme in (themes_ or [main]) for slug in by_theme[theme]]
        offers = _pick(rng, pool, 2, 4)
        seeks = _pick(
            rng,
            [
                "pilotprojekte",
                "praxiserfahrung",
                "foerderprogramme",
                "open-data",
                "interkommunale-zusammenarbeit",
            ],
            1,
            3,
        )
        interests = _pick(rng, pool + governance, 2, 4)
        bio = rng.choice(bios["provider_openings"]).format(offers=_names(offers[:2]))
        closing = rng.choice(bios["provider_closings"])
        bio += f" {closing}" if closing else ""
    elif kind == T.RESEARCH:
        offers = _pick(rng, ["begleitforschung", "studien", "digitalkompetenz"], 1, 2)
        offers += _pick(rng, by_theme[main], 1, 1)
        seeks = _pick(
            rng, ["pilotprojekte", "praxiserfahrung", "open-data", "mobilitaetsdaten"], 1, 2
        )
        interests = _pick(rng, subject, 3, 5)
        bio = bios["research"].format(interests=_names(interests[:2]))
        bio += " " + rng.choice(bios["research_closings"])
    elif kind == T.ASSOCIATION:
        offers = _pick(
            rng,
            [
                "interkommunale-zusammenarbeit",
                "digitalkompetenz",
                "foerderprogramme",
                "praxiserfahrung",
            ],
            2,
            3,
        )
        seeks = _pick(rng, ["praxiserfahrung", "studien", "begleitforschung"], 1, 2, exclude=offers)
        interests = _pick(rng, subject + governance, 3, 5)
        bio = bios["association"].format(interests=_names(interests[:2]))
    else:
        offers = _pick(rng, by_theme[main], 1, 2)
        seeks = _pick(rng, subject + ["pilotprojekte"], 1, 2, exclude=offers)
        interests = _pick(rng, subject, 2, 4)
        bio = bios["other"].format(all_offers=_names(offers))
    return {
        "organisation": organisation,
        "organisation_type": str(kind),
        "position": position,
        "region": region,
        "interests": interests,
        "offers": offers,
        "seeks": seeks,
        "bio": bio[:500],
    }


def plan_profiles(rng, people, speakers, exhibitors, provider_accounts):
    """``{username: profile fields}`` for every demo person, anna and ben as the data defines.

    ``people``: (username, first name) of attendees; ``speakers``: (username, first name,
    organisation, position, track); ``exhibitors``: (name, category slugs);
    ``provider_accounts``: (username, first name, exhibitor name) of booth staff.
    """
    data = _data()
    category_themes = data["category_themes"]
    providers = [
        (
            name,
            rng.choice(data["regions_in_hessen"]),
            [theme for slug in categories for theme in category_themes[slug]],
        )
        for name, categories in exhibitors
    ]
    providers += [
        (organisation["name"], organisation["region"], [rng.choice(data["subjects"])])
        for organisation in data["organisations"][T.PROVIDER]
    ]
    type_weights = list(data["type_weights"].items())
    planned = {}
    for username, first_name in people:
        kind = _weighted(rng, type_weights)
        visible = rng.random() < VISIBLE_SHARE
        languages = ["de", "en"] if rng.random() < 0.15 else ["de"]
        if kind == T.PROVIDER:
            name, region, provider_themes = rng.choice(providers)
            fields = plan_profile(
                rng,
                kind,
                first_name=first_name,
                organisation=name,
                region=region,
                themes_=provider_themes,
            )
        else:
            fields = plan_profile(rng, kind, first_name=first_name)
        planned[username] = {**fields, "is_visible": visible, "languages": languages}
    for username, first_name, organisation, position, track in speakers:
        fields = plan_profile(
            rng,
            organisation_type_of(organisation),
            first_name=first_name,
            organisation=organisation,
            region=rng.choice(data["speaker_regions"]),
            position=position,
            themes_=[data["track_themes"].get(track, "daten")],
        )
        planned[username] = {**fields, "is_visible": True, "languages": ["de", "en"]}
    by_name = {name: (region, provider_themes) for name, region, provider_themes in providers}
    for username, first_name, exhibitor in provider_accounts:
        region, provider_themes = by_name[exhibitor]
        fields = plan_profile(
            rng,
            T.PROVIDER,
            first_name=first_name,
            organisation=exhibitor,
            region=region,
            position=_gendered(data["positions"][T.PROVIDER][0], first_name),
            themes_=provider_themes,
        )
        planned[username] = {**fields, "is_visible": True, "languages": ["de"]}
    for username in (ANNA, BEN):
        planned[username] = {**copy.deepcopy(data["profiles"][username]), "is_visible": True}
    return planned


# --- meetings and conversations -------------------------------------------------------------------


def slot_times(event):
    """Every (start, end) of the demo's 30-minute meeting slots, 09:00–17:30 on each event day."""
    slots = []
    for day in event.days:
        start = datetime.combine(day, FIRST_SLOT, tzinfo=event.tz)
        last = datetime.combine(day, LAST_SLOT_END, tzinfo=event.tz)
        while start + timedelta(minutes=SLOT_MINUTES) <= last:
            slots.append((start, start + timedelta(minutes=SLOT_MINUTES)))
            start += timedelta(minutes=SLOT_MINUTES)
    return slots


def _topic_of(mine, theirs):
    """A tag the two share (what one seeks and the other offers first), for message texts."""
    names = tag_names()
    for first, second in (
        (mine["seeks"], theirs["offers"]),
        (theirs["seeks"], mine["offers"]),
        (mine["interests"], theirs["interests"]),
    ):
        shared = [slug for slug in first if slug in second]
        if shared:
            return names[shared[0]]
    return names[(mine["interests"] or mine["offers"] or ["open-data"])[0]]


def _complements(kind):
    if kind in PUBLIC:
        return [(T.PROVIDER, 6), (T.RESEARCH, 2), (T.MUNICIPALITY, 1), (T.COUNTY, 1)]
    if kind in (T.PROVIDER, T.RESEARCH):
        return [(T.MUNICIPALITY, 5), (T.COUNTY, 3), (T.STATE, 1)]
    return [(T.MUNICIPALITY, 2), (T.COUNTY, 2), (T.PROVIDER, 1)]


@dataclass
class PlannedMeeting:
    requester: str
    invitee: str
    slot: int  # index into slot_times()
    state: str
    message: str
    location: str


def plan_meetings(rng, profiles, slot_count):
    """Meetings among visible profiles; nobody has two meetings in one slot, whatever the state.

    anna and ben each get a pending request to answer and an accepted meeting on day two (so they
    lie ahead whenever the demo is shown) and nothing else; they never meet each other.
    """
    texts = _data()["meetings"]
    per_day = slot_count // 2
    visible = sorted(name for name, fields in profiles.items() if fields["is_visible"])
    by_type = {}
    for name in visible:
        if name not in (ANNA, BEN):
            by_type.setdefault(profiles[name]["organisation_type"], []).append(name)
    busy = {name: set() for name in visible}
    pending = dict.fromkeys(visible, 0)
    pairs, meetings = set(), []

    def add(requester, invitee, slot, state):
        mine, theirs = profiles[requester], profiles[invitee]
        message = rng.choice(texts["messages"]).format(tag=_topic_of(mine, theirs))
        location = rng.choice(texts["locations"]).format(
            table=rng.randint(1, 24), code=f"{rng.getrandbits(24):06x}"
        )
        meetings.append(PlannedMeeting(requester, invitee, slot, state, message, location))
        busy[requester].add(slot)
        busy[invitee].add(slot)
        pairs.add(frozenset((requester, invitee)))
        pending[requester] += state == Meeting.State.PENDING

    day_two = per_day  # first slot of the second day
    for demo, kinds in ((ANNA, (T.PROVIDER, T.RESEARCH)), (BEN, (T.MUNICIPALITY, T.COUNTY))):
        asking = rng.choice(by_type[kinds[0]])
        add(asking, demo, day_two + 3 + (demo == BEN), Meeting.State.PENDING)
        asked = rng.choice([name for name in by_type[kinds[1]] if name != asking])
        add(demo, asked, day_two + 10 + 3 * (demo == BEN), Meeting.State.ACCEPTED)

    states = [
        (Meeting.State.ACCEPTED, 50),
        (Meeting.State.PENDING, 30),
        (Meeting.State.DECLINED, 10),
        (Meeting.State.CANCELLED, 10),
    ]
    others = [name for name in visible if name not in (ANNA, BEN)]
    for _attempt in range(20 * MEETINGS):
        if len(meetings) >= MEETINGS:
            break
        requester = rng.choice(others)
        kind = _weighted(rng, _complements(profiles[requester]["organisation_type"]))
        candidates = by_type.get(kind, [])
        if not candidates:
            continue
        invitee = rng.choice(candidates)
        if invitee == requester or frozenset((requester, invitee)) in pairs:
            continue
        free = [
            slot
            for slot in range(slot_count)
            if slot not in busy[requester] and slot not in busy[invitee]
        ]
        if not free:
            continue
        state = _weighted(rng, states)
        if state == Meeting.State.PENDING and pending[requester] >= MAX_PENDING_PER_REQUESTER:
            state = Meeting.State.ACCEPTED
        add(requester, invitee, rng.choice(free), state)
    return meetings


def plan_conversations(rng, profiles, meetings):
    """Conversations of visible profiles: some between meeting partners, the others new contacts.

    anna and ben each have one (not with each other) whose last message they have not read yet.
    """
    scripts = _data()["scripts"]
    visible = sorted(name for name, fields in profiles.items() if fields["is_visible"])
    others = [name for name in visible if name not in (ANNA, BEN)]
    pairs, planned = set(), []

    def add(starter, other, script, count, unread_for=None):
        text = _topic_of(profiles[starter], profiles[other])
        lines = [line.format(tag=text) for line in scripts[script][:count]]
        planned.append(PlannedConversation(starter, other, lines, unread_for))
        pairs.add(frozenset((starter, other)))

    met = {frozenset((m.requester, m.invitee)) for m in meetings}
    for username, script, count, starts in (
        (ANNA, "recommended", 3, True),
        (BEN, "funding", 4, False),
    ):
        partners = [
            name
            for name in others
            if frozenset((name, username)) not in met
            and profiles[name]["organisation_type"] != profiles[username]["organisation_type"]
        ]
        partner = rng.choice(partners)
        # The partner writes the last line: with 3 lines the starter, with 4 the other one.
        starter, other = (partner, username) if starts else (username, partner)
        add(starter, other, script, count, unread_for=username)

    meeting_pairs = sorted(
        (m.requester, m.invitee) for m in meetings if not {ANNA, BEN} & {m.requester, m.invitee}
    )
    for requester, invitee in rng.sample(
        meeting_pairs, min(len(meeting_pairs), CONVERSATIONS // 2)
    ):
        script = rng.choice(["recommended", "after_meeting"])
        add(requester, invitee, script, rng.randint(1, len(scripts[script])))
    for _attempt in range(20 * CONVERSATIONS):
        if len(planned) >= CONVERSATIONS:
            break
        starter, other = rng.sample(others, 2)
        if frozenset((starter, other)) in pairs:
            continue
        script = rng.choice(["slides", "funding", "open_source"])
        add(starter, other, script, rng.randint(1, len(scripts[script])))
    return planned


# --- writing -------------------------------------------------------------------------------------


def _sync_holds(event):
    """Make the holds of the event's meetings mirror them: one per participant, same time,
    active while pending or accepted. Replaced wholesale, so no moved hold ever meets an old one
    under PostgreSQL's overlap constraint."""
    meetings = list(
        Meeting.objects.filter(event=event).values_list(
            "pk", "requester_id", "invitee_id", "start", "end", "state"
        )
    )
    wanted = {
        (pk, user_id, start, end, state in Meeting.ACTIVE_STATES)
        for pk, requester_id, invitee_id, start, end, state in meetings
        for user_id in (requester_id, invitee_id)
    }
    holds = MeetingHold.objects.filter(meeting__event=event)
    existing = set(holds.values_list("meeting_id", "user_id", "start", "end", "active"))
    if existing != wanted:
        holds.delete()
        MeetingHold.objects.bulk_create(
            [
                MeetingHold(meeting_id=pk, user_id=user_id, start=start, end=end, active=active)
                for pk, user_id, start, end, active in sorted(wanted)
            ],
            batch_size=500,
        )


def sync_slots(event, times):
    """Make the event's meeting slots exactly ``times``; returns their number."""
    existing = {(slot.start, slot.end): slot.pk for slot in MeetingSlot.objects.filter(event=event)}
    wanted = set(times)
    MeetingSlot.objects.filter(
        pk__in=[pk for key, pk in existing.items() if key not in wanted]
    ).delete()
    MeetingSlot.objects.bulk_create(
        [
            MeetingSlot(event=event, start=start, end=end)
            for start, end in sorted(wanted - existing.keys())
        ]
    )
    return len(wanted)


def redate_matchmaking(event, moved):
    """Move slots and meetings with the event; ``moved(moment)`` gives a moment's new time.

    Slots are replaced (moving them one by one could meet a not yet moved one of the same time);
    holds follow their meetings.
    """
    times = [
        (moved(start), moved(end))
        for start, end in MeetingSlot.objects.filter(event=event).values_list("start", "end")
    ]
    MeetingSlot.objects.filter(event=event).delete()
    MeetingSlot.objects.bulk_create(
        [MeetingSlot(event=event, start=start, end=end) for start, end in sorted(set(times))]
    )
    meetings = list(Meeting.objects.filter(event=event).only("pk", "start", "end"))
    for meeting in meetings:
        meeting.start, meeting.end = moved(meeting.start), moved(meeting.end)
    MeetingHold.objects.filter(meeting__event=event).delete()
    Meeting.objects.bulk_update(meetings, ["start", "end"], batch_size=500)
    _sync_holds(event)


def seed_matchmaking(event, rng, out, *, people, speakers, exhibitors, provider_accounts):
    """Tags, profiles, slots, meetings and conversations of the demo; prints one line.

    ``people`` … ``provider_accounts`` as in ``plan_profiles``; every username must exist.
    Returns the counts it printed.
    """
    profiles = plan_profiles(rng, people, speakers, exhibitors, provider_accounts)
    users = get_user_model().objects.in_bulk(list(profiles), field_name="username")

    tags = _data()["tags"]
    tag_rows = [{"event_id": event.pk, "slug": tag["slug"], "name": tag["name"]} for tag in tags]
    Tag.objects.filter(event=event).exclude(slug__in=tag_names()).delete()
    sync_rows(Tag.objects.filter(event=event), "slug", tag_rows)

    profile_rows = [
        {"event_id": event.pk, "user_id": users[username].pk, **fields}
        for username, fields in sorted(profiles.items())
    ]
    sync_rows(Profile.objects.filter(event=event), "user_id", profile_rows)

    times = slot_times(event)
    slots = sync_slots(event, times)

    planned = plan_meetings(rng, profiles, len(times))
    meeting_rows = []
    for index, meeting in enumerate(planned):
        start, end = times[meeting.slot]
        requester, invitee = users[meeting.requester], users[meeting.invitee]
        meeting_rows.append(
            {
                "event_id": event.pk,
                "guid": _guid("meeting", index),
                "requester_id": requester.pk,
                "invitee_id": invitee.pk,
                "awaiting_id": invitee.pk if meeting.state == Meeting.State.PENDING else None,
                "start": start,
                "end": end,
                "message": meeting.message,
                "location": meeting.location,
                "state": meeting.state,
            }
        )
    guids = [row["guid"] for row in meeting_rows]
    Meeting.objects.filter(event=event).exclude(guid__in=guids).delete()
    sync_rows(Meeting.objects.filter(event=event), "guid", meeting_rows)
    _sync_holds(event)

    conversations = plan_conversations(rng, profiles, planned)
    message_count = sync_conversations(event, conversations, users, origin=ORIGIN)
    bump_version(event)

    states = {state: 0 for state in Meeting.State.values}
    for meeting in planned:
        states[meeting.state] += 1
    visible = sum(1 for fields in profiles.values() if fields["is_visible"])
    counts = {
        "tags": len(tags),
        "profiles": len(profiles),
        "visible": visible,
        "slots": slots,
        "meetings": len(planned),
        "states": states,
        "conversations": len(conversations),
        "messages": message_count,
    }
    out.write(
        f"Matchmaking: {len(tags)} Schlagworte, {len(profiles)} Profile ({visible} sichtbar), "
        f"{slots} Termin-Slots, {len(planned)} Treffen ({states['accepted']} zugesagt, "
        f"{states['pending']} offen, {states['declined']} abgelehnt, {states['cancelled']} "
        f"abgesagt), {len(conversations)} Unterhaltungen mit {message_count} Nachrichten"
    )
    return counts
