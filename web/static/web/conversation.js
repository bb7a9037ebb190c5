// The live 1:1 chat page (web/conversation.html) over the shared socket client in lib/socket.js
// (docs/realtime.md, topic `conversation:<id>`): history from the snapshot, `chat.send` with a
// client_id (sent once even after a reconnect), `chat.read` while the page is visible, and the other
// side's read receipts (`chat.read` pushes, `other_read_seq` in the snapshot). Every label
// is rendered by the server; the script only shows, hides and fills.

import { announce, announcement, silently } from "./lib/announce.js";
import { fromTemplate, showError as showErrorIn, slot } from "./lib/dom.js";
import { keepFocus } from "./lib/focus.js";
import { eventFormats } from "./lib/format.js";
import { newClientId, pageSocket } from "./lib/socket.js";

const root = document.querySelector("[data-conversation-live]");
if (root && "WebSocket" in window) {
  start(root);
}

function start(root) {
  const topic = root.dataset.topic;
  const formats = eventFormats(root.dataset.timezone);

  const elements = {
    connecting: root.querySelector("[data-conversation-connecting]"),
    empty: root.querySelector("[data-conversation-empty]"),
    list: root.querySelector('[data-slot="messages"]'),
    error: root.querySelector("[data-conversation-error]"),
    form: root.querySelector("[data-conversation-form]"),
    text: root.querySelector("[data-conversation-form] textarea"),
    read: root.querySelector("[data-conversation-read]"),
  };
  const me = Number(root.dataset.me);
  const showError = (error) => showErrorIn(elements.error, error);
  const shown = new Map();
  let readSeq = 0;
  // Read receipts: the seq of my newest message, and how far the other side has read.
  let myLastSeq = 0;
  let otherReadSeq = 0;

  function showReceipt() {
    elements.read.hidden = !(myLastSeq > 0 && otherReadSeq >= myLastSeq);
  }

  function noteSeq(message, seq) {
    if (typeof seq === "number" && message.user.id === me && seq > myLastSeq) {
      myLastSeq = seq;
      showReceipt();
    }
  }

  function addMessage(message) {
    if (shown.has(message.id)) {
      return;
    }
    const item = fromTemplate(root, "message");
    slot(item, "name").textContent = message.user.name;
    slot(item, "text").textContent = message.text;
    const time = slot(item, "time");
    const created = new Date(message.created_at);
    if (!Number.isNaN(created.getTime())) {
      time.dateTime = message.created_at;
      time.textContent = formats.time.format(created);
    }
    shown.set(message.id, item);
    elements.list.append(item);
    elements.list.scrollTop = elements.list.scrollHeight;
    elements.empty.hidden = true;
  }

  // Mark everything up to the newest seen seq as read, while somebody can actually see it.
  function markRead() {
    const entry = live.topics.get(topic);
    const seq = entry ? entry.seq : null;
    if (document.visibilityState !== "visible" || typeof seq !== "number" || seq <= readSeq) {
      return;
    }
    readSeq = seq;
    live.request("chat.read", { topic, seq }).catch(() => {
      readSeq = 0;
    });
  }

  elements.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = elements.text.value.trim();
    if (!text) {
      return;
    }
    elements.text.value = "";
    showError(null);
    try {
      const reply = await live.send("chat.send", { topic, text, client_id: newClientId() });
      if (reply && reply.message && typeof reply.message === "object") {
        addMessage(reply.message);
        noteSeq(reply.message, reply.seq);
      }
    } catch (error) {
      elements.text.value = text;
      showError(error);
    }
  });

  elements.text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      elements.form.requestSubmit();
    }
  });

  const live = pageSocket();
  live.listen({
    onStatus(status) {
      root.dataset.connection = status;
    },
    onHello() {},
    onUnclaimedPush() {},
    onClosedForGood(status) {
      root.dataset.connection = status;
      elements.form.hidden = true;
    },
  });

  live.subscribe(topic, {
    onSnapshot(snapshot) {
      elements.connecting.hidden = true;
      // The history is not news: it loads without a word.
      silently(() => {
        for (const message of snapshot.chat || []) {
          addMessage(message);
          noteSeq(message, message.seq);
        }
      });
      otherReadSeq = Math.max(otherReadSeq, snapshot.other_read_seq || 0);
      showReceipt();
      elements.empty.hidden = shown.size > 0;
      elements.form.hidden = false;
      markRead();
    },
    onPush(push) {
      if (push.type === "chat.message") {
        if (push.data.user.id !== me && !shown.has(push.data.id)) {
          announce(announcement(root, "message", { name: push.data.user.name, text: push.data.text }));
        }
        addMessage(push.data);
        noteSeq(push.data, push.seq);
        markRead();
      } else if (push.type === "chat.read" && push.data.user !== me) {
        otherReadSeq = Math.max(otherReadSeq, push.data.seq);
        showReceipt();
      }
    },
    onError(error) {
      elements.connecting.hidden = true;
      showError(error);
    },
  });

  document.addEventListener("visibilitychange", markRead);

  // For the browser tests and for debugging in the console.
  window.treffpunktConversation = { client: live };

  keepFocus(root);
  live.connect();
}
