"""Who may do what on every expo REST route: one role × route × method table drives it all.

Each cell is one test: the role sends the request, the status must match, and a refused request
must leave every expo row exactly as it was.
"""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from congress.models import Registration
from expo.models import (
    BoothVisit,
    ContactPerson,
    Download,
    Exhibitor,
    ExhibitorStaff,
    Lead,
    Product,
)
from tests.factories import (
    ExhibitorFactory,
    ExhibitorStaffFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "attendee", "own_admin", "own_staff", "other_staff", "organizer")


@pytest.fixture
def world(event, organizer, attendee, settings):
    """A published booth with an admin and a staff member, a draft, a booth under review and a
    second booth with its own staff; the attendee has left a lead at the first booth."""
    # Video rooms on Jitsi without a secret: a join URL needs no call to a video server.
    settings.VIDEO_PROVIDER = "jitsi"
    settings.JITSI_URL = "https://meet.example.org"
    settings.JITSI_SECRET = ""
    w = SimpleNamespace(event=event)
    w.users = {
        "anonymous": None,
        "attendee": attendee,
        "own_admin": UserFactory(username="adam"),
        "own_staff": UserFactory(username="stella"),
        "other_staff": UserFactory(username="oskar"),
        "organizer": organizer,
    }
    UserFactory(username="neu")
    for role in ("own_admin", "own_staff", "other_staff"):
        RegistrationFactory(event=event, user=w.users[role], role=Registration.Role.EXHIBITOR)
    w.booth = ExhibitorFactory(event=event, name="Stadtwerk Daten AG")
    w.draft = ExhibitorFactory(event=event, status=Exhibitor.Status.DRAFT)
    w.pending = ExhibitorFactory(event=event, status=Exhibitor.Status.SUBMITTED)
    w.other = ExhibitorFactory(event=event)
    for booth in (w.booth, w.draft, w.pending):
        ExhibitorStaffFactory(exhibitor=booth, user=w.users["own_admin"], role="admin")
        ExhibitorStaffFactory(exhibitor=booth, user=w.users["own_staff"], role="staff")
    ExhibitorStaffFactory(exhibitor=w.other, user=w.users["other_staff"], role="admin")
    w.staff_membership = ExhibitorStaff.objects.get(exhibitor=w.booth, user=w.users["own_staff"])
    w.product = Product.objects.create(exhibitor=w.booth, name="Datenplattform")
    w.download = Download.objects.create(
        exhibitor=w.booth, title="Broschüre", link="https://example.org/b.pdf"
    )
    w.contact = ContactPerson.objects.create(exhibitor=w.booth, name="Frau Beispiel")
    Lead.objects.create(exhibitor=w.booth, user=attendee, consent=True, consented_at=timezone.now())
    return w


def booth_url(w, booth=None):
    return f"/api/v1/events/{w.event.slug}/exhibitors/{(booth or w.booth).pk}/"


# route name → (URL, JSON payload), both built from the world.
ROUTES = {
    "hall": (lambda w: f"/api/v1/events/{w.event.slug}/exhibitors/", lambda w: {"name": "X"}),
    "booth": (booth_url, lambda w: {"tagline": "Offene Daten für alle"}),
    "draft": (lambda w: booth_url(w, w.draft), lambda w: {"tagline": "Neu"}),
    "submit draft": (lambda w: booth_url(w, w.draft) + "submit/", lambda w: {}),
    "approve": (lambda w: booth_url(w, w.pending) + "approve/", lambda w: {}),
    "reject": (lambda w: booth_url(w, w.pending) + "reject/", lambda w: {"note": "Logo fehlt"}),
    "logo": (lambda w: booth_url(w) + "logo/", lambda w: {}),
    "staff": (lambda w: booth_url(w) + "staff/", lambda w: {"username": "neu"}),
    "staff member": (lambda w: booth_url(w) + f"staff/{w.staff_membership.pk}/", lambda w: {}),
    "products": (lambda w: booth_url(w) + "products/", lambda w: {"name": "Sensorik"}),
    "product": (lambda w: booth_url(w) + f"products/{w.product.pk}/", lambda w: {"name": "Neu"}),
    "downloads": (
        lambda w: booth_url(w) + "downloads/",
        lambda w: {"title": "Datenblatt", "link": "https://example.org/d.pdf"},
    ),
    "download": (lambda w: booth_url(w) + f"downloads/{w.download.pk}/", lambda w: {"title": "N"}),
    "contacts": (lambda w: booth_url(w) + "contacts/", lambda w: {"name": "Herr Muster"}),
    "contact": (lambda w: booth_url(w) + f"contacts/{w.contact.pk}/", lambda w: {"name": "N"}),
    "leads": (lambda w: booth_url(w) + "leads/", lambda w: {"consent": True}),
    "my lead": (lambda w: booth_url(w) + "leads/mine/", lambda w: {}),
    "leads.csv": (lambda w: booth_url(w).rstrip("/") + "/leads.csv", lambda w: {}),
    "stats": (lambda w: booth_url(w) + "stats/", lambda w: {}),
    # The booth's video room (stage/api.py; docs/stage.md).
    "booth video": (lambda w: booth_url(w) + "video/", lambda w: {}),
    "draft video": (lambda w: booth_url(w, w.draft) + "video/", lambda w: {}),
}

