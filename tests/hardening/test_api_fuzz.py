"""schemathesis against /api/schema/ as anonymous, attendee, exhibitor staff and organizer.

Every operation of the schema gets up to ``FUZZ_EXAMPLES`` generated requests (2 here, to keep
the suite fast; ``FUZZ_EXAMPLES=25`` for a longer run), each sent once per role; the one check is
that none answers 5xx. ``-s`` prints the requests sent per role.
It runs on the test database (PostgreSQL in CI: DATABASE_URL), which is thrown away afterwards.
"""

import os

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

from congress.models import Registration  # noqa: E402
from tests.conftest import connection_kept  # noqa: E402
from tests.factories import (  # noqa: E402
    EventFactory,
    ExhibitorFactory,
    ExhibitorStaffFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    UserFactory,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
ROLES = ["anonymous", "attendee", "exhibitor", "organizer"]


@pytest.fixture
def tokens(db):
    """One event with a room, a session and a booth; a token per role."""
    from rest_framework.authtoken.models import Token

    event = EventFactory(slug="fuzz")
    SessionFactory(event=event, room=RoomFactory(event=event))
    booth = ExhibitorFactory(event=event)
    users = {role: UserFactory(username=f"fuzz-{role}") for role in ROLES[1:]}
    RegistrationFactory(event=event, user=users["attendee"])
    RegistrationFactory(event=event, user=users["exhibitor"])
    ExhibitorStaffFactory(exhibitor=booth, user=users["exhibitor"], role="admin")
    RegistrationFactory(event=event, user=users["organizer"], role=Registration.Role.ORGANIZER)
    return {role: Token.objects.create(user=user).key for role, user in users.items()}


@pytest.fixture
def _connection_kept():
    """schemathesis calls the WSGI app, whose request end would close the test's connection."""
    with connection_kept():
        yield


def test_no_server_error_for_any_role(tokens, settings, _connection_kept):
    """Each generated request is sent once per role: none may answer 5xx."""
    from django.core.wsgi import get_wsgi_application
    from hypothesis import given

    settings.RATE_LIMITS = {
        name: (10**6, 1, *rest) for name, (_hits, _seconds, *rest) in settings.RATE_LIMITS.items()
    }
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    sent = dict.fromkeys(ROLES, 0)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            # Into the event that exists, so the requests get past the 404 of a random slug.
            for name in ("event_slug", "slug"):
                if name in (case.path_parameters or {}):
                    case.path_parameters[name] = "fuzz"
            for role in ROLES:
                headers = {"Authorization": f"Token {tokens[role]}"} if role != "anonymous" else {}
                response = case.call(headers=headers)
                sent[role] += 1
                if response.status_code >= 500:
                    failures.append((role, case.method, case.formatted_path, response.status_code))

        run()

    print(f"\nschemathesis: {len(operations)} operations, requests per role {sent}")
    assert failures == []
