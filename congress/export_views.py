"""HTTP views of the schedule exports (schedule.xml/.json/.ics and the personal agenda.ics).

The public exports are read far more often than the programme changes, so the hot path is short:
one query resolves the event (its pk, creation and ``programme_version``); a matching
``If-None-Match`` is answered 304 straight away; otherwise the body comes from the cache under a key
that includes the version, so a programme change makes a new key instead of invalidating an old
one (and the creation, so does an event created again under the same slug).

Plain Django views rather than DRF ones: nothing here is parsed or negotiated, and DRF's per-request
machinery would cost more than the cached answer itself.

Under ASGI, Django's own request cycle (sync middleware, each hook adapted on a thread) costs far
more than these views. ``serve_cached_exports`` wraps an ASGI application to answer cache hits and
304s of published events before that cycle; everything else passes through to Django.
"""

import functools
import re
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import parse_etags
from django.views.decorators.http import require_safe
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from treffpunkt.db.rows import datetime_value

from . import exports, hooks, selectors
from .models import Event, Registration

BUILDERS = {
    "xml": (exports.schedule_xml, "application/xml; charset=utf-8"),
    "json": (exports.schedule_json, "application/json; charset=utf-8"),
    "ics": (exports.schedule_ics, "text/calendar; charset=utf-8"),
}
# Keys carry the programme version, so they never go stale; the timeout only frees old versions.
CACHE_SECONDS = 24 * 60 * 60
PUBLIC_CACHE_CONTROL = "public, max-age=60"
# An unpublished event's export is for its organizers only; no shared cache may keep it.
PRIVATE_CACHE_CONTROL = "private, no-cache"


def cache_key(event_pk, stamp, export, origin):
    # The bodies hold absolute URLs, hence the origin. ``stamp``: exports.programme_stamp.
    return f"export:{event_pk}:{stamp}:{export}:r{exports.REVISION}:{origin}"


def etag_matches(if_none_match, etag):
    """Whether an If-None-Match header names ``etag``; it compares weakly (W/"x" matches "x")."""
    if not if_none_match:
        return False
    tags = parse_etags(if_none_match)
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def _requesting_user(request):
    """The session user, or the user of an API token (organizers fetch unpublished exports so)."""
    if "HTTP_AUTHORIZATION" in request.META:
        try:
            authenticated = TokenAuthentication().authenticate(request)
        except AuthenticationFailed:
            authenticated = None
        if authenticated is not None:
            return authenticated[0]
    return request.user


@require_safe
def schedule(request, slug, export):
    """GET the event's schedule as ``export`` (xml, json or ics); 404 if the user may not see it."""
    # Resolved only if visible_event asks, i.e. for an unpublished event.
    user = SimpleLazyObject(lambda: _requesting_user(request))
    event = selectors.visible_event(user, slug)
    if event is None:
        raise Http404
    build, content_type = BUILDERS[export]
    stamp = exports.programme_stamp(event.created_at, event.programme_version)
    etag = exports.etag_for(event.slug, stamp, export)
    if etag_matches(request.headers.get("If-None-Match"), etag):
        response = HttpResponseNotModified()
    else:
        origin = f"{request.scheme}://{request.get_host()}"
        key = cache_key(event.pk, stamp, export, origin)
        body = cache.get(key)
        if body is None:
            # Sessions are read after the event, so a body is never older than its version.
            body = build(event, selectors.sessions_for(event), origin=origin)
            cache.set(key, body, CACHE_SECONDS)
        response = HttpResponse(body, content_type=content_type)
        if event.is_published:
            # Public data; lets browser-based schedule tools read it from other origins.
            response["Access-Control-Allow-Origin"] = "*"
    response["ETag"] = etag
    response["Cache-Control"] = (
        PUBLIC_CACHE_CONTROL if event.is_published else PRIVATE_CACHE_CONTROL
    )
    return response


@require_safe
def agenda(request, token):
    """GET a user's favourites as ``agenda.ics``. The token in the URL is the only credential.

    Not cached: favourites change without a new programme version. ``no-store`` keeps the
    token-bearing answer out of every cache on the way.
    """
    registration = (
        Registration.objects.select_related("event", "user").filter(agenda_token=token).first()
    )
    if registration is None:
        raise Http404
    event, user = registration.event, registration.user
    is_organizer = registration.role == Registration.Role.ORGANIZER or user.is_superuser
    if not (event.is_published or is_organizer):
        raise Http404
    origin = f"{request.scheme}://{request.get_host()}"
    body = exports.agenda_ics(
        event,
        selectors.agenda_for(user, event),
        origin=origin,
        owner=user,
        items=hooks.agenda_items(user, event),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


# --- ASGI fast path ------------------------------------------------------------------------------

# Host header values Django could have accepted; anything else cannot have a cache entry.
PLAIN_HOST = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]+)?|\[[0-9A-Fa-f:.]+\](:[0-9]+)?")


