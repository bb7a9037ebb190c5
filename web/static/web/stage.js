// The stage player of the session page (web/_stage.html). HLS plays through hls.js wherever the
// browser has Media Source Extensions (loaded only then, from the vendored file), natively where
// it has only native HLS (Safari on iOS); DASH and MP4 play natively, and where the browser cannot
// play DASH (every current desktop browser) it says so instead of showing a dead player. An
// embedded player loads only after the privacy click. A dropped stream reconnects on its own.
//
// When the organizers change the room's stream, live.js hands the new stream (the push
// `room.stream_changed`, docs/realtime.md) to this player as a "treffpunkt:stream" event on
// [data-stage]: a video switches its source in place (and keeps playing if it played); anything
// else is rebuilt from the page's <template data-stage-kind> — an embed again behind the privacy
// step, unless this page already loaded that provider.
//
// To extend: a captions <track> inside the <video> and a second video (sign language) in
// [data-stage-screens] need no change here; `attach` takes any <video> and source.
//
// The reconnecting notice is shown in the player and said through the page's one announcer
// (lib/announce.js), not through a live region of its own.

import { announce } from "./lib/announce.js";

const RETRY_BASE = 1000;
const RETRY_CAP = 15000;
const MEDIA_TYPES = new Set(["hls", "dash", "mp4"]);

let hlsPromise = null;

const root = document.querySelector("[data-stage]");
if (root) {
  start(root);
}

function start(root) {
  const stage = {
    mode: null,
    hls: null,
    video: null,
    frame: null,
    retries: 0,
    type: root.dataset.streamType,
    url: root.dataset.streamUrl || null,
    provider: null,
    switches: 0,
  };
  // For the browser tests and for debugging in the console.
  window.treffpunktStage = stage;
  const body = root.querySelector("[data-stage-body]");
  // Aborted when the stream changes: it removes the current player's listeners and timers.
  let current = null;

  showBeforeStart(root);
  mount();
  if (!("videoKind" in root.dataset)) {
    root.addEventListener("treffpunkt:stream", (event) => switchTo(event.detail));
  }

  function setMode(mode) {
    stage.mode = mode;
    root.dataset.stageMode = mode;
  }

  function mount() {
    current = new AbortController();
    const consent = body.querySelector("[data-stage-consent]");
    if (consent) {
      mountConsent(consent, current.signal);
      return;
    }
    const video = body.querySelector("[data-stage-video]");
    if (video) {
      mountVideo(video, { type: stage.type, url: stage.url, signal: current.signal, play: false });
    }
  }

  function mountConsent(consent, signal) {
    stage.video = null;
    stage.embedUrl = consent.dataset.embedUrl;
    consent.querySelector("[data-stage-load]").addEventListener(
      "click",
      () => {
        const frame = body.querySelector("template[data-stage-frame]").content.firstElementChild.cloneNode(true);
        frame.src = consent.dataset.embedUrl;
        consent.replaceWith(frame);
        stage.frame = frame;
        stage.provider = consent.dataset.provider;
        setMode("embed");
        frame.focus();
      },
      { signal },
    );
  }

  function status() {
    return body.querySelector("[data-stage-status]");
  }

  function showReconnecting(on) {
    const element = status();
    if (!element) {
      return;
    }
    if (on && element.hidden) {
      announce(element.textContent, { key: "stage-status" });
    }
    element.hidden = !on;
  }

  function retryDelay() {
    stage.retries += 1;
    return Math.min(RETRY_CAP, RETRY_BASE * 2 ** Math.min(stage.retries - 1, 4));
  }

  function later(signal, action, delay) {
    const timer = setTimeout(() => {
      if (!signal.aborted) {
        action();
      }
    }, delay);
    signal.addEventListener("abort", () => clearTimeout(timer));
  }

  function mountVideo(video, { type, url, signal, play }) {
    stage.video = video;
    stage.frame = null;
    stage.retries = 0;
    video.hidden = false;
    body.querySelector("[data-stage-unplayable]").hidden = true;
    video.addEventListener(
      "playing",
      () => {
        stage.retries = 0;
        showReconnecting(false);
      },
      { signal },
    );
    if (type === "dash" && !video.canPlayType("application/dash+xml")) {
      showUnplayable(video);
    } else if (type === "hls" && "MediaSource" in window) {
      loadHls(root.dataset.hlsScript).then(
        (Hls) => {
          if (!signal.aborted) {
            Hls.isSupported() ? attachHls(Hls, video, url, signal, play) : attachNative(video, url, signal, play);
          }
        },
        () => signal.aborted || attachNative(video, url, signal, play),
      );
    } else {
      attachNative(video, url, signal, play);
    }
  }

  // No current desktop browser plays DASH in a <video> by itself: a clear note and the address,
  // instead of a player that never starts.
  function showUnplayable(video) {
    video.removeAttribute("src");
    video.load();
    video.hidden = true;
    body.querySelector("[data-stage-unplayable]").hidden = false;
    setMode("unplayable");
  }

  function attachHls(Hls, video, url, signal, play) {
    // The native src stays in the markup for browsers without this script; hls.js takes over.
    video.removeAttribute("src");
    video.load();
    const hls = new Hls({ manifestLoadingMaxRetry: 2, levelLoadingMaxRetry: 2 });
    stage.hls = hls;
    setMode("hls.js");
    signal.addEventListener("abort", () => hls.destroy());
    hls.on(Hls.Events.FRAG_LOADED, () => {
      stage.retries = 0;
      showReconnecting(false);
    });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal) {
        return;
      }
      showReconnecting(true);
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
      } else if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
        // After a drop the manifest may be gone too: reload it, then carry on loading.
        later(
          signal,
          () => {
            hls.loadSource(url);
            hls.startLoad();
          },
          retryDelay(),
        );
      } else {
        hls.destroy();
        later(signal, () => attachHls(Hls, video, url, signal, false), retryDelay());
      }
    });
    if (play) {
      hls.once(Hls.Events.MANIFEST_PARSED, () => video.play().catch(() => {}));
    }
    hls.loadSource(url);
    hls.attachMedia(video);
  }

  function attachNative(video, url, signal, play) {
    stage.hls = null;
    setMode("native");
    if (video.getAttribute("src") !== url) {
      video.src = url;
    }
    video.addEventListener(
      "error",
      () => {
        showReconnecting(true);
        const wasPlaying = !video.paused || video.autoplay;
        later(
          signal,
          () => {
            video.src = url;
            video.load();
            if (wasPlaying) {
              video.play().catch(() => {});
            }
          },
          retryDelay(),
        );
      },
      { signal },
    );
    if (play) {
      video.play().catch(() => {});
    }
  }

  // -- a changed stream ---------------------------------------------------------------------

  function switchTo(stream) {
    const type = stream ? stream.type : "none";
    if (stream && stream.url === stage.url && type === stage.type && (type !== "embed" || stream.embed_url === stage.embedUrl)) {
      return;
    }
    stage.switches += 1;
    root.dataset.stageSwitches = String(stage.switches);
    const video = body.querySelector("[data-stage-video]");
    // A stream that ran out counts as playing: the organizers' new stream is what comes next.
    const wasPlaying = Boolean(video && (!video.paused || video.ended));
    current.abort();
    stage.hls = null;
    showReconnecting(false);
    stage.type = type;
    stage.url = stream ? stream.url : null;
    stage.embedUrl = stream ? stream.embed_url : null;
    root.dataset.streamType = type;
    root.dataset.streamUrl = stage.url || "";

    if (video && MEDIA_TYPES.has(type)) {
      // Same player, new source: the video element, its captions and its volume stay.
      setLinks(body, stream.url);
      body.querySelector("[data-stage-address]").textContent = stream.url;
      if (stream.poster) {
        video.poster = stream.poster;
      } else {
        video.removeAttribute("poster");
      }
      current = new AbortController();
      mountVideo(video, { type, url: stream.url, signal: current.signal, play: wasPlaying });
      return;
    }
    if (type === "embed" && stage.frame && stream.provider === stage.provider) {
      // The attendee already chose to load this provider's player on this page.
      stage.frame.src = stream.embed_url;
      setLinks(body, stream.url);
      current = new AbortController();
      return;
    }
    body.replaceChildren(build(type, stream));
    stage.frame = null;
    stage.video = null;
    setMode(null);
    mount();
  }

  function build(type, stream) {
    const kind = MEDIA_TYPES.has(type) ? "media" : ["embed", "link"].includes(type) ? type : "none";
    const content = root.querySelector(`template[data-stage-kind="${kind}"]`).content.cloneNode(true);
    if (kind === "none") {
      return content;
    }
    setLinks(content, stream.url);
    if (kind === "embed") {
      const consent = content.querySelector("[data-stage-consent]");
      consent.dataset.embedUrl = stream.embed_url;
      fillProvider(content, stream.provider);
    } else if (kind === "media") {
      const video = content.querySelector("[data-stage-video]");
      video.src = stream.url;
      if (stream.poster) {
        video.poster = stream.poster;
      }
      content.querySelector("[data-stage-address]").textContent = stream.url;
    }
    return content;
  }
}

