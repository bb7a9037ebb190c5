// How many are in a video room, shown before joining: the session's video-room box
// (web/_stage.html) and the join buttons of booths and meetings (web/_video_join.html). Each reads
// the room's REST route (`GET …/video/` → {"occupancy": 3}, null where the provider cannot say).

for (const room of document.querySelectorAll("[data-video-room][data-occupancy-url]")) {
  const occupancy = room.querySelector("[data-video-occupancy]");
  if (occupancy && !room.dataset.occupancyRead) {
    room.dataset.occupancyRead = "1";
    show(room, occupancy);
  }
}

function show(room, occupancy) {
  fetch(room.dataset.occupancyUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : null))
    .then((data) => {
      if (!data || typeof data.occupancy !== "number") {
        return;
      }
      const text = room.querySelector("template[data-video-occupancy-text]").content.cloneNode(true);
      text.querySelector('[data-slot="count"]').textContent = String(data.occupancy);
      occupancy.replaceChildren(text);
      occupancy.hidden = false;
    })
    .catch(() => {});
}
