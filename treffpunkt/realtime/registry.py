"""Apps plug into the gateway here: message handlers, topic kinds and greetings.

A handler is written like a view: the registry validates ``data`` against the schema, loads the
object, checks the access rule on it and only then calls the function.

    @handler("booth.contact", schema=ContactSchema, load=load_booth, rule="expo.contact_booth")
    def contact_booth(ctx, data, exhibitor):  # a plain function runs on the database thread
        ...                       # validated data and the checked object in, reply data out
        return {"request": request.pk}

    @handler("reaction.send", schema=ReactionSchema, load=topic_session, subscribed=True)
    async def react(ctx, data, session):  # an async function runs on the event loop (the hub)
        ...

    @topic_kind("session")
    def open_session_topic(ctx, key):   # → Subscription, or raise
        ...                             # runs on the database thread: plain ORM calls

    @greeting("notification.count", prefetch=read_unread_counts)
    def unread_for_greeting(user):      # pushed on user:<id> right after hello
        ...                             # runs on the database thread

``load(ctx, data)`` returns the object or raises NotFound; it and the rule check run on the database
thread, together with a plain function in one trip. A handler raises ``RealtimeError`` (or a
DomainError/AccessDenied/NotFound) to refuse; the gateway turns that into an error reply and keeps
the socket open.
"""

import inspect
import time
from dataclasses import dataclass, field

from channels.db import database_sync_to_async

from ..access import require
from .trips import shared_trip

_handlers = {}
_topic_kinds = {}
_greetings = {}
GRANT_SECONDS = 10.0  # how long a subscribe's granted rules are reused (``reuse_for`` handlers)


class RealtimeError(Exception):
    def __init__(self, code, message, *, fields=None):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.fields = fields


@dataclass(frozen=True)
class Handler:
    type: str
    function: object
    schema: object = None
    requires_login: bool = True


@dataclass
class Subscription:
    """What a topic kind answers to ``subscribe``: the snapshot for the reply and the topic's options."""

    snapshot: dict = field(default_factory=dict)
    counts_presence: bool = False
    # ``redact(missed) → missed``: the replayed pushes as this user may see them now, by the
    # same rules as the snapshot (a deleted message, a hidden question). It keeps every seq, so
    # the client sees no gap; it runs on the database thread.
    redact: object = None
    # With ``redact``: what the redaction depends on besides the log (say, whether the user is a
    # moderator). Replays with equal variants are shared between subscribes for a second; None
    # means every replay is redacted on its own.
    replay_variant: object = None
    # Rules the opener found true for this user and topic: ``{rule: the topic's object}``. A
    # handler with ``reuse_for`` then needs no database trip for them for that long.
    granted: dict = field(default_factory=dict)


def handler(
    type_,
    *,
    schema=None,
    load=None,
    rule=None,
    subscribed=False,
    topic=None,
    requires_login=True,
    reuse_for=0.0,
    prefetch=None,
):
    """Register the function that answers requests of ``type_``.

    - ``load(ctx, data)``: returns the object the request is about (raising NotFound); the function
      then gets it as its third argument.
    - ``rule``: the access rule (``treffpunkt.access``) the user needs on the loaded object.
    - ``subscribed``: the socket must be subscribed to ``data["topic"]`` (``not_subscribed``).
    - ``topic``: a topic kind; the handler then answers only requests whose ``data["topic"]`` is of
      that kind, so apps share one type (``chat.send`` on sessions and conversations). A request
      for another kind goes to the type's handler without ``topic``.
    - ``reuse_for``: seconds for which one socket reuses the loaded object and the rule's yes for
      the same ``data["topic"]``, instead of a database trip per request (for requests as
      frequent as reactions; a ban closes the user's sockets anyway). Async functions whose
      ``load`` returns the topic's object only: a subscribe whose opener granted the rule
      (``Subscription.granted``) has already put its answer there.
    - ``prefetch(requests)``: for a plain function, its requests that wait for the database
      thread together share one trip there (``treffpunkt.realtime.trips``, as subscribes do),
      and this gets their ``(ctx, data)`` first, to read for all of them at once what each
      would read alone (``RowLoader.prefetch``, ``treffpunkt.db.rows.remember``). For requests
      as frequent as chat messages; the functions must not change what the trip's shared reads
      hold (a ``RowLoader`` with ``shared=True``).
    """
    if rule is not None and load is None:
        raise ValueError(f"realtime handler {type_!r}: a rule is checked on a loaded object")

    def register(function):
        routes = _handlers.setdefault(type_, {})
        if topic in routes:
            raise RuntimeError(f"realtime handler {type_!r} is registered twice")
        run = _runner(
            function,
            load=load,
            rule=rule,
            subscribed=subscribed,
            reuse_for=reuse_for,
            prefetch=prefetch,
        )
        routes[topic] = Handler(type_, run, schema, requires_login)
        return function

    return register


