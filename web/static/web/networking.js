// Live notices of the networking pages (web/_networking_live.html): listens on the socket's own
// `user:<id>` topic (joined at connect, docs/realtime.md) for `meeting.*` pushes and shows a notice
// with a reload link, and keeps the unread badge of the navigation up to date on
// `conversation.message`. Every label is rendered by the server; the script only fills it in.

import { announce } from "./lib/announce.js";
import { slot } from "./lib/dom.js";
import { eventFormats } from "./lib/format.js";
import { pageSocket } from "./lib/socket.js";

const MAX_NOTICES = 5;

const root = document.querySelector("[data-networking-live]");
if (root && "WebSocket" in window) {
  start(root);
}

function start(root) {
  const formats = eventFormats(root.dataset.timezone);
  function timeOf(iso) {
    const start = new Date(iso);
    if (Number.isNaN(start.getTime())) {
      return "";
    }
    return formats.slot.format(start);
  }

  function showNotice(type, data) {
    const template = root.querySelector(`template[data-notice="${type}"]`);
    if (!template) {
      return;
    }
    const notice = template.content.firstElementChild.cloneNode(true);
    notice.dataset.type = type;
    const name = slot(notice, "name");
    if (name) {
      name.textContent = type === "conversation.message" ? data.from.name : data.by.name;
    }
    const time = slot(notice, "time");
    if (time) {
      time.textContent = data.start ? timeOf(data.start) : "";
    }
    // A notice about the conversation on screen is no news: the chat shows and says it.
    const open = document.querySelector("[data-conversation-live]");
    if (type === "conversation.message" && open && open.dataset.topic === `conversation:${data.conversation}`) {
      return;
    }
    root.prepend(notice);
    announce(notice.textContent.replace(/\s+/g, " "), { kind: "notice" });
    const notices = root.querySelectorAll(".live-notice");
    for (const old of Array.from(notices).slice(MAX_NOTICES)) {
      old.remove();
    }
  }

  function showUnread(total) {
    for (const badge of document.querySelectorAll("[data-unread-total]")) {
      slot(badge, "count").textContent = String(total);
      badge.hidden = total <= 0;
    }
  }

  function showConversationUnread(data) {
    const item = document.querySelector(`[data-conversation="${data.conversation}"]`);
    if (item) {
      item.classList.add("conversation-item--unread");
      const badge = slot(item, "unread");
      if (badge) {
        badge.hidden = false;
        badge.textContent = badge.textContent.replace(/\d+/, String(data.unread));
      }
    }
  }

  function applyUserPush(push) {
    if (push.type.startsWith("meeting.")) {
      showNotice(push.type, push.data);
    } else if (push.type === "conversation.message") {
      showUnread(push.data.unread_total);
      showConversationUnread(push.data);
      showNotice(push.type, push.data);
    }
  }

  const live = pageSocket();
  live.listen({
    onStatus(status) {
      root.dataset.connection = status;
    },
    onHello() {},
    onUnclaimedPush(push) {
      if (push.topic && push.topic.startsWith("user:")) {
        applyUserPush(push);
      }
    },
    onClosedForGood(status) {
      root.dataset.connection = status;
    },
  });


  // For the browser tests and for debugging in the console.
  window.treffpunktNetworking = { client: live };

  live.connect();
}
