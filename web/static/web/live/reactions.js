// Reactions of the live session page: the buttons the snapshot names, and `reaction.burst`
// counts floating up for a moment.

import { showError } from "../lib/dom.js";

const BURSTS_SHOWN = 12;
const ERROR_SHOWN_MS = 4000;
// A sent reaction shows as pressed for as long as its burst floats.
const PRESSED_MS = 3000;

// `page`: the session page's shared parts (live.js): elements, topic, request().
export function createReactions(page) {
  const { elements } = page;
  let shown = [];
  let errorTimer = null;
  let pressedTimer = null;

  function render(reactions) {
    if (reactions.join() === shown.join()) {
      return;
    }
    shown = reactions;
    elements.reactions.replaceChildren(
      ...reactions.map((emoji) => {
        // The emoji is shown; the name is said (an emoji has no reliable spoken name), and
        // aria-pressed says which reaction the user has just sent.
        const button = document.createElement("button");
        button.type = "button";
        button.className = "reaction";
        button.setAttribute("aria-pressed", "false");
        const symbol = document.createElement("span");
        symbol.setAttribute("aria-hidden", "true");
        symbol.textContent = emoji;
        const name = document.createElement("span");
        name.className = "visually-hidden";
        name.textContent = nameOf(emoji);
        button.title = nameOf(emoji);
        button.append(symbol, name);
        button.addEventListener("click", () => react(emoji, button));
        return button;
      }),
    );
  }

  function nameOf(emoji) {
    for (const template of page.root.querySelectorAll("template[data-reaction-name]")) {
      if (template.dataset.reactionName === emoji) {
        return template.content.textContent.trim();
      }
    }
    return emoji;
  }

  async function react(emoji, button) {
    try {
      await page.request("reaction.send", { topic: page.topic, emoji });
      for (const other of elements.reactions.querySelectorAll("button")) {
        other.setAttribute("aria-pressed", String(other === button));
      }
      clearTimeout(pressedTimer);
      pressedTimer = setTimeout(() => button.setAttribute("aria-pressed", "false"), PRESSED_MS);
    } catch (error) {
      showError(elements.reactionError, error);
      clearTimeout(errorTimer);
      errorTimer = setTimeout(() => showError(elements.reactionError, null), ERROR_SHOWN_MS);
    }
  }

  function burst(counts) {
    for (const [emoji, count] of Object.entries(counts)) {
      if (elements.bursts.childElementCount >= BURSTS_SHOWN) {
        elements.bursts.firstElementChild.remove();
      }
      const item = document.createElement("span");
      item.className = "reaction-burst";
      item.textContent = count > 1 ? `${emoji} ×${count}` : emoji;
      item.style.left = `${5 + Math.random() * 75}%`;
      elements.bursts.append(item);
      setTimeout(() => item.remove(), 2600);
    }
  }

  // Reaction buttons follow the same rule as every other write.
  function setBlocked(blocked) {
    for (const button of elements.reactions.querySelectorAll("button")) {
      button.disabled = blocked;
    }
  }

  return { render, burst, setBlocked };
}
