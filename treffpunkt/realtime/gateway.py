"""The gateway: one websocket per client at /ws/, a JSON envelope, typed handlers, topics.

Requests  {"id": 7, "type": "chat.send", "data": {...}}
Replies   {"reply_to": 7, "ok": true, "data": {...}}
          {"reply_to": 7, "ok": false, "error": {"code": "chat.too_long", "message": "..."}}
Pushes    {"type": "chat.message", "topic": "session:42", "seq": 1234, "data": {...}}

Every refusal is an error reply; the socket stays open. See docs/realtime.md.
"""

import asyncio
import contextlib
import itertools
import json
import logging
import time
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http.request import split_domain_port, validate_host
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework import serializers

from .. import ratelimit, unavailable
from ..db.rows import RowLoader, read_once
from ..errors import AccessDenied, DomainError, NotFound
from ..unavailable import is_database_unavailable
from . import events, limits, registry, shutdown, transport
from .auth import SESSION_USER_UNKNOWN
from .hub import Hub
from .registry import RealtimeError
from .trips import shared_trip

logger = logging.getLogger(__name__)

CLOSE_SLOW = 4008
CLOSE_LOGGED_OUT = 4001
CLOSE_FORBIDDEN_ORIGIN = 4003
CLOSE_TOO_MANY_SOCKETS = 4029
# The database that knows the socket's user is briefly unavailable: reconnect in a few seconds.
CLOSE_UNAVAILABLE = 4013
# A laggard's close frame waits behind everything it did not read: give it this long, then drop
# the TCP connection, which frees what the server buffered for it.
ABORT_AFTER_SECONDS = 2.0
# A socket refused by a rate limit is not read again until its window reopens, within these bounds.
PAUSE_AFTER_REFUSAL = (0.5, 2.0)


def _pause_for(verdict):
    low, high = PAUSE_AFTER_REFUSAL
    return min(max(verdict.retry_after, low), high)


_socket_numbers = itertools.count()


def _header(scope, name):
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def origin_allowed(scope):
    """Same-origin (Origin's host equals the Host header, itself in ALLOWED_HOSTS) or trusted.

    A wildcard in ALLOWED_HOSTS admits any Host, but never a foreign Origin: the Origin must still
    match the Host the browser connected to, or be listed in CSRF_TRUSTED_ORIGINS.
    """
    origin = _header(scope, b"origin")
    if origin is None:
        return True
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    host = _header(scope, b"host")
    if not host or urlsplit(origin).netloc.lower() != host.lower():
        return False
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)


_probe_database = database_sync_to_async(unavailable.probe_database)


_tokens = None


def _token_loader():
    global _tokens
    if _tokens is None:
        from rest_framework.authtoken.models import Token

        _tokens = RowLoader(Token, by="key", related=("user",))
    return _tokens


def _prefetch_tokens(calls):
    """The tokens of a trip's connects, in one query."""
    _token_loader().prefetch([args[0] for args, _kwargs in calls])


@shared_trip(prefetch=_prefetch_tokens)
def _user_for_token(key):
    """The active user of the token, or None (SQL written once: every connect asks)."""
    token = _token_loader().get(key)
    if token is None or not token.user.is_active:
        return None
    # The user alone: the Token would otherwise stay referenced for the socket's lifetime.
    return token.user


async def authenticate(scope):
    """The token in ``Authorization: Token …`` wins; else the session cookie, but only with an
    Origin (a browser), so a cookie never authenticates a cross-site request without one.
    Raises a database error when the database that knows the user is unavailable."""
    authorization = _header(scope, b"authorization")
    if authorization:
        scheme, _sep, key = authorization.partition(" ")
        if scheme.lower() != "token" or not key.strip():
            return None
        with unavailable.admitted() as breaker:
            if breaker == "probe" and not await _probe_database():
                raise unavailable.DatabaseKnownDown("The database is unavailable.")
            return await _user_for_token(key.strip())
    user = scope.get("user")
    if user is SESSION_USER_UNKNOWN:
        raise unavailable.DatabaseKnownDown("The database is unavailable.")
    if user is not None and user.is_authenticated and _header(scope, b"origin") is not None:
        return user
    return AnonymousUser()


