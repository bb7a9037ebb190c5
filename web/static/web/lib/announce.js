// The one polite live region of every page (`[data-announcer]` in web/base.html). Whatever arrives
// without the user asking for it (chat from others, new questions, poll results, state changes,
// notices) is said through here, never through a live region of its own, so a screen reader
// hears one queue at a calm pace:
//
// - one message per GAP_MS; a message with a `key` replaces a queued one with the same key
//   (the viewer count says only its newest value) and waits at least `every` ms after the last
//   one with that key;
// - chat messages beyond CHAT_BURST in the queue collapse into one summary ("More new chat
//   messages: 7"), so a busy chat does not flood the reader;
// - chat can be muted by the user (`setChatMuted`, kept in localStorage);
// - `silently(fn)` runs fn without announcing (history loads and snapshots).

const GAP_MS = 1200;
const CHAT_BURST = 3;
const KEPT = 3;
const MUTE_KEY = "treffpunkt.announce.chat-muted";

const queue = [];
const lastByKey = new Map();
let timer = null;
let lastSaid = 0;
let quiet = 0;

function region() {
  return document.querySelector("[data-announcer]");
}

export function isChatMuted() {
  try {
    return window.localStorage.getItem(MUTE_KEY) === "1";
  } catch {
    return false;
  }
}

export function setChatMuted(muted) {
  try {
    window.localStorage.setItem(MUTE_KEY, muted ? "1" : "0");
  } catch {
    // Private mode without storage: the setting lasts for this page only.
  }
  mutedHere = muted;
}
let mutedHere = null;

function chatMuted() {
  return mutedHere === null ? isChatMuted() : mutedHere;
}

// Run `fn` without announcing anything it causes (a snapshot or history is not news).
export function silently(fn) {
  quiet += 1;
  try {
    return fn();
  } finally {
    quiet -= 1;
  }
}

// Say `text` politely. `kind`: "chat" (mutable, collapsed when busy) or "update";
// `key` + `every`: keep only the newest of a kind and say it at most every `every` ms.
export function announce(text, { kind = "update", key = null, every = 0 } = {}) {
  const message = String(text || "").trim();
  if (!message || quiet > 0 || !region()) {
    return;
  }
  if (kind === "chat" && chatMuted()) {
    return;
  }
  if (key !== null) {
    const queued = queue.findIndex((item) => item.key === key);
    if (queued >= 0) {
      queue.splice(queued, 1);
    }
  }
  queue.push({ text: message, kind, key, every });
  collapseChat();
  // A new message may be due before the one the timer waits for (a throttled count).
  clearTimeout(timer);
  timer = null;
  schedule(Math.max(0, lastSaid + GAP_MS - Date.now()));
}

// Chat beyond CHAT_BURST waiting messages becomes one summary; while it waits, every further
// chat message is only counted in it.
function collapseChat() {
  const pending = queue.filter((item) => item.kind === "chat" && !item.summary);
  let summary = queue.find((item) => item.kind === "chat" && item.summary);
  if (!summary && pending.length <= CHAT_BURST) {
    return;
  }
  if (!summary) {
    summary = { kind: "chat", summary: true, count: 0, key: null, every: 0 };
    queue.splice(queue.indexOf(pending[0]), 0, summary);
  }
  for (const item of pending) {
    queue.splice(queue.indexOf(item), 1);
    summary.count += 1;
  }
  summary.text = `${region().dataset.chatSummary || ""} ${summary.count}`.trim();
}

function schedule(wait) {
  if (timer === null) {
    timer = setTimeout(flush, wait);
  }
}

function flush() {
  timer = null;
  const now = Date.now();
  const index = queue.findIndex(
    (item) => item.key === null || now - (lastByKey.get(item.key) || 0) >= item.every,
  );
  if (index < 0) {
    if (queue.length) {
      const waits = queue.map((item) => item.every - (now - (lastByKey.get(item.key) || 0)));
      schedule(Math.max(GAP_MS, Math.min(...waits)));
    }
    return;
  }
  const [item] = queue.splice(index, 1);
  if (item.key !== null) {
    lastByKey.set(item.key, now);
  }
  lastSaid = now;
  say(item.text);
  if (queue.length) {
    schedule(GAP_MS);
  }
}

function say(text) {
  const live = region();
  const line = document.createElement("p");
  line.textContent = text;
  live.append(line);
  while (live.childElementCount > KEPT) {
    live.firstElementChild.remove();
  }
}

// The text of `<template data-announce="<name>">` inside `root`, its `data-slot`s filled.
export function announcement(root, name, values) {
  const template = root.querySelector(`template[data-announce="${name}"]`);
  if (!template) {
    return "";
  }
  const content = template.content.cloneNode(true);
  for (const [slotName, value] of Object.entries(values)) {
    for (const element of content.querySelectorAll(`[data-slot="${slotName}"]`)) {
      element.textContent = value;
    }
  }
  const holder = document.createElement("div");
  holder.append(content);
  return holder.textContent.replace(/\s+/g, " ").trim();
}
