"""Outbound requests to URLs people give (treffpunkt.outbound), behind an egress proxy."""

import threading
import urllib.error
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from treffpunkt import outbound


@pytest.fixture
def proxy(monkeypatch):
    """A stand-in egress proxy on 127.0.0.1 that answers every request itself; the requests it
    got (absolute URLs) are listed. Set as ``http_proxy`` for the test."""
    asked = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    for name in ("http_proxy", "HTTP_PROXY"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{server.server_port}")
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    yield asked
    server.shutdown()
    server.server_close()


def test_a_private_target_is_refused_before_the_proxy_is_asked(proxy, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []

    with pytest.raises(urllib.error.URLError) as refused:
        outbound.urlopen("http://10.1.2.3/schedule.json", timeout=5)

    assert isinstance(refused.value.reason, outbound.LocalAddressRefused)
    assert proxy == []


def test_an_allowed_target_goes_through_the_proxy_on_any_address(proxy, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["10.0.0.0/8"]  # the proxy itself is on 127.0.0.1

    with outbound.urlopen("http://10.1.2.3/schedule.json", timeout=5) as response:
        assert response.read() == b"ok"

    assert proxy == ["http://10.1.2.3/schedule.json"]
