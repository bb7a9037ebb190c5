"""Persisted pushes: stored with the next per-topic sequence number, published after commit."""

from django.db import connection, transaction
from django.utils import timezone

from ..models import TopicCounter, TopicEvent
from . import bus

REPLAY_LIMIT = 500


def next_seq(topic):
    """Atomically take the topic's next sequence number (one statement, on SQLite and PostgreSQL)."""
    table = connection.ops.quote_name("treffpunkt_topiccounter")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (topic, value) VALUES (%s, 1) "  # noqa: S608 (table name is ours)
            "ON CONFLICT (topic) DO UPDATE SET value = "
            f"{table}.value + 1 RETURNING value",
            [topic],
        )
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
    # robust: a failed publish (Redis down) is logged, not raised into the request whose write
    # is committed; each process's relay delivers it from the log (realtime/relay.py).
    transaction.on_commit(lambda: bus.publish(topic, type_, data, seq=seq), robust=True)
    return seq


def _emit_in_one_statement(topic, type_, data, stamp):
    quote = connection.ops.quote_name
    counter, log = quote(TopicCounter._meta.db_table), quote(TopicEvent._meta.db_table)
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
            f"WITH next AS (INSERT INTO {counter} (topic, value) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (topic) DO UPDATE SET value = {counter}.value + 1 RETURNING value), "
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
