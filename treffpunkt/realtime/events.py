"""Persisted pushes: stored with the next per-topic sequence number, published after commit."""

import contextlib

from django.db import connection, transaction
from django.utils import timezone

from ..models import TopicCounter, TopicEvent
from . import bus

REPLAY_LIMIT = 500


def _take_seq_sql():
    """The statement that takes a topic's next sequence number (its one parameter: the topic)
    and returns it; on PostgreSQL also the first part of a statement that logs the push too."""
    counter = connection.ops.quote_name(TopicCounter._meta.db_table)
    return (
        f"INSERT INTO {counter} (topic, value) VALUES (%s, 1) "  # noqa: S608 (table name is ours)
        f"ON CONFLICT (topic) DO UPDATE SET value = {counter}.value + 1 RETURNING value"
    )


def next_seq(topic):
    """Atomically take the topic's next sequence number (one statement, on SQLite and PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(_take_seq_sql(), [topic])
        return cursor.fetchone()[0]


def emit(topic, type_, data, *, stamp=None):
    """Store a push in the topic's log and publish it once the surrounding transaction commits.

    Must run inside ``transaction.atomic``; returns the sequence number. ``stamp`` (a model
    instance with a ``seq`` field, already saved) gets the number too, in the same statement.

    Taking the number locks the topic's counter row until the transaction commits, so a topic's
    pushes commit in seq order (a resume or the relay never sees seq 8 before 7). On PostgreSQL
    the number, the log row and the stamp are one statement, so the lock is held for that one
    round trip and the commit, not for three (benchmarks/chat_writes.py).
    """
    if connection.vendor == "postgresql":
        seq = _emit_in_one_statement(topic, type_, data, stamp)
    else:
        seq = next_seq(topic)
        TopicEvent.objects.create(topic=topic, seq=seq, type=type_, data=data)
        if stamp is not None:
            type(stamp).objects.filter(pk=stamp.pk).update(seq=seq)
    if stamp is not None:
        stamp.seq = seq
    _publish_on_commit(topic, type_, data, seq)
    return seq


def _publish_on_commit(topic, type_, data, seq):
    # robust: a failed publish (Redis down) is logged, not raised into the request whose write
    # is committed; each process's relay delivers it from the log (realtime/relay.py).
    transaction.on_commit(lambda: bus.publish(topic, type_, data, seq=seq), robust=True)


def create_and_emit(model, values, topic, type_, data_of):
    """``model.objects.create(**values)``, then :func:`emit` of ``data_of(instance)`` stamped on
    it, as in one transaction; the saved instance, with its ``seq``.

    On PostgreSQL that is one statement, the row's insert included, and a statement needs no
    transaction of its own: one round trip instead of four (BEGIN, the insert, the push, COMMIT;
    the keynote's chat storm, docs/performance.md). ``data_of`` is called before the row has its
    pk, and the log's copy gets the pk as its ``"id"``; it is called again for the publish, after.
    A failed insert (an ``IntegrityError``) raises as ``create`` would, having stored and taken
    nothing.
    """
    if connection.vendor != "postgresql":
        with transaction.atomic():
            instance = model.objects.create(**values)
            emit(topic, type_, data_of(instance), stamp=instance)
        return instance
    instance = model(**values)
    fields, sql = _create_and_emit_sql(model)
    row = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    data = TopicEvent._meta.get_field("data").get_db_prep_value(data_of(instance), connection)
    params = [topic, *row, topic, type_, data, timezone.now()]
    # Within a transaction, a savepoint: a failed insert leaves the surrounding one usable.
    outer = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    with outer, connection.cursor() as cursor:
        cursor.execute(sql, params)
        seq, instance.pk = cursor.fetchone()
    instance.seq = seq
    instance._state.adding = False
    instance._state.db = connection.alias
    _publish_on_commit(topic, type_, data_of(instance), seq)
    return instance


_CREATE_AND_EMIT = {}


def _create_and_emit_sql(model):
    """The fields :func:`create_and_emit` inserts (all but the pk and ``seq``) and its statement,
    written once per model."""
    planned = _CREATE_AND_EMIT.get(model)
    if planned is None:
        quote = connection.ops.quote_name
        meta = model._meta
        log = quote(TopicEvent._meta.db_table)
        seq_field = meta.get_field("seq")
        fields = [field for field in meta.concrete_fields if field not in (meta.pk, seq_field)]
        columns = ", ".join(quote(field.column) for field in [*fields, seq_field])
        placeholders = ", ".join(["%s"] * len(fields))
        pk = quote(meta.pk.column)
        sql = (
            f"WITH next AS ({_take_seq_sql()}), "  # noqa: S608 (names are ours)
            f"created AS (INSERT INTO {quote(meta.db_table)} ({columns}) "
            f"SELECT {placeholders}, value FROM next RETURNING {pk}), "
            f"logged AS (INSERT INTO {log} (topic, seq, type, data, created_at) "
            f"SELECT %s, next.value, %s, jsonb_set(%s::jsonb, '{{id}}', to_jsonb(created.{pk})), %s "
            f"FROM next, created) SELECT next.value, created.{pk} FROM next, created"
        )
        planned = _CREATE_AND_EMIT[model] = (fields, sql)
    return planned


def _emit_in_one_statement(topic, type_, data, stamp):
    quote = connection.ops.quote_name
    log = quote(TopicEvent._meta.db_table)
    value = TopicEvent._meta.get_field("data").get_db_prep_value(data, connection)
    params = [topic, topic, type_, value, timezone.now()]
    stamp_sql = ""
    if stamp is not None:
        table, column = quote(stamp._meta.db_table), quote(stamp._meta.pk.column)
        # The names are the models' own, quoted.
        stamp_sql = f", stamped AS (UPDATE {table} SET seq = (SELECT value FROM next) WHERE "  # noqa: S608
        stamp_sql += f"{column} = %s)"
        params.append(stamp.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH next AS ({_take_seq_sql()}), "  # noqa: S608 (names are ours)
            f"logged AS (INSERT INTO {log} (topic, seq, type, data, created_at) "
            f"SELECT %s, value, %s, %s, %s FROM next){stamp_sql} SELECT value FROM next",
            params,
        )
        return cursor.fetchone()[0]


def latest_seq(topic):
    """The topic's newest logged seq (0 for none); asked by every subscribe, so in plain SQL."""
    log = connection.ops.quote_name(TopicEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT seq FROM {log} WHERE topic = %s ORDER BY seq DESC LIMIT 1",  # noqa: S608
            [topic],
        )
        row = cursor.fetchone()
    return row[0] if row else 0


def replay(topic, since):
    """The pushes after ``since`` in order, and whether the gap was too long to replay whole."""
    rows = list(
        TopicEvent.objects.filter(topic=topic, seq__gt=since)
        .order_by("seq")
        .values_list("seq", "type", "data")[: REPLAY_LIMIT + 1]
    )
    truncated = len(rows) > REPLAY_LIMIT
    return [
        {"type": type_, "topic": topic, "seq": seq, "data": data}
        for seq, type_, data in rows[:REPLAY_LIMIT]
    ], truncated
