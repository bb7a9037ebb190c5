"""daphne's websocket protocol, made to answer a too-long message instead of dropping the socket.

autobahn (under daphne) buffers a whole message before handing it on, and closes the socket with
1009 ("message too big") past daphne's ``--websocket-max-message-size`` (1 MiB by default), so the
gateway's ``too_long`` error reply could only ever answer messages between
``REALTIME_MAX_FRAME_BYTES`` (16 KiB) and 1 MiB. This protocol keeps at most
``REALTIME_MAX_FRAME_BYTES`` of a message: past that it drops what it holds, reads the rest
without keeping it (nor checking it as UTF-8: nobody will read it) and, at the message's end,
hands the gateway a ``websocket.receive`` event with neither ``text`` nor ``bytes`` but
``TOO_LONG`` (the message's size), which the gateway answers with ``too_long`` like any other
refusal; the socket stays open. Memory per socket stays bounded by the soft limit whatever the
message's size.

Past ``REALTIME_MAX_MESSAGE_BYTES`` (16 MiB) the socket is still closed with 1009 ("message too
big"; a close frame first, where autobahn alone would drop the connection): reading (and
unmasking) a message costs CPU per byte even when nothing is kept, and no client of the protocol
sends anything near that. It replaces daphne's own ``--websocket-max-message-size`` and
``--websocket-max-frame-size``.

:func:`install` puts the protocol in daphne's factory. It runs when ``treffpunkt.asgi`` is
imported, which daphne does before it builds the factory; under any other server it does nothing
(and the gateway's own length check still answers ``too_long``).

The protocol also spares each connect autobahn's pretty-printed dump of its options, which
autobahn builds for a debug log line whether or not debug logging is on: 3 % of the servers' CPU
in a reconnect storm (docs/performance.md). It is built now only when the line is written; so are
the coloured names and values autobahn puts in a debug line for every frame it sends or reads
(``hltype``, ``hlval``: a fifth of a push's cost).

Under daphne, :func:`text_sender` gives the gateway a send that frames a text once for all the
sockets it goes to (autobahn's prepared messages, made for broadcasting) and writes it to the
socket's transport, past daphne's ASGI ``send``, whose checks and dispatch cost more than the
frame.

And it makes daphne's TCP connections write at once. Twisted buffers every write and sends it when
the event loop next finds the socket writable: per frame a registration with epoll, a turn of the
loop, the send, and a deregistration. A socket with nothing waiting can almost always take the
frame now, so :func:`_direct_write` sends it straight away and hands Twisted only what the socket
did not take (or anything written while something still waits, so the order holds). In the
chat storm that was a third of the servers' CPU per delivery (docs/performance.md).

daphne's once-a-second application checker looks only at the connections whose application
finished or whose socket closed (:func:`install_lean_checker`), not at all of them.

Last, a websocket upgrade goes to autobahn as it arrives (:func:`install_direct_upgrades`).
daphne lets Twisted parse every request into a ``Request`` (each header line, the headers'
objects, its request bookkeeping) and, for an upgrade, writes the request out again for autobahn
to parse once more: some 8 % of the servers' CPU in a reconnect storm (docs/performance.md). A
first read that holds a whole, plain upgrade, checked as daphne checks it, skips Twisted's part;
anything else (a request in pieces, a body, a header daphne or Twisted would refuse, TLS) takes
daphne's way.
"""

import functools
import pprint
import re
import sys
import time

from django.conf import settings

# Key of a ``websocket.receive`` event for a message that was too long: its size in bytes.
TOO_LONG = "treffpunkt.too_long"


def install():
    """Make daphne build its websocket protocols from :func:`bounded_protocol` (once)."""
    ws_protocol = sys.modules.get("daphne.ws_protocol")
    if ws_protocol is None:  # not under daphne
        return
    factory = ws_protocol.WebSocketFactory
    if not getattr(factory.protocol, "answers_too_long", False):
        factory.protocol = bounded_protocol(factory.protocol)
    _defer_highlighting()
    install_direct_writes()
    install_lean_checker()
    install_direct_upgrades()


def daphne_protocol(send):
    """The websocket protocol behind daphne's ``send`` (``partial(server.handle_reply,
    protocol)``), or ``None`` for any other server's."""
    return send.args[0] if isinstance(send, functools.partial) and send.args else None


