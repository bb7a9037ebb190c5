// The chat of the live session page: the last messages of the snapshot, then `chat.message`
// pushes in seq order; `chat.deleted` removes one. Authors and moderators get a delete button.

import { fromTemplate, showError, slot } from "../lib/dom.js";

const CHAT_KEPT = 200;

function isNearBottom(list) {
  return list.scrollHeight - list.scrollTop - list.clientHeight < 48;
}

// `page`: the session page's shared parts (live.js): root, elements, state, formats, request().
export function createChat(page) {
  const { elements, state } = page;
  const items = new Map();

  function updateItem(item) {
    const own = state.userId !== null && Number(item.dataset.user) === state.userId;
    slot(item, "delete").hidden = !(own || state.moderator) || state.closedForGood !== null;
    // Moderators mute others in this session; organizers also exclude them from the event.
    const mute = item.querySelector('[data-action="mute-author"]');
    const ban = item.querySelector('[data-action="ban-author"]');
    if (mute) {
      mute.hidden = own || !state.moderator || state.closedForGood !== null;
    }
    if (ban) {
      ban.hidden = own || !state.moderator || !page.root.dataset.organizer || state.closedForGood !== null;
    }
  }

  function add(message) {
    if (items.has(message.id)) {
      return;
    }
    const item = fromTemplate(page.root, "chat-message");
    item.dataset.id = message.id;
    item.dataset.user = message.user.id;
    slot(item, "author").textContent = message.user.name;
    const time = slot(item, "time");
    time.dateTime = message.created_at;
    time.textContent = page.formats.time.format(new Date(message.created_at));
    slot(item, "text").textContent = message.text;
    const remove = item.querySelector('[data-action="delete-message"]');
    remove.dataset.slot = "delete";
    remove.addEventListener("click", () => deleteMessage(message.id, remove));
    item
      .querySelector('[data-action="mute-author"]')
      ?.addEventListener("click", (event) =>
        moderate("moderation.mute", { topic: page.root.dataset.topic, user: message.user.id, minutes: 15 }, event.currentTarget),
      );
    item
      .querySelector('[data-action="ban-author"]')
      ?.addEventListener("click", (event) =>
        moderate("moderation.ban", { event: page.root.dataset.event, user: message.user.id }, event.currentTarget),
      );
    updateItem(item);

    const list = elements.chatList;
    const stick = isNearBottom(list);
    // Pushes arrive in order; only a reply to one's own send can overtake its push.
    let before = null;
    for (let other = list.lastElementChild; other; other = other.previousElementSibling) {
      if (Number(other.dataset.id) < message.id) {
        break;
      }
      before = other;
    }
    list.insertBefore(item, before);
    items.set(message.id, item);
    while (items.size > CHAT_KEPT) {
      removeMessage(Number(list.firstElementChild.dataset.id));
    }
    elements.chatEmpty.hidden = true;
    if (stick) {
      list.scrollTop = list.scrollHeight;
    }
  }

  function removeMessage(id) {
    const item = items.get(id);
    if (item) {
      item.remove();
      items.delete(id);
    }
    elements.chatEmpty.hidden = items.size > 0;
  }

  function rebuild(messages) {
    const list = elements.chatList;
    // The history is not news: keep the live region quiet while it is filled.
    list.setAttribute("aria-live", "off");
    list.replaceChildren();
    items.clear();
    for (const message of messages) {
      add(message);
    }
    elements.chatEmpty.hidden = items.size > 0;
    list.scrollTop = list.scrollHeight;
    setTimeout(() => list.setAttribute("aria-live", "polite"), 500);
  }

  async function deleteMessage(id, button) {
    const error = elements.chatForm.querySelector("[data-form-error]");
    button.disabled = true;
    try {
      await page.request("chat.delete", { message: id });
      removeMessage(id);
      showError(error, null);
    } catch (failure) {
      showError(error, failure);
      button.disabled = false;
    }
  }

  async function moderate(type, data, button) {
    const error = elements.chatForm.querySelector("[data-form-error]");
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      return;
    }
    button.disabled = true;
    try {
      await page.request(type, data);
      showError(error, null);
      const done = button.parentElement.querySelector(`[data-done="${button.dataset.action}"]`);
      if (done) {
        done.hidden = false;
      }
    } catch (failure) {
      showError(error, failure);
      button.disabled = false;
    }
  }

  // Who may delete changes with the snapshot, moderation and the connection.
  function refresh() {
    for (const item of items.values()) {
      updateItem(item);
    }
  }

  return { add, remove: removeMessage, rebuild, refresh };
}
