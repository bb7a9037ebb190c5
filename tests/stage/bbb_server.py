"""A recorded-response BigBlueButton server for the tests, on a free local port.

It answers ``/bigbluebutton/api/<call>`` with the recorded XML of tests/stage/recorded/, after
checking the call's checksum as BigBlueButton does: the hex digest of ``<call><query><secret>``,
where ``<query>`` is the query string without its ``checksum`` parameter. It remembers the meetings
created and ended, so a test can assert what the provider asked for.
"""

import contextlib
import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

RECORDED = Path(__file__).with_name("recorded")


def expected_checksum(call, query, secret, algorithm="sha1"):
    return hashlib.new(algorithm, f"{call}{query}{secret}".encode()).hexdigest()


def split_checksum(query):
    """``(query without checksum, checksum)`` — the checksum is the last parameter."""
    head, _separator, checksum = query.rpartition("&checksum=")
    return head, checksum


class RecordedBigBlueButton:
    def __init__(self, secret, algorithm="sha1"):
        self.secret = secret
        self.algorithm = algorithm
        self.meetings = {}  # meetingID → {"name", "record", "participants", "ended"}
        self.calls = []

    def answer(self, call, query):
        head, checksum = split_checksum(query)
        self.calls.append((call, dict(parse_qsl(head))))
        if checksum != expected_checksum(call, head, self.secret, self.algorithm):
            return (RECORDED / "checksumError.xml").read_text()
        params = dict(parse_qsl(head))
        meeting_id = params.get("meetingID", "")
        meeting = self.meetings.get(meeting_id)
        if call == "create":
            if meeting is None or meeting["ended"]:
                self.meetings[meeting_id] = {
                    "name": params.get("name", ""),
                    "record": params.get("record") == "true",
                    "participants": 0,
                    "ended": False,
                }
            return self._fill("create.xml", meetingID=meeting_id)
        if meeting is None or meeting["ended"]:
            return (RECORDED / "notFound.xml").read_text()
        if call == "getMeetingInfo":
            return self._fill(
                "getMeetingInfo.xml",
                meetingID=meeting_id,
                name=meeting["name"],
                participantCount=str(meeting["participants"]),
            )
        if call == "end":
            meeting["ended"] = True
            return (RECORDED / "end.xml").read_text()
        return (RECORDED / "notFound.xml").read_text()

    @staticmethod
    def _fill(recorded_file, **values):
        text = (RECORDED / recorded_file).read_text()
        for key, value in values.items():
            text = text.replace("{" + key + "}", escape(value))
        return text


@contextlib.contextmanager
def bigbluebutton_server(secret, algorithm="sha1"):
    """Yields ``(base URL, the RecordedBigBlueButton)``; the base URL ends in ``/bigbluebutton/``."""
    recorded = RecordedBigBlueButton(secret, algorithm)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            parts = urlsplit(self.path)
            call = parts.path.rsplit("/", 1)[-1]
            body = recorded.answer(call, parts.query).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/xml;charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/bigbluebutton/", recorded
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