def _runner(function, *, load, rule, subscribed, reuse_for=0.0, prefetch=None):
    """The coroutine the gateway awaits: subscription check, then loader and rule, then function."""

    def prepare(ctx, data):
        obj = load(ctx, data)
        if rule is not None:
            require(ctx.user, rule, obj)
        return obj

    if inspect.iscoroutinefunction(function):
        if prefetch is not None:
            raise ValueError("prefetch is for plain functions, which run on the database thread")
        prepare_async = database_sync_to_async(prepare)

        async def run(ctx, data):
            if subscribed:
                ctx.require_subscribed(data["topic"])
            if load is None:
                return await function(ctx, data)
            if not reuse_for:
                return await function(ctx, data, await prepare_async(ctx, data))
            reused = ctx.reused
            key = (rule, data.get("topic"))
            now = time.monotonic()
            kept = reused.get(key)
            if kept is None or kept[1] <= now:
                kept = reused[key] = (await prepare_async(ctx, data), now + reuse_for)
            return await function(ctx, data, kept[0])

        return run

    def call(ctx, data):
        if load is None:
            return function(ctx, data)
        return function(ctx, data, prepare(ctx, data))

    if prefetch is None:
        call_async = database_sync_to_async(call)
    else:
        call_async = shared_trip(
            call, prefetch=lambda calls: prefetch([args for args, _kwargs in calls])
        )

    async def run(ctx, data):
        if subscribed:
            ctx.require_subscribed(data["topic"])
        return await call_async(ctx, data)

    return run


def topic_kind(kind):
    def register(function):
        if kind in _topic_kinds:
            raise RuntimeError(f"topic kind {kind!r} is registered twice")
        _topic_kinds[kind] = function
        return function

    return register


def greeting(type_, *, prefetch=None):
    """Register ``function(user) → data`` (JSON): right after ``hello``, a logged-in user's
    socket gets the push ``{"type": type_, "topic": "user:<id>", "data": data}``.

    It is read on the database thread after the socket joined ``user:<id>``, and that topic's
    other pushes wait behind it: whatever is pushed there after the read follows it, so the
    client can take each push as newer. ``hello`` does not wait for it, nor does anything the
    socket asks meanwhile. ``prefetch(users)``: for the connects of one shared trip (``trips``),
    reads for all of them at once (``treffpunkt.db.rows.remember``)."""

    def register(function):
        if type_ in _greetings:
            raise RuntimeError(f"greeting {type_!r} is registered twice")
        _greetings[type_] = (function, prefetch)
        return function

    return register


def greetings():
    """``{type: (function, prefetch)}`` of the registered greetings."""
    return _greetings


def get_handler(type_, data=None):
    """The handler for a request of ``type_``; by the kind of ``data["topic"]`` where apps share it."""
    routes = _handlers.get(type_)
    if not routes:
        return None
    topic = data.get("topic") if isinstance(data, dict) else None
    if isinstance(topic, str):
        kind = topic.partition(":")[0]
        if kind in routes:
            return routes[kind]
    # No handler for that kind: the type's general handler, else any (its loader refuses the kind).
    return routes.get(None) or next(iter(routes.values()))


def get_topic_kind(kind):
    return _topic_kinds.get(kind)


def handler_types():
    return sorted(_handlers)
