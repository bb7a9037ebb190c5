"""The bell's unread count in the socket's ``hello``.

Every page of the web client opens a socket and shows the bell; with the count in ``hello`` it
needs no REST read for it, at page load or after a reconnect (after a network drop, thousands
at once). The count is read after the socket joined ``user:<id>``, so a notification stored after
the read still reaches it as ``notification.new``.
"""

from django.db.models import Count

from treffpunkt.db.rows import NOT_READ, prefetched, remember
from treffpunkt.realtime.registry import hello_part

from .models import Notification
from .services import unread_count


def _key(user_id):
    return ("notifications.unread", user_id)


def _read_unread_counts(users):
    """The unread counts of the users of one shared trip, in one query."""
    ids = [user.pk for user in users]
    counts = dict(
        Notification.objects.filter(user_id__in=ids, read_at__isnull=True)
        .order_by()
        .values("user_id")
        .annotate(unread=Count("id"))
        .values_list("user_id", "unread")
    )
    for user_id in ids:
        remember(_key(user_id), counts.get(user_id, 0))


@hello_part("unread", prefetch=_read_unread_counts)
def unread_for_hello(user):
    count = prefetched(_key(user.pk))
    return unread_count(user.pk) if count is NOT_READ else count