def text_sender(send):
    """For daphne's ``send``: a function that sends a text frame on that socket when it can (else
    the caller uses ``send``, which handles every other state), or ``None`` under any other
    server.

    A push goes to every socket of its topic in one loop over them with the same ``str``: the
    frame is built once (:func:`_frame`, autobahn's prepared message) and written to each
    socket's transport, as autobahn's ``sendPreparedMessage`` does without its traffic counters
    and debug line. Only an open socket without compression or autobahn's own send queue takes
    this way; daphne's ``send`` would frame and write the text the same way.

    The function returns ``None`` when the frame must take daphne's ``send``, ``True`` when all of
    it went out at once (Twisted's direct write, :func:`_at_once`: nothing is left unsent, so the
    caller need not look), and ``False`` when some of it waits in Twisted's buffer.
    """
    protocol = daphne_protocol(send)
    if not getattr(protocol, "answers_too_long", False):  # not our daphne protocol
        return None
    open_state = protocol.STATE_OPEN
    # Twisted's own write behind the direct one (install_direct_writes), if that is installed.
    buffered = getattr(getattr(type(protocol.transport), "write", None), "buffered", None)

    def send_text(text):
        if (
            protocol.state != open_state
            or protocol.send_queue
            or protocol._perMessageCompress is not None
        ):
            return None
        transport = protocol.transport
        if buffered is None:
            transport.write(_frame(text))
            return False
        rest = _at_once(transport, _frame(text))
        if not rest:
            return True
        buffered(transport, rest)
        return False

    return send_text


_last_framed = (None, None)


def _frame(text):
    """The server's (unmasked, uncompressed) frame of ``text``, as bytes; the last one is kept, by
    identity, for the next socket of the same push."""
    global _last_framed  # noqa: PLW0603 (one slot; only the reactor's thread sends)
    last_text, frame = _last_framed
    if last_text is not text:
        from autobahn.websocket.protocol import PreparedMessage

        frame = PreparedMessage(text.encode("utf-8"), False, False, True).payloadHybi
        _last_framed = (text, frame)
    return frame


def _unpatched(module_name, class_name, attribute, marker):
    """daphne's class ``class_name`` of ``module_name`` while its ``attribute`` lacks ``marker``
    (what installing sets); ``None`` when installed already or when not under daphne (the module
    not loaded)."""
    module = sys.modules.get(module_name)
    if module is None:
        return None
    found = getattr(module, class_name)
    return None if getattr(getattr(found, attribute), marker, False) else found


def install_lean_checker():
    """Make daphne's application checker look only at the connections that changed (once).

    Once a second daphne's ``Server.application_checker`` goes through every connection, to reap
    applications that finished and to cancel those that outlive their socket by
    ``application_close_timeout``: with 2,500 sockets in a process, 13 ms of CPU a second for
    connections of which nearly none changed (2 % of a reconnect storm, py-spy). Here it goes
    through those whose application finished or whose socket closed since, and, until their
    application ends or is cancelled, again each second. What it does with them is daphne's code.
    """
    server_class = _unpatched("daphne.server", "Server", "application_checker", "lean")
    if server_class is None:
        return
    create_application = server_class.create_application
    protocol_disconnected = server_class.protocol_disconnected
    application_checker = server_class.application_checker

    def changed(server):
        """The connections to look at next, per server."""
        try:
            return server._treffpunkt_changed
        except AttributeError:
            server._treffpunkt_changed = set()
            return server._treffpunkt_changed

    def create(self, protocol, scope):
        queue = create_application(self, protocol, scope)
        instance = self.connections.get(protocol, {}).get("application_instance")
        if instance is not None:
            waiting = changed(self)
            instance.add_done_callback(lambda _instance: waiting.add(protocol))
        return queue

    def disconnected(self, protocol):
        protocol_disconnected(self, protocol)
        changed(self).add(protocol)

    def check(self):
        everyone = self.connections
        waiting = changed(self)
        looked_at = {protocol: everyone[protocol] for protocol in waiting if protocol in everyone}
        waiting.clear()
        self.connections = dict(looked_at)
        try:
            application_checker(self)  # daphne's own; it schedules the next check
        finally:
            kept, self.connections = self.connections, everyone
        for protocol, details in looked_at.items():
            if protocol not in kept:
                everyone.pop(protocol, None)  # reaped
            elif "disconnected" in details and "application_instance" in details:
                waiting.add(protocol)  # still closing: the timeout is checked again

    check.lean = True
    server_class.create_application = create
    server_class.protocol_disconnected = disconnected
    server_class.application_checker = check


def install_direct_writes():
    """Make Twisted's TCP server connections send at once what the socket takes (once)."""
    from twisted.internet import tcp

    if getattr(tcp.Server.write, "writes_at_once", False):
        return
    tcp.Server.write = _direct_write(tcp.Server.write)


