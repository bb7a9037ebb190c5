import json
from datetime import date
from pathlib import Path

import pytest

from congress.models import Registration
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from tests.realtime.conftest import connect  # noqa: F401 (the websocket client, shared)

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas" / "frab"
DEMOCON = SCHEMAS / "examples" / "pretalx-democon.json"


def democon():
    """The pretalx demo schedule as a dict (a fresh copy each time)."""
    return json.loads(DEMOCON.read_text())


@pytest.fixture
def democon_event(db):
    """A published event on the demo schedule's dates, and its organizer."""
    event = EventFactory(
        slug="democon",
        acronym="democon",
        name="DemoCon",
        start_date=date(2020, 12, 14),
        end_date=date(2020, 12, 16),
    )
    organizer = UserFactory(username="orga")
    RegistrationFactory(event=event, user=organizer, role=Registration.Role.ORGANIZER)
    event.organizer = organizer
    return event


@pytest.fixture
def file_server():
    """Serve bytes on 127.0.0.1 (a stand-in for a pretalx instance): ``serve(name, data) -> url``."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    files = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            data = files.get(self.path.lstrip("/"))
            if data is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(name, data):
        files[name] = data
        return f"http://127.0.0.1:{server.server_port}/{name}"

    yield serve
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _fresh_viewer_memory():
    from backoffice.viewers import forget_recorded

    forget_recorded()
