"""The connects of one shared trip read their tokens and sessions together.

In a reconnect storm every connect looks up its own token or session; on PostgreSQL each lookup is
a round trip (docs/performance.md). Connects that wait for the same trip are read with one query
per table, and each still gets its own user, or none.
"""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.db.backends.utils import CursorWrapper
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory
from treffpunkt.realtime.auth import _user_for_session
from treffpunkt.realtime.gateway import _user_for_token

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def counted(monkeypatch):
    """``await counted(calls)``: run ``calls`` together; (their results, the statements run on
    any thread meanwhile)."""
    statements = []
    execute = CursorWrapper._execute_with_wrappers

    def counting(self, sql, *args, **kwargs):
        statements.append(sql)
        return execute(self, sql, *args, **kwargs)

    async def run(calls):
        monkeypatch.setattr(CursorWrapper, "_execute_with_wrappers", counting)
        try:
            results = await asyncio.gather(*calls)
        finally:
            monkeypatch.setattr(CursorWrapper, "_execute_with_wrappers", execute)
        return results, list(statements)

    return run


def people_with_tokens(count):
    users = [UserFactory(username=f"token{n}") for n in range(count)]
    users[-1].is_active = False
    users[-1].save()
    return users, [Token.objects.create(user=user).key for user in users]


def people_with_sessions(count):
    users = [UserFactory(username=f"browser{n}") for n in range(count)]
    keys = []
    for user in users:
        client = Client()
        client.force_login(user)
        keys.append(client.session.session_key)
    users[-1].is_active = False
    users[-1].save()
    return users, keys


async def test_connects_together_read_their_tokens_with_one_query(counted):
    users, keys = await sync_to_async(people_with_tokens)(20)
    calls = [_user_for_token(key) for key in [*keys, "no-such-token"]]

    results, statements = await counted(calls)

    assert [user.pk if user else None for user in results] == [
        *(user.pk for user in users[:-1]),
        None,  # the inactive user's token
        None,  # an unknown token
    ]
    assert len({id(user) for user in results if user}) == 19  # each connect its own instance
    # The 21 connects asked before a trip left, and went in one; without the prefetch: 21 queries.
    assert len(statements) == 1


async def test_connects_together_read_their_sessions_and_users_with_two_queries(counted):
    users, keys = await sync_to_async(people_with_sessions)(20)
    calls = [_user_for_session(key) for key in [*keys, "nosuchsessionkey0123456789abcdef"]]

    results, statements = await counted(calls)

    assert [user.pk for user in results[:-2]] == [user.pk for user in users[:-1]]
    assert isinstance(results[-2], AnonymousUser)  # the inactive user's session
    assert isinstance(results[-1], AnonymousUser)  # an unknown session
    # Their sessions, then their users; without the prefetch: 21 + 20 queries.
    assert len(statements) == 2
