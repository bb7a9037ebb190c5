"""Persisted pushes: stored with the next per-topic sequence number, published after commit."""

from django.db import connection, transaction

from ..models import TopicEvent
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


def emit(topic, type_, data):
    """Store a push in the topic's log and publish it once the surrounding transaction commits.

    Must run inside ``transaction.atomic``; returns the sequence number.
    """
    seq = next_seq(topic)
    TopicEvent.objects.create(topic=topic, seq=seq, type=type_, data=data)
    # robust: a failed publish (Redis down) is logged, not raised into the request whose write
    # is committed; each process's relay delivers it from the log (realtime/relay.py).
    transaction.on_commit(lambda: bus.publish(topic, type_, data, seq=seq), robust=True)
    return seq


def latest_seq(topic):
    return (
        TopicEvent.objects.filter(topic=topic)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
        or 0
    )


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
