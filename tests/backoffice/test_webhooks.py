"""Webhooks against a real HTTP receiver on 127.0.0.1, delivered by the task worker."""

import json
import re
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from backoffice.models import Webhook, WebhookDelivery
from congress import services
from congress.models import Registration
from expo.services import leave_lead
from tests.factories import (
    EventFactory,
    ExhibitorFactory,
    ExhibitorStaffFactory,
    RegistrationFactory,
    SessionFactory,
    UserFactory,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def documented_verify():
    """``verify_delivery`` exactly as docs/webhooks.md shows it."""
    text = DOCS.read_text()
    block = re.search(r"<!-- verify-snippet.*?```python\n(.*?)```", text, re.S).group(1)
    namespace = {}
    exec(compile(block, str(DOCS), "exec"), namespace)  # noqa: S102 (our own documentation)
    return namespace["verify_delivery"]


class Receiver:
    """A webhook receiver: answers with the queued status codes (then 200), keeps every request
    (a GET too, with the body ``GET``); ``location``, if set, is sent as ``Location``."""

    def __init__(self):
        self.statuses = []
        self.requests = []
        self.location = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((dict(self.headers.items()), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):  # noqa: N802
                receiver.requests.append((dict(self.headers.items()), b"GET"))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.WEBHOOKS = {"RETRY_DELAYS": [0, 0, 0], "ALLOW_LOCAL_HTTP": True}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def world(transactional_db):
    event = EventFactory(slug="kongress")
    organizer = UserFactory(username="orga")
    RegistrationFactory(event=event, user=organizer, role=Registration.Role.ORGANIZER)
    return event, organizer


def run_worker():
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay")


def register(as_user, organizer, event, url, events, booth=None):
    query = f"?booth={booth}" if booth else ""
    response = as_user(organizer).post(
        f"/api/v1/events/{event.slug}/webhooks/{query}",
        {"url": url, "events": events},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_delivery_is_signed_and_verifies_with_the_documented_snippet(world, receiver, as_user):
    event, organizer = world
    hook = register(as_user, organizer, event, receiver.url, ["session.changed"])
    session = SessionFactory(event=event)

    services.update_session(session, user=organizer, title="Neuer Titel")
    run_worker()

    [(headers, body)] = receiver.requests
    verify = documented_verify()
    assert verify(hook["secret"], headers, body, set()) is True
    payload = json.loads(body)
    assert payload["type"] == headers["X-Treffpunkt-Event"] == "session.changed"
    assert payload["id"] == headers["X-Treffpunkt-Delivery"]
    assert payload["event"] == "kongress"
    assert payload["data"]["session"]["title"] == "Neuer Titel"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)


def test_forged_and_replayed_deliveries_are_refused_by_the_snippet(world, receiver, as_user):
    event, organizer = world
    hook = register(as_user, organizer, event, receiver.url, ["session.changed"])
    services.update_session(SessionFactory(event=event), user=organizer, title="Neu")
    run_worker()
    [(headers, body)] = receiver.requests
    verify = documented_verify()
    secret = hook["secret"]

    assert verify(secret, headers, body.replace(b"Neu", b"Alt"), set()) is False
    assert verify("whsec_other", headers, body, set()) is False
    forged = {**headers, "X-Treffpunkt-Timestamp": str(int(time.time()) + 1)}
    assert verify(secret, forged, body, set()) is False
    later = int(headers["X-Treffpunkt-Timestamp"]) + 301
    assert verify(secret, headers, body, set(), now=later) is False
    assert verify(secret, headers, body, {headers["X-Treffpunkt-Delivery"]}) is False
    assert verify(secret, headers, body, set()) is True


def test_a_receiver_failing_twice_gets_the_delivery_on_the_third_attempt(world, receiver, as_user):
    event, organizer = world
    hook = register(as_user, organizer, event, receiver.url, ["session.created"])
    receiver.statuses = [500, 500]

    services.create_session(
        user=organizer,
        event=event,
        title="Eröffnung",
        start=SessionFactory.build(event=event).start,
        end=SessionFactory.build(event=event).end,
    )
    run_worker()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("delivered", 3)
    assert [a.status_code for a in delivery.log.all()] == [500, 500, 200]
    assert len({h["X-Treffpunkt-Delivery"] for h, _body in receiver.requests}) == 1
    assert len({body for _headers, body in receiver.requests}) == 1
    verify = documented_verify()
    assert all(verify(hook["secret"], h, b, set()) for h, b in receiver.requests)
    log = as_user(organizer).get(f"/api/v1/events/kongress/webhooks/{hook['id']}/deliveries/")
    assert [a["status_code"] for a in log.json()["results"][0]["log"]] == [500, 500, 200]


def test_a_failed_attempt_is_retried_after_the_back_off_delay(world, receiver, as_user, settings):
    settings.WEBHOOKS = {"RETRY_DELAYS": [30, 120], "ALLOW_LOCAL_HTTP": True}
    event, organizer = world
    register(as_user, organizer, event, receiver.url, ["session.changed"])
    receiver.statuses = [503]
    before = timezone.now()

    services.update_session(SessionFactory(event=event), user=organizer, title="Neu")
    run_worker()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    waiting = DBTaskResult.objects.filter(status="READY").get()
    assert before + timedelta(seconds=30) <= waiting.run_after
    assert waiting.run_after <= timezone.now() + timedelta(seconds=30)
    assert len(receiver.requests) == 1


def test_an_unreachable_endpoint_fails_after_the_last_attempt(world, as_user, settings):
    settings.WEBHOOKS = {"RETRY_DELAYS": [0], "ALLOW_LOCAL_HTTP": True}
    event, organizer = world
    closed = Receiver()
    url = closed.url
    closed.close()
    register(as_user, organizer, event, url, ["session.changed"])

    services.update_session(SessionFactory(event=event), user=organizer, title="Neu")
    run_worker()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    assert [a.status_code for a in delivery.log.all()] == [None, None]
    assert all(a.error for a in delivery.log.all())


def test_the_secret_is_shown_once(world, as_user, admin_client):
    event, organizer = world
    created = register(as_user, organizer, event, "https://example.org/hook", ["session.created"])
    client = as_user(organizer)

    listed = client.get("/api/v1/events/kongress/webhooks/").json()["results"]
    detail = client.get(f"/api/v1/events/kongress/webhooks/{created['id']}/").json()
    patched = client.patch(
        f"/api/v1/events/kongress/webhooks/{created['id']}/", {"is_active": False}, format="json"
    ).json()
    admin_page = admin_client.get(f"/admin/backoffice/webhook/{created['id']}/change/")

    assert created["secret"].startswith("whsec_")
    assert created["secret"] == Webhook.objects.get().secret
    for answer in (*listed, detail, patched):
        assert "secret" not in answer
        assert created["secret"] not in json.dumps(answer)
    assert admin_page.status_code == 200
    assert "https://example.org/hook" in admin_page.content.decode()
    assert created["secret"] not in admin_page.content.decode()


def test_webhook_urls_must_be_https(world, as_user, settings):
    settings.WEBHOOKS = {"ALLOW_LOCAL_HTTP": False}
    event, organizer = world
    client = as_user(organizer)

    for url in ("http://example.org/hook", "http://127.0.0.1:9/hook"):
        response = client.post(
            "/api/v1/events/kongress/webhooks/",
            {"url": url, "events": ["session.created"]},
            format="json",
        )
        assert response.status_code == 400
        assert response.json() == {"url": ["Webhook-URLs müssen https:// verwenden."]}
    assert Webhook.objects.count() == 0


def test_leads_go_to_their_booth_endpoint_only(world, receiver, as_user):
    event, organizer = world
    booth, other = ExhibitorFactory(event=event), ExhibitorFactory(event=event)
    staff = ExhibitorStaffFactory(exhibitor=booth).user
    RegistrationFactory(event=event, user=staff, role=Registration.Role.EXHIBITOR)
    register(as_user, staff, event, receiver.url, ["lead.created"], booth=booth.pk)
    register(as_user, organizer, event, receiver.url, ["session.created"])
    visitor = UserFactory(username="vera", first_name="Vera", last_name="Besuch")
    RegistrationFactory(event=event, user=visitor)

    leave_lead(booth, user=visitor, consent=True, message="Bitte melden")
    leave_lead(other, user=visitor, consent=True)
    run_worker()

    [(headers, body)] = receiver.requests
    assert headers["X-Treffpunkt-Event"] == "lead.created"
    lead = json.loads(body)["data"]["lead"]
    assert (lead["booth"], lead["name"], lead["message"]) == (
        booth.pk,
        "Vera Besuch",
        "Bitte melden",
    )


def test_booth_endpoints_are_for_that_booths_staff(world, as_user):
    event, organizer = world
    booth = ExhibitorFactory(event=event)
    url = f"/api/v1/events/kongress/webhooks/?booth={booth.pk}"
    payload = {"url": "https://example.org/leads", "events": ["lead.created"]}

    assert as_user(organizer).post(url, payload, format="json").status_code == 403
    staff = ExhibitorStaffFactory(exhibitor=booth).user
    assert as_user(staff).post(url, payload, format="json").status_code == 201
    wrong = {"url": "https://example.org/leads", "events": ["session.created"]}
    assert as_user(staff).post(url, wrong, format="json").status_code == 400
    assert as_user(staff).get("/api/v1/events/kongress/webhooks/").status_code == 403


def test_send_test_queues_a_signed_test_delivery(world, receiver, as_user):
    event, organizer = world
    hook = register(as_user, organizer, event, receiver.url, ["release.published"])

    response = as_user(organizer).post(f"/api/v1/events/kongress/webhooks/{hook['id']}/test/")
    run_worker()

    assert response.status_code == 202
    assert response.json()["name"] == "webhook.test"
    [(headers, body)] = receiver.requests
    assert headers["X-Treffpunkt-Event"] == "webhook.test"
    assert documented_verify()(hook["secret"], headers, body, set()) is True


def test_a_registration_is_announced_without_personal_data(world, receiver, as_user):
    event, organizer = world
    register(as_user, organizer, event, receiver.url, ["registration.created"])
    newcomer = UserFactory(username="neu", email="neu@example.org")

    services.register(user=newcomer, event=event)
    run_worker()

    [(_headers, body)] = receiver.requests
    data = json.loads(body)["data"]["registration"]
    assert (data["user"], data["role"]) == (newcomer.pk, "attendee")
    assert b"neu@example.org" not in body and b'"neu"' not in body


def test_webhook_page_adds_an_endpoint_and_sends_a_test(world, receiver, client):
    event, organizer = world
    client.force_login(organizer)

    added = client.post(
        "/events/kongress/webhooks/",
        {"url": receiver.url, "events": ["session.created", "release.published"]},
        follow=True,
    )
    webhook = Webhook.objects.get()
    tested = client.post(f"/events/kongress/webhooks/{webhook.pk}/test/", follow=True)
    run_worker()
    page = client.get("/events/kongress/webhooks/").content.decode()

    assert webhook.secret in added.content.decode()
    assert webhook.secret not in page
    assert tested.status_code == 200
    assert [h["X-Treffpunkt-Event"] for h, _body in receiver.requests] == ["webhook.test"]
    assert "<td>200</td>" in page


@pytest.mark.parametrize("count", [1, 3])
def test_webhook_and_delivery_lists_do_not_grow_with_rows(
    world, as_user, count, django_assert_num_queries
):
    event, organizer = world
    client = as_user(organizer)
    hook = None
    for n in range(count):
        hook = register(as_user, organizer, event, f"https://example.org/{n}", ["session.created"])
    for _n in range(count):
        client.post(f"/api/v1/events/kongress/webhooks/{hook['id']}/test/")

    with django_assert_num_queries(5):  # token, event, role, count, page
        listed = client.get("/api/v1/events/kongress/webhooks/")
    with django_assert_num_queries(7):  # token, event, role, webhook, count, page, attempts
        log = client.get(f"/api/v1/events/kongress/webhooks/{hook['id']}/deliveries/")

    assert listed.json()["count"] == count
    assert log.json()["count"] == count


def test_booth_staff_add_their_lead_endpoint_on_the_web(world, receiver, client):
    event, organizer = world
    booth = ExhibitorFactory(event=event)
    staff = ExhibitorStaffFactory(exhibitor=booth).user
    client.force_login(staff)

    leads_page = client.get(f"/events/kongress/expo/{booth.pk}/leads/").content.decode()
    client.post(
        f"/events/kongress/webhooks/?booth={booth.pk}",
        {"url": receiver.url, "events": ["lead.created", "session.created"]},
    )
    webhook = Webhook.objects.get()
    client.post(f"/events/kongress/webhooks/{webhook.pk}/test/?booth={booth.pk}")
    run_worker()

    assert f"/events/kongress/webhooks/?booth={booth.pk}" in leads_page
    assert (webhook.scope, webhook.events) == (f"booth:{booth.pk}", ["lead.created"])
    assert [h["X-Treffpunkt-Event"] for h, _body in receiver.requests] == ["webhook.test"]
    assert client.get("/events/kongress/webhooks/").status_code == 404
    client.force_login(organizer)
    assert client.get(f"/events/kongress/webhooks/?booth={booth.pk}").status_code == 404


def test_webhook_urls_must_point_to_a_public_address(world, as_user, settings):
    settings.WEBHOOKS = {"ALLOW_LOCAL_HTTP": False}
    event, organizer = world
    client = as_user(organizer)

    for url in (
        "https://10.0.0.5/hook",
        "https://192.168.178.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://127.0.0.1/hook",
        "https://[::1]/hook",
    ):
        response = client.post(
            "/api/v1/events/kongress/webhooks/",
            {"url": url, "events": ["session.created"]},
            format="json",
        )
        assert response.status_code == 400, url
        assert response.json() == {
            "url": [
                "Webhook-URLs müssen auf eine öffentliche Adresse zeigen, "
                "nicht auf ein lokales oder privates Netz."
            ]
        }
    assert Webhook.objects.count() == 0


def test_a_host_name_that_resolves_to_the_local_network_is_never_called(
    world, receiver, as_user, settings
):
    event, organizer = world
    register(as_user, organizer, event, receiver.url, ["session.changed"])
    # The name passes the check when it is saved; at delivery it resolves to 127.0.0.1.
    settings.WEBHOOKS = {"ALLOW_LOCAL_HTTP": False}
    Webhook.objects.update(url=receiver.url.replace("http://127.0.0.1", "https://localhost"))

    services.update_session(SessionFactory(event=event), user=organizer, title="Neu")
    run_worker()

    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending"  # retried later, and refused again
    [attempt] = delivery.log.all()
    assert attempt.status_code is None
    assert "öffentliche Adresse" in attempt.error


def test_a_redirect_is_an_answer_and_not_followed(world, receiver, as_user):
    event, organizer = world
    elsewhere = Receiver()
    try:
        register(as_user, organizer, event, receiver.url, ["session.changed"])
        receiver.statuses = [302]
        receiver.location = elsewhere.url  # e.g. an address inside the server's network

        services.update_session(SessionFactory(event=event), user=organizer, title="Neu")
        run_worker()  # the first attempt is answered 302; the next two get 200 from the receiver

        assert elsewhere.requests == []
        [first, second] = WebhookDelivery.objects.get().log.order_by("number")
        assert (first.status_code, second.status_code) == (302, 200)
    finally:
        elsewhere.close()


def test_the_address_connected_to_is_the_address_checked(
    world, receiver, as_user, settings, monkeypatch
):
    """DNS rebinding: a name that resolves to a public address when checked and to the server's
    own network a moment later must not reach the second."""
    import socket

    event, organizer = world
    register(as_user, organizer, event, receiver.url, ["session.changed"])
    settings.WEBHOOKS = {"RETRY_DELAYS": [], "ALLOW_LOCAL_HTTP": False}
    port = receiver.server.server_port
    Webhook.objects.update(url=f"https://rebind.example:{port}/hook")
    answers = iter(["93.184.216.34"])  # public once, then 127.0.0.1 (the receiver)
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host != "rebind.example":
            return real_getaddrinfo(host, *args, **kwargs)
        address = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr("backoffice.webhooks.TIMEOUT_SECONDS", 0.5)  # the public one is unreachable
    connections = []
    handle = receiver.server.process_request
    monkeypatch.setattr(
        receiver.server,
        "process_request",
        lambda request, address: (connections.append(address), handle(request, address)),
    )

    services.update_session(SessionFactory(event=event), user=organizer, title="Neu")
    run_worker()

    assert connections == []
    [attempt] = WebhookDelivery.objects.get().log.all()
    assert attempt.status_code is None and attempt.error
