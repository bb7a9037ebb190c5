"""Access rules of 1:1 conversations, used by REST and realtime alike.

Registered participants of an event open conversations with each other. An app may admit someone
who is not registered for the conversations it has a reason for: it registers an
:func:`opening_grant` (the expo admits a booth's staff to the attendees who asked that booth to
talk). A ban from the event refuses everyone.
"""

from dataclasses import dataclass

from congress.permissions import is_banned, is_registered
from treffpunkt.access import rule

_opening_grants = []


@dataclass(frozen=True)
class Opening:
    """What ``conversations.open_conversation`` is checked on: whom to talk to, at which event."""

    event: object
    other: object


def opening_grant(function):
    """Register ``function(user, event, other) -> bool``: True admits ``user``, though not
    registered for ``event``, to open a conversation with ``other``."""
    if function not in _opening_grants:
        _opening_grants.append(function)
    return function


@rule("conversations.open_conversation")
def can_open_conversation(user, opening):
    """Start a 1:1 conversation: registered for the event (or admitted by an app's grant), not banned."""
    if user is None or not user.is_authenticated or is_banned(user, opening.event):
        return False
    if is_registered(user, opening.event):
        return True
    return any(grant(user, opening.event, opening.other) for grant in _opening_grants)


@rule("conversations.take_part")
def can_take_part(user, conversation):
    """Only the two participants read, subscribe to and write in a conversation."""
    return bool(user and user.is_authenticated) and conversation.has_participant(user)
