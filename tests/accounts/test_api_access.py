"""Who may import, list, resend and invite: one role × route × method table drives it all.

Each cell is one test: the role sends the request, the status must match, and a refused request
(and every read) leaves the database exactly as it was.
"""

import io
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.models import Invitation
from congress.models import Registration
from expo.models import ExhibitorStaff
from tests.factories import (
    EventFactory,
    ExhibitorFactory,
    ExhibitorStaffFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "attendee",
    "booth_staff",
    "booth_admin",
    "other_admin",
    "organizer",
    "other_organizer",
)


@pytest.fixture
def world(event, organizer, attendee):
    w = SimpleNamespace(event=event)
    w.booth = ExhibitorFactory(event=event, slug="stand-a")
    w.other_booth = ExhibitorFactory(event=event, slug="stand-b")
    w.users = {
        "anonymous": None,
        "attendee": attendee,
        "booth_staff": UserFactory(username="bea"),
        "booth_admin": UserFactory(username="bernd"),
        "other_admin": UserFactory(username="olaf"),
        "organizer": organizer,
        "other_organizer": UserFactory(username="olga"),
    }
    for role, booth, staff_role in (
        ("booth_staff", w.booth, "staff"),
        ("booth_admin", w.booth, "admin"),
        ("other_admin", w.other_booth, "admin"),
    ):
        RegistrationFactory(event=event, user=w.users[role], role=Registration.Role.EXHIBITOR)
        ExhibitorStaffFactory(exhibitor=booth, user=w.users[role], role=staff_role)
    RegistrationFactory(
        event=EventFactory(), user=w.users["other_organizer"], role=Registration.Role.ORGANIZER
    )
    invited = UserFactory(username="ina", email="ina@example.org")
    w.invitation = Invitation.objects.create(
        event=event, user=invited, email=invited.email, role="attendee",
        expires_at="2099-01-01T00:00:00Z", delivery="failed",
    )  # fmt: skip
    return w


def api_url(w, rest):
    return f"/api/v1/events/{w.event.slug}/{rest}"


def csv_upload(w):
    return {"file": io.BytesIO(b"email,role\nneu@example.org,attendee\n")}


ROUTES = {
    # name: (interface, url, payload)
    "import": ("api", lambda w: api_url(w, "registrations/import/"), csv_upload),
    "import dry run": (
        "api",
        lambda w: api_url(w, "registrations/import/"),
        lambda w: {**csv_upload(w), "dry_run": "true"},
    ),
    "invitations": ("api", lambda w: api_url(w, "invitations/"), lambda w: {}),
    "resend": (
        "api",
        lambda w: api_url(w, f"invitations/{w.invitation.pk}/resend/"),
        lambda w: {},
    ),
    "invite own booth": (
        "api",
        lambda w: api_url(w, f"exhibitors/{w.booth.pk}/staff/invite/"),
        lambda w: {"email": "neu@example.org"},
    ),
    "invite other booth": (
        "api",
        lambda w: api_url(w, f"exhibitors/{w.other_booth.pk}/staff/invite/"),
        lambda w: {"email": "neu@example.org"},
    ),
    "import page": ("web", lambda w: f"/events/{w.event.slug}/import/", lambda w: {}),
    "invite page": (
        "web",
        lambda w: f"/events/{w.event.slug}/expo/{w.booth.pk}/invite/",
        lambda w: {},
    ),
    "outbox page": ("web", lambda w: "/dev/outbox/", lambda w: {}),
}

TABLE = {
    #                                  anon  attendee staff admin other_a orga other_o
    ("POST", "import"):                (401,  403,  403,  403,  403,  201,  403),
    ("POST", "import dry run"):        (401,  403,  403,  403,  403,  200,  403),
    ("GET", "invitations"):            (401,  403,  403,  403,  403,  200,  403),
    ("POST", "resend"):                (401,  403,  403,  403,  403,  200,  403),
    ("POST", "invite own booth"):      (401,  403,  403,  201,  403,  201,  403),
    ("POST", "invite other booth"):    (401,  403,  403,  403,  201,  201,  403),
    ("GET", "import page"):            (302,  403,  403,  403,  403,  200,  403),
    ("GET", "invite page"):            (302,  403,  403,  200,  403,  200,  403),
    ("GET", "outbox page"):            (404,  404,  404,  404,  404,  404,  404),
}  # fmt: skip

CASES = [
    pytest.param(method, route, role, expected, id=f"{method} {route} as {role} -> {expected}")
    for (method, route), row in TABLE.items()
    for role, expected in zip(ROLES, row, strict=True)
]


def snapshot():
    models = (get_user_model(), Registration, Invitation, ExhibitorStaff)
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


def test_table_covers_every_route():
    assert sorted({route for _method, route in TABLE}) == sorted(ROUTES)


@pytest.mark.parametrize(("method", "route", "role", "expected"), CASES)
def test_access(world, as_user, api, settings, method, route, role, expected):
    settings.DEBUG = False
    interface, url, payload = ROUTES[route]
    user = world.users[role]
    if interface == "api":
        client = as_user(user) if user else api
    else:
        client = Client()
        if user:
            client.force_login(user)
    before = snapshot()
    if method == "GET":
        response = client.get(url(world))
    else:
        response = client.post(url(world), payload(world), format="multipart")
    assert response.status_code == expected, response.content
    if expected >= 400 or method == "GET" or route == "import dry run":
        assert snapshot() == before
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"


def test_outbox_is_shown_while_debug_is_on(settings, db):
    from django.core.mail import send_mail

    settings.DEBUG = True
    settings.EMAIL_BACKEND = "accounts.mail.OutboxBackend"
    send_mail("Hallo", "Text mit https://example.org/link", None, ["a@example.org"])
    page = Client().get("/dev/outbox/")
    assert page.status_code == 200
    assert "Hallo" in page.content.decode()
