// The websocket client of the realtime gateway (docs/realtime.md), shared by every page script:
// request/reply matching, pings, reconnects with backoff and resumption with `since`.

import { gettext } from "./i18n.js";

const REQUEST_TIMEOUT = 10_000;
const PING_INTERVAL = 25_000;
const BACKOFF_BASE = 500;
const BACKOFF_CAP = 30_000;
// For the first QUICK_RETRY_WINDOW of an outage the backoff's ceiling stops at
// QUICK_RETRY_CEILING; afterwards it doubles every QUICK_RETRY_WINDOW up to BACKOFF_CAP.
const QUICK_RETRY_WINDOW = 10_000;
const QUICK_RETRY_CEILING = 2_000;
// A connection that stays up this long is "stable": the next drop starts the backoff afresh.
const STABLE_AFTER = 10_000;
const CLOSE_LOGGED_OUT = 4001;
const CLOSE_REFUSED = 4003;
// This person (or, anonymous, this address) holds the most sockets allowed: another tab has to
// close first. Tried again after TOO_MANY_WAIT plus up to as much again.
const CLOSE_TOO_MANY = 4029;
const TOO_MANY_WAIT = 5_000;
// A push that skips a seq waits this long for the missing ones (they may come from another
// server process a moment later); then the topic is resubscribed with `since` to fetch them.
const GAP_WAIT = 1_000;

export class RequestError extends Error {
  constructor(code, message, fields = null) {
    super(message);
    this.code = code;
    this.fields = fields;
  }
}

function disconnectedError() {
  return new RequestError(
    "disconnected",
    gettext("There is no connection to the server. Please try again in a moment."),
  );
}

// The longest wait before the next attempt (full jitter: the wait is uniform below it), after
// `attempt` failed attempts in an outage that began `outageMs` ago. It doubles per attempt from
// BACKOFF_BASE but stays within QUICK_RETRY_CEILING for the first QUICK_RETRY_WINDOW: a restart or
// a deploy is over in seconds, and clients whose ceiling had grown to 8–16 s meanwhile came back
// long after the server had (docs/performance.md, "Reconnect storm"). A longer outage grows it,
// doubling every QUICK_RETRY_WINDOW, up to BACKOFF_CAP.
export function retryCeiling(attempt, outageMs) {
  if (outageMs < QUICK_RETRY_WINDOW) {
    return Math.min(QUICK_RETRY_CEILING, BACKOFF_BASE * 2 ** attempt);
  }
  const doublings = (outageMs - QUICK_RETRY_WINDOW) / QUICK_RETRY_WINDOW;
  return Math.min(BACKOFF_CAP, QUICK_RETRY_CEILING * 2 ** doublings);
}

// -- the socket ---------------------------------------------------------------------------

// One websocket with request/reply matching, app-level pings, reconnects with exponential
// backoff and full jitter, and resumption: every topic is resubscribed with `since` = the
// highest seq seen, and pushes at or below it are dropped, so each arrives exactly once.
// Pushes are handed on in seq order: one that arrives early (seq + 2 before seq + 1) is held
// back until the gap is filled, or, after GAP_WAIT, the topic resumes with `since`.
//
// Several scripts of one page share it (`pageSocket()`): each adds its callbacks with `listen()`
// and its topics with `subscribe()`; two scripts may subscribe to the same topic, and one that
// comes after the snapshot gets a snapshot of its own (see `subscribe`).
export class LiveSocket {
  constructor(url, callbacks = null) {
    this.url = url;
    this.listeners = { onStatus: [], onHello: [], onUnclaimedPush: [], onClosedForGood: [] };
    this.beforeStopHooks = [];
    this.status = null;
    this.hello = null;
    this.closedForGood = null;
    this.socket = null;
    this.isOpen = false;
    this.ready = false;
    this.everOpened = false;
    this.tooMany = false;
    this.stopped = false;
    this.closeReason = null;
    this.nextId = 0;
    this.pending = new Map();
    this.topics = new Map();
    this.outbox = [];
    this.attempt = 0;
    this.outageStart = 0;
    this.retryTimer = null;
    this.pingTimer = null;
    this.stableTimer = null;
    if (callbacks) {
      this.listen(callbacks);
    }
  }

