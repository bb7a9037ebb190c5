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
- **Session state listeners** (``session_state_listener``): a function ``(session)`` called after
  the commit that changed a session's state (the stage closes a video room when its session ends).
- **Room stream listeners** (``room_stream_listener``): a function ``(room)`` called inside the
  transaction that changed a room's stream URL (the stage pushes the new stream to open players).

Apps register in their ``AppConfig.ready``.
"""

from dataclasses import dataclass, field
from datetime import datetime

_contact_barriers = []
_agenda_sources = []
_event_counts = {}
_registration_gates = []
_session_state_listeners = []
_room_stream_listeners = []


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
# A function ``(announcement_id, *, resend=()) -> None`` called after an announcement with mail
# committed (notifications/ queues the batches), and with ``resend`` (``"failed"``, ``"unsure"``)
# when an organizer asks to mail those people again. congress stores the announcement; it does
# not send mail.
_announcement_mailers = []


def announcement_mailer(function):
    if function not in _announcement_mailers:
        _announcement_mailers.append(function)
    return function


def announcement_mail(announcement_id, *, resend=()):
    for mailer in _announcement_mailers:
        mailer(announcement_id, resend=resend)


# -- Back office (issue 16): announcements, viewers and report sections ---------------------------
#
# - **Announcement listeners** (``announcement_listener``): ``(event, name, data, scope)`` is called
#   for each outward-facing happening (``session.created``, ``registration.created``, an app's own
#   ``lead.created`` with ``scope="booth:<id>"``), inside the writing transaction; the webhooks
#   register here and deliver after commit.
# - **Session watchers** (``session_watcher``): ``(ctx, session)`` on every subscribe to a session
#   topic (the back office records unique viewers).
# - **Report sections** (``report_section``): a name and ``(event) -> dict`` that the organizer's
#   report includes (the expo registers its booths' counts).

_announcement_listeners = []
_session_watchers = []
_report_sections = {}


def announcement_listener(function):
    if function not in _announcement_listeners:
        _announcement_listeners.append(function)
    return function


def announce(event, name, data, *, scope=""):
    """Tell every listener that ``name`` happened at ``event`` (call inside the transaction)."""
    for listener in _announcement_listeners:
        listener(event, name, data, scope)


def session_watcher(function):
    if function not in _session_watchers:
        _session_watchers.append(function)
    return function


def session_watched(ctx, session):
    for watcher in _session_watchers:
        watcher(ctx, session)


def report_section(name):
    def register(function):
        _report_sections[name] = function
        return function

    return register


def report_sections(event):
    """``{name: section}`` of every registered report section for ``event``."""
    return {name: function(event) for name, function in _report_sections.items()}


_announcement_scopes = {}


def announcement_scope(kind):
    """Register ``(user, event, key) -> label | None`` for scoped endpoints (``booth:<id>``): the
    label names the scope when ``user`` may receive its announcements, None refuses."""

    def register(function):
        _announcement_scopes[kind] = function
        return function

    return register


def scope_label(user, event, scope):
    """The label of ``scope`` (``"booth:3"``) if ``user`` may receive its announcements, else None."""
    kind, _sep, key = scope.partition(":")
    function = _announcement_scopes.get(kind)
    return function(user, event, key) if function is not None else None


def session_state_listener(function):
    if function not in _session_state_listeners:
        _session_state_listeners.append(function)
    return function


def session_state_changed(session):
    """Tell every listener that ``session``'s state changed (run after the commit)."""
    for listener in _session_state_listeners:
        listener(session)


def room_stream_listener(function):
    if function not in _room_stream_listeners:
        _room_stream_listeners.append(function)
    return function


def room_stream_changed(room):
    """Tell every listener that ``room``'s stream changed (call inside the transaction)."""
    for listener in _room_stream_listeners:
        listener(room)
