"""The bell's unread count, pushed to each socket of a logged-in person as it opens.

Every page of the web client opens a socket and shows the bell; with ``notification.count``
right after ``hello`` it needs no REST read for it, at page load or after a reconnect (after a
network drop, thousands at once). The count is read after the socket joined ``user:<id>``, and
that topic's pushes wait behind it (``registry.greeting``): a notification stored after the read
follows as ``notification.new`` with its own count.
"""

from treffpunkt.db.rows import NOT_READ, prefetched, remember
from treffpunkt.realtime.registry import greeting

from . import services


def _key(user_id):
    return ("notifications.unread", user_id)


def _read_unread_counts(users):
    """The unread counts of the users of one shared trip (``treffpunkt.realtime.trips``)."""
    for user_id, count in services.unread_counts([user.pk for user in users]).items():
        remember(_key(user_id), count)


@greeting("notification.count", prefetch=_read_unread_counts)
def unread_for_greeting(user):
    count = prefetched(_key(user.pk))
    return {"unread": services.unread_count(user.pk) if count is NOT_READ else count}
