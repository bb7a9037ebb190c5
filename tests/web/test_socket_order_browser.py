"""socket.js hands pushes on in seq order and resumes on a gap, and retries quickly while an
outage is short, in Chromium.

Two server processes may deliver a topic's pushes out of order (seq 7 before 6). The client
holds the early one back until the gap is filled, and when it stays open asks for a resume with
`since`, instead of dropping the late push (issue 11, hole 7). A fake WebSocket stands in for the
server, so the test decides the order exactly.
"""

import os

import pytest

from tests.conftest import skip_or_fail
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

# A WebSocket that the scenario drives: it records what the client sends (``socket.sent``) and
# ``emit`` hands the client events ("open", "message", "close") as the server would.
FAKE_SOCKET = """
  const sockets = [];
  class FakeSocket {
    static OPEN = 1;
    constructor(url) { this.url = url; this.readyState = 0; this.sent = []; this.listeners = {};
                       sockets.push(this); }
    addEventListener(type, listener) { (this.listeners[type] ||= []).push(listener); }
    emit(type, event = {}) { for (const listener of this.listeners[type] || []) listener(event); }
    send(text) { this.sent.push(JSON.parse(text)); }
    close() {}
  }
  window.WebSocket = FakeSocket;
  // Connect ``live`` and open its socket; ``reply(message)`` hands the client a server frame.
  const openSocket = (live) => {
    live.connect();
    const socket = sockets[sockets.length - 1];
    socket.readyState = 1;
    socket.emit("open");
    return { socket, reply: (data) => socket.emit("message", { data: JSON.stringify(data) }) };
  };
"""


def with_fake_socket(body):
    """A scenario (a JavaScript function for ``page.evaluate``) that runs ``body`` with
    ``FAKE_SOCKET`` in place of the browser's WebSocket."""
    return "async () => {" + FAKE_SOCKET + body


SCENARIO = with_fake_socket("""
  const { LiveSocket } = await import("/static/web/lib/socket.js");
  const tick = (ms = 0) => new Promise((done) => setTimeout(done, ms));
  const seqs = [];
  const snapshots = [];
  const live = new LiveSocket("ws://fake/ws/", {
    onStatus() {}, onHello() {}, onUnclaimedPush() {}, onClosedForGood() {},
  });
  live.subscribe("session:1", {
    onSnapshot: (snapshot, { resumed }) => snapshots.push(resumed),
    onPush: (push) => seqs.push(push.seq),
    onError: () => {},
  });
  const { socket, reply } = openSocket(live);
  const push = (seq) => reply({ type: "chat.message", topic: "session:1", seq, data: { id: seq } });
  const first = socket.sent[0];
  reply({ reply_to: first.id, ok: true,
          data: { topic: "session:1", seq: 5, snapshot: {}, missed: [], reset: false } });
  await tick();
  push(7);
  push(6);
  const inOrder = seqs.slice();
  push(9);
  push(9);
  await tick(1300);
  const resume = socket.sent.find((request) => request.type === "subscribe" && request.data.since);
  reply({ reply_to: resume.id, ok: true,
          data: { topic: "session:1", seq: 9, snapshot: {},
                  missed: [{ type: "chat.message", topic: "session:1", seq: 8, data: { id: 8 } },
                           { type: "chat.message", topic: "session:1", seq: 9, data: { id: 9 } }],
                  reset: false } });
  await tick();
  push(9);
  push(10);
  return { inOrder, seqs, resume: resume.data, snapshots };
}
""")


@pytest.fixture
def page(live_server):
    if not os.path.exists(CHROMIUM):
        skip_or_fail(f"{CHROMIUM} is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page()
            page.goto(f"{live_server.url}/static/web/lib/socket.js")
            yield page
        finally:
            browser.close()


def test_out_of_order_pushes_are_reordered_and_a_gap_resumes(page):
    result = page.evaluate(SCENARIO)

    assert result["inOrder"] == [6, 7]
    assert result["resume"] == {"topic": "session:1", "since": 7}
    assert result["seqs"] == [6, 7, 8, 9, 10]
    assert result["snapshots"] == [False, True]


OUTAGE = """
async () => {
  const sockets = [];
  class FakeSocket {
    constructor(url) { this.listeners = {}; sockets.push(this); }
    addEventListener(type, listener) { (this.listeners[type] ||= []).push(listener); }
    emit(type, event = {}) { for (const listener of this.listeners[type] || []) listener(event); }
    send() {}
    close() {}
  }
  window.WebSocket = FakeSocket;
  const { LiveSocket } = await import("/static/web/lib/socket.js");
  const start = 1_000_000;
  let clock = start;
  Date.now = () => clock;
  Math.random = () => 0.999999;  // every wait at its ceiling
  const timers = [];
  window.setTimeout = (callback, ms) => timers.push([callback, ms]);
  window.clearTimeout = () => {};
  const live = new LiveSocket("ws://fake/ws/", {
    onStatus() {}, onHello() {}, onUnclaimedPush() {}, onClosedForGood() {},
  });
  live.connect();
  const attempts = [];  // [seconds into the outage, seconds waited before the next attempt]
  while (clock - start < 90_000) {
    sockets[sockets.length - 1].emit("close", { code: 1006 });  // the server is down
    const [retry, ms] = timers.pop();
    attempts.push([(clock - start) / 1000, ms / 1000]);
    clock += ms;
    retry();
  }
  return attempts;
}
"""


def test_a_short_outage_is_retried_every_two_seconds_and_a_long_one_backs_off_to_30(page):
    attempts = page.evaluate(OUTAGE)

    early = [wait for at, wait in attempts if at < 10]
    assert [round(wait, 1) for wait in early[:3]] == [0.5, 1.0, 2.0]
    assert max(early) <= 2.0  # a restart's clients are back within 2 s of the server
    waits = [wait for _at, wait in attempts]
    assert waits == sorted(waits)  # the wait never shrinks during one outage
    assert round(max(waits), 1) == 30.0
    assert len(attempts) < 20  # 90 s of outage: no hammering


BATCH = with_fake_socket("""
  const { LiveSocket } = await import("/static/web/lib/socket.js");
  const received = [];
  const live = new LiveSocket("ws://fake/ws/", {
    onStatus() {}, onHello() {}, onUnclaimedPush() {}, onClosedForGood() {},
  });
  live.subscribe("session:1", {
    onSnapshot: () => {},
    onPush: (push) => received.push([push.type, push.seq ?? null, push.data.text ?? null]),
    onError: () => {},
  });
  const { socket, reply } = openSocket(live);
  const chat = (seq) => ({ type: "chat.message", topic: "session:1", seq, data: { text: `m${seq}` } });
  reply({ reply_to: socket.sent[0].id, ok: true,
          data: { topic: "session:1", seq: 5, snapshot: {}, missed: [], reset: false } });
  await new Promise((done) => setTimeout(done, 0));
  // The server gathered a busy topic's pushes: seq 5 the reply already covered.
  reply({ type: "batch", topic: "session:1", seq: 7,
          pushes: [chat(5), chat(6), { type: "reaction.burst", topic: "session:1",
                                       data: { counts: { "👏": 2 } } }, chat(7)] });
  reply(chat(8));
  return received;
}
""")


def test_a_batch_frame_is_handed_on_push_by_push_in_order_once(page):
    received = page.evaluate(BATCH)

    assert received == [
        ["chat.message", 6, "m6"],
        ["reaction.burst", None, None],
        ["chat.message", 7, "m7"],
        ["chat.message", 8, "m8"],
    ]
