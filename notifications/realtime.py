"""The bell's unread count, pushed to each socket of a logged-in person as it opens.

Every page of the web client opens a socket and shows the bell; with ``notification.count``
right after ``hello`` it needs no REST read for it, at page load or after a reconnect (after a
network drop, thousands at once). The count is read after the socket joined ``user:<id>``, and
that topic's pushes wait behind it (``registry.greeting``): a notification stored after the read
follows as ``notification.new`` with its own count.
"""

from django.db import connection

from treffpunkt.db.rows import NOT_READ, prefetched, remember
from treffpunkt.realtime.registry import greeting

from .models import Notification


def _key(user_id):
    return ("notifications.unread", user_id)


def unread_counts(user_ids):
    """``{user_id: unread}`` for ``user_ids`` (none missing), in one query written as SQL: the
    ORM took longer to build it than the database to run it (py-spy on a reconnect storm)."""
    ids = list(dict.fromkeys(user_ids))
    quote = connection.ops.quote_name
    table = quote(Notification._meta.db_table)
    user = quote(Notification._meta.get_field("user").column)
    read_at = quote(Notification._meta.get_field("read_at").column)
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {user}, COUNT(*) FROM {table} "  # noqa: S608 (names are ours)
            f"WHERE {read_at} IS NULL AND {user} IN ({placeholders}) GROUP BY {user}",
            ids,
        )
        counts = dict(cursor.fetchall())
    return {user_id: counts.get(user_id, 0) for user_id in ids}


def _read_unread_counts(users):
    """The unread counts of the users of one shared trip (``treffpunkt.realtime.trips``)."""
    for user_id, count in unread_counts([user.pk for user in users]).items():
        remember(_key(user_id), count)


@greeting("notification.count", prefetch=_read_unread_counts)
def unread_for_greeting(user):
    count = prefetched(_key(user.pk))
    return {"unread": unread_counts([user.pk])[user.pk] if count is NOT_READ else count}
