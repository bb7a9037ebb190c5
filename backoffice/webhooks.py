"""Signed webhook deliveries, sent by the task worker with retries and back-off.

Every delivery is a POST of a JSON body with these headers:

- ``X-Treffpunkt-Event``: what happened (``session.changed``, ``lead.created``, ``webhook.test``…)
- ``X-Treffpunkt-Delivery``: the delivery's UUID (the same on every retry; receivers de-duplicate)
- ``X-Treffpunkt-Timestamp``: Unix seconds when this attempt was signed
- ``X-Treffpunkt-Signature``: ``sha256=`` + hex HMAC-SHA256 with the endpoint's secret over
  ``<timestamp>.<body>``

The timestamp is inside the signature, so a receiver that refuses timestamps older than five minutes
and remembers delivery ids for that long cannot be fed a replayed delivery (docs/webhooks.md).
"""

import hashlib
import hmac
import ipaddress
import json
import time
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from treffpunkt import outbound
from treffpunkt.errors import DomainError

from .models import DeliveryAttempt, Webhook, WebhookDelivery

DEFAULT_RETRY_DELAYS = (30, 120, 600, 3600, 6 * 3600)
TIMEOUT_SECONDS = 10
USER_AGENT = "Treffpunkt-Webhooks/1"


class WebhookError(DomainError):
    pass


def _settings():
    return getattr(settings, "WEBHOOKS", {})


def retry_delays():
    """Seconds to wait before the 2nd, 3rd, … attempt; one attempt more than delays in total."""
    return tuple(_settings().get("RETRY_DELAYS", DEFAULT_RETRY_DELAYS))


SCOPED_NAMES = frozenset({Webhook.Name.LEAD_CREATED})


def _local_allowed():
    return _settings().get("ALLOW_LOCAL_HTTP", settings.DEBUG)


def _is_loopback_host(hostname):
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return hostname == "localhost"


def _private_address_error():
    return WebhookError(
        _("Webhook URLs must point to a public address, not to a local or private network."),
        code="private_address",
        field="url",
    )


def check_url(url):
    """HTTPS to a public address only; plain http to the loopback address only where
    ``ALLOW_LOCAL_HTTP`` is on (DEBUG, and the tests' local receivers).

    An address given literally is checked here; a host name is looked up at each delivery, and
    the connection goes only to addresses that passed (``treffpunkt.outbound``).
    """
    parts = urlsplit(url)
    hostname = parts.hostname or ""
    if _local_allowed() and _is_loopback_host(hostname) and parts.scheme in ("http", "https"):
        return url
    if parts.scheme != "https" or not hostname:
        raise WebhookError(_("Webhook URLs must use https://."), code="https_required", field="url")
    try:
        literal = str(ipaddress.ip_address(hostname))
    except ValueError:
        return url
    if not outbound.is_allowed(literal):
        raise _private_address_error()
    return url


def allowed_names(scope):
    """Event names an endpoint may subscribe to: a booth's own endpoint only ``lead.created``."""
    return set(SCOPED_NAMES) if scope else set(Webhook.Name.values) - SCOPED_NAMES


def check_names(names, scope):
    if not isinstance(names, list) or not names:
        raise WebhookError(_("Choose at least one event."), field="events")
    allowed = allowed_names(scope)
    unknown = sorted(set(map(str, names)) - allowed)
    if unknown:
        raise WebhookError(
            _("Unknown for this endpoint: %(names)s. Choose from %(allowed)s.")
            % {"names": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))},
            field="events",
        )
    return sorted(set(names))


def create_webhook(event, *, scope, url, names, user, is_active=True):
    """The one way to add an endpoint (REST and the web page): its URL and event names checked;
    the new endpoint carries its secret, to be shown once."""
    return Webhook.objects.create(
        event=event,
        scope=scope,
        url=check_url(url),
        events=check_names(names, scope),
        is_active=is_active,
        created_by=user,
    )


def sign(secret, timestamp, body):
    """The signature header's value for ``body`` (str) signed at ``timestamp`` (int seconds)."""
    message = f"{timestamp}.{body}".encode()
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _body(delivery_id, name, event, data):
    return json.dumps(
        {
            "id": str(delivery_id),
            "type": name,
            "event": event.slug,
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "data": data,
        },
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _create_delivery(webhook, name, data):
    delivery = WebhookDelivery(webhook=webhook, name=name)
    delivery.body = _body(delivery.delivery_id, name, webhook.event, data)
    delivery.save()
    transaction.on_commit(lambda: deliver_webhook.enqueue(delivery.pk))
    return delivery


def queue_deliveries(event, name, data, scope=""):
    """``congress.hooks`` announcement listener: one delivery per subscribed endpoint, sent by the
    worker after the surrounding transaction commits (a rolled-back change sends nothing)."""
    hooks = Webhook.objects.filter(event=event, is_active=True, scope=scope)
    created = []
    for webhook in hooks:
        if name in webhook.events:
            created.append(_create_delivery(webhook, name, data))
    return created


def send_test(webhook):
    """Queue a ``webhook.test`` delivery to this endpoint, whatever events it chose."""
    with transaction.atomic():
        return _create_delivery(webhook, "webhook.test", {"webhook": webhook.pk})


def _post(url, headers, body):
    """POST ``body``; (status code, error text). A refused connection or timeout has no code.

    Only to allowed addresses (``treffpunkt.outbound``), and a redirect is not followed: it is an
    answer that is not 2xx, so the attempt failed.
    """
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked by check_url)
        url, data=body.encode(), headers=headers, method="POST"
    )
    try:
        with outbound.urlopen(
            request,
            timeout=TIMEOUT_SECONDS,
            allow_loopback=_local_allowed(),
            follow_redirects=False,
        ) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, outbound.LocalAddressRefused):
            return None, _private_address_error().message
        return None, str(reason)[:300]


def attempt_delivery(delivery_pk):
    """Send one attempt; schedule the next after the back-off delay, or give up after the last.

    Returns the delivery. Runs in the worker (``deliver_webhook``).
    """
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_pk)
    if delivery.status != WebhookDelivery.Status.PENDING:
        return delivery
    webhook = delivery.webhook
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Treffpunkt-Event": delivery.name,
        "X-Treffpunkt-Delivery": str(delivery.delivery_id),
        "X-Treffpunkt-Timestamp": str(timestamp),
        "X-Treffpunkt-Signature": sign(webhook.secret, timestamp, delivery.body),
    }
    started = time.monotonic()
    try:
        check_url(webhook.url)
        status_code, error = _post(webhook.url, headers, delivery.body)
    except WebhookError as refused:
        status_code, error = None, refused.message
    delivery.attempts += 1
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        at=timezone.now(),
        status_code=status_code,
        error=error,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    delays = retry_delays()
    if status_code is not None and 200 <= status_code < 300:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.finished_at = timezone.now()
    elif delivery.attempts > len(delays):
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.finished_at = timezone.now()
    else:
        delay = delays[delivery.attempts - 1]
        deliver_webhook.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
            delivery.pk
        )
    delivery.save(update_fields=["status", "attempts", "finished_at"])
    return delivery


@task()
def deliver_webhook(delivery_pk):
    attempt_delivery(delivery_pk)
