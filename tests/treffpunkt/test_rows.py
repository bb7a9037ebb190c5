"""RowLoader gives what the ORM's select_related query gives."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from congress.models import Session
from tests.factories import SessionFactory, UserFactory
from treffpunkt.db.rows import RowLoader

pytestmark = pytest.mark.django_db


def values(instance):
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def test_a_session_with_its_event_and_room_equals_the_orm_s():
    session = SessionFactory(room__stream_url="https://stream.example/1")
    loaded = RowLoader(Session, related=("event", "room")).get(session.pk)
    expected = Session.objects.select_related("event", "room").get(pk=session.pk)
    assert values(loaded) == values(expected)
    assert values(loaded.event) == values(expected.event)
    assert values(loaded.room) == values(expected.room)
    assert loaded.start.tzinfo is not None
    assert loaded.event.languages == ["de", "en"]


def test_an_empty_nullable_relation_is_none_and_a_missing_row_is_none():
    session = SessionFactory(room=None)
    loader = RowLoader(Session, related=("event", "room"))
    assert loader.get(session.pk).room is None
    assert loader.get(session.pk + 1000) is None


def test_by_another_column_with_a_fixed_condition():
    user = UserFactory()
    token = Token.objects.create(user=user)
    loader = RowLoader(Token, by="key", related=("user",))
    assert loader.get(token.key).user == user
    active = RowLoader(get_user_model(), where=(("is_active", True),))
    assert active.get(user.pk) == user
    user.is_active = False
    user.save()
    assert active.get(user.pk) is None


def test_prefetched_rows_are_found_again_by_their_value_with_one_query():
    import uuid

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from treffpunkt.db.rows import shared_reads

    sessions = [SessionFactory(), SessionFactory()]
    by_guid = RowLoader(Session, by="guid", related=("event",))  # SQLite keeps a UUID as hex
    unknown = uuid.uuid4()

    with shared_reads(), CaptureQueriesContext(connection) as queries:
        by_guid.prefetch([session.guid for session in sessions] + [unknown])
        loaded = [by_guid.get(session.guid) for session in sessions]
        missing = by_guid.get(unknown)

    assert [session.pk for session in loaded] == [session.pk for session in sessions]
    assert [session.event.name for session in loaded] == [s.event.name for s in sessions]
    assert missing is None
    assert len(queries) == 1
    # Outside the block nothing is kept: each get reads again.
    with CaptureQueriesContext(connection) as queries:
        by_guid.prefetch([sessions[0].guid])
        assert by_guid.get(sessions[0].guid).pk == sessions[0].pk
    assert len(queries) == 1


def test_on_postgresql_a_prefetch_is_one_statement_text_whatever_the_number_of_values():
    """psycopg parses the placeholders of each statement text it has not met lately (it keeps
    128); a storm's shared trips prefetch 1 to 100 values, so with ``IN (%s, …)`` each count was
    parsed anew. On PostgreSQL the values go as one array (``rows.any_of``)."""
    from django.db import connection

    from treffpunkt.db.rows import shared_reads

    users = [UserFactory() for _ in range(5)]
    loader = RowLoader(get_user_model())
    texts = []

    def recorded(execute, sql, params, many, context):
        texts.append(sql)
        return execute(sql, params, many, context)

    for count in (1, 3, 5):
        with shared_reads(), connection.execute_wrapper(recorded):
            loader.prefetch([user.pk for user in users[:count]])
            assert [loader.get(user.pk) for user in users[:count]] == users[:count]

    assert len(texts) == 3  # one query per prefetch, none per get
    assert len(set(texts)) == (1 if connection.vendor == "postgresql" else 3)
