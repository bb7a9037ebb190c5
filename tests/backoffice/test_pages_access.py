"""Who may open which back-office web page: one role × route table, and a refusal changes nothing.

The REST routes of the back office are in the table of tests/congress/test_api_access.py.
"""

import pytest

from backoffice import web_urls
from backoffice.models import ProgrammeVisit, Release, Webhook, WebhookDelivery
from congress.models import Registration
from tests.factories import (
    EventFactory,
    ExhibitorFactory,
    ExhibitorStaffFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "attendee", "booth_staff", "other_organizer", "staff", "organizer")

# route → (method, path under /events/<slug>/, the Django pattern it exercises)
ROUTES = {
    "changes": ("GET", "changes/", "events/<slug:slug>/changes/"),
    "report": ("GET", "report/", "events/<slug:slug>/report/"),
    "webhooks": ("GET", "webhooks/", "events/<slug:slug>/webhooks/"),
    "add webhook": ("POST", "webhooks/", "events/<slug:slug>/webhooks/"),
    "booth webhooks": ("GET", "webhooks/?booth={booth}", "events/<slug:slug>/webhooks/"),
    "add booth webhook": ("POST", "webhooks/?booth={booth}", "events/<slug:slug>/webhooks/"),
    "webhook test": (
        "POST",
        "webhooks/{webhook}/test/",
        "events/<slug:slug>/webhooks/<int:pk>/test/",
    ),
    "booth webhook test": (
        "POST",
        "webhooks/{booth_webhook}/test/?booth={booth}",
        "events/<slug:slug>/webhooks/<int:pk>/test/",
    ),
}
# fmt: off
TABLE = {
    #                      anon  att  booth oorga staff orga
    "changes":            (302, 200, 200,  200,  200,  200),
    "report":             (302, 404, 404,  404,  404,  200),
    "webhooks":           (302, 404, 404,  404,  404,  200),
    "add webhook":        (302, 404, 404,  404,  404,  302),
    "booth webhooks":     (302, 404, 200,  404,  404,  404),
    "add booth webhook":  (302, 404, 302,  404,  404,  404),
    "webhook test":       (302, 404, 404,  404,  404,  302),
    "booth webhook test": (302, 404, 302,  404,  404,  404),
}
# fmt: on


@pytest.fixture
def world(settings):
    settings.WEBHOOKS = {"ALLOW_LOCAL_HTTP": False}
    event = EventFactory(slug="kongress")
    organizer = UserFactory(username="orga")
    RegistrationFactory(event=event, user=organizer, role=Registration.Role.ORGANIZER)
    attendee = UserFactory(username="anna")
    RegistrationFactory(event=event, user=attendee)
    booth = ExhibitorFactory(event=event)
    other_organizer = UserFactory(username="olga")
    RegistrationFactory(
        event=EventFactory(), user=other_organizer, role=Registration.Role.ORGANIZER
    )
    Release.objects.create(event=event, version="v1", programme_version=1)
    return {
        "users": {
            "anonymous": None,
            "attendee": attendee,
            "booth_staff": ExhibitorStaffFactory(exhibitor=booth).user,
            "other_organizer": other_organizer,
            "staff": UserFactory(username="stefan", is_staff=True),
            "organizer": organizer,
        },
        "ids": {
            "booth": booth.pk,
            "webhook": Webhook.objects.create(
                event=event, url="https://example.org/hook", events=["session.created"]
            ).pk,
            "booth_webhook": Webhook.objects.create(
                event=event,
                url="https://example.org/leads",
                events=["lead.created"],
                scope=f"booth:{booth.pk}",
            ).pk,
        },
    }


def snapshot():
    models = (Webhook, WebhookDelivery, ProgrammeVisit)
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


@pytest.mark.parametrize(
    ("route", "role", "expected"),
    [
        pytest.param(route, role, status, id=f"{route} as {role} -> {status}")
        for route, statuses in TABLE.items()
        for role, status in zip(ROLES, statuses, strict=True)
    ],
)
def test_back_office_page_access(client, world, route, role, expected):
    method, path, _pattern = ROUTES[route]
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    before = snapshot()

    url = "/events/kongress/" + path.format(**world["ids"])
    if method == "GET":
        response = client.get(url)
    else:
        data = {"url": "https://example.org/new", "events": ["session.created", "lead.created"]}
        response = client.post(url, data)

    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith("/login/")
    if role == "anonymous" or expected == 404:
        assert snapshot() == before


def test_table_covers_every_back_office_page():
    patterns = {str(pattern.pattern) for pattern in web_urls.urlpatterns}

    assert {pattern for _method, _path, pattern in ROUTES.values()} == patterns
    assert sorted(TABLE) == sorted(ROUTES)
