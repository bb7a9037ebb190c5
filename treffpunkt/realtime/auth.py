"""The user of a websocket from the session cookie, resolved once at connect.

Channels' AuthMiddlewareStack does the same but also wraps ``send`` to save the session after
every frame; a socket never changes its session, and on the fan-out path that wrapper cost about
5 % of the CPU per delivery. Anonymous connects (no session cookie) need no database trip here.
"""

from http.cookies import CookieError, SimpleCookie
from importlib import import_module

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser

from .. import unavailable


class _SessionRequest:
    """What ``django.contrib.auth.get_user`` reads of a request: its session."""

    def __init__(self, session):
        self.session = session


@database_sync_to_async
def _user_for_session(session_key):
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return auth.get_user(_SessionRequest(store))


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
