"""When the database is unreachable: 503 with Retry-After, fast, and a health check.

A request that needs the database while it is down gets ``503 Service Unavailable`` with
``Retry-After`` (JSON under ``/api/``, a short page elsewhere) instead of a 500. The wait is
bounded by the connection pool's ``timeout`` and libpq's ``connect_timeout`` (settings.py), so
the answer comes in about that time, not after the pool's former 10 s. Once the database is back,
the pool's ``check`` tests each connection before lending it, so connections that died with the
old server are replaced silently rather than failing one request each.

``/health/`` answers 200 when a query runs and 503 when not, for load balancers and compose.
"""

import contextlib
import logging
import time

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
# After an outage was seen, requests are answered 503 at once for this long, but one request per
# period still tries the database (and closes the breaker when it answers): every request would
# otherwise wait the pool's whole timeout, one after another on the shared sync thread.
BREAKER_SECONDS = 1.0

_breaker = {"open_until": 0.0}


def note_outage():
    _breaker["open_until"] = time.monotonic() + BREAKER_SECONDS


def note_recovery():
    _breaker["open_until"] = 0.0


def breaker_state():
    """ "closed" (no outage known), "open" (fail fast) or "probe" (this caller tries the database:
    the first one after each period)."""
    open_until = _breaker["open_until"]
    if not open_until:
        return "closed"
    now = time.monotonic()
    if now < open_until:
        return "open"
    _breaker["open_until"] = now + BREAKER_SECONDS  # the others keep failing fast meanwhile
    return "probe"


def should_fail_fast():
    """True while the breaker is open; the first caller after each period goes through instead."""
    return breaker_state() == "open"


def is_breaker_open():
    """Open now, without taking the probe (for requests admitted while it was closed)."""
    return time.monotonic() < _breaker["open_until"]


def unavailable_errors():
    errors = [OperationalError, InterfaceError]
    try:
        from psycopg_pool import PoolTimeout
    except ImportError:  # psycopg_pool is installed with PostgreSQL support only
        pass
    else:
        errors.append(PoolTimeout)
    return tuple(errors)


def is_database_unavailable(error):
    """``error`` says the database could not be reached (not that a query was wrong)."""
    if isinstance(error, OperationalError) and "locked" in str(error):
        return False  # SQLite's busy timeout: a slow writer, not an outage
    return isinstance(error, unavailable_errors())


def unavailable_response(request):
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": _("The service is briefly unavailable. Please try again shortly.")},
            status=503,
        )
    else:
        response = HttpResponse(
            _("The service is briefly unavailable. Please try again shortly."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


CHECKED = "treffpunkt.breaker_checked"


class FailFast:
    """ASGI wrapper: while the breaker is open, answer 503 on the event loop, without waiting for
    the sync thread (where a probing request may wait for the pool's timeout)."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope.get("path") != "/health/":
            state = breaker_state()
            if state == "open":
                body = b'{"detail": "The service is briefly unavailable."}'
                await send(
                    {
                        "type": "http.response.start",
                        "status": 503,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"retry-after", str(RETRY_AFTER_SECONDS).encode()),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
            scope = {**scope, CHECKED: state}
        await self.application(scope, receive, send)


class DatabaseUnavailableMiddleware:
    """Turns an unreachable database into 503 + Retry-After (sync only, like the rest of the chain)."""

    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # FailFast decided on the event loop; an outage noticed while this request waited for the
        # sync thread still fails it fast, unless it is the probe.
        admitted = getattr(request, "scope", {}).get(CHECKED)
        if request.path != "/health/":
            if admitted is None and should_fail_fast():
                return unavailable_response(request)
            if admitted == "closed" and is_breaker_open():
                return unavailable_response(request)
        response = self.get_response(request)
        if response.status_code != 503 and _breaker["open_until"]:
            note_recovery()
        return response

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        note_outage()
        logger.warning("database unavailable: %s", exception)
        # The failed connection must not be handed to the next request on this thread; inside an
        # atomic block that spans requests (a test's transaction) closing would lose the block.
        if not connection.in_atomic_block:
            with contextlib.suppress(DatabaseError):
                connection.close()
        return unavailable_response(request)


def server_error(request, *args, **kwargs):
    """handler500: what escaped the middleware (a database error while rendering) still maps."""
    import sys

    from django.views.defaults import server_error as default_server_error

    error = sys.exc_info()[1]
    if error is not None and is_database_unavailable(error):
        return unavailable_response(request)
    return default_server_error(request, *args, **kwargs)


def health(request):
    """200 ``ok`` when the database answers a query, else 503 with Retry-After."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except unavailable_errors():
        note_outage()
        with contextlib.suppress(DatabaseError):
            connection.close()
        return unavailable_response(request)
    note_recovery()
    return HttpResponse("ok", content_type="text/plain")
