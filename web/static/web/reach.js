// Announcements as banners on every event page, and the notification bell's unread count.
// On the page's one socket (lib/socket.js `pageSocket`, shared with the page's other scripts):
// `event:<slug>` for announcements, the implicit `user:<id>` for `notification.new` /
// `notification.read`. Dismissals are stored per person (REST) and, for
// visitors who are not logged in, in this browser.

import { pageSocket } from "./lib/socket.js";

const root = document.querySelector("[data-reach]");
const bell = document.querySelector("[data-notification-bell]");

function setUnread(count) {
  if (!bell) {
    return;
  }
  const badge = bell.querySelector("[data-slot=count]");
  bell.querySelector("[data-slot=number]").textContent = String(count);
  badge.hidden = count === 0;
}

// The count as the socket opens (`notification.count`, pushed right after hello), then live.
const UNREAD_PUSHES = new Set(["notification.count", "notification.new", "notification.read"]);

const banners = new Map();
let audiences = [];
const slug = root ? root.dataset.event : null;
const language = root ? root.dataset.language : "de";
const storageKey = `treffpunkt.dismissed.${slug}`;

function locallyDismissed() {
  try {
    return new Set(JSON.parse(localStorage.getItem(storageKey) || "[]"));
  } catch {
    return new Set();
  }
}

function isCurrent(item) {
  const now = Date.now();
  if (item.show_from && Date.parse(item.show_from) > now) {
    return false;
  }
  return !(item.show_until && Date.parse(item.show_until) <= now);
}

function remove(id) {
  const element = banners.get(id);
  if (element) {
    element.remove();
    banners.delete(id);
  }
}

function dismiss(id) {
  remove(id);
  const item = known.get(id);
  if (item) {
    item.dismissed = true;
  }
  if (root.dataset.authenticated === "1") {
    fetch(root.dataset.dismissUrl.replace("/0/", `/${id}/`), {
      method: "POST",
      headers: { "X-CSRFToken": root.dataset.csrf },
      credentials: "same-origin",
    });
  } else {
    const dismissed = locallyDismissed();
    dismissed.add(id);
    localStorage.setItem(storageKey, JSON.stringify([...dismissed]));
  }
}

// Every announcement this page knows, so one whose window opens or closes later shows or goes.
const known = new Map();

function show(item) {
  known.set(item.id, item);
  if (item.dismissed || locallyDismissed().has(item.id) || !isCurrent(item)) {
    remove(item.id);
    return;
  }
  let element = banners.get(item.id);
  if (!element) {
    const template = root.querySelector("[data-template=announcement]");
    element = template.content.firstElementChild.cloneNode(true);
    element.querySelector("[data-slot=dismiss]").addEventListener("click", () => dismiss(item.id));
    element.dataset.id = String(item.id);
    root.prepend(element);
    banners.set(item.id, element);
  }
  element.classList.toggle("announcement--warning", item.level === "warning");
  element.setAttribute("role", item.level === "warning" ? "alert" : "status");
  element.lang = item.text[language] ? language : "de";
  element.querySelector("[data-slot=text]").textContent = item.text[language] || item.text.de;
  const link = element.querySelector("[data-slot=link]");
  link.hidden = !item.link;
  if (item.link) {
    link.href = item.link;
  }
}

function applyPush(push) {
  if (push.type === "announcement.created" || push.type === "announcement.updated") {
    // Pushes go to every subscriber of the event; the page shows those for this person's role.
    if (audiences.includes(push.data.audience)) {
      show(push.data);
    } else {
      remove(push.data.id);
    }
  } else if (push.type === "announcement.deleted") {
    known.delete(push.data.id);
    remove(push.data.id);
  }
}

if (root && (slug || bell)) {
  const live = pageSocket();
  live.listen({
    onStatus() {},
    onUnclaimedPush(push) {
      // After every (re)connect `notification.count` brings what was missed while away.
      if (UNREAD_PUSHES.has(push.type)) {
        setUnread(push.data.unread);
      }
    },
    onClosedForGood() {},
  });
  if (slug) {
    live.subscribe(`event:${slug}`, {
      onSnapshot(snapshot) {
        audiences = snapshot.audiences || [];
        const ids = new Set((snapshot.announcements || []).map((item) => item.id));
        for (const id of [...banners.keys()]) {
          if (!ids.has(id)) {
            remove(id);
          }
        }
        (snapshot.announcements || []).forEach(show);
      },
      onPush: applyPush,
      onError() {},
    });
  }
  live.connect();
  setInterval(() => [...known.values()].forEach(show), 30_000);
}
