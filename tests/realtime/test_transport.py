"""daphne's transport as Treffpunkt sets it up: debug lines' arguments built only when written, a
push framed once for all its sockets, writes that go out at once, whole and in order, and only a
whole, plain websocket upgrade handed to autobahn as it arrives (the rest takes daphne's way;
tests/realtime/test_multiprocess.py sends both to real servers)."""

import functools
import json
import pprint
import socket

import pytest
from twisted.logger import formatEvent

from treffpunkt.realtime.transport import _pretty


def test_a_debug_line_shows_the_options_as_autobahn_formats_them():
    options = [("maxMessagePayloadSize", 16777216, "BoundedWebSocketProtocol")] * 3
    event = {"log_format": "\n{attrs}", "attrs": _pretty(options)}

    assert formatEvent(event) == "\n" + pprint.pformat(options)


def test_the_dump_is_not_built_until_a_line_is_written(monkeypatch):
    calls = []
    monkeypatch.setattr(pprint, "pformat", lambda value: calls.append(value) or "x")

    deferred = _pretty(["option"])

    assert calls == []
    assert str(deferred) == "x"
    assert calls == [["option"]]


# -- the coloured names of autobahn's debug lines ---------------------------------------------


def test_autobahns_highlighting_is_built_only_when_a_debug_line_is_written():
    from autobahn.websocket import protocol as autobahn_protocol

    from treffpunkt.realtime import transport

    transport._defer_highlighting()
    value = autobahn_protocol.hlval(1234)
    event = {"log_format": "sent {data_len} bytes", "data_len": value}

    assert type(value) is transport._Deferred
    assert formatEvent(event) == "sent " + autobahn_protocol.hlval.defers(1234) + " bytes"


# -- a push framed once, for every socket it goes to ------------------------------------------


def parse_frame(data):
    from websockets.frames import Frame
    from websockets.streams import StreamReader

    reader = StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        return done.value
    raise AssertionError("incomplete frame")


