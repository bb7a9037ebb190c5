// The live part of the session page: one websocket to the realtime gateway (docs/realtime.md) for
// chat, questions, polls, reactions (live/*.js), the viewer count and the session's state.
//
// Every label is rendered by the server in web/_live.html; the modules only fill in data and
// switch between the prepared texts. Without them, the page shows the stream and says so.

import { announce, announcement, isChatMuted, setChatMuted, silently } from "./lib/announce.js";
import { showError } from "./lib/dom.js";
import { keepFocus } from "./lib/focus.js";
import { eventFormats } from "./lib/format.js";
import { interpolate, ngettext } from "./lib/i18n.js";
import { newClientId, pageSocket } from "./lib/socket.js";
import { createCaptions } from "./live/captions.js";
import { createChat } from "./live/chat.js";
import { createPolls } from "./live/polls.js";
import { createQuestions } from "./live/questions.js";
import { createReactions } from "./live/reactions.js";

const CHAT_WINDOW = 15 * 60 * 1000;

const root = document.querySelector("[data-live]");
if (root && "WebSocket" in window) {
  start(root);
}

function start(root) {
  const sessionId = Number(root.dataset.session);
  const topic = root.dataset.topic;
  const eventTopic = root.dataset.eventTopic;
  const timeZone = root.dataset.timezone || undefined;

  const find = (selector) => root.querySelector(selector);
  const elements = {
    state: find("[data-live-state]"),
    viewers: find("[data-live-viewers]"),
    connection: find("[data-live-connection]"),
    notice: find("[data-live-notice]"),
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
  };
  let unmuteTimer = null;

  // 24-hour times in the event's time zone, as the server renders them.
  const formats = eventFormats(timeZone);

  // What the chat, questions, polls and reactions modules share with this page.
  const page = {
    root,
    topic,
    elements,
    state,
    formats,
    writeBlocker,
    request: (type, data) => live.request(type, data),
  };
  const chat = createChat(page);
  const questions = createQuestions(page);
  const polls = createPolls(page);
  const reactions = createReactions(page);
  const captions = createCaptions(page);
  const say = (name, values = {}, options = {}) => announce(announcement(root, name, values), options);

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
    let label = "";
    for (const text of elements.state.querySelectorAll("[data-state]")) {
      text.hidden = text.dataset.state !== value;
      if (!text.hidden) {
        label = text.textContent;
      }
    }
    return label;
  }

  function announceState(value) {
    if (state.session && state.session.state !== value) {
      say("state", { state: showSessionState(value) }, { key: "state" });
    }
  }

  function showViewers(count) {
    if (typeof count !== "number") {
      return;
    }
    elements.viewers.textContent = interpolate(
      ngettext("%(count)s viewer", "%(count)s viewers", count),
      { count },
    );
    elements.viewers.hidden = false;
    // The count changes often: say only the newest, at most twice a minute.
    announce(elements.viewers.textContent, { key: "viewers", every: 30_000 });
  }

  function showNotice(kind, values = {}) {
    const template = find(`template[data-notice="${kind}"]`);
    if (!template) {
      return;
    }
    const content = template.content.cloneNode(true);
    for (const name of ["when", "room", "note"]) {
      const slot = content.querySelector(`[data-slot="${name}"]`);
      if (slot) {
        slot.textContent = values[name] || "";
        const part = slot.closest("[data-if]");
        if (part) {
          part.hidden = !values[name];
        }
      }
    }
    const reload = content.querySelector('[data-slot="reload"]');
    if (reload) {
      reload.href = window.location.pathname;
    }
    elements.notice.replaceChildren(content);
    elements.notice.hidden = false;
    elements.notice.dataset.kind = kind;
    announce(elements.notice.textContent.replace(/\s+/g, " "), { key: "notice" });
  }

  function hideNotice(kind) {
    if (elements.notice.dataset.kind === kind) {
      elements.notice.replaceChildren();
      elements.notice.hidden = true;
      delete elements.notice.dataset.kind;
    }
  }

  // The organizers changed the stream of the room this session is in: the player (stage.js)
  // switches to it. A session moved to another room gets its new room's stream the same way,
  // pushed right after the move.
  function applyStreamChange(data) {
    const stage = document.querySelector("[data-stage]");
    if (!stage || !state.session || data.room !== state.session.room) {
      return;
    }
    stage.dispatchEvent(new CustomEvent("treffpunkt:stream", { detail: data.stream }));
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
    const chatBlocked = chatBlocker();
    setFormBlocked(elements.chatForm, write !== null || chatBlocked !== null);
    showHint("chat", write === null ? chatBlocked : null);
    const askBlocked = askBlocker();
    setFormBlocked(elements.askForm, write !== null || askBlocked !== null);
    showHint("ask", write === null && askBlocked !== chatBlocked ? askBlocked : null);
    reactions.setBlocked(write !== null);
    elements.pollCreate.hidden = !state.moderator || state.closedForGood !== null;
    chat.refresh();
    questions.render();
    polls.render();
  }

  // -- snapshot and pushes ------------------------------------------------------------------

  // A snapshot restores what is there; nothing in it is news to be read out.
  function applySnapshot(snapshot, options) {
    silently(() => restoreSnapshot(snapshot, options));
  }

  function restoreSnapshot(snapshot, { resumed }) {
    state.session = snapshot.session;
    state.chatOpen = snapshot.chat_open;
    state.moderator = snapshot.moderator;
    state.mayTakePart = snapshot.may_take_part;
    showSessionState(snapshot.session.state);
    showViewers(snapshot.viewers);
    if (!resumed) {
      chat.rebuild(snapshot.chat);
    }
    questions.reset(snapshot.questions);
    polls.reset(snapshot.polls);
    state.muted = Boolean(snapshot.muted);
    reactions.render(snapshot.reactions);
    captions.start();
    elements.panels.hidden = false;
    elements.nojs.hidden = true;
    updateForms();
  }

  function applySessionPush(push) {
    const data = push.data;
    switch (push.type) {
      case "chat.message":
        if (data.user.id !== state.userId && !chat.has(data.id)) {
          say("chat", { author: data.user.name, text: data.text }, { kind: "chat" });
        }
        chat.add(data);
        break;
      case "chat.deleted":
        chat.remove(data.id);
        break;
      case "question.new":
        if (data.user.id !== state.userId && !questions.has(data.id)) {
          say("question", { text: data.text, author: data.user.name });
        }
        questions.upsert(data);
        break;
      case "question.updated":
        questions.upsert(data);
        break;
      case "poll.opened":
        polls.upsert(data);
        say("poll-opened", { question: data.question });
        break;
      case "poll.closed":
      case "poll.results":
        polls.upsert(data);
        if (polls.showsResults(data.id)) {
          // Results of a busy poll change with every vote: the newest, every 10 s at most.
          say(
            "poll-results",
            { question: data.question, results: polls.resultsText(data) },
            { key: `poll-${data.id}`, every: 10_000 },
          );
        }
        break;
      case "captions.cue":
        captions.add(data);
        break;
      case "reaction.burst":
        reactions.burst(data.counts);
        break;
      case "presence":
        showViewers(data.viewers);
        break;
      case "session.state":
        if (state.session && data.session === sessionId) {
          announceState(data.state);
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
      announceState(data.session.state);
      state.session = {
        ...state.session,
        start: data.session.start,
        end: data.session.end,
        state: data.session.state,
        room: data.session.room,
      };
      showSessionState(data.session.state);
      state.chatOpen = computeChatOpen();
      updateForms();
    }
    showHeader(data.session);
    // A cancellation through the state endpoint arrives as action "state"; the latest change
    // decides the notice, so "moved" and then "cancelled" ends on "cancelled".
    if (data.action === "cancelled" || (data.action === "state" && data.session.state === "cancelled")) {
      showNotice("cancelled", { note: data.session.cancellation_note });
    } else if (data.action === "state") {
      // Scheduled again: the cancellation is no longer news.
      hideNotice("cancelled");
    } else if (data.action === "moved") {
      const start = new Date(data.session.start);
      const end = new Date(data.session.end);
      showNotice("moved", {
        when: `${formats.day.format(start)}–${formats.time.format(end)}`,
        room: data.session.room_name || "",
      });
    } else if (data.action === "deleted") {
      showNotice("deleted");
    } else if (data.action === "changed") {
      showNotice("changed");
    }
  }

  // The page header (outside the live part) shows the new day, time, room and state in place.
  function showHeader(session) {
    const header = document.querySelector("[data-session-header]");
    if (!header) {
      return;
    }
    const start = new Date(session.start);
    const end = new Date(session.end);
    const slots = {
      day: formats.date.format(start),
      start: formats.time.format(start),
      end: formats.time.format(end),
      room: session.room_name || header.querySelector('[data-slot="room"]').dataset.none,
    };
    for (const [name, value] of Object.entries(slots)) {
      const element = header.querySelector(`[data-slot="${name}"]`);
      if (element) {
        element.textContent = value;
      }
    }
    header.querySelector('[data-slot="start"]').setAttribute("datetime", session.start);
    header.querySelector('[data-slot="end"]').setAttribute("datetime", session.end);
    for (const badge of header.querySelectorAll("[data-header-state]")) {
      badge.hidden = badge.dataset.headerState !== session.state;
    }
    const cancellation = header.querySelector("[data-header-cancellation]");
    if (cancellation) {
      cancellation.hidden = session.state !== "cancelled";
      const note = cancellation.querySelector('[data-slot="cancellation_note"]');
      note.textContent = session.cancellation_note || "";
      note.hidden = !session.cancellation_note;
    }
    const article = header.closest(".session-detail");
    article.className = article.className.replace(/session--\w+/, `session--${session.state}`);
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
      // Sent from the field or its button: the field takes the focus back for the next one, however
      // fast the reply (the browser's own blur of a disabled button comes a frame later, or never).
      const focusWasHere = form.contains(document.activeElement);
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
        const active = document.activeElement;
        if (focusWasHere && (!active || active === document.body || form.contains(active))) {
          field.focus();
        }
      }
    });
  }

  handleTextForm(elements.chatForm, "chat.send", (reply) => chat.add(reply.message));
  handleTextForm(elements.askForm, "question.ask", (reply) => {
    questions.upsert(reply.question);
    say("question-sent");
  });
  polls.handleCreateForm(elements.pollCreateForm, setFormBusy);
  polls.onVoted(() => say("vote-counted"));
  captions.handleForm(setFormBusy);

  // Chat announcements can be switched off (kept in this browser).
  const chatAnnounce = find("[data-chat-announce]");
  chatAnnounce.checked = !isChatMuted();
  chatAnnounce.addEventListener("change", () => setChatMuted(!chatAnnounce.checked));
  keepFocus(root);

  // -- start --------------------------------------------------------------------------------

  const live = pageSocket();
  live.listen({
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
    onPush(push) {
      if (push.type === "room.stream_changed") {
        applyStreamChange(push.data);
      } else {
        applyProgrammeChange(push);
      }
    },
    onError() {},
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
}
