// The stage player of the session page (web/_stage.html). HLS plays through hls.js wherever the
// browser has Media Source Extensions (loaded only then, from the vendored file), natively where
// it has only native HLS (Safari on iOS); DASH and MP4 play natively. An embedded player loads
// only after the privacy click. A dropped stream reconnects on its own.
//
// To extend: a captions <track> inside the <video> and a second video (sign language) in
// [data-stage-screens] need no change here; `attach` takes any <video> and source.
//
// The reconnecting notice is shown in the player and said through the page's one announcer
// (lib/announce.js), not through a live region of its own.

import { announce } from "./lib/announce.js";

const RETRY_BASE = 1000;
const RETRY_CAP = 15000;

let hlsPromise = null;

const root = document.querySelector("[data-stage]");
if (root) {
  start(root);
}

function start(root) {
  const stage = { mode: null, hls: null, video: null, retries: 0 };
  // For the browser tests and for debugging in the console.
  window.treffpunktStage = stage;

  const consent = root.querySelector("[data-stage-consent]");
  if (consent) {
    root.querySelector("[data-stage-load]").addEventListener("click", () => {
      const frame = root.querySelector("template[data-stage-frame]").content.firstElementChild.cloneNode(true);
      frame.src = consent.dataset.embedUrl;
      consent.replaceWith(frame);
      stage.mode = "embed";
      root.dataset.stageMode = "embed";
      frame.focus();
    });
    return;
  }

  const video = root.querySelector("[data-stage-video]");
  if (!video) {
    return;
  }
  stage.video = video;
  const status = root.querySelector("[data-stage-status]");
  const before = root.querySelector("[data-stage-before]");
  const url = video.getAttribute("src");

  function showReconnecting(on) {
    if (!status) {
      return;
    }
    if (on && status.hidden) {
      announce(status.textContent, { key: "stage-status" });
    }
    status.hidden = !on;
  }

  function retryDelay() {
    stage.retries += 1;
    return Math.min(RETRY_CAP, RETRY_BASE * 2 ** Math.min(stage.retries - 1, 4));
  }

  if (before) {
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

  video.addEventListener("playing", () => {
    stage.retries = 0;
    showReconnecting(false);
  });

  if (root.dataset.streamType === "hls" && "MediaSource" in window) {
    loadHls(root.dataset.hlsScript).then(
      (Hls) => (Hls.isSupported() ? attachHls(Hls) : attachNative()),
      () => attachNative(),
    );
  } else {
    attachNative();
  }

  function attachHls(Hls) {
    // The native src stays in the markup for browsers without this script; hls.js takes over.
    video.removeAttribute("src");
    video.load();
    const hls = new Hls({ manifestLoadingMaxRetry: 2, levelLoadingMaxRetry: 2 });
    stage.hls = hls;
    stage.mode = "hls.js";
    root.dataset.stageMode = "hls.js";
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
        setTimeout(() => {
          hls.loadSource(url);
          hls.startLoad();
        }, retryDelay());
      } else {
        hls.destroy();
        setTimeout(() => attachHls(Hls), retryDelay());
      }
    });
    hls.loadSource(url);
    hls.attachMedia(video);
  }

  function attachNative() {
    stage.mode = "native";
    root.dataset.stageMode = "native";
    video.addEventListener("error", () => {
      showReconnecting(true);
      const wasPlaying = !video.paused || video.autoplay;
      setTimeout(() => {
        video.src = url;
        video.load();
        if (wasPlaying) {
          video.play().catch(() => {});
        }
      }, retryDelay());
    });
  }
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
