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
in a reconnect storm (docs/performance.md). It is built now only when the line is written.
"""

import pprint
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


class _Pretty:
    """``pprint.pformat(value)``, computed only when a log line formats it."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __format__(self, spec):
        return format(pprint.pformat(self.value), spec)

    def __str__(self):
        return pprint.pformat(self.value)

    __repr__ = __str__


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
            autobahn_protocol.pformat = _Pretty
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
