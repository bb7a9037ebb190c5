"""Who may do what with meetings, slots and reports: one row per route and method, one column per
role. After every refusal, every matchmaking table (and the conversations) is unchanged."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from congress.models import Ban, Registration
from conversations.models import Conversation
from matchmaking.models import Block, Meeting, MeetingHold, MeetingSlot, Profile, Report
from tests.factories import EventFactory, RegistrationFactory, UserFactory

from .factories import ProfileFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "banned", "third", "organizer", "requester", "invitee"]


class World:
    pass


@pytest.fixture
def world(settings):
    # Video rooms on Jitsi without a secret: a join URL needs no call to a video server.
    settings.VIDEO_PROVIDER = "jitsi"
    settings.JITSI_URL = "https://meet.example.org"
    settings.JITSI_SECRET = ""
    today = timezone.localdate()
    world = World()
    world.event = EventFactory(start_date=today, end_date=today + timedelta(days=2))
    start = world.event.starts_at + timedelta(days=1, hours=10)
    world.slots = [
        MeetingSlot.objects.create(
            event=world.event,
            start=start + timedelta(minutes=30 * n),
            end=start + timedelta(minutes=30 * (n + 1)),
        )
        for n in range(3)
    ]
    roles = {
        "requester": Registration.Role.ATTENDEE,
        "invitee": Registration.Role.ATTENDEE,
        "third": Registration.Role.ATTENDEE,
        "banned": Registration.Role.ATTENDEE,
        "organizer": Registration.Role.ORGANIZER,
    }
    world.users = {"anonymous": None, "outsider": UserFactory(username="outsider")}
    for role, registration_role in roles.items():
        user = UserFactory(username=role)
        RegistrationFactory(event=world.event, user=user, role=registration_role)
        ProfileFactory(event=world.event, user=user, is_visible=True)
        world.users[role] = user
    Ban.objects.create(event=world.event, user=world.users["banned"])
    world.meeting = Meeting.objects.create(
        event=world.event,
        requester=world.users["requester"],
        invitee=world.users["invitee"],
        awaiting=world.users["invitee"],
        start=world.slots[0].start,
        end=world.slots[0].end,
    )
    for user in (world.users["requester"], world.users["invitee"]):
        MeetingHold.objects.create(
            meeting=world.meeting, user=user, start=world.meeting.start, end=world.meeting.end
        )
    # An accepted meeting of the same two, at a time no slot offers: its video room is open.
    world.accepted = Meeting.objects.create(
        event=world.event,
        requester=world.users["requester"],
        invitee=world.users["invitee"],
        start=world.slots[2].end + timedelta(hours=3),
        end=world.slots[2].end + timedelta(hours=3, minutes=30),
        state=Meeting.State.ACCEPTED,
    )
    world.report = Report.objects.create(
        event=world.event,
        reporter=world.users["third"],
        reported=world.users["invitee"],
        reason="Werbung",
    )
    return world


def base(world):
    return f"/api/v1/events/{world.event.slug}/"


def slot_body(world, index):
    slot = world.slots[index]
    return {"start": slot.start.isoformat(), "end": slot.end.isoformat()}


ROUTES = {
    "meetings": lambda w: f"{base(w)}meetings/",
    "meeting": lambda w: f"{base(w)}meetings/{w.meeting.pk}/",
    "accept": lambda w: f"{base(w)}meetings/{w.meeting.pk}/accept/",
    "decline": lambda w: f"{base(w)}meetings/{w.meeting.pk}/decline/",
    "cancel": lambda w: f"{base(w)}meetings/{w.meeting.pk}/cancel/",
    "reschedule": lambda w: f"{base(w)}meetings/{w.meeting.pk}/reschedule/",
    "free slots": lambda w: f"{base(w)}meetings/slots/?with={w.users['invitee'].pk}",
    "slots": lambda w: f"{base(w)}meeting-slots/",
    "slot": lambda w: f"{base(w)}meeting-slots/{w.slots[2].pk}/",
    "slot series": lambda w: f"{base(w)}meeting-slots/series/",
    "reports": lambda w: f"{base(w)}reports/",
    "resolve": lambda w: f"{base(w)}reports/{w.report.pk}/resolve/",
    # The meetings' video rooms (stage/api.py; docs/stage.md).
    "meeting video": lambda w: f"{base(w)}meetings/{w.accepted.pk}/video/",
    "pending meeting video": lambda w: f"{base(w)}meetings/{w.meeting.pk}/video/",
}

PAYLOADS = {
    ("POST", "meetings"): lambda w: {"invitee": w.users["invitee"].pk, **slot_body(w, 1)},
    ("POST", "reschedule"): lambda w: slot_body(w, 2),
    ("POST", "slots"): lambda w: {
        "start": (w.slots[2].end + timedelta(hours=1)).isoformat(),
        "end": (w.slots[2].end + timedelta(hours=2)).isoformat(),
    },
    ("POST", "reports"): lambda w: {"user": w.users["invitee"].pk, "reason": "Unfreundlich"},
    ("POST", "slot series"): lambda w: {
        "day": w.event.end_date.isoformat(),
        "from": "09:00",
        "to": "10:00",
        "minutes": 30,
    },
}

# Columns follow ROLES: anonymous, outsider, banned, third, organizer, requester, invitee.
TABLE = {
    ("GET", "meetings"): (401, 403, 403, 200, 200, 200, 200),
    ("POST", "meetings"): (401, 403, 403, 201, 201, 201, 400),  # the invitee cannot meet herself
    ("GET", "meeting"): (401, 403, 403, 404, 404, 200, 200),
    ("POST", "accept"): (401, 403, 403, 404, 404, 403, 200),  # only the awaited side answers
    ("POST", "decline"): (401, 403, 403, 404, 404, 403, 200),
    ("POST", "cancel"): (401, 403, 403, 404, 404, 200, 200),
    ("POST", "reschedule"): (401, 403, 403, 404, 404, 200, 200),
    ("GET", "free slots"): (401, 403, 403, 200, 200, 200, 400),  # free "with" oneself: 400
    ("GET", "slots"): (401, 403, 403, 200, 200, 200, 200),
    ("POST", "slots"): (401, 403, 403, 403, 201, 403, 403),
    ("DELETE", "slot"): (401, 403, 403, 403, 204, 403, 403),
    ("POST", "slot series"): (401, 403, 403, 403, 201, 403, 403),
    ("GET", "reports"): (401, 403, 403, 403, 200, 403, 403),
    ("POST", "reports"): (401, 403, 403, 201, 201, 201, 400),  # reporting oneself: 400
    ("POST", "resolve"): (401, 403, 403, 403, 200, 403, 403),
    # Only the two participants, both as moderators; 404 for anyone else, as every meeting route.
    ("GET", "meeting video"): (401, 404, 404, 404, 404, 200, 200),
    ("POST", "meeting video"): (401, 404, 404, 404, 404, 200, 200),
    ("POST", "pending meeting video"): (401, 404, 404, 404, 404, 403, 403),
}

CASES = [
    pytest.param(method, route, role, expected, id=f"{method} {route} as {role}")
    for (method, route), row in TABLE.items()
    for role, expected in zip(ROLES, row, strict=True)
]


def snapshot():
    models = (Meeting, MeetingHold, MeetingSlot, Report, Block, Profile, Conversation)
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


def client_for(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_table_covers_every_matchmaking_write_and_meeting_route():
    assert {route for _method, route in TABLE} == set(ROUTES)


@pytest.mark.parametrize(("method", "route", "role", "expected"), CASES)
def test_access(world, method, route, role, expected):
    client = client_for(world.users[role])
    before = snapshot()
    payload = PAYLOADS.get((method, route), lambda w: {})(world)

    response = getattr(client, method.lower())(ROUTES[route](world), payload, format="json")

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert snapshot() == before
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
