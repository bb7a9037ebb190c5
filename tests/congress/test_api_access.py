"""Who may do what on every congress REST route: one role × route × method table drives it all.

Each cell is one test: the role sends the request, the status must match, and a refused request
(and every read) must leave the database exactly as it was.
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from backoffice.models import ProgrammeVisit, Release, Webhook, WebhookDelivery
from congress.models import (
    Announcement,
    AnnouncementDismissal,
    Event,
    Favourite,
    Registration,
    Room,
    Session,
    Speaker,
    Track,
)
from expo.models import Exhibitor
from tests.factories import (
    EventFactory,
    ExhibitorFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    TrackFactory,
    UserFactory,
    at,
)
from treffpunkt.models import TopicEvent

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "attendee",
    "speaker",
    "other_speaker",
    "organizer",
    "other_organizer",
    "staff",
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The table builds seven users per cell; the production hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(event, organizer, attendee, settings):
    """A published event with one of everything, a second event and an unpublished one."""
    # Video rooms on Jitsi without a secret: a join URL needs no call to a video server.
    settings.VIDEO_PROVIDER = "jitsi"
    settings.JITSI_URL = "https://meet.example.org"
    settings.JITSI_SECRET = ""
    w = SimpleNamespace(event=event)
    w.users = {
        "anonymous": None,
        "attendee": attendee,
        "speaker": UserFactory(username="sven"),
        "other_speaker": UserFactory(username="otto"),
        "organizer": organizer,
        "other_organizer": UserFactory(username="olga"),
        "staff": UserFactory(username="stefan", is_staff=True),
    }
    for role in ("speaker", "other_speaker"):
        RegistrationFactory(event=event, user=w.users[role], role=Registration.Role.SPEAKER)
    RegistrationFactory(
        event=EventFactory(), user=w.users["other_organizer"], role=Registration.Role.ORGANIZER
    )

    w.room = RoomFactory(event=event, name="Saal 1")
    w.free_room = RoomFactory(event=event, name="Saal 2")
    w.track = TrackFactory(event=event)
    w.speaker = SpeakerFactory(event=event, user=w.users["speaker"], name="Sven Sprecher")
    SpeakerFactory(event=event, user=w.users["other_speaker"], name="Otto Anders")
    w.free_speaker = SpeakerFactory(event=event, name="Frei Ohne Vortrag")
    w.session = SessionFactory(
        event=event, room=w.room, start=at(event, 10), end=at(event, 11), speakers=[w.speaker]
    )
    w.round_table = SessionFactory(
        event=event, room=None, kind="round_table", start=at(event, 12), end=at(event, 13)
    )
    Favourite.objects.create(user=attendee, session=w.session)
    w.exhibitor = ExhibitorFactory(event=event)
    w.announcement = Announcement.objects.create(event=event, text_de="Saal 2 beginnt später.")
    Release.objects.create(event=event, version="v1", programme_version=1)
    w.webhook = Webhook.objects.create(
        event=event, url="https://example.org/hook", events=["session.created"]
    )

    w.hidden = EventFactory(is_published=False)
    RegistrationFactory(event=w.hidden, user=organizer, role=Registration.Role.ORGANIZER)
    RegistrationFactory(event=w.hidden, user=attendee, role=Registration.Role.ATTENDEE)
    w.hidden_room = RoomFactory(event=w.hidden)
    w.hidden_session = SessionFactory(event=w.hidden, room=w.hidden_room)
    ExhibitorFactory(event=w.hidden)
    return w


def events_url(event):
    return f"/api/v1/events/{event.slug}/"


def session_payload(event, room):
    return {
        "title": "Offene Daten",
        "kind": "talk",
        "start": at(event, 14).isoformat(),
        "end": at(event, 14, 45).isoformat(),
        "room": room.pk,
    }


# route name → (URL, JSON payload), both built from the world.
ROUTES = {
    "events": (
        lambda w: "/api/v1/events/",
        lambda w: {
            "slug": "neu",
            "acronym": "neu2026",
            "name": "Neuer Kongress",
            "start_date": "2026-09-01",
            "end_date": "2026-09-02",
        },
    ),
    "event": (lambda w: events_url(w.event), lambda w: {"name": "Umbenannt"}),
    "hidden event": (lambda w: events_url(w.hidden), lambda w: {"name": "Umbenannt"}),
    "rooms": (lambda w: events_url(w.event) + "rooms/", lambda w: {"name": "Saal 3"}),
    "room": (
        lambda w: events_url(w.event) + f"rooms/{w.free_room.pk}/",
        lambda w: {"name": "Saal 9"},
    ),
    "hidden rooms": (lambda w: events_url(w.hidden) + "rooms/", lambda w: {"name": "Saal 3"}),
    "tracks": (lambda w: events_url(w.event) + "tracks/", lambda w: {"name": "Neu"}),
    "track": (lambda w: events_url(w.event) + f"tracks/{w.track.pk}/", lambda w: {"name": "Neu"}),
    "speakers": (lambda w: events_url(w.event) + "speakers/", lambda w: {"name": "Neu"}),
    "speaker": (
        lambda w: events_url(w.event) + f"speakers/{w.free_speaker.pk}/",
        lambda w: {"name": "Neu"},
    ),
    "sessions": (
        lambda w: events_url(w.event) + "sessions/",
        lambda w: session_payload(w.event, w.room),
    ),
    "session": (
        lambda w: events_url(w.event) + f"sessions/{w.session.pk}/",
        lambda w: {"title": "Neuer Titel"},
    ),
    "session, state only": (
        lambda w: events_url(w.event) + f"sessions/{w.session.pk}/",
        lambda w: {"state": "live"},
    ),
    "session state": (
        lambda w: events_url(w.event) + f"sessions/{w.session.pk}/state/",
        lambda w: {"state": "live"},
    ),
    "hidden sessions": (
        lambda w: events_url(w.hidden) + "sessions/",
        lambda w: session_payload(w.hidden, w.hidden_room),
    ),
    "hidden session": (
        lambda w: events_url(w.hidden) + f"sessions/{w.hidden_session.pk}/",
        lambda w: {"title": "Neuer Titel"},
    ),
    "registrations": (lambda w: events_url(w.event) + "registrations/", lambda w: {}),
    "registrations/<id>": (
        lambda w: (
            events_url(w.event)
            + f"registrations/{Registration.objects.get(user__username='anna', event=w.event).pk}/"
        ),
        lambda w: {},
    ),
    "registration": (lambda w: events_url(w.event) + "registration/", lambda w: {}),
    "hidden registration": (lambda w: events_url(w.hidden) + "registration/", lambda w: {}),
    "agenda": (lambda w: events_url(w.event) + "agenda/", lambda w: {"session": w.session.pk}),
    "agenda/<session>": (lambda w: events_url(w.event) + f"agenda/{w.session.pk}/", lambda w: {}),
    "hidden agenda": (
        lambda w: events_url(w.hidden) + "agenda/",
        lambda w: {"session": w.hidden_session.pk},
    ),
    "exhibitors": (lambda w: events_url(w.event) + "exhibitors/", lambda w: {"name": "Neu"}),
    "round table video": (
        lambda w: events_url(w.event) + f"sessions/{w.round_table.pk}/video/",
        lambda w: {},
    ),
    "talk video": (
        lambda w: events_url(w.event) + f"sessions/{w.session.pk}/video/",
        lambda w: {},
    ),
    "exhibitor": (lambda w: events_url(w.event) + f"exhibitors/{w.exhibitor.pk}/", lambda w: {}),
    "hidden exhibitors": (lambda w: events_url(w.hidden) + "exhibitors/", lambda w: {}),
    "announcements": (
        lambda w: events_url(w.event) + "announcements/",
        lambda w: {"text_de": "Die Expo öffnet jetzt.", "text_en": "The expo opens now."},
    ),
    "announcement": (
        lambda w: events_url(w.event) + f"announcements/{w.announcement.pk}/",
        lambda w: {"level": "warning"},
    ),
    "announcement dismiss": (
        lambda w: events_url(w.event) + f"announcements/{w.announcement.pk}/dismiss/",
        lambda w: {},
    ),
    "announcement resend": (
        lambda w: events_url(w.event) + f"announcements/{w.announcement.pk}/resend/",
        lambda w: {"which": ["unsure"]},
    ),
    # The back office (docs/import.md, docs/webhooks.md, docs/report.md).
    "schedule import": (
        lambda w: events_url(w.event) + "schedule/import/",
        lambda w: {"schedule": {"schedule": {"conference": {"days": []}}}, "dry_run": True},
    ),
    "hidden schedule import": (
        lambda w: events_url(w.hidden) + "schedule/import/",
        lambda w: {"schedule": {"schedule": {"conference": {"days": []}}}, "dry_run": True},
    ),
    "releases": (lambda w: events_url(w.event) + "releases/", lambda w: {"version": "v2"}),
    "release": (lambda w: events_url(w.event) + "releases/v1/", lambda w: {}),
    "releases.atom": (lambda w: events_url(w.event).rstrip("/") + "/releases.atom", lambda w: {}),
    "releases.rss": (lambda w: events_url(w.event).rstrip("/") + "/releases.rss", lambda w: {}),
    "hidden releases": (lambda w: events_url(w.hidden) + "releases/", lambda w: {"version": "v2"}),
    "changes": (lambda w: events_url(w.event) + "changes/", lambda w: {}),
    "webhooks": (
        lambda w: events_url(w.event) + "webhooks/",
        lambda w: {"url": "https://example.org/new", "events": ["session.changed"]},
    ),
    "webhook": (
        lambda w: events_url(w.event) + f"webhooks/{w.webhook.pk}/",
        lambda w: {"is_active": False},
    ),
    "webhook test": (
        lambda w: events_url(w.event) + f"webhooks/{w.webhook.pk}/test/",
        lambda w: {},
    ),
    "webhook deliveries": (
        lambda w: events_url(w.event) + f"webhooks/{w.webhook.pk}/deliveries/",
        lambda w: {},
    ),
    "hidden webhooks": (lambda w: events_url(w.hidden) + "webhooks/", lambda w: {}),
    # Nobody in this world is booth staff (their 2xx: tests/backoffice/test_webhooks.py).
    "booth webhooks": (
        lambda w: events_url(w.event) + f"webhooks/?booth={w.exhibitor.pk}",
        lambda w: {"url": "https://example.org/leads", "events": ["lead.created"]},
    ),
    "report": (lambda w: events_url(w.event) + "report/", lambda w: {}),
    "report.csv": (lambda w: events_url(w.event) + "report.csv", lambda w: {}),
    "hidden report": (lambda w: events_url(w.hidden) + "report/", lambda w: {}),
}

ALL_200 = (200,) * 7
# fmt: off
TABLE = {
    #                                  anon  att   spk   ospk  orga  oorga staff
    ("GET", "events"):                ALL_200,
    ("POST", "events"):               (401,  403,  403,  403,  403,  403,  201),
    ("GET", "event"):                 ALL_200,
    ("PATCH", "event"):               (401,  403,  403,  403,  200,  403,  403),
    ("GET", "hidden event"):          (404,  404,  404,  404,  200,  404,  404),
    ("PATCH", "hidden event"):        (401,  404,  404,  404,  200,  404,  404),

    ("GET", "rooms"):                 ALL_200,
    ("POST", "rooms"):                (401,  403,  403,  403,  201,  403,  403),
    ("GET", "room"):                  ALL_200,
    ("PATCH", "room"):                (401,  403,  403,  403,  200,  403,  403),
    ("DELETE", "room"):               (401,  403,  403,  403,  204,  403,  403),
    ("GET", "hidden rooms"):          (404,  404,  404,  404,  200,  404,  404),
    ("POST", "hidden rooms"):         (404,  404,  404,  404,  201,  404,  404),

    ("GET", "tracks"):                ALL_200,
    ("POST", "tracks"):               (401,  403,  403,  403,  201,  403,  403),
    ("GET", "track"):                 ALL_200,
    ("PATCH", "track"):               (401,  403,  403,  403,  200,  403,  403),
    ("DELETE", "track"):              (401,  403,  403,  403,  204,  403,  403),

    ("GET", "speakers"):              ALL_200,
    ("POST", "speakers"):             (401,  403,  403,  403,  201,  403,  403),
    ("GET", "speaker"):               ALL_200,
    ("PATCH", "speaker"):             (401,  403,  403,  403,  200,  403,  403),
    ("DELETE", "speaker"):            (401,  403,  403,  403,  204,  403,  403),

    ("GET", "sessions"):              ALL_200,
    ("POST", "sessions"):             (401,  403,  403,  403,  201,  403,  403),
    ("GET", "session"):               ALL_200,
    ("PATCH", "session"):             (401,  403,  403,  403,  200,  403,  403),
    ("DELETE", "session"):            (401,  403,  403,  403,  204,  403,  403),
    ("PATCH", "session, state only"): (401,  403,  200,  403,  200,  403,  403),
    ("POST", "session state"):        (401,  403,  200,  403,  200,  403,  403),
    ("GET", "hidden sessions"):       (404,  404,  404,  404,  200,  404,  404),
    ("POST", "hidden sessions"):      (404,  404,  404,  404,  201,  404,  404),
    ("GET", "hidden session"):        (404,  404,  404,  404,  200,  404,  404),
    ("PATCH", "hidden session"):      (404,  404,  404,  404,  200,  404,  404),

    ("GET", "registrations"):         (401,  403,  403,  403,  200,  403,  403),
    ("GET", "registrations/<id>"):    (401,  403,  403,  403,  200,  403,  403),
    ("POST", "registrations"):        (401,  403,  403,  403,  405,  403,  403),

    ("GET", "registration"):          (401,  200,  200,  200,  200,  404,  404),
    ("POST", "registration"):         (401,  200,  200,  200,  200,  201,  201),
    ("DELETE", "registration"):       (401,  204,  204,  204,  400,  204,  204),
    ("GET", "hidden registration"):   (401,  404,  404,  404,  200,  404,  404),
    ("POST", "hidden registration"):  (401,  404,  404,  404,  200,  404,  404),

    ("GET", "agenda"):                (401,  200,  200,  200,  200,  200,  200),
    ("POST", "agenda"):               (401,  201,  201,  201,  201,  201,  201),
    ("DELETE", "agenda/<session>"):   (401,  204,  204,  204,  204,  204,  204),
    ("GET", "hidden agenda"):         (401,  404,  404,  404,  200,  404,  404),
    ("POST", "hidden agenda"):        (401,  404,  404,  404,  201,  404,  404),

    ("GET", "exhibitors"):            ALL_200,
    ("GET", "exhibitor"):             ALL_200,
    ("POST", "exhibitors"):           (401,  403,  403,  403,  405,  403,  403),
    ("GET", "hidden exhibitors"):     (404,  404,  404,  404,  200,  404,  404),

    ("GET", "announcements"):         (401,  200,  200,  200,  200,  200,  200),
    ("POST", "announcements"):        (401,  403,  403,  403,  201,  403,  403),
    ("GET", "announcement"):          (401,  403,  403,  403,  200,  403,  403),
    ("PATCH", "announcement"):        (401,  403,  403,  403,  200,  403,  403),
    ("DELETE", "announcement"):       (401,  403,  403,  403,  204,  403,  403),
    ("POST", "announcement dismiss"): (401,  204,  204,  204,  204,  404,  404),
    ("POST", "announcement resend"):  (401,  403,  403,  403,  202,  403,  403),
    ("POST", "schedule import"):      (401,  403,  403,  403,  200,  403,  403),
    ("POST", "hidden schedule import"): (404, 404,  404,  404,  200,  404,  404),
    ("GET", "releases"):              ALL_200,
    ("POST", "releases"):             (401,  403,  403,  403,  201,  403,  403),
    ("GET", "release"):               ALL_200,
    ("GET", "releases.atom"):         ALL_200,
    ("GET", "releases.rss"):          ALL_200,
    ("GET", "hidden releases"):       (404,  404,  404,  404,  200,  404,  404),
    ("POST", "hidden releases"):      (404,  404,  404,  404,  201,  404,  404),
    ("GET", "changes"):               (401,  200,  200,  200,  200,  200,  200),
    ("POST", "changes"):              (401,  200,  200,  200,  200,  200,  200),
    ("GET", "webhooks"):              (401,  403,  403,  403,  200,  403,  403),
    ("POST", "webhooks"):             (401,  403,  403,  403,  201,  403,  403),
    ("GET", "webhook"):               (401,  403,  403,  403,  200,  403,  403),
    ("PATCH", "webhook"):             (401,  403,  403,  403,  200,  403,  403),
    ("DELETE", "webhook"):            (401,  403,  403,  403,  204,  403,  403),
    ("POST", "webhook test"):         (401,  403,  403,  403,  202,  403,  403),
    ("GET", "webhook deliveries"):    (401,  403,  403,  403,  200,  403,  403),
    ("GET", "hidden webhooks"):       (404,  404,  404,  404,  200,  404,  404),
    ("GET", "booth webhooks"):        (401,  403,  403,  403,  403,  403,  403),
    ("POST", "booth webhooks"):       (401,  403,  403,  403,  403,  403,  403),
    ("GET", "report"):                (401,  403,  403,  403,  200,  403,  403),
    ("GET", "report.csv"):            (401,  403,  403,  403,  200,  403,  403),
    ("GET", "hidden report"):         (404,  404,  404,  404,  200,  404,  404),
    ("GET", "round table video"):     (401,  200,  200,  200,  200,  403,  403),
    ("POST", "round table video"):    (401,  200,  200,  200,  200,  403,  403),
    ("PATCH", "round table video"):   (405,  405,  405,  405,  405,  405,  405),
    ("POST", "talk video"):           (401,  403,  403,  403,  403,  403,  403),
}
# fmt: on

CASES = [
    pytest.param(method, route, role, status, id=f"{method} {route} as {role} -> {status}")
    for (method, route), statuses in TABLE.items()
    for role, status in zip(ROLES, statuses, strict=True)
]

# What a refusal says. Unknown and hidden objects look alike: the event detail names the model,
# routes under an event answer as if the event did not exist.
REFUSALS = {
    401: {"detail": "Authentication credentials were not provided."},
    403: {"detail": "You do not have permission to do this."},
    404: {"detail": "Not found."},
    # The only 400 in the table: the event's last organizer may not withdraw.
    400: {
        "non_field_errors": ["You are the event's last organizer; name another organizer first."]
    },
}
EVENT_NOT_FOUND = {"detail": "No Event matches the given query."}


def refusal(method, route, status):
    if status == 405:
        return {"detail": f'Method "{method}" not allowed.'}
    if status == 404 and route == "hidden event":
        return EVENT_NOT_FOUND
    return REFUSALS[status]


def client_for(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.credentials(
            HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}"
        )
    return client


def snapshot():
    """Every row the congress REST API could touch, so a refusal can be shown to change nothing.

    The realtime log is included: a refused change must not be pushed either.
    """
    models = (
        Event, Room, Track, Speaker, Session, Session.speakers.through, Registration, Favourite,
        Exhibitor, get_user_model(), TopicEvent, Release, Webhook, WebhookDelivery, ProgrammeVisit,
        Announcement, AnnouncementDismissal,
    )  # fmt: skip
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


def test_table_covers_every_route():
    assert sorted({route for _method, route in TABLE}) == sorted(ROUTES)


@pytest.mark.parametrize(("method", "route", "role", "expected"), CASES)
def test_access(world, method, route, role, expected):
    url, payload = ROUTES[route]
    client = client_for(world.users[role])
    before = snapshot()

    send = getattr(client, method.lower())
    if method == "GET":
        response = send(url(world))
    else:
        response = send(url(world), payload(world), format="json")

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response.json() == refusal(method, route, expected)
        assert snapshot() == before
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
    if method == "GET":
        assert snapshot() == before
