// The control room (web/control_room.html): every action is a plain form (PRG), so the page works
// with the keyboard and without this script. The script keeps the page current: a programme
// change on `event:<slug>` or a new report on `user:<id>` reloads the changed part in place;
// the rest of the moderation queue is re-read every 30 s.

import { pageSocket } from "./lib/socket.js";

const QUEUE_REFRESH = 30_000;

const root = document.querySelector("[data-control-room]");
if (root && "WebSocket" in window) {
  start(root);
}

function start(root) {
  const connection = root.querySelector("[data-control-connection]");
  let pending = new Set();
  let timer = null;

  // A part the organizer is typing in is left alone until the focus leaves it.
  function isBusy(part) {
    return part.contains(document.activeElement) && document.activeElement.matches("input, select, textarea");
  }

  async function refresh() {
    timer = null;
    const names = Array.from(pending);
    pending = new Set();
    const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
    if (!response.ok) {
      return;
    }
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const name of names) {
      const current = root.querySelector(`[data-control-part="${name}"]`);
      const replacement = fresh.querySelector(`[data-control-part="${name}"]`);
      if (!current || !replacement) {
        continue;
      }
      if (isBusy(current)) {
        current.addEventListener("focusout", () => schedule(name), { once: true });
        continue;
      }
      // Each session has its "Verschieben" and its "Absagen" form, each room its "Stream" form:
      // an open one stays open.
      const key = (details) => {
        const owner = details.closest("[data-session]")?.dataset.session ?? `room ${details.closest("[data-lane]")?.dataset.lane}`;
        return `${owner} ${details.className}`;
      };
      const open = new Set(Array.from(current.querySelectorAll("details[open]"), key));
      for (const details of replacement.querySelectorAll("details")) {
        if (open.has(key(details))) {
          details.open = true;
        }
      }
      current.replaceWith(document.adoptNode(replacement));
    }
    root.dataset.refreshed = String(Number(root.dataset.refreshed || 0) + 1);
  }

  function schedule(name) {
    pending.add(name);
    if (!timer) {
      timer = setTimeout(refresh, 150);
    }
  }

  const live = pageSocket();
  live.listen({
    onStatus(status) {
      connection.hidden = status !== "connected";
      root.dataset.connection = status;
    },
    onHello() {},
    onUnclaimedPush(push) {
      if (push.type === "report.created") {
        schedule("queue");
      }
    },
    onClosedForGood() {
      connection.hidden = true;
    },
  });
  live.subscribe(root.dataset.eventTopic, {
    onSnapshot() {},
    onPush(push) {
      if (push.type === "programme.changed") {
        schedule("timeline");
      }
    },
    onError() {},
  });
  // Mutes, bans, hidden questions and submitted booths send no push to organizers yet: the queue
  // is re-read every 30 s while the page is visible.
  setInterval(() => {
    if (document.visibilityState === "visible") {
      schedule("queue");
    }
  }, QUEUE_REFRESH);
  window.treffpunktControlRoom = { client: live };
  live.connect();
}