EXPORT_SUFFIXES = ("xml", "json", "ics")


@functools.cache
def _export_path_pattern():
    """The schedule URLs as one pattern, from the URLconf (read on first use, not at import)."""
    prefix, suffix = reverse("schedule-json", kwargs={"slug": "SLUG"}).split("SLUG")
    return re.compile(
        re.escape(prefix)
        + r"(?P<slug>[-a-zA-Z0-9_]+)"
        + re.escape(suffix.removesuffix("json"))
        + f"(?P<export>{'|'.join(EXPORT_SUFFIXES)})"
    )


def _scope_origin(scope, headers):
    """``scheme://host`` as Django's request.scheme and get_host() would give it, or None."""
    host = headers.get(b"host", b"").decode("latin-1")
    if settings.USE_X_FORWARDED_HOST or not PLAIN_HOST.fullmatch(host):
        return None
    scheme = scope.get("scheme", "http")
    if settings.SECURE_PROXY_SSL_HEADER:
        name, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = headers.get(name.removeprefix("HTTP_").lower().replace("_", "-").encode())
        if value is not None:
            scheme = (
                "https" if value.decode("latin-1").split(",")[0].strip() == secure_value else "http"
            )
    return f"{scheme}://{host}"


SLUG_PLACEHOLDER = "-slug-placeholder-"


@functools.cache
def _published_event_sql(alias):
    """SQL and parameters of "pk, creation and programme_version of the published event with this
    slug".

    Compiled once by the ORM (so table, columns and quoting are its own) and then run on a cursor:
    building the queryset anew costs ten times the query on this path.
    """
    queryset = (
        Event.objects.filter(slug=SLUG_PLACEHOLDER, is_published=True)
        .order_by()
        .values_list("pk", "created_at", "programme_version")[:1]
    )
    sql, params = queryset.query.get_compiler(alias).as_sql()
    return sql, list(params)


def _published_event(slug):
    sql, params = _published_event_sql(DEFAULT_DB_ALIAS)
    params = [slug if param == SLUG_PLACEHOLDER else param for param in params]
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _cached_answer(slug, export, origin, if_none_match):
    """(status, etag, body) for a published event's export on hand, else None (Django answers)."""
    try:
        row = _published_event(slug)
    except DatabaseError:
        # A broken connection is replaced on the next call; Django answers this one.
        connections[DEFAULT_DB_ALIAS].close()
        return None
    if row is None:
        return None
    pk, created_at, version = row
    stamp = exports.programme_stamp(datetime_value(created_at), version)
    etag = exports.etag_for(slug, stamp, export)
    if etag_matches(if_none_match, etag):
        return 304, etag, b""
    body = cache.get(cache_key(pk, stamp, export, origin))
    if body is None:
        return None
    return 200, etag, body


# The query and a cache read block, so they run off the event loop, on one thread of their own:
# it keeps its database connection between requests (a reconnect costs more than the whole
# answer), so the fast path holds exactly one connection.
_cached_answer_async = sync_to_async(
    _cached_answer,
    thread_sensitive=False,
    executor=ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-fast-path"),
)


def serve_cached_exports(application):
    """Wrap an ASGI application: public schedule exports on hand are answered here.

    Only GETs of a published event's export whose body the view has already built for this origin
    and programme version (or whose ETag the client already holds) are answered; each costs one
    query. All else — misses, unpublished events, other paths — goes to ``application`` unchanged,
    so the view stays the single place that decides visibility and builds bodies.
    """

    async def serve(scope, receive, send):
        # The suffix first: the pattern comes from reverse(), whose first call in a process
        # builds the URLconf's reverse tables, about 50 ms on the event loop. A worker's first
        # request that is no export (a page, /health/) does not wait for that.
        if (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["path"].endswith(EXPORT_SUFFIXES)
        ):
            match = _export_path_pattern().fullmatch(scope["path"])
            if match is not None:
                headers = dict(scope["headers"])
                origin = _scope_origin(scope, headers)
                if origin is not None:
                    if_none_match = headers.get(b"if-none-match", b"").decode("latin-1")
                    answer = await _cached_answer_async(
                        match["slug"], match["export"], origin, if_none_match
                    )
                    if answer is not None:
                        await _send(send, match["export"], *answer)
                        return
        await application(scope, receive, send)

    return serve


async def _send(send, export, status, etag, body):
    headers = [
        (b"etag", etag.encode()),
        (b"cache-control", PUBLIC_CACHE_CONTROL.encode()),
        (b"x-content-type-options", b"nosniff"),
    ]
    if status == 200:
        headers += [
            (b"content-type", BUILDERS[export][1].encode()),
            (b"content-length", str(len(body)).encode()),
            (b"access-control-allow-origin", b"*"),
        ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
