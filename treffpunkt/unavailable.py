"""When the database is unreachable: 503 with Retry-After, fast, and a health check.

A request that needs the database while it is down gets ``503 Service Unavailable`` with
``Retry-After`` (JSON under ``/api/``, a short page elsewhere) instead of a 500; a websocket
request gets the error reply ``unavailable``. Once the database is back, the pool's ``check``
tests each connection before lending it, so connections that died with the old server are
replaced silently rather than failing one request each.

Fast, because all sync code of a server process shares one thread (``treffpunkt.asgi``): a
request that waits for the pool's ``timeout`` holds every other request, websocket request and
the outbox relay behind it. So the first failure opens a *breaker*:

- while it is open, requests are answered at once: HTTP by :class:`FailFast` on the event loop,
  websocket requests by the gateway, and any database work already queued on the sync thread by
  the database backend (``treffpunkt.db.postgresql``: :func:`refuse_while_down` raises
  :class:`DatabaseKnownDown` instead of waiting for a connection);
- once a second one caller (a request, a websocket request, a websocket log-in or the relay) is
  the *probe*: :func:`admitted` lets only it reach the database, it runs :func:`probe_database`
  first, which closes the breaker when a query runs and opens it for another second when not.
  Every other caller keeps failing fast meanwhile, so nobody waits behind the probe.

The slowest answer is therefore the probe's: the pool's ``timeout`` (1 s). ``/health/`` answers
200 when a query runs and 503 when not, for load balancers and compose.
"""

import contextlib
import contextvars
import logging
import time

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
# After a failure the breaker stays open this long, then the next caller probes.
BREAKER_SECONDS = 1.0
# A probe that never reports its end (a bug, a request that hangs) frees the slot after this long.
PROBE_DEADLINE_SECONDS = 10.0

_breaker = {"open_until": 0.0, "probe_until": 0.0}
# True in the probe's context (copied into the sync thread by asgiref): it may reach the database.
_probing = contextvars.ContextVar("treffpunkt_database_probe", default=False)


class DatabaseKnownDown(OperationalError):
    """Refused without trying: an outage is known and this caller is not the probe."""


def note_outage(error=None):
    """A failure seen: open the breaker for another period (a refusal without trying is none)."""
    if isinstance(error, DatabaseKnownDown):
        return
    _breaker["open_until"] = time.monotonic() + BREAKER_SECONDS
    _breaker["probe_until"] = 0.0


def note_recovery():
    _breaker["open_until"] = 0.0
    _breaker["probe_until"] = 0.0


def end_probe():
    """The probe is over whatever it found: the next caller may probe."""
    _breaker["probe_until"] = 0.0


def outage_known():
    """An outage was seen and no probe has found the database back yet."""
    return bool(_breaker["open_until"])


def breaker_state():
    """ "closed" (no outage known), "open" (fail fast) or "probe" (this caller tries the database:
    the first one after each period, while no other probe is running; it calls
    :func:`end_probe` when done). Prefer :func:`admitted`."""
    open_until = _breaker["open_until"]
    if not open_until:
        return "closed"
    now = time.monotonic()
    if now < open_until or now < _breaker["probe_until"]:
        return "open"
    _breaker["probe_until"] = now + PROBE_DEADLINE_SECONDS  # the others keep failing fast
    return "probe"


@contextlib.contextmanager
def admitted():
    """Admit one piece of work that may need the database; yields the breaker's state.

    Raises :class:`DatabaseKnownDown` while the breaker is open. As the probe the work may reach
    the database (also from the sync thread it hands work to) and should run
    :func:`probe_database` first; the probe ends with the block.
    """
    state = breaker_state()
    if state == "open":
        raise DatabaseKnownDown("The database is known to be unavailable.")
    token = _probing.set(state == "probe")
    try:
        yield state
    finally:
        _probing.reset(token)
        if state == "probe":
            end_probe()


def is_probing():
    return _probing.get()


def refuse_while_down():
    """Called before waiting for a database connection: fail at once while an outage is known,
    unless this is the probe (work queued on the sync thread before the outage was seen, or with
    no admission at all, such as the hub's jobs)."""
    if _breaker["open_until"] and not _probing.get():
        raise DatabaseKnownDown("The database is known to be unavailable.")


def probe_database():
    """The probe's work: whether the database answers a query; closes the breaker when it does,
    opens it for another period when not. Only a probe closes the breaker: a request that merely
    succeeded may not have needed the database at all."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except unavailable_errors() as error:
        note_outage(error)
        logger.warning("database unavailable (probe): %s", error)
        if not connection.in_atomic_block:
            with contextlib.suppress(DatabaseError):
                connection.close()
        return False
    note_recovery()
    return True


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


class FailFast:
    """ASGI wrapper: while the breaker is open, answer 503 on the event loop, without waiting for
    the sync thread; the request that is the probe runs as such (see :func:`admitted`)."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("path") == "/health/":
            await self.application(scope, receive, send)
            return
        with contextlib.ExitStack() as admission:
            try:
                admission.enter_context(admitted())
            except DatabaseKnownDown:
                await self._unavailable(send)
                return
            await self.application(scope, receive, send)

    async def _unavailable(self, send):
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


class DatabaseUnavailableMiddleware:
    """Turns an unreachable database into 503 + Retry-After (sync only, like the rest of the chain)."""

    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/health/":
            return self.get_response(request)
        if getattr(request, "scope", None) is not None:
            return self._respond(request)  # admitted by FailFast on the event loop
        # Without FailFast (WSGI, the test client) the request is admitted here.
        try:
            with admitted():
                return self._respond(request)
        except DatabaseKnownDown:
            return unavailable_response(request)

    def _respond(self, request):
        if is_probing():
            if not probe_database():
                return unavailable_response(request)
        elif outage_known():
            # Admitted before the outage was seen; the probe decides when it is over.
            return unavailable_response(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        note_outage(exception)
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
    """200 ``ok`` when the database answers a query, else 503 with Retry-After; while an outage
    is known, 503 at once, unless it is this check's turn to probe."""
    try:
        with admitted():
            answers = probe_database()
    except DatabaseKnownDown:
        answers = False
    if not answers:
        return unavailable_response(request)
    return HttpResponse("ok", content_type="text/plain")
