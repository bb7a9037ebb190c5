"""An unreachable database answers 503 with Retry-After, never 500."""

import pytest
from django.db import OperationalError
from django.test import Client

from congress import api as congress_api
from treffpunkt import unavailable

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _closed_breaker():
    """The outage breaker is process-wide: no test leaves it open for the next."""
    unavailable.note_recovery()
    yield
    unavailable.note_recovery()


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection failed: Connection refused")

    monkeypatch.setattr(congress_api.EventViewSet, "list", refuse)


def test_api_request_while_the_database_is_down_is_503_with_retry_after(database_down):
    response = Client(raise_request_exception=False).get("/api/v1/events/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert list(response.json()) == ["detail"]


def test_health_is_200_with_a_database(client):
    response = client.get("/health/")

    assert (response.status_code, response.content) == (200, b"ok")


def test_health_is_503_without_one(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def refuse(self, sql, params=None):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_a_bug_is_still_a_500(monkeypatch):
    def fail(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(congress_api.EventViewSet, "list", fail)

    response = Client(raise_request_exception=False).get("/api/v1/events/")

    assert response.status_code == 500


def test_after_an_outage_requests_fail_fast_until_one_probe_succeeds(database_down, monkeypatch):
    client = Client(raise_request_exception=False)
    assert client.get("/api/v1/events/").status_code == 503
    monkeypatch.undo()  # the database is back

    fast = client.get("/api/v1/events/")
    monkeypatch.setattr(unavailable, "BREAKER_SECONDS", 0.0)
    unavailable._breaker["open_until"] = 1.0  # the period is over: the next request probes
    probe = client.get("/api/v1/events/")
    after = client.get("/api/v1/events/")

    assert (fast.status_code, probe.status_code, after.status_code) == (503, 200, 200)


def _period_over():
    unavailable._breaker["open_until"] = 1.0  # an outage is known; its period is over


def test_while_an_outage_is_known_only_one_probe_at_a_time_reaches_the_database():
    unavailable.note_outage()
    refused_while_open = _refused()
    _period_over()

    with unavailable.admitted() as first:
        unavailable.refuse_while_down()  # the probe may wait for a connection
        second = _refused()
    with unavailable.admitted() as after_the_probe_failed_to_report:
        pass

    assert (refused_while_open, first, second) == (True, "probe", True)
    assert after_the_probe_failed_to_report == "probe"


def _refused():
    try:
        with unavailable.admitted():
            unavailable.refuse_while_down()
    except unavailable.DatabaseKnownDown:
        return True
    return False


def test_work_queued_before_the_outage_was_seen_fails_without_waiting():
    # Admitted while closed, it reaches the sync thread after another caller saw the outage.
    with unavailable.admitted() as state:
        unavailable.note_outage()
        _period_over()
        with pytest.raises(unavailable.DatabaseKnownDown):
            unavailable.refuse_while_down()

    assert state == "closed"


def test_a_request_admitted_before_the_outage_was_seen_gets_503_without_the_database(rf):
    reached = []
    middleware = unavailable.DatabaseUnavailableMiddleware(reached.append)
    request = rf.get("/api/v1/events/")
    request.scope = {"type": "http"}  # admitted by FailFast while the breaker was closed
    unavailable.note_outage()
    _period_over()

    response = middleware(request)

    assert (response.status_code, response["Retry-After"], reached) == (503, "5", [])


def test_health_answers_503_at_once_while_an_outage_is_known(client, monkeypatch):
    probes = []
    monkeypatch.setattr(unavailable, "probe_database", lambda: probes.append(1) or True)
    unavailable.note_outage()

    response = client.get("/health/")

    assert (response.status_code, probes) == (503, [])


def test_postgres_backend_notes_a_failed_connect_and_then_refuses_without_trying(monkeypatch):
    import psycopg
    from django.db.backends.postgresql import base as django_postgresql

    from treffpunkt.db.postgresql.base import DatabaseWrapper

    attempts = []

    def refused(self, conn_params):
        attempts.append(unavailable.is_probing())
        raise psycopg.OperationalError("connection failed: Connection refused")

    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "get_new_connection", refused)
    backend = DatabaseWrapper.__new__(DatabaseWrapper)  # no settings needed to connect here

    with pytest.raises(psycopg.OperationalError):
        backend.get_new_connection({})
    with pytest.raises(unavailable.DatabaseKnownDown):
        backend.get_new_connection({})  # queued work: fails without waiting for the pool
    _period_over()
    with unavailable.admitted(), pytest.raises(psycopg.OperationalError):
        backend.get_new_connection({})  # the probe tries

    assert attempts == [False, True]
