"""Password guessing is throttled per address and name at every door, whatever X-Forwarded-For says.

Only failures count: a person who logs in often (a script fetching tokens, several devices) is
never refused for it, and a right password after too many failures is refused all the same.
"""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import UserFactory
from treffpunkt.ratelimit import client_ip

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_counts(settings):
    from django.core.cache import caches

    caches["default"].clear()
    settings.TRUSTED_PROXIES = []


def web_login(client, password, *, forwarded_for=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return client.post(
        "/login/", {"username": "anna", "password": password}, HTTP_ACCEPT_LANGUAGE="en", **extra
    )


def token_login(client, password, *, forwarded_for=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return client.post(
        TOKEN_URL, {"username": "anna", "password": password}, format="json", **extra
    )


def test_web_login_is_throttled_after_five_failures_even_with_the_right_password():
    UserFactory(username="anna")
    client = Client()

    statuses = [web_login(client, f"falsch{n}").status_code for n in range(5)]
    refused = web_login(client, "treffpunkt")

    assert statuses == [200] * 5
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 300
    assert "Too many failed login attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_successful_web_logins_are_not_throttled():
    UserFactory(username="anna")

    statuses = []
    for _ in range(8):
        client = Client()
        statuses.append(web_login(client, "treffpunkt").status_code)
        assert "_auth_user_id" in client.session

    assert statuses == [302] * 8


def test_repeated_successful_token_logins_are_not_throttled():
    UserFactory(username="anna")
    client = APIClient()

    statuses = [token_login(client, "treffpunkt").status_code for _ in range(8)]

    assert statuses == [200] * 8


@pytest.mark.parametrize(
    ("login", "failed", "refused"), [(web_login, 200, 429), (token_login, 400, 429)]
)
def test_failures_after_successes_are_refused_even_with_the_right_password(login, failed, refused):
    UserFactory(username="anna")

    successes = [login(APIClient(), "treffpunkt").status_code for _ in range(5)]
    failures = [login(APIClient(), f"falsch{n}").status_code for n in range(5)]
    right_password = login(APIClient(), "treffpunkt")

    assert successes == [302 if login is web_login else 200] * 5
    assert failures == [failed] * 5
    assert right_password.status_code == refused
    assert 1 <= int(right_password["Retry-After"]) <= 300


def test_token_login_is_throttled_with_rotating_forwarded_for():
    UserFactory(username="anna")
    client = APIClient()

    statuses = [
        token_login(client, f"falsch{n}", forwarded_for=f"203.0.113.{n}").status_code
        for n in range(8)
    ]

    assert statuses == [400] * 5 + [429] * 3


def test_web_and_token_doors_share_one_count():
    UserFactory(username="anna")
    web, api = Client(), APIClient()

    for n in range(3):
        web_login(web, f"falsch{n}", forwarded_for=f"198.51.100.{n}")
    for n in range(2):
        token_login(api, f"falsch{n}")

    assert web_login(web, "falsch").status_code == 429
    assert token_login(api, "treffpunkt").status_code == 429


def test_one_address_trying_many_names_is_throttled(settings):
    client = APIClient()

    statuses = [
        client.post(TOKEN_URL, {"username": f"user{n}", "password": "x"}, format="json").status_code
        for n in range(21)
    ]

    assert statuses == [400] * 20 + [429]


def test_a_correct_login_within_the_limit_succeeds():
    UserFactory(username="anna")

    response = token_login(APIClient(), "treffpunkt")

    assert response.status_code == 200
    assert set(response.json()) == {"token"}


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "trusted", "expected"),
    [
        ("203.0.113.9", "1.2.3.4", [], "203.0.113.9"),
        ("10.0.0.2", "1.2.3.4", ["10.0.0.0/8"], "1.2.3.4"),
        ("10.0.0.2", "6.6.6.6, 1.2.3.4", ["10.0.0.0/8"], "1.2.3.4"),
        ("10.0.0.2", "1.2.3.4, 10.0.0.7", ["10.0.0.0/8"], "1.2.3.4"),
        ("10.0.0.2", None, ["10.0.0.0/8"], "10.0.0.2"),
        ("203.0.113.9", "1.2.3.4", ["10.0.0.0/8"], "203.0.113.9"),
    ],
)
def test_client_ip_believes_forwarded_for_only_from_trusted_proxies(
    settings, peer, forwarded_for, trusted, expected
):
    settings.TRUSTED_PROXIES = trusted

    assert client_ip(peer, forwarded_for) == expected


def test_behind_a_trusted_proxy_each_client_has_its_own_count(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    UserFactory(username="anna")
    client = APIClient()

    for n in range(5):
        token_login(client, f"falsch{n}", forwarded_for="203.0.113.1")

    assert token_login(client, "x", forwarded_for="203.0.113.1").status_code == 429
    assert token_login(client, "treffpunkt", forwarded_for="203.0.113.2").status_code == 200