@pytest.mark.parametrize("length", [100, 1_000, 70_000])  # 7-, 16- and 64-bit lengths
def test_a_framed_text_reads_back_whole_as_one_text_frame(length):
    from websockets.frames import Opcode

    from treffpunkt.realtime.transport import _frame

    text = ("Grüße aus Kassel! " * (length // 18 + 1))[:length]

    frame = parse_frame(_frame(text))

    assert frame.opcode is Opcode.TEXT and frame.fin
    assert frame.data.decode("utf-8") == text


def test_the_same_push_is_framed_once_and_another_text_anew():
    from treffpunkt.realtime.transport import _frame

    push = json.dumps({"type": "chat.message", "data": {"text": "Guten Morgen"}})
    other = json.dumps({"type": "chat.message", "data": {"text": "Guten Morgen!"}})

    assert _frame(push) is _frame(push)
    assert parse_frame(_frame(other)).data.decode() == other


class Protocol:
    """daphne's websocket protocol as :func:`transport.text_sender` sees it."""

    answers_too_long = True
    STATE_OPEN = 3

    def __init__(self, state):
        self.state = state
        self.send_queue = []
        self._perMessageCompress = None
        self.transport = self
        self.written = []

    def write(self, data):  # the transport's
        self.written.append(data)


async def daphne_send(protocol, message):
    protocol.sent.append(message)


@pytest.mark.parametrize("state", [3, 2])  # open, and closing
def test_only_an_open_socket_gets_the_frame_past_daphnes_send(state):
    from treffpunkt.realtime.transport import text_sender

    protocol = Protocol(state)
    protocol.sent = []
    send_text = text_sender(functools.partial(daphne_send, protocol))

    sent = send_text('{"type":"hello"}')

    # Written to a transport that may hold it back (no direct write here): False, "look".
    assert sent is (False if state == 3 else None)
    assert [parse_frame(data).data for data in protocol.written] == (
        [b'{"type":"hello"}'] if state == 3 else []
    )
    assert text_sender(functools.partial(daphne_send, object())) is None  # not daphne


# -- Twisted's TCP connections send at once ---------------------------------------------------


class TCPConnection:
    """The attributes of ``twisted.internet.tcp.Server`` the direct write reads."""

    TLS = False
    connected = True
    disconnecting = False
    _writeDisconnecting = False

    def __init__(self, sock):
        self.socket = sock
        self.dataBuffer = b""
        self._tempDataBuffer = []
        self.buffered = []


def buffered_write(connection, data):
    connection.buffered.append(data)
    connection._tempDataBuffer.append(data)


def read_all(sock, length):
    received = b""
    while len(received) < length:
        received += sock.recv(65536)
    return received


def test_a_write_goes_out_at_once_and_what_the_socket_cannot_take_waits_in_order():
    from treffpunkt.realtime.transport import _direct_write

    write = _direct_write(buffered_write)
    ours, peer = socket.socketpair()
    ours.setblocking(False)
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    connection = TCPConnection(ours)
    try:
        write(connection, b"hello")
        assert connection.buffered == []
        assert peer.recv(100) == b"hello"

        big = bytes(range(256)) * 4096  # 1 MiB: more than the socket takes at once
        write(connection, big)
        write(connection, b"next")  # something waits: this waits behind it
        assert connection.buffered[-1] == b"next"
        rest = b"".join(connection.buffered)
        assert 0 < len(rest) - len(b"next") < len(big)

        peer.setblocking(True)
        received = read_all(peer, len(big) - len(rest) + len(b"next"))
        assert received + rest == big + b"next"
    finally:
        ours.close()
        peer.close()


def test_a_frame_the_socket_takes_at_once_needs_no_look_at_the_buffer_and_one_it_cannot_waits():
    from treffpunkt.realtime.transport import _direct_write, _frame, text_sender

    class Connection(TCPConnection):
        write = _direct_write(buffered_write)

    ours, peer = socket.socketpair()
    ours.setblocking(False)
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    protocol = Protocol(3)
    protocol.transport = Connection(ours)
    send_text = text_sender(functools.partial(daphne_send, protocol))
    try:
        assert send_text('{"type":"hello"}') is True
        assert parse_frame(peer.recv(100)).data == b'{"type":"hello"}'
        assert protocol.transport.buffered == []

        big = json.dumps({"type": "batch", "pushes": ["Guten Morgen aus Kassel!" * 40_000]})
        assert send_text(big) is False  # more than the socket takes: the rest waits, in order
        rest = b"".join(protocol.transport.buffered)
        peer.setblocking(True)
        frame = _frame(big)
        assert read_all(peer, len(frame) - len(rest)) + rest == frame
    finally:
        ours.close()
        peer.close()


# -- daphne's application checker, over the connections that changed ---------------------------


class Watched(dict):
    """A connection's details in daphne's table, counting how often the checker reads them."""

    reads = 0

    def get(self, key, default=None):
        self.reads += 1
        return super().get(key, default)


async def test_the_checker_reaps_and_cancels_as_daphne_does_but_leaves_the_quiet_alone(monkeypatch):
    import asyncio

    from daphne import server as daphne_server

    from treffpunkt.realtime import transport

    transport.install_lean_checker()
    monkeypatch.setattr(daphne_server.reactor, "callLater", lambda *args: None)

    async def stays(scope, receive, send):
        await receive()  # until cancelled

    async def ends(scope, receive, send):
        return None

    applications = {"quiet": stays, "closing": stays, "done": ends}
    server = daphne_server.Server(
        lambda scope, receive, send: applications[scope["who"]](scope, receive, send),
        endpoints=["tcp:port=0"],
        application_close_timeout=0,
    )
    server.connections = {}  # as Server.run sets it up
    for who in applications:
        server.protocol_connected(who)
        server.connections[who] = Watched(server.connections[who])
        server.create_application(who, {"type": "websocket", "who": who})
    closing_app = server.connections["closing"]["application_instance"]
    server.connections["quiet"].reads = 0  # from here on, only the checker reads
    for _turn in range(3):  # "done" finishes, and its done callbacks run
        await asyncio.sleep(0)

    server.application_checker()
    assert "application_instance" not in server.connections["done"]  # reaped, socket still open

    server.protocol_disconnected("done")
    server.protocol_disconnected("closing")
    server.application_checker()
    assert "done" not in server.connections  # both gone: forgotten
    assert closing_app.cancelling() or closing_app.cancelled()  # outlived its socket: cancelled

    for _turn in range(3):
        await asyncio.sleep(0)
    server.application_checker()
    assert closing_app.cancelled()
    assert set(server.connections) == {"quiet"}
    assert server.connections["quiet"].reads == 0  # three checks, the quiet socket never read


# -- a plain websocket upgrade goes to autobahn as it arrives ---------------------------------

UPGRADE = (
    b"GET /ws/?lang=de&x=1 HTTP/1.1\r\nHost: treffpunkt.example\r\nUpgrade: websocket\r\n"
    b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    b"Sec-WebSocket-Version: 13\r\nCookie: sessionid=abc\r\n\r\n"
)


def test_a_whole_plain_upgrade_is_handed_on_with_its_query_string():
    from treffpunkt.realtime.transport import plain_upgrade

    assert plain_upgrade(UPGRADE) == b"lang=de&x=1"
    assert plain_upgrade(UPGRADE.replace(b"/ws/?lang=de&x=1", b"/ws/")) == b""
    assert plain_upgrade(UPGRADE.replace(b"Upgrade: websocket", b"upgrade:WebSocket ")) == (
        b"lang=de&x=1"
    )


@pytest.mark.parametrize(
    "request_bytes",
    [
        pytest.param(UPGRADE[:-2], id="head not yet whole"),
        pytest.param(UPGRADE + b"\x81\x80abcd", id="bytes after the head"),
        pytest.param(UPGRADE.replace(b"GET", b"POST", 1), id="not GET"),
        pytest.param(UPGRADE.replace(b"HTTP/1.1", b"HTTP/1.0", 1), id="HTTP/1.0"),
        pytest.param(UPGRADE.replace(b"/ws/?", b"/w\xc3\xa4/?"), id="non-ASCII target"),
        pytest.param(UPGRADE.replace(b"/ws/?", b"/ws/\x01?"), id="control byte in the target"),
        pytest.param(UPGRADE.replace(b"Cookie:", b"Coo kie:"), id="header name daphne refuses"),
        pytest.param(UPGRADE.replace(b"=abc", b"=a\x0bc"), id="header value daphne refuses"),
        pytest.param(UPGRADE.replace(b"\r\nCookie", b"\r\n Cookie"), id="folded header"),
        pytest.param(UPGRADE.replace(b"Cookie", b"Content-Length: 0\r\nCookie"), id="a body"),
        pytest.param(UPGRADE.replace(b"Cookie", b"Transfer-Encoding: chunked\r\nX"), id="chunked"),
        pytest.param(UPGRADE.replace(b"websocket", b"h2c"), id="another upgrade"),
        pytest.param(
            UPGRADE.replace(b"Upgrade: websocket", b"Upgrade: h2c\r\nUpgrade: websocket"),
            id="websocket not the first upgrade",
        ),
        pytest.param(UPGRADE.replace(b"Upgrade: websocket\r\n", b""), id="no upgrade"),
        pytest.param(
            UPGRADE.replace(b"\r\n\r\n", b"\r\nX: " + b"y" * 16400 + b"\r\n\r\n"), id="huge"
        ),
        pytest.param(
            UPGRADE.replace(b"\r\n\r\n", b"\r\n" + b"X: y\r\n" * 101 + b"\r\n"), id="many headers"
        ),
    ],
)
def test_anything_else_takes_daphnes_own_way(request_bytes):
    from treffpunkt.realtime.transport import plain_upgrade

    assert plain_upgrade(request_bytes) is None
