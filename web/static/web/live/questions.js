// Questions of the live session page, sorted by votes: "Unterstützen" once per question, and for
// moderators "answered" and "hide". The snapshot carries them whole; `question.*` pushes update one.

import { fromTemplate, showError, slot } from "../lib/dom.js";
import { interpolate, ngettext } from "../lib/i18n.js";

export function votesText(count) {
  return interpolate(ngettext("%(count)s vote", "%(count)s votes", count), { count });
}

// `page`: the session page's shared parts (live.js): root, elements, state, writeBlocker(), request().
export function createQuestions(page) {
  const { elements, state } = page;
  let questions = new Map();
  let voted = new Set();
  const items = new Map();

  // Questions carry vote counts that are pushed without seq: the snapshot replaces them all.
  function reset(snapshotQuestions) {
    questions = new Map();
    voted = new Set();
    for (const question of snapshotQuestions) {
      if (question.voted) {
        voted.add(question.id);
      }
      questions.set(question.id, question);
    }
  }

  function upsert(question) {
    if (question.state === "hidden" && !state.moderator) {
      questions.delete(question.id);
    } else {
      questions.set(question.id, question);
    }
    render();
  }

  function itemFor(question) {
    let item = items.get(question.id);
    if (item) {
      return item;
    }
    item = fromTemplate(page.root, "question");
    item.dataset.id = question.id;
    const id = question.id;
    item.querySelector('[data-action="upvote"]').addEventListener("click", (event) =>
      upvote(id, event.currentTarget),
    );
    item.querySelector('[data-action="answer"]').addEventListener("click", (event) =>
      moderate("question.answer", id, event.currentTarget),
    );
    item.querySelector('[data-action="hide"]').addEventListener("click", (event) =>
      moderate("question.hide", id, event.currentTarget),
    );
    items.set(question.id, item);
    return item;
  }

  function fill(item, question) {
    const hasVoted = voted.has(question.id);
    item.classList.toggle("question--answered", question.state === "answered");
    item.classList.toggle("question--hidden", question.state === "hidden");
    slot(item, "text").textContent = question.text;
    slot(item, "author").textContent = question.user.name;
    slot(item, "votes").textContent = votesText(question.votes);
    slot(item, "answered").hidden = question.state !== "answered";
    slot(item, "hidden").hidden = question.state !== "hidden";
    const upvoteButton = item.querySelector('[data-action="upvote"]');
    slot(upvoteButton, "upvote").hidden = hasVoted;
    slot(upvoteButton, "upvoted").hidden = !hasVoted;
    upvoteButton.disabled = hasVoted || question.state === "hidden" || page.writeBlocker() !== null;
    const moderating = state.moderator && state.closedForGood === null;
    item.querySelector('[data-action="answer"]').hidden = !moderating || question.state === "answered";
    item.querySelector('[data-action="hide"]').hidden = !moderating || question.state === "hidden";
  }

  function render() {
    const sorted = Array.from(questions.values()).sort(
      (a, b) => b.votes - a.votes || a.created_at.localeCompare(b.created_at) || a.id - b.id,
    );
    const list = elements.questionList;
    sorted.forEach((question, index) => {
      const item = itemFor(question);
      fill(item, question);
      if (list.children[index] !== item) {
        list.insertBefore(item, list.children[index] || null);
      }
    });
    for (const [id, item] of items) {
      if (!questions.has(id)) {
        item.remove();
        items.delete(id);
      }
    }
    elements.questionEmpty.hidden = sorted.length > 0;
  }

  async function upvote(id, button) {
    const item = items.get(id);
    button.disabled = true;
    try {
      const reply = await page.request("question.upvote", { question: id });
      voted.add(id);
      showError(slot(item, "error"), null);
      upsert(reply.question);
    } catch (error) {
      if (error.code === "already_voted") {
        voted.add(id);
        render();
        return;
      }
      showError(slot(item, "error"), error);
      render();
    }
  }

  async function moderate(type, id, button) {
    const item = items.get(id);
    button.disabled = true;
    try {
      const reply = await page.request(type, { question: id });
      showError(slot(item, "error"), null);
      upsert(reply.question);
    } catch (error) {
      showError(slot(item, "error"), error);
    } finally {
      button.disabled = false;
    }
  }

  return { reset, upsert, render, has: (id) => questions.has(id) };
}
