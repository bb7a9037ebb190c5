// Reactions of the live session page: the buttons the snapshot names, and `reaction.burst`
// counts floating up for a moment.

import { showError } from "../lib/dom.js";

const BURSTS_SHOWN = 12;
const ERROR_SHOWN_MS = 4000;

// `page`: the session page's shared parts (live.js): elements, topic, request().
export function createReactions(page) {
  const { elements } = page;
  let shown = [];
  let errorTimer = null;

  function render(reactions) {
    if (reactions.join() === shown.join()) {
      return;
    }
    shown = reactions;
    elements.reactions.replaceChildren(
      ...reactions.map((emoji) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "reaction";
        button.textContent = emoji;
        button.addEventListener("click", () => react(emoji));
        return button;
      }),
    );
  }

  async function react(emoji) {
    try {
      await page.request("reaction.send", { topic: page.topic, emoji });
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
