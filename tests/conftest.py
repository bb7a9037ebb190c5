import contextlib
import os

import pytest
from rest_framework.test import APIClient

from congress.models import Registration

from .factories import EventFactory, RegistrationFactory, UserFactory
from .servers import DatabaseTemplates

IN_CI = os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason):
    """Skip a test whose service is missing; under CI=true that is a failure instead."""
    if IN_CI:
        pytest.fail(f"CI=true: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; the production hasher's deliberate slowness buys nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_names(settings):
    """Pages render without `collectstatic` first: plain static names, as with DEBUG on.

    The hashed names of production (web/storage.py) are tested in tests/web/test_static_files.py.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (German). A request through Django's test client
    runs LocaleMiddleware in the test's thread and leaves its language active afterwards, so an
    English request of one test would otherwise make the next one's messages English."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test starts with an empty cache and presence (Redis in production runs of the suite)."""
    from django.core.cache import caches

    from congress.live import forget_shared
    from treffpunkt import ratelimit
    from treffpunkt.realtime import presence
    from treffpunkt.realtime.gateway import forget_replays

    forget_shared()
    forget_replays()
    ratelimit.forget_local()
    caches["default"].clear()
    caches["pages"].clear()
    store = presence.store()
    if isinstance(store, presence.LocalPresence):
        store.clear()  # with Redis, clearing the cache above emptied the whole database
    yield


@pytest.fixture
def event(db):
    return EventFactory()


@pytest.fixture
def organizer(event):
    user = UserFactory(username="orga")
    RegistrationFactory(event=event, user=user, role=Registration.Role.ORGANIZER)
    return user


@pytest.fixture
def attendee(event):
    user = UserFactory(username="anna")
    RegistrationFactory(event=event, user=user, role=Registration.Role.ATTENDEE)
    return user


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def as_user(api):
    """An API client authenticated by token as the given user."""
    from rest_framework.authtoken.models import Token

    def login(user):
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return login


@pytest.fixture(scope="session", autouse=True)
def _close_connection_pools(django_db_setup, django_db_blocker):
    """Return pooled PostgreSQL connections before the test database is dropped."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            if connection.vendor == "postgresql":
                # Connections checked out by executor threads of async tests are not returned
                # to the pool before the session ends; end them so the database can be dropped.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
            connection.close()
            if hasattr(connection, "close_pool"):
                connection.close_pool()


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory):
    """Migrated template databases that server processes get copies of (tests/servers.py)."""
    templates = DatabaseTemplates(tmp_path_factory.mktemp("templates"))
    yield templates
    templates.drop()


@contextlib.contextmanager
def connection_kept():
    """Requests sent outside Django's test client keep the test's database connection.

    At the start and end of a request ``request_started``/``request_finished`` run
    ``close_old_connections``, which drops the connection holding the test's transaction (on
    PostgreSQL the next query then fails inside the atomic block). The test client disconnects it
    for its requests; a WSGI caller (schemathesis) or ``response.close()`` does not.
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def close_streamed(response):
    """Close a streamed response as the test client would: without ending the test's connection."""
    with connection_kept():
        response.close()
