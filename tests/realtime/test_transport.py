"""The daphne protocol's deferred debug dump: written as autobahn would, built only when written."""

import pprint

from twisted.logger import formatEvent

from treffpunkt.realtime.transport import _Pretty


def test_a_debug_line_shows_the_options_as_autobahn_formats_them():
    options = [("maxMessagePayloadSize", 16777216, "BoundedWebSocketProtocol")] * 3
    event = {"log_format": "\n{attrs}", "attrs": _Pretty(options)}

    assert formatEvent(event) == "\n" + pprint.pformat(options)


def test_the_dump_is_not_built_until_a_line_is_written(monkeypatch):
    calls = []
    monkeypatch.setattr(pprint, "pformat", lambda value: calls.append(value) or "x")

    deferred = _Pretty(["option"])

    assert calls == []
    assert str(deferred) == "x"
    assert calls == [["option"]]
