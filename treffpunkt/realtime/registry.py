"""Apps plug into the gateway here: message handlers and topic kinds.

    @handler("chat.send", schema=ChatSendSchema)
    async def send_chat(ctx, data):
        ...                        # validated data in, reply data out
        return {"id": 1}

    @topic_kind("session")
    def open_session_topic(ctx, key):   # → Subscription, or raise
        ...                             # runs on the database thread: plain ORM calls

A handler raises ``RealtimeError`` (or a DomainError/AccessDenied/NotFound) to refuse; the gateway turns
that into an error reply and keeps the socket open.
"""

from dataclasses import dataclass, field

_handlers = {}
_topic_kinds = {}


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


def handler(type_, *, schema=None, requires_login=True):
    def register(function):
        if type_ in _handlers:
            raise RuntimeError(f"realtime handler {type_!r} is registered twice")
        _handlers[type_] = Handler(type_, function, schema, requires_login)
        return function

    return register


def topic_kind(kind):
    def register(function):
        if kind in _topic_kinds:
            raise RuntimeError(f"topic kind {kind!r} is registered twice")
        _topic_kinds[kind] = function
        return function

    return register


def get_handler(type_):
    return _handlers.get(type_)


def get_topic_kind(kind):
    return _topic_kinds.get(kind)


def handler_types():
    return sorted(_handlers)