function setLinks(scope, url) {
  for (const link of scope.querySelectorAll("[data-live-stream-link], [data-stage-address]")) {
    link.href = url;
  }
}

// The embed template is rendered with the provider "{provider}": its name goes into the texts,
// the attributes and the frame's template.
function fillProvider(fragment, name) {
  const walker = document.createTreeWalker(fragment, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let node = walker.currentNode; node; node = walker.nextNode()) {
    if (node.nodeType === Node.TEXT_NODE) {
      node.textContent = node.textContent.replaceAll("{provider}", name);
      continue;
    }
    for (const attribute of node.attributes || []) {
      if (attribute.value.includes("{provider}")) {
        attribute.value = attribute.value.replaceAll("{provider}", name);
      }
    }
    if (node.content) {
      fillProvider(node.content, name);
    }
  }
}

function showBeforeStart(root) {
  const before = root.querySelector("[data-stage-before]");
  if (!before) {
    return;
  }
  const startAt = Date.parse(root.dataset.start);
  const check = () => {
    if (Date.now() >= startAt) {
      before.hidden = true;
    } else {
      setTimeout(check, Math.min(30_000, startAt - Date.now()));
    }
  };
  check();
}

// hls.js is a classic script (UMD); it sets window.Hls. Loaded once, only where it is needed.
function loadHls(src) {
  if (window.Hls) {
    return Promise.resolve(window.Hls);
  }
  if (!hlsPromise) {
    hlsPromise = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.async = true;
      script.addEventListener("load", () => (window.Hls ? resolve(window.Hls) : reject(new Error("hls.js"))));
      script.addEventListener("error", reject);
      document.head.append(script);
    });
  }
  return hlsPromise;
}
