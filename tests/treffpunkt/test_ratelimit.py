"""One rate-limit mechanism: a fixed window per (name, key), counted atomically in the cache."""

import threading

import pytest
from rest_framework.test import APIClient

from treffpunkt import ratelimit


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS = {
        "test": (3, 60),
        "test-local": (3, 60, "local"),
        "test-short": (1, 0.05, "local"),
        "test-many": (50, 60),
        "test-many-local": (50, 60, "local"),
    }


@pytest.mark.parametrize("name", ["test", "test-local"])
def test_hits_past_the_limit_are_refused_with_the_time_to_wait(limits, name):
    verdicts = [ratelimit.hit(name, "anna") for _ in range(4)]

    assert [verdict.allowed for verdict in verdicts] == [True, True, True, False]
    assert 58 <= verdicts[-1].retry_after <= 60


def test_keys_and_names_count_apart(limits):
    for _ in range(3):
        ratelimit.hit("test", "anna")

    assert ratelimit.hit("test", "ben").allowed is True
    assert ratelimit.hit("test-local", "anna").allowed is True
    assert ratelimit.hit("test", "anna").allowed is False


def test_the_window_reopens_when_it_expires(limits):
    import time

    assert ratelimit.hit("test-short", "anna").allowed is True
    assert ratelimit.hit("test-short", "anna").allowed is False

    time.sleep(0.1)

    assert ratelimit.hit("test-short", "anna").allowed is True


@pytest.mark.parametrize("name", ["test-many", "test-many-local"])
def test_hits_at_the_same_moment_from_many_threads_are_counted_once_each(limits, name):
    start = threading.Barrier(8)
    allowed = []

    def hit_ten_times():
        start.wait()
        for _ in range(10):
            allowed.append(ratelimit.hit(name, "anna").allowed)

    threads = [threading.Thread(target=hit_ten_times) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert (allowed.count(True), allowed.count(False)) == (50, 30)


@pytest.mark.parametrize("name", ["test", "test-local"])
def test_a_hit_taken_back_frees_its_place_in_the_window(limits, name):
    for _ in range(3):
        assert ratelimit.hit(name, "anna").allowed is True
        ratelimit.take_back(name, "anna")

    assert [ratelimit.hit(name, "anna").allowed for _ in range(4)] == [True, True, True, False]


def test_taking_back_an_expired_hit_changes_nothing(limits):
    import time

    ratelimit.hit("test-short", "anna")
    time.sleep(0.1)

    ratelimit.take_back("test-short", "anna")

    assert [ratelimit.hit("test-short", "anna").allowed for _ in range(2)] == [True, False]


def test_local_windows_stay_bounded_and_keep_the_live_counts(limits, monkeypatch):
    # Thousands of sockets each open windows; expired ones make room, live counts survive.
    import time

    monkeypatch.setattr(ratelimit._LocalWindows, "LARGEST", 10)
    monkeypatch.setattr(ratelimit._LocalWindows, "SWEEP_SECONDS", 3600)
    for _ in range(3):
        ratelimit.hit("test-local", "flooder")
    for number in range(9):
        ratelimit.hit("test-short", f"socket-{number}")
    time.sleep(0.1)  # the short windows expire

    for number in range(6):
        ratelimit.hit("test-short", f"later-{number}")

    assert len(ratelimit._local._windows) == 7  # the flooder and the six later ones
    assert ratelimit.hit("test-local", "flooder").allowed is False


def test_expired_local_windows_are_swept_away(limits, monkeypatch):
    import time

    monkeypatch.setattr(ratelimit._LocalWindows, "SWEEP_SECONDS", 0.05)
    for number in range(50):  # fifty sockets, each its own key, all gone after 0.05 s
        ratelimit.hit("test-short", f"socket-{number}")
    ratelimit.hit("test-local", "still-here")
    time.sleep(0.1)

    ratelimit.hit("test-local", "newcomer")

    assert set(ratelimit._local._windows) == {
        "rate:test-local:still-here",
        "rate:test-local:newcomer",
    }


@pytest.mark.django_db
def test_throttled_token_request_says_when_to_retry(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": (1, 60)}
    client = APIClient()
    body = {"username": "anna", "password": "falsch"}

    first = client.post("/api/v1/auth/token/", body, format="json")
    second = client.post("/api/v1/auth/token/", body, format="json")

    assert (first.status_code, second.status_code) == (400, 429)
    assert 59 <= int(second["Retry-After"]) <= 60
