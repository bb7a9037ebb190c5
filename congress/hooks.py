"""Extension points other apps plug into without congress importing them.

- **Contact barriers** (``contact_barrier``): a function ``(event, user, other) -> str | None``
  that returns a refusal message when ``user`` may not contact ``other`` (matchmaking registers
  its blocks). 1:1 conversations ask :func:`contact_refusal` before every message.
- **Agenda sources** (``agenda_source``): a function ``(user, event) -> list[AgendaItem]`` whose
  items join the user's sessions in the personal ``agenda.ics`` and on the agenda page
  (matchmaking registers accepted meetings).
- **Registration gates** (``registration_gate``): a function ``(user, event) -> str | None`` that
  returns a refusal message when ``user`` may not register *themselves* (accounts registers the
  event's registration policy: invitation only, approval, consents). Organizers registering
  someone are not gated.
- **Event counts** (``event_count``): a name and a function ``() -> (model, filters)`` naming rows
  with an ``event`` foreign key; the event list annotates each event with their count under that
  name (the expo registers ``exhibitor_count``, its published booths).

Apps register in their ``AppConfig.ready``.
"""

from dataclasses import dataclass, field
from datetime import datetime

_contact_barriers = []
_agenda_sources = []
_event_counts = {}
_registration_gates = []


@dataclass(frozen=True)
class AgendaItem:
    """Something in a personal agenda that is not a programme session."""

    uid: str
    start: datetime
    end: datetime
    title: str
    updated_at: datetime
    location: str = ""
    description: str = ""
    url: str = ""
    categories: list = field(default_factory=list)


def contact_barrier(function):
    if function not in _contact_barriers:
        _contact_barriers.append(function)
    return function


def contact_refusal(event, user, other):
    """The first barrier's refusal message for ``user`` contacting ``other``, else None."""
    for barrier in _contact_barriers:
        message = barrier(event, user, other)
        if message:
            return message
    return None


def agenda_source(function):
    if function not in _agenda_sources:
        _agenda_sources.append(function)
    return function


def agenda_items(user, event):
    """Every registered source's items for ``user`` at ``event``, by start time."""
    items = [item for source in _agenda_sources for item in source(user, event)]
    return sorted(items, key=lambda item: (item.start, item.uid))


def event_count(name):
    """Register ``function() -> (model, filters)`` as the event annotation ``name``."""

    def register(function):
        _event_counts[name] = function
        return function

    return register


def event_counts():
    """``{name: (model, filters)}`` of every registered event count."""
    return {name: function() for name, function in _event_counts.items()}


def registration_gate(function):
    if function not in _registration_gates:
        _registration_gates.append(function)
    return function


def registration_refusal(user, event):
    """The first gate's refusal message for ``user`` registering at ``event``, else None."""
    for gate in _registration_gates:
        message = gate(user, event)
        if message:
            return message
    return None


# --- announcement mail --------------------------------------------------------------------------
# A function ``(announcement_id) -> None`` called after an announcement with mail committed
# (notifications/ queues the batches). congress stores the announcement; it does not send mail.
_announcement_mailers = []


def announcement_mailer(function):
    if function not in _announcement_mailers:
        _announcement_mailers.append(function)
    return function


def announcement_mail(announcement_id):
    for mailer in _announcement_mailers:
        mailer(announcement_id)