ALL_200 = (200,) * len(ROLES)

# Refusals: 401 for anonymous writes and staff-only reads; 403 where the booth is visible but the
# rule refuses; 404 where the booth itself is hidden from the user.
TABLE = {
    #                                  anon  attendee admin staff other  organizer
    ("GET", "hall"):                   ALL_200,
    ("POST", "hall"):                  (401,  403,  403,  403,  403,  405),
    ("GET", "booth"):                  ALL_200,
    ("PATCH", "booth"):                (401,  403,  200,  200,  403,  200),
    ("DELETE", "booth"):               (401,  403,  403,  403,  403,  405),
    ("GET", "draft"):                  (404,  404,  200,  200,  404,  200),
    ("PATCH", "draft"):                (401,  404,  200,  200,  404,  200),
    ("POST", "submit draft"):          (401,  404,  200,  200,  404,  200),
    ("POST", "approve"):               (401,  404,  403,  403,  404,  200),
    ("POST", "reject"):                (401,  404,  403,  403,  404,  200),
    ("POST", "logo"):                  (401,  403,  400,  400,  403,  400),
    ("GET", "staff"):                  (401,  403,  200,  403,  403,  200),
    ("POST", "staff"):                 (401,  403,  201,  403,  403,  201),
    ("DELETE", "staff member"):        (401,  403,  204,  403,  403,  204),
    ("GET", "products"):               ALL_200,
    ("POST", "products"):              (401,  403,  201,  201,  403,  201),
    ("PATCH", "product"):              (401,  403,  200,  200,  403,  200),
    ("DELETE", "product"):             (401,  403,  204,  204,  403,  204),
    ("GET", "downloads"):              ALL_200,
    ("POST", "downloads"):             (401,  403,  201,  201,  403,  201),
    ("PATCH", "download"):             (401,  403,  200,  200,  403,  200),
    ("DELETE", "download"):            (401,  403,  204,  204,  403,  204),
    ("GET", "contacts"):               ALL_200,
    ("POST", "contacts"):              (401,  403,  201,  201,  403,  201),
    ("PATCH", "contact"):              (401,  403,  200,  200,  403,  200),
    ("DELETE", "contact"):             (401,  403,  204,  204,  403,  204),
    ("GET", "leads"):                  (401,  403,  200,  200,  403,  403),
    ("POST", "leads"):                 (401,  201,  403,  403,  201,  201),
    ("DELETE", "my lead"):             (401,  204,  404,  404,  404,  404),
    ("GET", "leads.csv"):              (401,  403,  200,  200,  403,  403),
    ("GET", "stats"):                  (401,  403,  200,  200,  403,  200),
    ("GET", "booth video"):            (401,  200,  200,  200,  200,  200),
    ("POST", "booth video"):           (401,  200,  200,  200,  200,  200),
    ("PATCH", "booth video"):          (401,  405,  405,  405,  405,  405),
    ("POST", "draft video"):           (401,  404,  200,  200,  404,  200),
}  # fmt: skip

CASES = [
    pytest.param(method, route, role, expected, id=f"{method} {route} as {role} -> {expected}")
    for (method, route), row in TABLE.items()
    for role, expected in zip(ROLES, row, strict=True)
]


def snapshot():
    """Every expo row the REST API could touch, so a refusal can be shown to change nothing."""
    models = (Exhibitor, Exhibitor.categories.through, ExhibitorStaff, Product, Download,
              ContactPerson, Lead, BoothVisit)  # fmt: skip
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


def test_table_covers_every_route():
    assert sorted({route for _method, route in TABLE}) == sorted(ROUTES)


@pytest.mark.parametrize(("method", "route", "role", "expected"), CASES)
def test_access(world, as_user, api, method, route, role, expected):
    url, payload = ROUTES[route]
    user = world.users[role]
    client = as_user(user) if user else api
    before = snapshot()

    send = getattr(client, method.lower())
    if method == "GET":
        response = send(url(world))
    else:
        # The logo route takes multipart only; an empty form shows the check ran before parsing.
        body_format = "multipart" if route == "logo" else "json"
        response = send(url(world), payload(world), format=body_format)

    assert response.status_code == expected, response.content
    if expected >= 400:
        after = snapshot()
        assert after == before
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
