// The live part of the session page: one websocket to the realtime gateway (docs/realtime.md) for
// chat, questions, polls, reactions, the viewer count and the session's state.
//
// Every label is rendered by the server in web/_live.html; this script only fills in data and
// switches between the prepared texts. Without it, the page shows the stream and says so.
"use strict";

(() => {
  const root = document.querySelector("[data-live]");
  if (!root || !("WebSocket" in window)) {
    return;
  }

  const gettext = window.gettext || ((text) => text);
  const ngettext =
    window.ngettext || ((singular, plural, count) => (count === 1 ? singular : plural));
  const interpolate =
    window.interpolate ||
    ((format, values) => format.replace(/%\((\w+)\)s/g, (_match, name) => String(values[name])));

  const CHAT_KEPT = 200;
  const CHAT_WINDOW = 15 * 60 * 1000;

  const { LiveSocket, gatewayUrl, newClientId } = window.treffpunktSocket;

  // -- the page -----------------------------------------------------------------------------

  const sessionId = Number(root.dataset.session);
  const topic = root.dataset.topic;
  const eventTopic = root.dataset.eventTopic;
  const timeZone = root.dataset.timezone || undefined;
  const language = document.documentElement.lang || "de";

  const find = (selector) => root.querySelector(selector);
  const elements = {
    state: find("[data-live-state]"),
    viewers: find("[data-live-viewers]"),
    connection: find("[data-live-connection]"),
    notice: find("[data-live-notice]"),
    video: find("[data-live-video]"),
    streamLink: find("[data-live-stream-link]"),
    nojs: find("[data-live-nojs]"),
    panels: find("[data-live-panels]"),
    reactions: find("[data-reactions]"),
    bursts: find("[data-reaction-bursts]"),
    reactionError: find("[data-reaction-error]"),
    chatList: find("[data-chat-list]"),
    chatEmpty: find("[data-chat-empty]"),
    chatForm: find("[data-chat-form]"),
    askForm: find("[data-ask-form]"),
    questionList: find("[data-question-list]"),
    questionEmpty: find("[data-question-empty]"),
    pollList: find("[data-poll-list]"),
    pollEmpty: find("[data-poll-empty]"),
    pollCreate: find("[data-poll-create]"),
    pollCreateForm: find("[data-poll-create-form]"),
    hints: {
      write: find('[data-hint="write"]'),
      chat: find('[data-hint="chat"]'),
      ask: find('[data-hint="ask"]'),
    },
  };

  const state = {
    userId: root.dataset.user ? Number(root.dataset.user) : null,
    clockOffset: 0,
    session: null,
    chatOpen: false,
    moderator: false,
    mayTakePart: false,
    muted: false,
    banned: false,
    closedForGood: null,
    reactions: [],
    questions: new Map(),
    voted: new Set(),
    polls: new Map(),
    votedPolls: new Set(),
  };
  const chatItems = new Map();
  const questionItems = new Map();
  const pollItems = new Map();
  let unmuteTimer = null;

  // 24-hour times in the event's time zone, as the server renders them.
  const timeFormat = new Intl.DateTimeFormat(language, {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone,
  });
  const dayFormat = new Intl.DateTimeFormat(language, {
    weekday: "long",
    day: "numeric",
    month: "long",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone,
  });
  const percentFormat = new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 0 });

  function fromTemplate(name) {
    return find(`template[data-template="${name}"]`).content.firstElementChild.cloneNode(true);
  }

  function slot(element, name) {
    return element.querySelector(`[data-slot="${name}"]`);
  }

  function votesText(count) {
    return interpolate(ngettext("%(count)s vote", "%(count)s votes", count), { count }, true);
  }

  function errorText(error) {
    if (error.code === "invalid" && error.fields) {
      const first = Object.values(error.fields)[0];
      if (first && first.length) {
        return first[0];
      }
    }
    return error.message;
  }

  function showError(element, error) {
    if (!element) {
      return;
    }
    element.textContent = error ? errorText(error) : "";
    element.hidden = !error;
  }


  // -- status line --------------------------------------------------------------------------

  function showConnection(status) {
    elements.connection.hidden = false;
    elements.connection.dataset.state = status;
    for (const text of elements.connection.querySelectorAll("[data-when]")) {
      text.hidden = text.dataset.when !== status;
    }
  }

  function showSessionState(value) {
    elements.state.className = `badge live__state live__state--${value}`;
    for (const text of elements.state.querySelectorAll("[data-state]")) {
      text.hidden = text.dataset.state !== value;
    }
  }

  function showViewers(count) {
    if (typeof count !== "number") {
      return;
    }
    elements.viewers.textContent = interpolate(
      ngettext("%(count)s viewer", "%(count)s viewers", count),
      { count },
      true,
    );
    elements.viewers.hidden = false;
  }

  function showNotice(kind, values = {}) {
    const template = find(`template[data-notice="${kind}"]`);
    if (!template) {
      return;
    }
    const content = template.content.cloneNode(true);
    const when = content.querySelector('[data-slot="when"]');
    if (when) {
      when.textContent = values.when || "";
    }
    const reload = content.querySelector('[data-slot="reload"]');
    if (reload) {
      reload.href = window.location.pathname;
    }
    elements.notice.replaceChildren(content);
    elements.notice.hidden = false;
  }

  function showStream(url) {
    if (url && elements.video && elements.video.getAttribute("src") !== url) {
      elements.video.src = url;
      elements.streamLink.href = url;
    }
  }

  // -- who may write ------------------------------------------------------------------------

  function writeBlocker() {
    if (state.closedForGood) {
      return "disconnected";
    }
    if (state.userId === null) {
      return "login";
    }
    if (state.banned) {
      return "banned";
    }
    if (!state.mayTakePart) {
      return "register";
    }
    if (state.muted) {
      return "muted";
    }
    return null;
  }

  function isCancelled() {
    return state.session !== null && state.session.state === "cancelled";
  }

  function chatBlocker() {
    return isCancelled() ? "cancelled" : state.chatOpen ? null : "chat-closed";
  }

  function askBlocker() {
    return isCancelled() ? "cancelled" : null;
  }

  // The same rule as congress.live_services.chat_is_open, on the server's clock.
  function computeChatOpen() {
    const session = state.session;
    if (session === null) {
      return false;
    }
    if (session.state === "live") {
      return true;
    }
    if (session.state === "cancelled") {
      return false;
    }
    const now = Date.now() + state.clockOffset;
    return Date.parse(session.start) - CHAT_WINDOW <= now && now <= Date.parse(session.end) + CHAT_WINDOW;
  }

  function showHint(name, reason) {
    const hint = elements.hints[name];
    const template = reason && find(`template[data-reason="${reason}"]`);
    if (template) {
      hint.replaceChildren(template.content.cloneNode(true));
    } else {
      hint.replaceChildren();
    }
  }

  function setFormBlocked(form, blocked) {
    form.dataset.blocked = blocked ? "true" : "false";
    for (const control of form.querySelectorAll("input, textarea")) {
      control.disabled = blocked;
    }
    form.querySelector('button[type="submit"]').disabled = blocked || form.dataset.busy === "true";
  }

  function setFormBusy(form, busy) {
    form.dataset.busy = busy ? "true" : "false";
    form.querySelector('button[type="submit"]').disabled = busy || form.dataset.blocked === "true";
  }

  // The reason that blocks all writing is said once, above the panels; the chat and the
  // question form each say only what blocks them in particular.
  function updateForms() {
    const write = writeBlocker();
    showHint("write", write);
    const chat = chatBlocker();
    setFormBlocked(elements.chatForm, write !== null || chat !== null);
    showHint("chat", write === null ? chat : null);
    const ask = askBlocker();
    setFormBlocked(elements.askForm, write !== null || ask !== null);
    showHint("ask", write === null && ask !== chat ? ask : null);
    const blocked = write !== null;
    for (const button of elements.reactions.querySelectorAll("button")) {
      button.disabled = blocked;
    }
    elements.pollCreate.hidden = !state.moderator || state.closedForGood !== null;
    for (const item of chatItems.values()) {
      updateChatItem(item);
    }
    renderQuestions();
    renderPolls();
  }

  // -- chat ---------------------------------------------------------------------------------

  function isNearBottom(list) {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 48;
  }

  function updateChatItem(item) {
    const own = state.userId !== null && Number(item.dataset.user) === state.userId;
    slot(item, "delete").hidden = !(own || state.moderator) || state.closedForGood !== null;
  }

  function addChatMessage(message) {
    if (chatItems.has(message.id)) {
      return;
    }
    const item = fromTemplate("chat-message");
    item.dataset.id = message.id;
    item.dataset.user = message.user.id;
    slot(item, "author").textContent = message.user.name;
    const time = slot(item, "time");
    time.dateTime = message.created_at;
    time.textContent = timeFormat.format(new Date(message.created_at));
    slot(item, "text").textContent = message.text;
    const remove = item.querySelector('[data-action="delete-message"]');
    remove.dataset.slot = "delete";
    remove.addEventListener("click", () => deleteChatMessage(message.id, remove));
    updateChatItem(item);

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
    chatItems.set(message.id, item);
    while (chatItems.size > CHAT_KEPT) {
      removeChatMessage(Number(list.firstElementChild.dataset.id));
    }
    elements.chatEmpty.hidden = true;
    if (stick) {
      list.scrollTop = list.scrollHeight;
    }
  }

  function removeChatMessage(id) {
    const item = chatItems.get(id);
    if (item) {
      item.remove();
      chatItems.delete(id);
    }
    elements.chatEmpty.hidden = chatItems.size > 0;
  }

  function rebuildChat(messages) {
    const list = elements.chatList;
    // The history is not news: keep the live region quiet while it is filled.
    list.setAttribute("aria-live", "off");
    list.replaceChildren();
    chatItems.clear();
    for (const message of messages) {
      addChatMessage(message);
    }
    elements.chatEmpty.hidden = chatItems.size > 0;
    list.scrollTop = list.scrollHeight;
    setTimeout(() => list.setAttribute("aria-live", "polite"), 500);
  }

  async function deleteChatMessage(id, button) {
    const error = elements.chatForm.querySelector("[data-form-error]");
    button.disabled = true;
    try {
      await live.request("chat.delete", { message: id });
      removeChatMessage(id);
      showError(error, null);
    } catch (failure) {
      showError(error, failure);
      button.disabled = false;
    }
  }

  // -- questions ----------------------------------------------------------------------------

  function upsertQuestion(question) {
    if (question.state === "hidden" && !state.moderator) {
      state.questions.delete(question.id);
    } else {
      state.questions.set(question.id, question);
    }
    renderQuestions();
  }

  function questionItem(question) {
    let item = questionItems.get(question.id);
    if (item) {
      return item;
    }
    item = fromTemplate("question");
    item.dataset.id = question.id;
    const id = question.id;
    item.querySelector('[data-action="upvote"]').addEventListener("click", (event) =>
      upvote(id, event.currentTarget),
    );
    item.querySelector('[data-action="answer"]').addEventListener("click", (event) =>
      moderateQuestion("question.answer", id, event.currentTarget),
    );
    item.querySelector('[data-action="hide"]').addEventListener("click", (event) =>
      moderateQuestion("question.hide", id, event.currentTarget),
    );
    questionItems.set(question.id, item);
    return item;
  }

  function fillQuestion(item, question) {
    const voted = state.voted.has(question.id);
    item.classList.toggle("question--answered", question.state === "answered");
    item.classList.toggle("question--hidden", question.state === "hidden");
    slot(item, "text").textContent = question.text;
    slot(item, "author").textContent = question.user.name;
    slot(item, "votes").textContent = votesText(question.votes);
    slot(item, "answered").hidden = question.state !== "answered";
    slot(item, "hidden").hidden = question.state !== "hidden";
    const upvoteButton = item.querySelector('[data-action="upvote"]');
    slot(upvoteButton, "upvote").hidden = voted;
    slot(upvoteButton, "upvoted").hidden = !voted;
    upvoteButton.disabled = voted || question.state === "hidden" || writeBlocker() !== null;
    const moderating = state.moderator && state.closedForGood === null;
    item.querySelector('[data-action="answer"]').hidden = !moderating || question.state === "answered";
    item.querySelector('[data-action="hide"]').hidden = !moderating || question.state === "hidden";
  }

  function renderQuestions() {
    const sorted = Array.from(state.questions.values()).sort(
      (a, b) => b.votes - a.votes || a.created_at.localeCompare(b.created_at) || a.id - b.id,
    );
    const list = elements.questionList;
    sorted.forEach((question, index) => {
      const item = questionItem(question);
      fillQuestion(item, question);
      if (list.children[index] !== item) {
        list.insertBefore(item, list.children[index] || null);
      }
    });
    for (const [id, item] of questionItems) {
      if (!state.questions.has(id)) {
        item.remove();
        questionItems.delete(id);
      }
    }
    elements.questionEmpty.hidden = sorted.length > 0;
  }

  async function upvote(id, button) {
    const item = questionItems.get(id);
    button.disabled = true;
    try {
      const reply = await live.request("question.upvote", { question: id });
      state.voted.add(id);
      showError(slot(item, "error"), null);
      upsertQuestion(reply.question);
    } catch (error) {
      if (error.code === "already_voted") {
        state.voted.add(id);
        renderQuestions();
        return;
      }
      showError(slot(item, "error"), error);
      renderQuestions();
    }
  }

  async function moderateQuestion(type, id, button) {
    const item = questionItems.get(id);
    button.disabled = true;
    try {
      const reply = await live.request(type, { question: id });
      showError(slot(item, "error"), null);
      upsertQuestion(reply.question);
    } catch (error) {
      showError(slot(item, "error"), error);
    } finally {
      button.disabled = false;
    }
  }

  // -- polls --------------------------------------------------------------------------------

  function rememberPollVote(id) {
    state.votedPolls.add(id);
  }

  function upsertPoll(poll) {
    if (poll.state === "draft" && !state.moderator) {
      state.polls.delete(poll.id);
    } else {
      state.polls.set(poll.id, poll);
    }
    renderPolls();
  }

  function pollItem(poll) {
    let item = pollItems.get(poll.id);
    if (item) {
      return item;
    }
    item = fromTemplate("poll");
    item.dataset.id = poll.id;
    const id = poll.id;
    slot(item, "vote-form").addEventListener("submit", (event) => {
      event.preventDefault();
      votePoll(id, event.currentTarget);
    });
    item.querySelector('[data-action="poll-open"]').addEventListener("click", (event) =>
      changePoll("poll.open", id, event.currentTarget),
    );
    item.querySelector('[data-action="poll-close"]').addEventListener("click", (event) =>
      changePoll("poll.close", id, event.currentTarget),
    );
    pollItems.set(poll.id, item);
    return item;
  }

  function fillPollOptions(item, poll) {
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

  function fillPollResults(item, poll) {
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
        count.textContent = `${votesText(option.votes)} · ${percentFormat.format(share)}`;
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

  function fillPoll(item, poll) {
    slot(item, "question").textContent = poll.question;
    slot(item, "legend").textContent = poll.question;
    for (const badge of item.querySelectorAll("[data-poll-state]")) {
      badge.hidden = badge.dataset.pollState !== poll.state;
    }
    slot(item, "total").textContent = poll.state === "draft" ? "" : votesText(poll.total);
    const mayVote =
      poll.state === "open" && writeBlocker() === null && !state.votedPolls.has(poll.id);
    const form = slot(item, "vote-form");
    form.hidden = !mayVote;
    if (mayVote) {
      fillPollOptions(item, poll);
    }
    const results = slot(item, "results");
    results.hidden = mayVote && !state.moderator;
    if (!results.hidden) {
      fillPollResults(item, poll);
    }
    const moderating = state.moderator && state.closedForGood === null;
    item.querySelector('[data-action="poll-open"]').hidden = !moderating || poll.state !== "draft";
    item.querySelector('[data-action="poll-close"]').hidden = !moderating || poll.state !== "open";
    item.classList.toggle("poll--draft", poll.state === "draft");
    item.classList.toggle("poll--closed", poll.state === "closed");
  }

  // Open polls first, then drafts, then closed ones; newest first within each.
  const POLL_ORDER = { open: 0, draft: 1, closed: 2 };

  function renderPolls() {
    const sorted = Array.from(state.polls.values()).sort(
      (a, b) => POLL_ORDER[a.state] - POLL_ORDER[b.state] || b.id - a.id,
    );
    const list = elements.pollList;
    sorted.forEach((poll, index) => {
      const item = pollItem(poll);
      fillPoll(item, poll);
      if (list.children[index] !== item) {
        list.insertBefore(item, list.children[index] || null);
      }
    });
    for (const [id, item] of pollItems) {
      if (!state.polls.has(id)) {
        item.remove();
        pollItems.delete(id);
      }
    }
    elements.pollEmpty.hidden = sorted.length > 0;
  }

  async function votePoll(id, form) {
    const item = pollItems.get(id);
    const choice = form.querySelector("input:checked");
    if (!choice) {
      form.querySelector("input").focus();
      return;
    }
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      await live.request("poll.vote", { poll: id, option: Number(choice.value) });
      rememberPollVote(id);
      showError(slot(item, "error"), null);
    } catch (error) {
      if (error.code === "already_voted") {
        rememberPollVote(id);
      }
      showError(slot(item, "error"), error);
    } finally {
      button.disabled = false;
      renderPolls();
    }
  }

  async function changePoll(type, id, button) {
    const item = pollItems.get(id);
    button.disabled = true;
    try {
      const reply = await live.request(type, { poll: id });
      showError(slot(item, "error"), null);
      upsertPoll(reply.poll);
    } catch (error) {
      showError(slot(item, "error"), error);
    } finally {
      button.disabled = false;
    }
  }

  // -- reactions ----------------------------------------------------------------------------

  function renderReactions(reactions) {
    if (reactions.join() === state.reactions.join()) {
      return;
    }
    state.reactions = reactions;
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

  let reactionErrorTimer = null;

  async function react(emoji) {
    try {
      await live.request("reaction.send", { topic, emoji });
    } catch (error) {
      showError(elements.reactionError, error);
      clearTimeout(reactionErrorTimer);
      reactionErrorTimer = setTimeout(() => showError(elements.reactionError, null), 4000);
    }
  }

  function showBurst(counts) {
    for (const [emoji, count] of Object.entries(counts)) {
      if (elements.bursts.childElementCount >= 12) {
        elements.bursts.firstElementChild.remove();
      }
      const burst = document.createElement("span");
      burst.className = "reaction-burst";
      burst.textContent = count > 1 ? `${emoji} ×${count}` : emoji;
      burst.style.left = `${5 + Math.random() * 75}%`;
      elements.bursts.append(burst);
      setTimeout(() => burst.remove(), 2600);
    }
  }

  // -- snapshot and pushes ------------------------------------------------------------------

  function applySnapshot(snapshot, { resumed }) {
    state.session = snapshot.session;
    state.chatOpen = snapshot.chat_open;
    state.moderator = snapshot.moderator;
    state.mayTakePart = snapshot.may_take_part;
    showSessionState(snapshot.session.state);
    showViewers(snapshot.viewers);
    showStream(snapshot.session.stream_url);
    if (!resumed) {
      rebuildChat(snapshot.chat);
    }
    // Questions and polls carry counts that are pushed without seq: take them whole.
    state.questions = new Map();
    state.voted = new Set();
    for (const question of snapshot.questions) {
      if (question.voted) {
        state.voted.add(question.id);
      }
      state.questions.set(question.id, question);
    }
    state.polls = new Map(snapshot.polls.map((poll) => [poll.id, poll]));
    state.votedPolls = new Set(snapshot.polls.filter((poll) => poll.voted).map((poll) => poll.id));
    state.muted = Boolean(snapshot.muted);
    renderReactions(snapshot.reactions);
    elements.panels.hidden = false;
    elements.nojs.hidden = true;
    updateForms();
  }

  function applySessionPush(push) {
    const data = push.data;
    switch (push.type) {
      case "chat.message":
        addChatMessage(data);
        break;
      case "chat.deleted":
        removeChatMessage(data.id);
        break;
      case "question.new":
      case "question.updated":
        upsertQuestion(data);
        break;
      case "poll.opened":
      case "poll.closed":
      case "poll.results":
        upsertPoll(data);
        break;
      case "reaction.burst":
        showBurst(data.counts);
        break;
      case "presence":
        showViewers(data.viewers);
        break;
      case "session.state":
        if (state.session && data.session === sessionId) {
          state.session = { ...state.session, state: data.state };
          showSessionState(data.state);
          state.chatOpen = computeChatOpen();
          updateForms();
        }
        break;
      default:
        break;
    }
  }

  function applyProgrammeChange(push) {
    const data = push.data;
    if (push.type !== "programme.changed" || !data.session || data.session.id !== sessionId) {
      return;
    }
    if (state.session) {
      state.session = {
        ...state.session,
        start: data.session.start,
        end: data.session.end,
        state: data.session.state,
      };
      showSessionState(data.session.state);
      state.chatOpen = computeChatOpen();
      updateForms();
    }
    if (data.action === "moved") {
      const start = new Date(data.session.start);
      const end = new Date(data.session.end);
      showNotice("moved", { when: `${dayFormat.format(start)}–${timeFormat.format(end)}` });
    } else if (data.action === "cancelled" || data.action === "deleted") {
      showNotice(data.action);
    } else if (data.action === "changed") {
      showNotice("changed");
    }
  }

  function applyUserPush(push) {
    const data = push.data;
    if (data.session !== sessionId) {
      return;
    }
    clearTimeout(unmuteTimer);
    if (push.type === "moderation.muted") {
      state.muted = true;
      if (data.until) {
        const wait = Date.parse(data.until) - (Date.now() + state.clockOffset);
        unmuteTimer = setTimeout(() => {
          state.muted = false;
          updateForms();
        }, Math.max(wait, 0));
      }
    } else if (push.type === "moderation.unmuted") {
      state.muted = false;
    }
    updateForms();
  }

  function noteRefusal(error) {
    if (error.code === "muted") {
      state.muted = true;
      updateForms();
    } else if (error.code === "banned") {
      state.banned = true;
      updateForms();
    } else if (error.code === "chat.closed") {
      state.chatOpen = false;
      updateForms();
    }
  }

  // -- forms --------------------------------------------------------------------------------

  function handleTextForm(form, type, render) {
    const field = form.elements.text;
    const error = form.querySelector("[data-form-error]");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (form.dataset.busy === "true" || form.dataset.blocked === "true") {
        return;
      }
      const text = field.value;
      setFormBusy(form, true);
      showError(error, null);
      try {
        const reply = await live.send(type, { topic, text, client_id: newClientId() });
        render(reply);
        if (field.value === text) {
          field.value = "";
        }
      } catch (failure) {
        showError(error, failure);
        noteRefusal(failure);
      } finally {
        setFormBusy(form, false);
      }
    });
  }

  handleTextForm(elements.chatForm, "chat.send", (reply) => addChatMessage(reply.message));
  handleTextForm(elements.askForm, "question.ask", (reply) => upsertQuestion(reply.question));

  elements.pollCreateForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = elements.pollCreateForm;
    const error = form.querySelector("[data-form-error]");
    const options = form.elements.options.value
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    setFormBusy(form, true);
    try {
      const reply = await live.request("poll.create", {
        topic,
        question: form.elements.question.value.trim(),
        options,
      });
      upsertPoll(reply.poll);
      form.reset();
      showError(error, null);
    } catch (failure) {
      showError(error, failure);
    } finally {
      setFormBusy(form, false);
    }
  });

  // -- start --------------------------------------------------------------------------------

  const live = new LiveSocket(gatewayUrl(), {
    onStatus: showConnection,
    onHello(hello) {
      state.userId = hello.user ? hello.user.id : null;
      const serverTime = Date.parse(hello.server_time);
      state.clockOffset = Number.isNaN(serverTime) ? 0 : serverTime - Date.now();
    },
    onUnclaimedPush(push) {
      if (push.topic && push.topic.startsWith("user:")) {
        applyUserPush(push);
      }
    },
    onClosedForGood(reason) {
      state.closedForGood = reason;
      showConnection(reason);
      updateForms();
    },
  });

  live.subscribe(topic, {
    onSnapshot: applySnapshot,
    onPush: applySessionPush,
    onError(error) {
      elements.notice.textContent = error.message;
      elements.notice.hidden = false;
    },
  });
  live.subscribe(eventTopic, {
    onSnapshot() {},
    onPush: applyProgrammeChange,
    onError() {},
  });

  window.addEventListener("online", () => live.reconnectNow());
  window.addEventListener("pagehide", () => live.stop());
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      live.resume();
    }
  });
  // The chat opens and closes by the clock, which sends no push.
  setInterval(() => {
    if (state.session && state.closedForGood === null) {
      const open = computeChatOpen();
      if (open !== state.chatOpen) {
        state.chatOpen = open;
        updateForms();
      }
    }
  }, 30_000);

  // For the browser tests and for debugging in the console.
  window.treffpunktLive = {
    client: live,
    get socket() {
      return live.socket;
    },
  };

  live.connect();
})();
