// Polls of the live session page: open ones with radio buttons until the user voted, results as
// bars afterwards and once closed; moderators see drafts, open and close polls.

import { fromTemplate, showError, slot } from "../lib/dom.js";
import { votesText } from "./questions.js";

// Open polls first, then drafts, then closed ones; newest first within each.
const POLL_ORDER = { open: 0, draft: 1, closed: 2 };

// `page`: the session page's shared parts (live.js): root, elements, state, formats,
// writeBlocker(), request().
export function createPolls(page) {
  const { elements, state } = page;
  let polls = new Map();
  let voted = new Set();
  const items = new Map();
  let votedListener = () => {};

  // Polls carry counts that are pushed without seq: the snapshot replaces them all.
  function reset(snapshotPolls) {
    polls = new Map(snapshotPolls.map((poll) => [poll.id, poll]));
    voted = new Set(snapshotPolls.filter((poll) => poll.voted).map((poll) => poll.id));
  }

  function upsert(poll) {
    if (poll.state === "draft" && !state.moderator) {
      polls.delete(poll.id);
    } else {
      polls.set(poll.id, poll);
    }
    render();
  }

  function itemFor(poll) {
    let item = items.get(poll.id);
    if (item) {
      return item;
    }
    item = fromTemplate(page.root, "poll");
    item.dataset.id = poll.id;
    const id = poll.id;
    slot(item, "vote-form").addEventListener("submit", (event) => {
      event.preventDefault();
      vote(id, event.currentTarget);
    });
    item.querySelector('[data-action="poll-open"]').addEventListener("click", (event) =>
      change("poll.open", id, event.currentTarget),
    );
    item.querySelector('[data-action="poll-close"]').addEventListener("click", (event) =>
      change("poll.close", id, event.currentTarget),
    );
    items.set(poll.id, item);
    return item;
  }

  function fillOptions(item, poll) {
    const container = slot(item, "options");
    const ids = poll.options.map((option) => String(option.id)).join(",");
    if (container.dataset.options === ids) {
      return;
    }
    container.dataset.options = ids;
    container.replaceChildren(
      ...poll.options.map((option) => {
        const label = document.createElement("label");
        label.className = "poll__option";
        const input = document.createElement("input");
        input.type = "radio";
        input.name = `poll-${poll.id}`;
        input.value = option.id;
        input.required = true;
        label.append(input, " ", option.text);
        return label;
      }),
    );
  }

  function fillResults(item, poll) {
    const results = slot(item, "results");
    results.replaceChildren(
      ...poll.options.map((option) => {
        const share = poll.total ? option.votes / poll.total : 0;
        const row = document.createElement("li");
        row.className = "poll-result";
        const label = document.createElement("span");
        label.className = "poll-result__label";
        label.textContent = option.text;
        const count = document.createElement("span");
        count.className = "poll-result__count";
        count.textContent = `${votesText(option.votes)} · ${page.formats.percent.format(share)}`;
        const bar = document.createElement("span");
        bar.className = "poll-result__bar";
        bar.setAttribute("aria-hidden", "true");
        const fill = document.createElement("span");
        fill.className = "poll-result__fill";
        fill.style.width = `${Math.round(share * 100)}%`;
        bar.append(fill);
        row.append(label, count, bar);
        return row;
      }),
    );
  }

  function fill(item, poll) {
    slot(item, "question").textContent = poll.question;
    slot(item, "legend").textContent = poll.question;
    for (const badge of item.querySelectorAll("[data-poll-state]")) {
      badge.hidden = badge.dataset.pollState !== poll.state;
    }
    slot(item, "total").textContent = poll.state === "draft" ? "" : votesText(poll.total);
    const mayVote = poll.state === "open" && page.writeBlocker() === null && !voted.has(poll.id);
    const form = slot(item, "vote-form");
    form.hidden = !mayVote;
    if (mayVote) {
      fillOptions(item, poll);
    }
    const results = slot(item, "results");
    results.hidden = mayVote && !state.moderator;
    if (!results.hidden) {
      fillResults(item, poll);
    }
    const moderating = state.moderator && state.closedForGood === null;
    item.querySelector('[data-action="poll-open"]').hidden = !moderating || poll.state !== "draft";
    item.querySelector('[data-action="poll-close"]').hidden = !moderating || poll.state !== "open";
    item.classList.toggle("poll--draft", poll.state === "draft");
    item.classList.toggle("poll--closed", poll.state === "closed");
  }

  function render() {
    const sorted = Array.from(polls.values()).sort(
      (a, b) => POLL_ORDER[a.state] - POLL_ORDER[b.state] || b.id - a.id,
    );
    const list = elements.pollList;
    sorted.forEach((poll, index) => {
      const item = itemFor(poll);
      fill(item, poll);
      if (list.children[index] !== item) {
        list.insertBefore(item, list.children[index] || null);
      }
    });
    for (const [id, item] of items) {
      if (!polls.has(id)) {
        item.remove();
        items.delete(id);
      }
    }
    elements.pollEmpty.hidden = sorted.length > 0;
  }

  async function vote(id, form) {
    const item = items.get(id);
    const choice = form.querySelector("input:checked");
    if (!choice) {
      form.querySelector("input").focus();
      return;
    }
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      await page.request("poll.vote", { poll: id, option: Number(choice.value) });
      voted.add(id);
      showError(slot(item, "error"), null);
      votedListener(id);
    } catch (error) {
      if (error.code === "already_voted") {
        voted.add(id);
      }
      showError(slot(item, "error"), error);
    } finally {
      button.disabled = false;
      render();
    }
  }

  async function change(type, id, button) {
    const item = items.get(id);
    button.disabled = true;
    try {
      const reply = await page.request(type, { poll: id });
      showError(slot(item, "error"), null);
      upsert(reply.poll);
    } catch (error) {
      showError(slot(item, "error"), error);
    } finally {
      button.disabled = false;
    }
  }

  // The moderator's form: a question and one answer per line.
  function handleCreateForm(form, setBusy) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = form.querySelector("[data-form-error]");
      const options = form.elements.options.value
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean);
      setBusy(form, true);
      try {
        const reply = await page.request("poll.create", {
          topic: page.topic,
          question: form.elements.question.value.trim(),
          options,
        });
        upsert(reply.poll);
        form.reset();
        showError(error, null);
      } catch (failure) {
        showError(error, failure);
      } finally {
        setBusy(form, false);
      }
    });
  }

  // Whether the user sees the results of this poll (voted, closed, or moderating).
  function showsResults(id) {
    const poll = polls.get(id);
    if (!poll || poll.state === "draft") {
      return false;
    }
    return poll.state === "closed" || voted.has(id) || state.moderator;
  }

  // "Ja: 2 Stimmen · 67 %, Nein: 1 Stimme · 33 %", as the bars say it.
  function resultsText(poll) {
    return poll.options
      .map((option) => {
        const share = poll.total ? option.votes / poll.total : 0;
        return `${option.text}: ${votesText(option.votes)} · ${page.formats.percent.format(share)}`;
      })
      .join(", ");
  }

  return {
    reset,
    upsert,
    render,
    handleCreateForm,
    showsResults,
    resultsText,
    onVoted: (listener) => {
      votedListener = listener;
    },
  };
}