def _at_once(connection, data):
    """Send what the socket of ``connection`` (Twisted's ``tcp.Server``) takes of ``data`` now,
    unless something waits before it; return the bytes that remain for Twisted's buffer (empty when
    all went out)."""
    if (
        data
        and not connection.TLS
        and not connection.dataBuffer
        and not connection._tempDataBuffer
        and connection.connected
        and not connection.disconnecting
        and not connection._writeDisconnecting
    ):
        try:
            sent = connection.socket.send(data)
        except OSError:  # full (EAGAIN) or gone: Twisted's own path finds out which
            sent = 0
        if sent:
            return data[sent:]
    return data


def _direct_write(buffered_write):
    def write(self, data):
        if type(data) is bytes:
            data = _at_once(self, data)
            if not data:
                return
        buffered_write(self, data)

    write.writes_at_once = True
    write.buffered = buffered_write
    return write


# What daphne's WebRequest refuses (daphne.utils), what Twisted's HTTPChannel takes as a target, and
# the most it reads of a request's head (``totalHeadersSize``); any other request takes daphne's
# own way.
HEADER_NAME = re.compile(rb"[-!#$%&'*+.^_`|~0-9a-zA-Z]+")
TARGET = re.compile(rb"[\x21-\x7e]+")  # what Twisted's request line takes: printable ASCII
INVALID_VALUE_BYTES = frozenset(b"\x00\r\n\x0b\x0c\x1c\x1d\x1e\x85")
LARGEST_HEAD = 16384
MOST_HEADERS = 100
_WITH_BODY = (b"content-length", b"transfer-encoding")
_SPELLINGS = (b"websocket", b"WebSocket", b"Websocket", b"WEBSOCKET")


def plain_upgrade(data):
    """The query string of ``data`` if it is a whole websocket upgrade that daphne would hand to
    autobahn as it stands, else ``None``.

    That is: ``GET`` with HTTP/1.1, a target of printable ASCII, the request's head ending exactly where
    ``data`` does (no body, nothing after it), every header a ``name: value`` line whose name and
    value daphne's ``WebRequest`` accepts, neither ``Content-Length`` nor ``Transfer-Encoding``,
    and ``websocket`` as the first ``Upgrade`` header's value, as daphne reads it."""
    # A plain request has neither the upgrade nor Sec-WebSocket-Key: it skips the parsing below.
    if not any(spelling in data for spelling in _SPELLINGS):
        return None
    end = data.find(b"\r\n\r\n")
    if end < 0 or end + 4 != len(data) or end > LARGEST_HEAD or not data.isascii():
        return None
    lines = data[:end].split(b"\r\n")
    if len(lines) > MOST_HEADERS + 1:
        return None
    request_line = lines[0].split(b" ")
    if len(request_line) != 3:
        return None
    method, target, version = request_line
    if method != b"GET" or version != b"HTTP/1.1" or not TARGET.fullmatch(target):
        return None
    upgrade = None
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon or not HEADER_NAME.fullmatch(name):
            return None
        value = value.strip(b" \t")
        if INVALID_VALUE_BYTES.intersection(value):
            return None
        name = name.lower()
        if name in _WITH_BODY:
            return None
        if name == b"upgrade" and upgrade is None:
            upgrade = value
    if upgrade is None or upgrade.lower() != b"websocket":
        return None
    return target.partition(b"?")[2]


def install_direct_upgrades():
    """Make daphne's HTTP connections hand a plain websocket upgrade to autobahn at once (once)."""
    factory_class = _unpatched(
        "daphne.http_protocol", "HTTPFactory", "buildProtocol", "upgrades_directly"
    )
    if factory_class is None:
        return
    build = factory_class.buildProtocol

    def build_protocol(self, addr):
        protocol = build(self, addr)
        # The first read only; after it, the protocol's own dataReceived.
        protocol.dataReceived = functools.partial(_first_read, protocol)
        return protocol

    build_protocol.upgrades_directly = True
    factory_class.buildProtocol = build_protocol


