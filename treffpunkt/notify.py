"""Telling a person something: the one call domain apps make, filled in by ``notifications/``.

Domain apps (matchmaking, conversations, expo) may not import the notifications app, which needs
accounts for mail. They call :func:`notify`; the notifications app installs the delivery at
``ready()`` (:func:`set_delivery`). Without it (a project without the app) nothing is delivered.

``notify`` must run inside the transaction that made the change: the stored notification commits
with it, and the push and any mail follow after commit.

``is_online`` answers whether a person has an open socket in any process, from the sockets the
gateway counts per person for its limits (``treffpunkt.realtime.limits``: each process's counts in
the shared store, alive while its heartbeat comes). A socket that died unnoticed counts until the
server's ping timeout closes it.
"""

from .realtime import limits

_delivery = None


def set_delivery(function):
    """Install ``function(user_id, kind, **options)`` as the delivery of every notification."""
    global _delivery
    _delivery = function


def notify(user_id, kind, *, event=None, data=None, group=None, calendar=None):
    """Tell ``user_id`` about ``kind`` (e.g. ``meeting.requested``) with ``data``.

    ``event``: the congress event it belongs to; ``group``: a key under which repeated
    notifications fold into one (a conversation's unread messages); ``calendar``: for meetings,
    ``{"uid", "start", "end", "summary", "location", "sequence", "cancelled"}`` to attach an
    ``.ics``. Returns what the delivery returns (the stored notification, or None when the person
    turned the kind off).
    """
    if _delivery is None:
        return None
    return _delivery(user_id, kind, event=event, data=data or {}, group=group, calendar=calendar)


def is_online(user_id):
    """Whether ``user_id`` has an open socket in any server process."""
    return limits.open_sockets(f"user:{user_id}") > 0