class SubscribeSchema(serializers.Serializer):
    topic = serializers.CharField(max_length=120)
    since = serializers.IntegerField(min_value=0, required=False)


class TopicSchema(serializers.Serializer):
    topic = serializers.CharField(max_length=120)


class Context:
    """What a handler gets besides its data: the user, the socket and the hub.

    While a topic kind's opener runs, ``resuming`` says whether the subscribe is a resume whose
    ``missed`` will hold everything after the client's ``since`` (the opener may then leave the
    history out of the snapshot), and ``topic_seq`` is the topic's newest seq, read just before.
    """

    def __init__(self, connection):
        self.connection = connection
        self.hub = connection.hub
        self.resuming = False
        self.topic_seq = 0
        self.reused = {}  # what handlers with ``reuse_for`` loaded and checked (registry.py)

    @property
    def user(self):
        return self.connection.user

    def require_subscribed(self, topic):
        if topic not in self.connection.topics:
            raise RealtimeError(
                "not_subscribed", _("Subscribe to %(topic)s first.") % {"topic": topic}
            )


class TopicState:
    """A subscribed topic: the pushes held back while its subscribe reads the log (``pending``),
    and the seq its last subscribe reply covered (``seq``)."""

    __slots__ = ("pending", "seq")

    def __init__(self):
        self.pending = []
        self.seq = None


class _SuspendedSend:
    """The rest of a send that suspended when run inline: driven to its end as a task would."""

    __slots__ = ("awaited", "coroutine")

    def __init__(self, coroutine, awaited):
        self.coroutine = coroutine
        self.awaited = awaited

    async def finish(self):
        awaited = self.awaited
        while True:
            if awaited is None:
                await asyncio.sleep(0)
            else:
                awaited._asyncio_future_blocking = False
                await asyncio.wait([awaited])
            try:
                awaited = self.coroutine.send(None)
            except StopIteration:
                return
            except Exception:  # noqa: BLE001 (the socket is gone; the receive loop ends it)
                return


