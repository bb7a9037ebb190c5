// The live box of the booth page (web/booth.html): staff online, contact requests and the 1:1
// conversations they open, over the shared socket client in lib/socket.js (docs/realtime.md, topics
// `booth:<id>`, `conversation:<id>` and `user:<id>`). Every label is rendered by the server.

import { announce, silently } from "./lib/announce.js";
import { fromTemplate, showError as showErrorIn, slot } from "./lib/dom.js";
import { focusOn, keepFocus } from "./lib/focus.js";
import { newClientId, pageSocket } from "./lib/socket.js";

const root = document.querySelector("[data-booth-live]");
if (root && "WebSocket" in window) {
  start(root);
}

function start(root) {
  const STAFF_ONLINE_INTERVAL = 25_000;
  const boothId = Number(root.dataset.booth);
  let me = null;
  const boothTopic = `booth:${boothId}`;

  const elements = {
    connecting: root.querySelector("[data-booth-connecting]"),
    online: root.querySelector("[data-booth-online]"),
    onlineCount: root.querySelector('[data-booth-online] [data-slot="count"]'),
    onlineOne: root.querySelector('[data-booth-online] [data-slot="one"]'),
    onlineMany: root.querySelector('[data-booth-online] [data-slot="many"]'),
    contactForm: root.querySelector("[data-booth-contact]"),
    contactSent: root.querySelector("[data-booth-contact-sent]"),
    error: root.querySelector("[data-booth-error]"),
    requests: root.querySelector("[data-booth-requests]"),
    requestList: root.querySelector('[data-booth-requests] [data-slot="list"]'),
    requestsEmpty: root.querySelector('[data-booth-requests] [data-slot="empty"]'),
    chats: root.querySelector("[data-booth-chats]"),
  };

  const state = { staff: false, staffTimer: null, requests: new Map(), chats: new Map() };
  const showError = (error) => showErrorIn(elements.error, error);

  // -- the booth ----------------------------------------------------------------------------

  function showOnline(count) {
    elements.onlineCount.textContent = String(count);
    elements.onlineOne.hidden = count !== 1;
    elements.onlineMany.hidden = count === 1;
    elements.online.hidden = false;
  }

  function applyBoothSnapshot(snapshot) {
    elements.connecting.hidden = true;
    showOnline(snapshot.staff_online);
    state.staff = Boolean(snapshot.staff);
    elements.requests.hidden = !state.staff;
    elements.contactForm.hidden = !snapshot.may_contact || !elements.contactSent.hidden;
    for (const request of snapshot.requests || []) {
      addRequest(request);
    }
    if (state.staff && state.staffTimer === null) {
      state.staffTimer = setInterval(() => markOnline(true), STAFF_ONLINE_INTERVAL);
    }
  }

  function markOnline(online) {
    return live
      .request("booth.staff_online", { booth: boothId, online })
      .then((reply) => showOnline(reply.staff_online))
      .catch(() => {});
  }

  elements.contactForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = elements.contactForm.querySelector("button");
    const input = elements.contactForm.querySelector("input");
    button.disabled = true;
    showError(null);
    try {
      const reply = await live.request("booth.contact", {
        booth: boothId,
        message: input.value.trim(),
      });
      elements.contactForm.hidden = true;
      elements.contactSent.hidden = false;
      showOnline(reply.staff_online);
    } catch (error) {
      showError(error);
    } finally {
      button.disabled = false;
    }
  });

  // -- contact requests (staff) -------------------------------------------------------------

  function addRequest(request) {
    if (state.requests.has(request.id)) {
      return;
    }
    const item = fromTemplate(root, "request");
    slot(item, "name").textContent = request.user.name;
    slot(item, "message").textContent = request.message || "";
    const button = item.querySelector('[data-action="accept"]');
    button.addEventListener("click", async () => {
      button.disabled = true;
      showError(null);
      try {
        const reply = await live.request("booth.accept", { request: request.id });
        item.remove();
        elements.requestsEmpty.hidden = elements.requestList.children.length > 0;
        openChat(reply.topic, reply.with);
        // The request is gone; the conversation it opened is where the keyboard goes on.
        focusOn(state.chats.get(reply.topic).element.querySelector("input"));
      } catch (error) {
        button.disabled = false;
        showError(error);
      }
    });
    state.requests.set(request.id, item);
    elements.requestList.append(item);
    elements.requestsEmpty.hidden = true;
  }

  // -- 1:1 conversations --------------------------------------------------------------------

  function addMessage(chat, message) {
    if (chat.messages.has(message.id)) {
      return;
    }
    const item = fromTemplate(root, "message");
    slot(item, "name").textContent = message.user.name;
    slot(item, "text").textContent = message.text;
    chat.messages.set(message.id, item);
    slot(chat.element, "messages").append(item);
  }

  function openChat(topic, other) {
    if (state.chats.has(topic)) {
      return;
    }
    const element = fromTemplate(root, "chat");
    const inputId = `booth-chat-${topic.replace(":", "-")}`;
    slot(element, "with").textContent = other ? other.name : "";
    slot(element, "label").htmlFor = inputId;
    slot(element, "text").id = inputId;
    const chat = { element, messages: new Map() };
    state.chats.set(topic, chat);
    elements.chats.append(element);

    slot(element, "form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const input = slot(element, "text");
      const text = input.value.trim();
      if (!text) {
        return;
      }
      input.value = "";
      showError(null);
      try {
        const reply = await live.send("chat.send", { topic, text, client_id: newClientId() });
        if (reply && reply.message && typeof reply.message === "object") {
          addMessage(chat, reply.message);
        }
      } catch (error) {
        input.value = text;
        showError(error);
      }
    });

    live.subscribe(topic, {
      onSnapshot(snapshot) {
        if (snapshot.with) {
          slot(element, "with").textContent = snapshot.with.name;
        }
        // The history is not news.
        silently(() => {
          for (const message of snapshot.chat || []) {
            addMessage(chat, message);
          }
        });
      },
      onPush(push) {
        if (push.type === "chat.message") {
          if (push.data.user.id !== me && !chat.messages.has(push.data.id)) {
            announce(`${push.data.user.name}: ${push.data.text}`);
          }
          addMessage(chat, push.data);
        }
      },
      onError: showError,
    });
  }

  function applyUserPush(push) {
    if (push.type === "booth.contact" && push.data.booth === boothId && state.staff) {
      addRequest(push.data);
      const item = state.requests.get(push.data.id);
      if (item) {
        const heading = root.querySelector("[data-booth-requests] h3, [data-booth-requests] h2");
        const parts = [heading?.textContent, slot(item, "name").textContent, slot(item, "message").textContent];
        announce(parts.filter(Boolean).join(": "));
      }
    } else if (push.type === "conversation.opened" && push.data.booth.id === boothId) {
      elements.contactSent.hidden = true;
      openChat(push.data.topic, push.data.with);
    }
  }

  // -- start --------------------------------------------------------------------------------

  const live = pageSocket();
  live.listen({
    onStatus(status) {
      root.dataset.connection = status;
    },
    onHello(hello) {
      me = hello.user ? hello.user.id : null;
    },
    onUnclaimedPush(push) {
      if (push.topic && push.topic.startsWith("user:")) {
        applyUserPush(push);
      }
    },
    onClosedForGood(status) {
      root.dataset.connection = status;
      clearInterval(state.staffTimer);
      elements.contactForm.hidden = true;
    },
  });

  live.subscribe(boothTopic, {
    onSnapshot: applyBoothSnapshot,
    onPush() {},
    onError(error) {
      elements.connecting.hidden = true;
      showError(error);
    },
  });

  live.listen({
    beforeStop() {
      if (state.staff && live.ready) {
        markOnline(false);
      }
    },
  });

  // For the browser tests and for debugging in the console.
  window.treffpunktBooth = { client: live };

  keepFocus(root);
  live.connect();
}