  // Add a script's callbacks: onStatus(status), onHello(hello), onUnclaimedPush(push) for pushes
  // of topics nobody subscribed (the implicit `user:<id>`), onClosedForGood(reason), and
  // beforeStop() (the page is being left). A script that comes late is told the current status,
  // the last hello and a final close at once.
  listen({ onStatus, onHello, onUnclaimedPush, onClosedForGood, beforeStop } = {}) {
    const given = { onStatus, onHello, onUnclaimedPush, onClosedForGood };
    for (const [name, callback] of Object.entries(given)) {
      if (callback) {
        this.listeners[name].push(callback);
      }
    }
    if (beforeStop) {
      this.beforeStopHooks.push(beforeStop);
    }
    if (onStatus && this.status !== null) {
      onStatus(this.status);
    }
    if (onHello && this.hello !== null) {
      onHello(this.hello);
    }
    if (onClosedForGood && this.closedForGood !== null) {
      onClosedForGood(this.closedForGood);
    }
  }

  emit(name, value) {
    for (const callback of this.listeners[name]) {
      callback(value);
    }
  }

  onStatus(status) {
    this.status = status;
    this.emit("onStatus", status);
  }

  onHello(hello) {
    this.hello = hello;
    this.tooMany = false;
    this.emit("onHello", hello);
  }

  onUnclaimedPush(push) {
    this.emit("onUnclaimedPush", push);
  }

  onClosedForGood(reason) {
    this.closedForGood = reason;
    this.emit("onClosedForGood", reason);
  }

