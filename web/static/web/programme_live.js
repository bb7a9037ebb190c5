// The programme page follows `event:<slug>` (docs/realtime.md): a moved session's card gets its
// new time and moves to its new room's column, a state change sets its badge, and a notice says
// what changed, with the new time and room, shown here and said through the page's one announcer
// (lib/announce.js). Without this script the page is the same, unchanging.

import { announce } from "./lib/announce.js";
import { pageSocket } from "./lib/socket.js";

const root = document.querySelector("[data-programme-live]");
if (root && "WebSocket" in window) {
  start(root);
}

function start(root) {
  const language = document.documentElement.lang || "de";
  const timeZone = root.dataset.timezone || undefined;
  const notices = root.querySelector("[data-programme-notices]");
  const formats = {
    time: new Intl.DateTimeFormat(language, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }),
    day: new Intl.DateTimeFormat(language, {
      weekday: "long",
      day: "numeric",
      month: "long",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone,
    }),
    isoDay: new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone }),
  };

  function notice(kind, values) {
    const template = root.querySelector(`template[data-notice="${kind}"]`);
    const content = template.content.cloneNode(true);
    for (const [name, value] of Object.entries(values)) {
      const slot = content.querySelector(`[data-slot="${name}"]`);
      if (slot) {
        slot.textContent = value;
      }
    }
    for (const part of content.querySelectorAll("[data-if]")) {
      part.hidden = !values[part.dataset.if];
    }
    const reload = content.querySelector('[data-slot="reload"]');
    if (reload) {
      reload.href = window.location.pathname + window.location.hash;
    }
    notices.replaceChildren(content);
    notices.hidden = false;
    announce(notices.textContent.replace(/\s+/g, " "), { key: "programme-notice" });
  }

  // A cancelled session's card says why, in the organizers' words; the note goes when it is back.
  function setNote(card, session) {
    card.querySelector("[data-cancellation-note]")?.remove();
    if (session.state !== "cancelled" || !session.cancellation_note) {
      return;
    }
    const note = root.querySelector("template[data-cancellation-note]").content.firstElementChild.cloneNode(true);
    note.textContent = session.cancellation_note;
    card.querySelector(".session__badges").after(note);
  }

  function setBadges(card, state) {
    const badges = card.querySelector(".session__badges");
    for (const badge of badges.querySelectorAll(".badge--live, .badge--cancelled")) {
      badge.remove();
    }
    const template = root.querySelector(`template[data-badge="${state}"]`);
    if (template) {
      badges.querySelector(".badge--kind").after(template.content.cloneNode(true));
    }
    const link = card.querySelector(".session__title a");
    const title = link.textContent;
    if (state === "cancelled") {
      const struck = document.createElement("s");
      struck.textContent = title;
      link.replaceChildren(struck);
    } else {
      link.replaceChildren(document.createTextNode(title));
    }
    card.className = card.className.replace(/session--(scheduled|live|ended|cancelled)/, `session--${state}`);
  }

  // The card goes to its room's column on its day, in start order, where that column is shown.
  function place(card, session) {
    const day = document.querySelector(`[data-day="${formats.isoDay.format(new Date(session.start))}"]`);
    if (!day) {
      return;
    }
    const column = day.querySelector(`[data-room="${session.room ?? ""}"] .sessions`) || addColumn(day, session);
    const later = Array.from(column.children).find(
      (other) => other !== card && other.querySelector("time").getAttribute("datetime") > session.start,
    );
    column.insertBefore(card, later || null);
    setRows(card, day, session);
  }

  // On the time grid a card's rows follow its times (five-minute rows after the room names).
  function setRows(card, day, session) {
    const gridStart = Date.parse(day.querySelector(".rooms")?.dataset.gridStart || "");
    if (Number.isNaN(gridStart)) {
      return;
    }
    const row = (moment) => Math.floor((Date.parse(moment) - gridStart) / 300_000) + 2;
    const start = row(session.start);
    if (start < 2) {
      return;
    }
    card.style.setProperty("--row-start", String(start));
    card.style.setProperty("--row-end", String(Math.max(row(session.end), start + 1)));
  }

  // A room without sessions on that day has no column yet: it gets one at the end of the day.
  function addColumn(day, session) {
    let rooms = day.querySelector(".rooms");
    if (!rooms) {
      rooms = document.createElement("div");
      rooms.className = "rooms";
      day.querySelector(".empty")?.remove();
      day.append(rooms);
    }
    const section = document.createElement("section");
    section.className = "room";
    const count = rooms.querySelectorAll(".room").length + 1;
    section.style.setProperty("--col", String(count + 1));
    rooms.style.setProperty("--rooms", String(count));
    section.dataset.room = session.room ?? "";
    const heading = document.createElement("h3");
    heading.className = "room__name";
    heading.id = `${day.id}-room-${session.room ?? "none"}`;
    heading.textContent = session.room_name || root.querySelector("[data-no-room]").textContent;
    section.setAttribute("aria-labelledby", heading.id);
    const list = document.createElement("ol");
    list.className = "sessions";
    section.append(heading, list);
    rooms.append(section);
    return list;
  }

  function apply(data) {
    const session = data.session;
    const card = session && document.querySelector(`[data-session="${session.id}"]`);
    if (!card) {
      if (data.action === "created" || data.action === "deleted") {
        notice("changed", {});
      }
      return;
    }
    const title = card.querySelector(".session__title a").textContent;
    const [startTime, endTime] = card.querySelectorAll(".session__time time");
    const start = new Date(session.start);
    const end = new Date(session.end);
    startTime.setAttribute("datetime", session.start);
    startTime.textContent = formats.time.format(start);
    endTime.setAttribute("datetime", session.end);
    endTime.textContent = formats.time.format(end);
    setBadges(card, session.state);
    setNote(card, session);
    if (data.action === "deleted") {
      card.remove();
      notice("changed", {});
    } else if (data.action === "cancelled" || session.state === "cancelled") {
      notice("cancelled", { title, note: session.cancellation_note || "" });
    } else if (data.action === "moved") {
      place(card, session);
      notice("moved", {
        title,
        when: `${formats.day.format(start)}–${formats.time.format(end)}`,
        room: session.room_name || root.querySelector("[data-no-room]").textContent,
      });
    }
  }

  const live = pageSocket();
  live.listen({
    onStatus(status) {
      root.dataset.connection = status;
    },
    onHello() {},
    onUnclaimedPush() {},
    onClosedForGood() {},
  });
  live.subscribe(root.dataset.eventTopic, {
    onSnapshot() {},
    onPush(push) {
      if (push.type === "programme.changed") {
        apply(push.data);
      }
    },
    onError() {},
  });
  window.treffpunktProgramme = { client: live };
  live.connect();
}