class Connection:
    def __init__(self, scope, receive, send):
        self.scope = scope
        self._receive = receive
        self._send = send
        self.user = AnonymousUser()
        self.topics = {}
        self.hub = None
        # The send queue and its task exist only once a frame has to wait (most sockets of a big
        # audience never need them: daphne's send does not suspend); see _queue().
        self.queue = None
        self._sender_task = None
        self.closing = None
        self._busy = False
        self._rate_key = next(_socket_numbers)
        self.context = Context(self)
        self.client_ip = ratelimit.client_ip(
            (scope.get("client") or (None,))[0], _header(scope, b"x-forwarded-for")
        )
        self._unsent = limits.unsent_bytes_probe(send)
        self._send_text = transport.text_sender(send)
        self._max_unsent = settings.REALTIME["MAX_UNSENT_BYTES"]
        self._pause = 0.0

    @property
    def viewer_key(self):
        return self.user.pk if self.user.is_authenticated else id(self)

    # -- delivery (called by the hub for every push) ------------------------------------------
    def deliver(self, topic, text, seq):
        state = self.topics.get(topic)
        if state is not None and state.pending is not None:
            state.pending.append((text, seq))
            return
        self._enqueue(text)

    def deliver_batch(self, topic, text, pushes, lowest):
        """Deliver several pushes of ``topic`` as one ``batch`` frame (``text``; ``pushes``: their
        (frame, seq) pairs; ``lowest``: the lowest seq among them).

        The hub gathered them before this socket's subscribe read the log, perhaps: what its reply
        (snapshot and ``missed``) covered goes out no second time.
        """
        state = self.topics.get(topic)
        if state is not None:
            if state.pending is not None:
                state.pending.extend(pushes)
                return
            if lowest is not None and state.seq is not None and lowest <= state.seq:
                for push, seq in pushes:
                    if seq is None or seq > state.seq:
                        self._enqueue(push)
                return
        self._enqueue(text)

    def _enqueue(self, text):
        """Send now when nothing is queued or in flight, else queue behind what is."""
        if not self._busy and self.closing is None and (self.queue is None or self.queue.empty()):
            self._send_now(text)
            return
        try:
            self._queue().put_nowait(text)
        except asyncio.QueueFull:
            # A laggard must not stall the others: drop it; the client resumes with `since`.
            self.close_soon(CLOSE_SLOW)

    def _send_now(self, text):
        """Run the server's send inline; a per-socket task wake-up costs more than daphne's send
        (under daphne the frame goes straight to the socket's transport, see
        ``transport.text_sender``).

        daphne's send completes without suspending. A server whose send does suspend (to wait
        for the socket to drain) gets the rest of that send finished by the sender task, first
        in the queue, so frames keep their order.
        """
        try:
            if self._send_text is not None:
                sent = self._send_text(text)
                if sent is not None:
                    if not sent:  # some of it waits in the server's buffer
                        self._check_unsent()
                    return
            coroutine = self._send({"type": "websocket.send", "text": text})
            awaited = coroutine.send(None)
        except StopIteration:
            self._check_unsent()
            return
        except Exception:  # noqa: BLE001 (the socket is gone; the receive loop ends it)
            return
        self._queue().put_nowait(_SuspendedSend(coroutine, awaited))

    def _check_unsent(self):
        if self._unsent is not None and self._unsent() > self._max_unsent:
            self._drop_laggard()

    def _drop_laggard(self):
        """The server holds more unsent bytes for this socket than allowed: close it (4008) and
        drop the connection if the close frame cannot get through either."""
        self.close_soon(CLOSE_SLOW)
        abort = getattr(self._unsent, "abort", None)
        if abort is not None:
            asyncio.get_running_loop().call_later(ABORT_AFTER_SECONDS, abort)

    def close_soon(self, code, text=None):
        if self.closing is None:
            self.closing = code
            if text is not None:
                with contextlib.suppress(asyncio.QueueFull):
                    self._queue().put_nowait(text)
            try:
                self._queue().put_nowait(None)
            except asyncio.QueueFull:
                self._sender_task.cancel()
                self._close_now_task = asyncio.ensure_future(self._close(code))

    def _queue(self):
        """The bounded send queue, with the task that drains it (made on first use)."""
        if self.queue is None:
            self.queue = asyncio.Queue(maxsize=settings.REALTIME["SEND_QUEUE"])
            self._sender_task = asyncio.create_task(self._sender())
        return self.queue

    async def _close(self, code):
        # The socket may already be gone.
        with contextlib.suppress(Exception):
            await self._send({"type": "websocket.close", "code": code})

    async def _sender(self):
        while True:
            item = await self.queue.get()
            self._busy = True
            if item is None:
                await self._close(self.closing or 1000)
                return
            if isinstance(item, _SuspendedSend):
                await item.finish()
            else:
                await self._send({"type": "websocket.send", "text": item})
            self._busy = False

    async def _reply(self, payload):
        self._enqueue(_dumps(payload))

    async def reply_ok(self, request_id, data):
        await self._reply({"reply_to": request_id, "ok": True, "data": data})

    async def reply_error(self, request_id, code, message, fields=None):
        error = {"code": code, "message": str(message)}
        if fields:
            error["fields"] = fields
        await self._reply({"reply_to": request_id, "ok": False, "error": error})

    # -- lifecycle ---------------------------------------------------------------------------
    async def serve(self):
        message = await self._receive()
        if message["type"] != "websocket.connect":
            return
        if not origin_allowed(self.scope):
            await self._send({"type": "websocket.close", "code": CLOSE_FORBIDDEN_ORIGIN})
            return
        try:
            self.user = await authenticate(self.scope)
        except Exception as error:
            # The database is down: the session's or the token's user is unknown.
            if not is_database_unavailable(error):
                raise
            unavailable.note_outage(error)
            await self._accept_and_close(CLOSE_UNAVAILABLE)
            return
        if self.user is None:
            await self._send({"type": "websocket.close", "code": CLOSE_FORBIDDEN_ORIGIN})
            return
        shutdown.install()
        if shutdown.draining():
            await self._send({"type": "websocket.close", "code": shutdown.CLOSE_RESTART})
            return
        counted = await limits.counts.admit(self.user, self.client_ip)
        if counted is None:
            await self._accept_and_close(CLOSE_TOO_MANY_SOCKETS)
            return
        try:
            await self._serve_accepted()
        finally:
            await limits.counts.release(counted)

    async def _greet(self, topic, state):
        """The apps' greetings (``registry.greeting``) on ``topic``, then its held pushes."""
        for type_, data in await _greetings_for(self.user):
            self._enqueue(_dumps({"type": type_, "topic": topic, "data": data}))
        pending, state.pending = state.pending or (), None
        for text, seq in pending:
            self.deliver(topic, text, seq)

    async def _accept_and_close(self, code):
        # Accepted first, so the client sees the code: a refused handshake reaches it as a bare
        # HTTP 403, which a client cannot tell from a server that is down.
        await self._send({"type": "websocket.accept"})
        await self._send({"type": "websocket.close", "code": code})

    async def _serve_accepted(self):
        await self._send({"type": "websocket.accept"})
        shutdown.open_connections.add(self)
        self.hub = Hub.current()
        self.context.hub = self.hub
        greeting = None
        try:
            if self.user.is_authenticated:
                topic = f"user:{self.user.pk}"
                state = self.topics[topic] = TopicState()
                # The greetings are read after the join; the topic's pushes wait behind them.
                state.pending = [] if registry.greetings() else None
                await self.hub.join(topic, self)
            await self._reply(
                {
                    "type": "hello",
                    "data": {
                        "user": _user_data(self.user),
                        "server_time": timezone.now().isoformat(),
                        "handlers": registry.handler_types(),
                    },
                }
            )
            if self.user.is_authenticated and registry.greetings():
                greeting = asyncio.get_running_loop().create_task(self._greet(topic, state))
            while True:
                message = await self._receive()
                kind = message["type"]
                if kind == "websocket.disconnect":
                    break
                if kind != "websocket.receive":
                    continue
                await self.handle(message)
                if self._pause:
                    # Over a limit: read nothing more from this socket for a while, so a client
                    # that ignores its refusals costs no more than one that obeys them.
                    pause, self._pause = self._pause, 0.0
                    await asyncio.sleep(pause)
                sender = self._sender_task
                if self.closing is not None and sender is not None and sender.done():
                    break
        finally:
            if greeting is not None:
                greeting.cancel()
            for topic in tuple(self.topics):
                await self.hub.leave(topic, self)
            self.topics.clear()
            if self._sender_task is not None:
                self._sender_task.cancel()
            shutdown.open_connections.discard(self)

    # -- requests -----------------------------------------------------------------------------
    async def handle(self, message):
        text = message.get("text")
        # Under daphne the transport drops a too-long message's content and says so.
        if message.get(transport.TOO_LONG) is not None or (
            text is not None and len(text.encode("utf-8")) > settings.REALTIME["MAX_FRAME_BYTES"]
        ):
            await self.reply_error(None, "too_long", _("The message is too long."))
            return
        if text is None:
            await self.reply_error(
                None, "binary_not_supported", _("Send JSON text frames, not binary.")
            )
            return
        try:
            request = json.loads(text)
        except ValueError:
            await self.reply_error(None, "bad_json", _("The message is not valid JSON."))
            return
        if not isinstance(request, dict):
            await self.reply_error(
                None, "bad_envelope", _("Send an object with id, type and data.")
            )
            return
        request_id = request.get("id")
        type_ = request.get("type")
        data = request.get("data", {})
        if not isinstance(request_id, int | str) or isinstance(request_id, bool):
            await self.reply_error(
                None, "bad_envelope", _("The request needs an id (number or text).")
            )
            return
        if not isinstance(type_, str) or not isinstance(data, dict):
            await self.reply_error(
                request_id, "bad_envelope", _("The request needs a type and a data object.")
            )
            return
        verdict = ratelimit.hit("socket", self._rate_key)
        if not verdict.allowed:
            self._pause = _pause_for(verdict)
            await self.reply_error(
                request_id, "rate_limited", _("Too many messages; please slow down.")
            )
            return
        if type_ == "ping":  # needs no database
            await self._dispatch_and_reply(type_, data, request_id)
            return
        # While the database is known to be down, fail fast; one caller at a time probes it.
        with contextlib.ExitStack() as admission:
            try:
                breaker = admission.enter_context(unavailable.admitted())
            except unavailable.DatabaseKnownDown:
                await self._reply_unavailable(request_id)
                return
            if breaker == "probe" and not await _probe_database():
                await self._reply_unavailable(request_id)
                return
            await self._dispatch_and_reply(type_, data, request_id)

    async def _reply_unavailable(self, request_id):
        await self.reply_error(
            request_id,
            "unavailable",
            _("The service is briefly unavailable. Please try again shortly."),
        )

    async def _dispatch_and_reply(self, type_, data, request_id):
        try:
            result = await self.dispatch(type_, data, request_id)
        except RealtimeError as error:
            await self.reply_error(request_id, error.code, error.message, error.fields)
        except DomainError as error:
            await self.reply_error(
                request_id,
                error.code,
                error.message,
                {error.field: [error.message]} if error.field else None,
            )
        except AccessDenied as error:
            await self.reply_error(request_id, error.code, error.message)
        except NotFound as error:
            await self.reply_error(request_id, error.code, error.message)
        except Exception as error:
            if is_database_unavailable(error):
                unavailable.note_outage(error)
                logger.warning("realtime handler %s: database unavailable: %s", type_, error)
                await self._reply_unavailable(request_id)
                return
            logger.exception("realtime handler %s failed", type_)
            await self.reply_error(request_id, "internal", _("Something went wrong on our side."))
        else:
            if result is not _ALREADY_REPLIED:
                await self.reply_ok(request_id, result if result is not None else {})

    async def dispatch(self, type_, data, request_id):
        if type_ == "ping":
            return {"time": timezone.now().isoformat()}
        if type_ == "subscribe":
            self._check_subscribe_limits(data)
            return await self.subscribe(_validate(SubscribeSchema, data), request_id)
        if type_ == "unsubscribe":
            topic = _validate(TopicSchema, data)["topic"]
            if topic not in self.topics or topic.startswith("user:"):
                raise RealtimeError(
                    "not_subscribed", _("You are not subscribed to %(topic)s.") % {"topic": topic}
                )
            del self.topics[topic]
            for kept in [key for key in self.context.reused if key[1] == topic]:
                del self.context.reused[kept]
            await self.hub.leave(topic, self)
            return {"topic": topic}
        handler = registry.get_handler(type_, data)
        if handler is None:
            raise RealtimeError(
                "unknown_type", _("Unknown message type %(type)s.") % {"type": type_}
            )
        if handler.requires_login and not self.user.is_authenticated:
            raise RealtimeError("login_required", _("Please log in first."))
        validated = _validate(handler.schema, data) if handler.schema is not None else data
        return await handler.function(self.context, validated)

    def _check_subscribe_limits(self, data):
        """Subscribes cost a database trip each: per socket, per client and in topics held."""
        if self.user.is_authenticated:
            client_limit = ratelimit.hit("subscribe_client", f"user:{self.user.pk}")
        else:
            client_limit = ratelimit.hit("subscribe_anonymous", self.client_ip)
        for verdict in (ratelimit.hit("subscribe", self._rate_key), client_limit):
            if not verdict.allowed:
                self._pause = _pause_for(verdict)
                raise RealtimeError("rate_limited", _("Too many subscriptions; please slow down."))
        topic = data.get("topic") if isinstance(data, dict) else None
        if topic not in self.topics and len(self.topics) >= settings.REALTIME["MAX_TOPICS"]:
            raise RealtimeError(
                "too_many_topics", _("Unsubscribe from a topic before subscribing to another.")
            )

    async def subscribe(self, data, request_id):
        topic = data["topic"]
        since = data.get("since")
        kind, _sep, key = topic.partition(":")
        opener = registry.get_topic_kind(kind)
        if opener is None or not key:
            raise RealtimeError("unknown_topic", _("Unknown topic %(topic)s.") % {"topic": topic})
        if kind == "user" and (not self.user.is_authenticated or key != str(self.user.pk)):
            raise RealtimeError(
                "forbidden", _("You may not subscribe to %(topic)s.") % {"topic": topic}
            )
        state = self.topics.get(topic)
        fresh = state is None
        if fresh:
            state = self.topics[topic] = TopicState()
        elif state.pending is None:  # else a greeting (or another subscribe) holds its pushes
            state.pending = []
        # Join first and buffer, then read: nothing committed in between can be missed.
        await self.hub.join(topic, self)
        try:
            subscription, (seq, missed, truncated) = await _open_topic(
                opener, self.context, key, topic, since
            )
        except BaseException:
            if fresh:
                self.topics.pop(topic, None)
                await self.hub.leave(topic, self)
            else:  # still subscribed as before: what came meanwhile goes out
                pending, state.pending = state.pending or (), None
                for text, pushed_seq in pending:
                    self.deliver(topic, text, pushed_seq)
            raise
        self.hub.note_seq(topic, seq)
        granted_until = time.monotonic() + registry.GRANT_SECONDS
        for rule, obj in subscription.granted.items():
            self.context.reused[(rule, topic)] = (obj, granted_until)
        if subscription.counts_presence:
            self.hub.presence_topics[topic] = True
            subscription.snapshot["viewers"] = await self.hub.total_viewers(topic)
        # reply_ok's frame, written out so the resumes of a storm share one encoding of their
        # ``missed`` (the same list for each within a second, see _replays).
        self._enqueue(
            f'{{"reply_to":{_dumps(request_id)},"ok":true,"data":{{"topic":{_dumps(topic)},'
            f'"seq":{_dumps(seq)},"snapshot":{_dumps(subscription.snapshot)},'
            f'"missed":{_missed_json(missed)},"reset":{_dumps(truncated)}}}}}'
        )
        pending, state.pending = state.pending or (), None
        state.seq = seq
        for text, pushed_seq in pending:
            if pushed_seq is None or pushed_seq > seq:
                self.deliver(topic, text, pushed_seq)
        return _ALREADY_REPLIED