  runBeforeStop() {
    for (const hook of this.beforeStopHooks) {
      hook();
    }
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.stopped || this.socket) {
      return;
    }
    if (!this.tooMany) {
      this.onStatus(this.everOpened ? "reconnecting" : "connecting");
    }
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener("open", () => this.opened(socket));
    socket.addEventListener("message", (event) => this.received(socket, event));
    socket.addEventListener("close", (event) => this.closed(socket, event.code));
  }

  // Leave for good (the page is being hidden or unloaded); `resume()` starts again.
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    if (this.socket) {
      const socket = this.socket;
      this.closed(socket, 1000);
      socket.close(1000);
    }
  }

  resume() {
    if (this.stopped && !this.closeReason) {
      this.stopped = false;
      this.connect();
    }
  }

  // Reconnect now instead of waiting for the backoff (the browser came back online).
  reconnectNow() {
    if (this.retryTimer !== null) {
      this.connect();
    }
  }

  // Follow `topic`: onSnapshot(snapshot, { resumed }) first, then onPush(push) in seq order.
  // A second listener of a topic whose snapshot already came asks the server again with `since`:
  // the first listener gets what it missed meanwhile as pushes, the new one the fresh snapshot.
  subscribe(topic, { onSnapshot, onPush, onError }) {
    let entry = this.topics.get(topic);
    if (!entry) {
      entry = {
        seq: null,
        listeners: [],
        held: new Map(),
        gapTimer: null,
        subscribing: null,
      };
      this.topics.set(topic, entry);
    }
    entry.listeners.push({ onSnapshot, onPush, onError, hasSnapshot: false });
    // While the socket resubscribes after (re)opening, a new topic is asked for at once; a
    // request already on its way for this topic brings the new listener its snapshot too.
    // `ready` waits for the answer, so writes to the topic go after the subscription.
    if (this.isOpen) {
      const socket = this.socket;
      this.ready = false;
      this.subscribeOne(topic, { everyone: false }).then(() => this.settled(socket));
    }
  }

  request(type, data, timeout = REQUEST_TIMEOUT) {
    return new Promise((resolve, reject) => {
      if (!this.socket || this.socket.readyState !== WebSocket.OPEN) {
        reject(disconnectedError());
        return;
      }
      this.nextId += 1;
      const id = this.nextId;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestError("timeout", gettext("The server did not answer in time.")));
      }, timeout);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.send(JSON.stringify({ id, type, data }));
    });
  }

  // A write that carries a client_id: kept until the server answers and sent again, with the
  // same client_id, after a reconnect or a time-out; the server stores it once.
  send(type, data) {
    return new Promise((resolve, reject) => {
      this.outbox.push({ type, data, resolve, reject, inFlight: false });
      this.flushOutbox();
    });
  }

  flushOutbox() {
    if (!this.ready) {
      return;
    }
    for (const item of this.outbox) {
      if (item.inFlight) {
        continue;
      }
      item.inFlight = true;
      this.request(item.type, item.data).then(
        (data) => {
          this.outbox = this.outbox.filter((other) => other !== item);
          item.resolve(data);
        },
        (error) => {
          item.inFlight = false;
          if (error.code === "disconnected") {
            return;
          }
          if (error.code === "timeout") {
            this.flushOutbox();
            return;
          }
          this.outbox = this.outbox.filter((other) => other !== item);
          item.reject(error);
        },
      );
    }
  }

  opened(socket) {
    if (socket !== this.socket) {
      return;
    }
    this.isOpen = true;
    this.everOpened = true;
    this.stableTimer = setTimeout(() => {
      this.attempt = 0;
    }, STABLE_AFTER);
    this.pingTimer = setInterval(() => this.ping(), PING_INTERVAL);
    this.resubscribe(socket);
  }

  async resubscribe(socket) {
    await Promise.all(
      Array.from(this.topics.keys(), (topic) => this.subscribeOne(topic, { everyone: true })),
    );
    this.settled(socket);
  }

  // Open, and every topic has its answer: the socket is ready and the outbox may go.
  settled(socket) {
    if (socket !== this.socket || !this.isOpen) {
      return;
    }
    for (const entry of this.topics.values()) {
      if (entry.subscribing) {
        return;
      }
    }
    this.ready = true;
    if (this.status !== "connected") {
      this.onStatus("connected");
    }
    this.flushOutbox();
  }

  // Ask for `topic` (with `since` once it has a seq). `everyone`: after a reconnect every listener
  // gets the snapshot (`resumed` for those that had one); otherwise only listeners still waiting
  // for their first. One request per topic at a time: a caller meanwhile waits for that one.
  subscribeOne(topic, { everyone }) {
    const entry = this.topics.get(topic);
    if (entry.subscribing) {
      return entry.subscribing;
    }
    entry.subscribing = this.askFor(topic, entry, everyone).finally(() => {
      entry.subscribing = null;
    });
    return entry.subscribing;
  }

  async askFor(topic, entry, everyone) {
    const data = entry.seq === null ? { topic } : { topic, since: entry.seq };
    let reply;
    try {
      reply = await this.request("subscribe", data);
    } catch (error) {
      if (error.code !== "disconnected" && error.code !== "timeout") {
        for (const listener of entry.listeners) {
          if (everyone || !listener.hasSnapshot) {
            listener.onError(error);
          }
        }
      }
      return;
    }
    const fresh = data.since === undefined || reply.reset;
    if (fresh) {
      entry.seq = reply.seq;
      this.dropHeld(entry);
    } else {
      for (const push of reply.missed) {
        this.deliver(push);
      }
      entry.seq = Math.max(entry.seq, reply.seq);
    }
    for (const listener of entry.listeners) {
      if (fresh || everyone || !listener.hasSnapshot) {
        const resumed = !fresh && listener.hasSnapshot;
        listener.hasSnapshot = true;
        listener.onSnapshot(reply.snapshot, { resumed });
      }
    }
    this.releaseHeld(entry);
  }

  // Hand a push to the topic's listeners that have their snapshot (one still waiting for it
  // would see the change twice: in the push and in its snapshot).
  handOn(entry, push) {
    for (const listener of entry.listeners) {
      if (listener.hasSnapshot) {
        listener.onPush(push);
      }
    }
  }

  deliver(push) {
    const entry = this.topics.get(push.topic);
    if (!entry) {
      this.onUnclaimedPush(push);
      return;
    }
    if (typeof push.seq !== "number" || entry.seq === null) {
      if (typeof push.seq === "number") {
        entry.seq = push.seq;
      }
      this.handOn(entry, push);
      return;
    }
    if (push.seq <= entry.seq) {
      return;
    }
    if (push.seq > entry.seq + 1) {
      entry.held.set(push.seq, push);
      this.watchGap(push.topic, entry);
      return;
    }
    entry.seq = push.seq;
    this.handOn(entry, push);
    this.releaseHeld(entry);
  }

  // Hand on the held pushes that now follow without a gap; drop those already covered.
  releaseHeld(entry) {
    for (const seq of Array.from(entry.held.keys())) {
      if (seq <= entry.seq) {
        entry.held.delete(seq);
      }
    }
    while (entry.held.has(entry.seq + 1)) {
      const push = entry.held.get(entry.seq + 1);
      entry.held.delete(entry.seq + 1);
      entry.seq = push.seq;
      this.handOn(entry, push);
    }
    if (entry.held.size === 0) {
      clearTimeout(entry.gapTimer);
      entry.gapTimer = null;
    }
  }

  dropHeld(entry) {
    entry.held.clear();
    clearTimeout(entry.gapTimer);
    entry.gapTimer = null;
  }

  watchGap(topic, entry) {
    if (entry.gapTimer !== null) {
      return;
    }
    entry.gapTimer = setTimeout(async () => {
      entry.gapTimer = null;
      if (entry.held.size === 0 || entry.subscribing || !this.ready) {
        return;
      }
      await this.subscribeOne(topic, { everyone: true });
      if (entry.held.size > 0) {
        this.watchGap(topic, entry);
      }
    }, GAP_WAIT);
  }

  received(socket, event) {
    if (socket !== this.socket) {
      return;
    }
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if ("reply_to" in message) {
      const waiting = this.pending.get(message.reply_to);
      if (!waiting) {
        if (!message.ok) {
          console.warn("treffpunkt live:", message.error);
        }
        return;
      }
      this.pending.delete(message.reply_to);
      clearTimeout(waiting.timer);
      if (message.ok) {
        waiting.resolve(message.data);
      } else {
        const { code, message: text, fields } = message.error;
        waiting.reject(new RequestError(code, text, fields));
      }
      return;
    }
    if (message.type === "hello") {
      this.onHello(message.data);
      return;
    }
    if (message.type === "batch") {
      // A busy topic's pushes, gathered by the server for a big audience: each in turn.
      for (const push of message.pushes) {
        this.deliver(push);
      }
      return;
    }
    if (message.type === "session.closed") {
      this.closeReason = message.data.reason;
    }
    this.deliver(message);
  }

  closed(socket, code) {
    if (socket !== this.socket) {
      return;
    }
    this.socket = null;
    this.isOpen = false;
    this.ready = false;
    clearInterval(this.pingTimer);
    clearTimeout(this.stableTimer);
    const pending = Array.from(this.pending.values());
    this.pending.clear();
    for (const waiting of pending) {
      clearTimeout(waiting.timer);
      waiting.reject(disconnectedError());
    }
    if (this.stopped) {
      return;
    }
    if (code === CLOSE_LOGGED_OUT || code === CLOSE_REFUSED) {
      this.stopped = true;
      const reason =
        code === CLOSE_REFUSED ? "refused" : this.closeReason === "banned" ? "banned" : "logged-out";
      this.closeReason = reason;
      this.onClosedForGood(reason);
      return;
    }
    if (code === CLOSE_TOO_MANY) {
      // Not an outage: the server is there, and says why. Kept until a hello comes.
      this.tooMany = true;
      this.onStatus("too-many");
      this.retryTimer = setTimeout(() => this.connect(), TOO_MANY_WAIT * (1 + Math.random()));
      return;
    }
    this.onStatus("reconnecting");
    const now = Date.now();
    if (this.attempt === 0) {
      this.outageStart = now;
    }
    const ceiling = retryCeiling(this.attempt, now - this.outageStart);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => this.connect(), Math.random() * ceiling);
  }

  ping() {
    this.request("ping", {}).catch((error) => {
      if (error.code === "timeout") {
        this.drop();
      }
    });
  }

  // A socket that stopped answering may take minutes to report its close: give up on it now.
  drop() {
    const socket = this.socket;
    if (socket) {
      this.closed(socket, 1006);
      socket.close();
    }
  }
}

// A random id for `client_id`, so a message resent after a reconnect is stored once.
export function newClientId() {
  if (window.crypto && crypto.randomUUID) {
    return crypto.randomUUID();
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

// The gateway's address on this page's host.
export function gatewayUrl() {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}/ws/`;
}

// Reconnect when the browser comes back online, leave while the page is hidden in the back/forward
// cache and come back with it. `beforeStop` runs first (e.g. a last "going offline" request), and
// so do the hooks scripts gave `listen({ beforeStop })`. Once per socket.
export function followPage(live, { beforeStop = () => {} } = {}) {
  live.listen({ beforeStop });
  if (live.followsPage) {
    return;
  }
  live.followsPage = true;
  window.addEventListener("online", () => live.reconnectNow());
  window.addEventListener("pagehide", () => {
    live.runBeforeStop();
    live.stop();
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      live.resume();
    }
  });
}

let shared = null;

// The one socket of this page. Every page script (the announcement banner and bell, the
// networking notices, the programme, session, booth, conversation and control-room scripts)
// listens and subscribes on it, so a page holds one connection to the gateway, not one per script.
export function pageSocket() {
  if (shared === null) {
    shared = new LiveSocket(gatewayUrl());
    followPage(shared);
  }
  return shared;
}
