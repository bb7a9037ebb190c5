// Captions and sign language of the session page (web/_captions.html), one component beside the
// stage player:
// - live captions: `captions.cue` pushes on the session topic, typed by captioners (CART); the
//   newest lines in the caption bar, all in the transcript (history from `captions.transcript`);
// - the room's WebVTT file as a <track> of the stage video;
// - the sign-language interpreter's video beside the stage, and an audio-only mode, each on request.

import { showError } from "../lib/dom.js";

const OVERLAY_LINES = 2;
const OVERLAY_SHOWN_MS = 8000;

// `page`: the session page's shared parts (live.js): root, topic, formats, request().
export function createCaptions(page) {
  const root = page.root.querySelector("[data-captions]");
  if (!root) {
    return { start() {}, add() {}, handleForm() {} };
  }
  const find = (selector) => root.querySelector(selector);
  const overlay = find("[data-caption-overlay]");
  const transcript = find("[data-transcript]");
  const transcriptEmpty = find("[data-transcript-empty]");
  const toggle = find("[data-captions-toggle]");
  const form = find("[data-caption-form]");
  const seen = new Set();
  let lines = [];
  let overlayTimer = null;
  let showing = true;

  function video() {
    // The stage player names its video data-stage-video; the older player data-live-video.
    return page.root.querySelector("[data-stage-video], [data-live-video]");
  }

  function add(cue) {
    // The reply to a captioner and the push carry the same cue: one line per author and moment.
    const key = `${cue.at}|${cue.by}`;
    if (seen.has(key)) {
      return;
    }
    seen.add(key);
    const item = document.createElement("li");
    const time = document.createElement("time");
    time.dateTime = cue.at;
    time.textContent = page.formats.time.format(new Date(cue.at));
    const text = document.createElement("span");
    text.textContent = cue.text;
    item.append(time, " ", text);
    transcript.append(item);
    transcript.scrollTop = transcript.scrollHeight;
    transcriptEmpty.hidden = true;

    lines = [...lines, cue.text].slice(-OVERLAY_LINES);
    overlay.textContent = lines.join("\n");
    overlay.hidden = !showing;
    clearTimeout(overlayTimer);
    overlayTimer = setTimeout(() => {
      lines = [];
      overlay.hidden = true;
    }, OVERLAY_SHOWN_MS);
  }

  async function start() {
    if (form) {
      form.hidden = false;
    }
    try {
      const reply = await page.request("captions.transcript", { topic: page.topic });
      const keep = lines;
      for (const cue of reply.cues) {
        add(cue);
      }
      if (keep.length === 0) {
        // The history belongs in the transcript, not in the caption bar.
        lines = [];
        overlay.hidden = true;
      }
    } catch {
      // Without the history the transcript starts with the next cue.
    }
  }

  function addTrack() {
    const url = root.dataset.captionsUrl;
    const stage = video();
    if (!url || !stage || stage.querySelector("track")) {
      return;
    }
    if (new URL(url, window.location.href).origin !== window.location.origin) {
      // A track from another origin loads only with CORS; the stream server must allow it.
      stage.crossOrigin = "anonymous";
    }
    const track = document.createElement("track");
    track.kind = "captions";
    track.srclang = "de";
    track.label = root.dataset.captionsLabel;
    track.src = url;
    track.default = true;
    stage.append(track);
  }

  function setPressed(button, pressed) {
    button.setAttribute("aria-pressed", String(pressed));
  }

  toggle.addEventListener("click", () => {
    showing = toggle.getAttribute("aria-pressed") !== "true";
    setPressed(toggle, showing);
    overlay.hidden = !showing || lines.length === 0;
    const stage = video();
    if (stage) {
      for (const track of stage.textTracks) {
        track.mode = showing ? "showing" : "hidden";
      }
    }
  });

  const signToggle = find("[data-sign-language-toggle]");
  if (signToggle) {
    const figure = find("[data-sign-language]");
    const signVideo = find("[data-sign-language-video]");
    signToggle.addEventListener("click", () => {
      const on = signToggle.getAttribute("aria-pressed") !== "true";
      setPressed(signToggle, on);
      figure.hidden = !on;
      page.root.classList.toggle("live--sign-language", on);
      if (on) {
        if (!signVideo.getAttribute("src")) {
          signVideo.src = root.dataset.signLanguageUrl;
        }
        signVideo.play().catch(() => {});
      } else {
        signVideo.pause();
      }
    });
  }

  const audioToggle = find("[data-audio-only-toggle]");
  if (audioToggle) {
    const note = find("[data-audio-only-note]");
    audioToggle.addEventListener("click", () => {
      const on = audioToggle.getAttribute("aria-pressed") !== "true";
      setPressed(audioToggle, on);
      page.root.classList.toggle("live--audio-only", on);
      note.hidden = !on;
    });
  }

  function handleForm(setBusy) {
    if (!form) {
      return;
    }
    const field = form.elements.text;
    const error = find("[data-form-error]");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = field.value.trim();
      if (!text) {
        field.focus();
        return;
      }
      setBusy(form, true);
      try {
        const reply = await page.request("captions.cue", { topic: page.topic, text });
        add(reply.cue);
        if (field.value.trim() === text) {
          field.value = "";
        }
        showError(error, null);
      } catch (failure) {
        showError(error, failure);
      } finally {
        setBusy(form, false);
      }
    });
  }

  addTrack();
  return { start, add, handleForm };
}
