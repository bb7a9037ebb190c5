"""The user of a websocket from the session cookie, resolved once at connect.

Channels' AuthMiddlewareStack does the same but also wraps ``send`` to save the session after
every frame; a socket never changes its session, and on the fan-out path that wrapper cost about
5 % of the CPU per delivery. Anonymous connects (no session cookie) need no database trip here.
"""

import contextlib
from http.cookies import CookieError, SimpleCookie
from importlib import import_module

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from .. import unavailable
from ..db.rows import RowLoader, read_once
from .trips import shared_trip


class _SessionRequest:
    """What ``django.contrib.auth.get_user`` reads of a request: its session."""

    def __init__(self, session):
        self.session = session


def _prefetch_sessions(calls):
    """The stored sessions of a trip's connects, and then their users, in two queries."""
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return
    stored_sessions, users = _loaders()
    keys = [args[0] for args, _kwargs in calls]
    stored_sessions.prefetch(keys)
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    user_ids = []
    for key in keys:
        row = stored_sessions.get(key)
        if row is not None:
            with contextlib.suppress(Exception):  # each call decides on a session it cannot read
                data = _decoded(store_class(key), key, row.session_data)
                user_ids.append(auth.get_user_model()._meta.pk.to_python(data[auth.SESSION_KEY]))
    users.prefetch(user_ids)


@shared_trip(prefetch=_prefetch_sessions)
def _user_for_session(session_key):
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        user = _user_for_stored_session(store, session_key)
        if user is not _ASK_DJANGO:
            return user
    return auth.get_user(_SessionRequest(store))


_ASK_DJANGO = object()
_stored_sessions = None
_users = None


def _loaders():
    """The loaders of stored sessions and of users (SQL written once)."""
    global _stored_sessions, _users
    if _stored_sessions is None:
        from django.contrib.sessions.models import Session

        _users = RowLoader(auth.get_user_model())
        _stored_sessions = RowLoader(Session, by="session_key")  # last: the other is ready
    return _stored_sessions, _users


def _decoded(store, session_key, session_data):
    """The session's data, decoded (its signature checked) once per shared trip: the trip's
    prefetch decodes it to find the user, and the connect reads it again."""
    return read_once(("realtime.session_data", session_key), lambda: store.decode(session_data))


def _user_for_stored_session(store, session_key):
    """``auth.get_user`` for a session in the database, by SQL written once (every connect of a
    browser asks; the ORM built and compiled its two queries anew each time).

    Only the plain case: a ``ModelBackend`` user whose session hash verifies with the current
    secret. Anything else (another backend, a hash to check against a fallback secret or to
    reject, which flushes the session) returns ``_ASK_DJANGO``, and Django decides as before.
    """
    stored_sessions, users = _loaders()
    row = stored_sessions.get(session_key)
    if row is None or row.expire_date <= timezone.now():
        return AnonymousUser()
    try:
        data = _decoded(store, session_key, row.session_data)
        user_id = auth.get_user_model()._meta.pk.to_python(data[auth.SESSION_KEY])
        backend_path = data[auth.BACKEND_SESSION_KEY]
    except (KeyError, ValidationError):
        return _ASK_DJANGO
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    backend = auth.load_backend(backend_path)
    if type(backend).get_user is not ModelBackend.get_user:
        return _ASK_DJANGO
    user = users.get(user_id)
    if user is None or not backend.user_can_authenticate(user):
        return AnonymousUser()
    session_hash = data.get(auth.HASH_SESSION_KEY)
    if not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return _ASK_DJANGO
    return user


def _session_key(scope):
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            cookies = SimpleCookie()
            try:
                cookies.load(value.decode("latin-1"))
            except CookieError:
                return None
            morsel = cookies.get(settings.SESSION_COOKIE_NAME)
            return morsel.value if morsel is not None else None
    return None


# The session's user could not be read: the database is unavailable (the gateway closes with 4013).
SESSION_USER_UNKNOWN = object()

_probe_database = database_sync_to_async(unavailable.probe_database)


async def _session_user(session_key):
    with unavailable.admitted() as breaker:
        if breaker == "probe" and not await _probe_database():
            raise unavailable.DatabaseKnownDown("The database is unavailable.")
        return await _user_for_session(session_key)


class SessionUserMiddleware:
    """Sets ``scope["user"]`` from the session cookie (AnonymousUser without one,
    ``SESSION_USER_UNKNOWN`` while the database is unavailable)."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        session_key = _session_key(scope)
        user = AnonymousUser()
        if session_key:
            try:
                user = await _session_user(session_key)
            except Exception as error:
                if not unavailable.is_database_unavailable(error):
                    raise
                unavailable.note_outage(error)
                user = SESSION_USER_UNKNOWN
        await self.application(dict(scope, user=user), receive, send)
