"""Who may use the notification routes: one role × route × method table, as for the congress."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from notifications.models import Notification, Preference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "person", "other_person")

ROUTES = {
    "preferences": ("/api/v1/me/notifications/", {"session.reminder": "mail"}),
    "inbox": ("/api/v1/me/notifications/inbox/", {}),
    "inbox read": ("/api/v1/me/notifications/inbox/read/", {}),
}

# fmt: off
TABLE = {
    #                              anon  person other
    ("GET", "preferences"):        (401,  200,   200),
    ("PATCH", "preferences"):      (401,  200,   200),
    ("POST", "preferences"):       (401,  405,   405),
    ("GET", "inbox"):              (401,  200,   200),
    ("POST", "inbox"):             (401,  405,   405),
    ("POST", "inbox read"):        (401,  200,   200),
    ("GET", "inbox read"):         (401,  405,   405),
}
# fmt: on

CASES = [
    pytest.param(method, route, role, status, id=f"{method} {route} as {role} -> {status}")
    for (method, route), statuses in TABLE.items()
    for role, status in zip(ROLES, statuses, strict=True)
]


@pytest.fixture
def users():
    person = UserFactory(username="ben")
    other = UserFactory(username="carla")
    Notification.objects.create(user=person, kind="meeting.requested", data={"by": {"name": "A"}})
    return {"anonymous": None, "person": person, "other_person": other}


def client_for(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.credentials(
            HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}"
        )
    return client


def rows():
    return (
        list(Notification.objects.order_by("pk").values("user_id", "read_at")),
        list(Preference.objects.order_by("pk").values("user_id", "kind", "channel")),
    )


def test_table_covers_every_route():
    assert sorted({route for _method, route in TABLE}) == sorted(ROUTES)


@pytest.mark.parametrize(("method", "route", "role", "expected"), CASES)
def test_access(users, method, route, role, expected):
    url, payload = ROUTES[route]
    before = rows()

    response = getattr(client_for(users[role]), method.lower())(url, payload, format="json")

    assert response.status_code == expected, response.content
    if expected >= 400 or method == "GET":
        assert rows() == before


def test_inbox_shows_only_your_own(users):
    carla = client_for(users["other_person"]).get("/api/v1/me/notifications/inbox/").json()
    ben = client_for(users["person"]).get("/api/v1/me/notifications/inbox/").json()

    assert (carla["count"], carla["unread"]) == (0, 0)
    assert (ben["count"], ben["unread"]) == (1, 1)


def test_reading_marks_only_your_own(users):
    response = client_for(users["other_person"]).post(
        "/api/v1/me/notifications/inbox/read/",
        {"ids": list(Notification.objects.values_list("pk", flat=True))},
        format="json",
    )

    assert response.json() == {"unread": 0}
    assert Notification.objects.get().read_at is None


def test_unknown_kind_or_channel_is_refused_and_nothing_changes(users):
    response = client_for(users["person"]).patch(
        "/api/v1/me/notifications/",
        {"meeting.requested": "off", "nonsense": "mail", "announcement": "loud"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "nonsense": ["Unknown kind."],
        "announcement": ["Choose live, mail or off."],
    }
    assert not Preference.objects.exists()


@pytest.mark.parametrize("items", [1, 3])
def test_inbox_query_count(users, items, django_assert_num_queries):
    person = users["person"]
    for _ in range(items - 1):
        Notification.objects.create(user=person, kind="booth.contact", data={})
    client = client_for(person)

    # token with its user, unread, count, page
    with django_assert_num_queries(4):
        response = client.get("/api/v1/me/notifications/inbox/")
    assert len(response.json()["results"]) == items


def test_the_bells_unread_poll_counts_once_and_shows_the_newest_unread(
    users, django_assert_num_queries
):
    person = users["person"]
    Notification.objects.filter(user=person).update(read_at="2026-01-01T00:00:00Z")
    for number in range(3):
        Notification.objects.create(user=person, kind="booth.contact", data={"n": number})
    client = client_for(person)

    # token with its user, unread (also the page's count), page
    with django_assert_num_queries(3):
        body = client.get("/api/v1/me/notifications/inbox/?unread=1&limit=1").json()

    assert (body["count"], body["unread"], len(body["results"])) == (3, 3, 1)
    assert body["results"][0]["data"] == {"n": 2}
    everything = client.get("/api/v1/me/notifications/inbox/").json()
    assert (everything["count"], everything["unread"]) == (4, 3)