def _first_read(protocol, data):
    """The first bytes of a connection to daphne's HTTP protocol (Twisted's
    ``_GenericHTTPChannelProtocol`` around an ``HTTPChannel``)."""
    del protocol.dataReceived
    from twisted.internet import tcp

    channel = protocol._channel
    transport = channel.transport
    query = None
    if isinstance(transport, tcp.Server) and not transport.TLS:
        query = plain_upgrade(data)
    websocket = None
    if query is not None:
        websocket = channel.factory.server.ws_factory.buildProtocol(transport.getPeer())
    if websocket is None:
        protocol.dataReceived(data)
        return
    # What daphne's WebRequest.process does with an upgrade, without the Request: the query
    # string for the scope, the connection to the websocket protocol, the request to autobahn.
    websocket._raw_query_string = query
    channel.setTimeout(None)  # as Twisted does once a request's head is in
    transport.protocol = websocket
    websocket.makeConnection(transport)
    websocket.dataReceived(data)


class _Deferred:
    """``function(*args)``, computed only when a log line formats it."""

    __slots__ = ("function", "args")

    def __init__(self, function, args):
        self.function = function
        self.args = args

    def __format__(self, spec):
        return format(self.function(*self.args), spec)

    def __str__(self):
        return str(self.function(*self.args))

    __repr__ = __str__


def _deferred(function):
    """``function``, returning a :class:`_Deferred` (for arguments of debug lines only)."""

    def deferred(*args):
        return _Deferred(function, args)

    deferred.defers = function
    return deferred


def _pretty(value):
    """``pprint.pformat(value)``, deferred."""
    return _Deferred(pprint.pformat, (value,))


def _defer_highlighting():
    """autobahn's modules call ``hltype`` and ``hlval`` only for debug lines' arguments."""
    from autobahn.twisted import websocket as twisted_websocket
    from autobahn.websocket import protocol as autobahn_protocol

    for module in (autobahn_protocol, twisted_websocket):
        for name in ("hltype", "hlval"):
            function = getattr(module, name)
            if not hasattr(function, "defers"):
                setattr(module, name, _deferred(function))


def bounded_protocol(base):
    """A subclass of daphne's ``WebSocketProtocol`` that drops the content of too-long messages."""
    from autobahn.websocket import protocol as autobahn_protocol

    class BoundedWebSocketProtocol(base):
        answers_too_long = True

        def _connectionMade(self):  # noqa: N802 (autobahn's names)
            limits = settings.REALTIME
            # Set before autobahn copies the factory's options: set ones are kept.
            self.maxMessagePayloadSize = limits["MAX_MESSAGE_BYTES"]
            self.maxFramePayloadSize = limits["MAX_MESSAGE_BYTES"]
            self.keep_at_most = limits["MAX_FRAME_BYTES"]
            self.too_long = False
            # autobahn formats its options for a debug line at every connect; defer that.
            # Only this (single-threaded) reactor calls autobahn, so the swap is seen by no one else.
            autobahn_protocol.pformat = _pretty
            try:
                super()._connectionMade()
            finally:
                autobahn_protocol.pformat = pprint.pformat

        def _max_message_size_exceeded(self, msg_size, max_msg_size, reason):
            # autobahn would drop the TCP connection (the client sees 1006): send the close
            # frame first, so the client learns why (1009).
            drop, self.failByDrop = self.failByDrop, False
            try:
                super()._max_message_size_exceeded(msg_size, max_msg_size, reason)
            finally:
                self.failByDrop = drop

        def onMessageBegin(self, isBinary):  # noqa: N802, N803
            self.too_long = False
            super().onMessageBegin(isBinary)

        def onMessageFrameBegin(self, length):  # noqa: N802
            super().onMessageFrameBegin(length)
            self._drop_if_too_long()

        def onMessageFrameData(self, payload):  # noqa: N802
            if self.too_long:
                return
            super().onMessageFrameData(payload)
            self._drop_if_too_long()

        def _drop_if_too_long(self):
            # message_data_total_length counts every frame's length as it begins (and, for a
            # compressed message, the inflated bytes as they come).
            if self.too_long or self.message_data_total_length <= self.keep_at_most:
                return
            self.too_long = True
            self.message_data = []
            self.frame_data = []
            self.utf8validateIncomingCurrentMessage = False

        def onMessageFrameEnd(self):  # noqa: N802
            if self.too_long:
                self.frame_data = None
                return
            super().onMessageFrameEnd()

        def onMessageEnd(self):  # noqa: N802
            if not self.too_long:
                super().onMessageEnd()
                return
            self.message_data = None
            self.too_long = False
            if self.failedByMe or self.muted:
                return
            self.last_ping = time.time()
            self.application_queue.put_nowait(
                {
                    "type": "websocket.receive",
                    "text": None,
                    "bytes": None,
                    TOO_LONG: self.message_data_total_length,
                }
            )

    return BoundedWebSocketProtocol