_ALREADY_REPLIED = object()


def _dumps(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


_last_missed = (None, None)


def _missed_json(missed):
    """``missed`` encoded; the last list is kept, by identity, for the next resume sharing it."""
    global _last_missed  # noqa: PLW0603 (one slot; only the event loop's thread replies)
    if _last_missed[0] is not missed:
        _last_missed = (missed, _dumps(missed))
    return _last_missed[1]


def _prefetch_topics(calls):
    """What the subscribes of one trip read, at once where their topic kind can
    (``opener.prefetch(pairs)``, with the ``(context, key)`` of each subscribe of that kind)."""
    by_opener = {}
    for args, _kwargs in calls:
        opener, context, key = args[:3]
        if getattr(opener, "prefetch", None) is not None:
            by_opener.setdefault(opener, []).append((context, key))
    for opener, pairs in by_opener.items():
        opener.prefetch(pairs)


@shared_trip(prefetch=_prefetch_topics)
def _open_topic(opener, context, key, topic, since):
    """The topic kind's checks and snapshot, and the log, in one trip to the database thread.

    The newest seq is read before the snapshot: a message committed in between may appear in the
    snapshot and be pushed too (clients key messages by id), but is never missed. The subscribes
    of one shared trip (``trips``) share that read: each joined the hub before it asked. The replay is
    read last, so the reply's seq covers it and its held-back pushes are dropped, not repeated.

    A resume (``since``) whose gap fits in one replay is opened with ``context.resuming``: the
    snapshot then leaves out the history that ``missed`` and the client already hold. Should the
    replay come back truncated after all (more was written meanwhile), the topic is opened again
    as a fresh subscribe, history included.
    """
    seq = read_once(("realtime.latest_seq", topic), lambda: events.latest_seq(topic))
    resuming = since is not None and seq - since <= events.REPLAY_LIMIT
    subscription = _open(opener, context, key, seq, resuming=resuming)
    if since is None:
        return subscription, (seq, [], False)
    shared = subscription.redact is None or subscription.replay_variant is not None
    replay_key = (topic, since, seq, subscription.replay_variant)
    kept = _replays.get(replay_key) if shared else None
    now = time.monotonic()
    if kept is not None and kept[0] > now:
        missed, truncated = kept[1], kept[2]
    else:
        missed, truncated = events.replay(topic, since)
        if missed and subscription.redact is not None:
            missed = subscription.redact(missed)
        if shared:
            if len(_replays) >= 1000:
                _replays.clear()
            _replays[replay_key] = (now + REPLAY_SHARED_SECONDS, missed, truncated)
    if truncated and resuming:
        subscription = _open(opener, context, key, seq, resuming=False)
    if missed:
        seq = max(seq, missed[-1]["seq"])
    return subscription, (seq, missed, truncated)


# After a drop, thousands resume with the same ``since``: the first reads (and redacts) the log,
# the others in the next second get the same pushes. The key holds the topic's newest seq, read
# before, and the log up to it is complete and unchanging (each seq commits in order); a later
# deletion or hiding takes a new seq and so a new key.
REPLAY_SHARED_SECONDS = 1.0
_replays = {}


def forget_replays():
    """Drop the shared replays (tests reuse topic names in fresh databases)."""
    _replays.clear()


def _open(opener, context, key, seq, *, resuming):
    context.resuming, context.topic_seq = resuming, seq
    try:
        return opener(context, key)
    finally:
        context.resuming, context.topic_seq = False, 0


def _validate(schema, data):
    """``data`` as ``schema`` validates it, or ``invalid`` with its field errors.

    One instance per schema and language serves every message: a DRF serializer copies its
    fields for each new instance, which cost more than the validation (the schemas keep no state
    of a call). Per language, because a field renders a validator's message once, in the
    language active then.
    """
    key = (schema, translation.get_language())
    serializer = _schemas.get(key)
    if serializer is None:
        serializer = _schemas[key] = schema()
    try:
        return serializer.run_validation(data)
    except serializers.ValidationError as error:
        fields = {
            name: [str(message) for message in messages] for name, messages in error.detail.items()
        }
        raise RealtimeError("invalid", next(iter(fields.values()))[0], fields=fields) from None


_schemas = {}


def _prefetch_greetings(calls):
    users = [args[0] for args, _kwargs in calls]
    for _function, prefetch in registry.greetings().values():
        if prefetch is not None:
            prefetch(users)


@shared_trip(prefetch=_prefetch_greetings)
def _greetings(user):
    return [
        (type_, function(user)) for type_, (function, _prefetch) in registry.greetings().items()
    ]


async def _greetings_for(user):
    """The greetings of ``user``'s socket, or none when the database fails now (the socket
    stays open; the next connect greets again)."""
    try:
        return await _greetings(user)
    except Exception as error:
        if is_database_unavailable(error):
            unavailable.note_outage(error)
        else:
            logger.exception("a greeting failed")
        return []


def _user_data(user):
    if not user.is_authenticated:
        return None
    return {
        "id": user.pk,
        "username": user.get_username(),
        "name": user.get_full_name() or user.get_username(),
    }


class Gateway:
    """A plain ASGI application (no per-socket channel-layer consumer) at one path."""

    def __init__(self, path="/ws/"):
        self.path = path

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            raise ValueError("the gateway serves websockets only")
        if scope.get("path") != self.path:
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1000})  # the handshake gets a 403
            return
        await Connection(scope, receive, send).serve()
