// Treffpunkt web client, on every page. Progressive enhancement only: every page works without it.

// Day tabs: without JS the days are anchored sections one below the other; with JS they become
// an ARIA tab list that shows one day at a time (arrow keys, Home/End, and the URL hash).
function enhanceTabs(container) {
  const tabs = Array.from(container.querySelectorAll("[data-tab]"));
  const panels = tabs.map((tab) => document.getElementById(tab.hash.slice(1)));
  if (tabs.length === 0 || panels.includes(null)) {
    return;
  }
  container.querySelector(".tab-list").setAttribute("role", "tablist");
  tabs.forEach((tab, index) => {
    tab.parentElement.setAttribute("role", "presentation");
    tab.setAttribute("role", "tab");
    tab.setAttribute("aria-controls", panels[index].id);
    panels[index].setAttribute("role", "tabpanel");
    panels[index].setAttribute("aria-labelledby", tab.id);
    panels[index].tabIndex = 0;
  });

  function select(index, { focus = false, updateHash = false } = {}) {
    tabs.forEach((tab, position) => {
      const selected = position === index;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
      panels[position].hidden = !selected;
    });
    if (focus) {
      tabs[index].focus();
    }
    if (updateHash) {
      history.replaceState(null, "", tabs[index].hash);
    }
  }

  tabs.forEach((tab, index) => {
    tab.addEventListener("click", (event) => {
      event.preventDefault();
      select(index, { updateHash: true });
    });
    tab.addEventListener("keydown", (event) => {
      const last = tabs.length - 1;
      const target = {
        ArrowRight: index === last ? 0 : index + 1,
        ArrowLeft: index === 0 ? last : index - 1,
        Home: 0,
        End: last,
      }[event.key];
      if (target !== undefined) {
        event.preventDefault();
        select(target, { focus: true, updateHash: true });
      }
    });
  });

  const fromHash = tabs.findIndex((tab) => tab.hash === window.location.hash);
  const initial = tabs.findIndex((tab) => tab.hasAttribute("data-initial"));
  select(fromHash >= 0 ? fromHash : Math.max(initial, 0));
  container.classList.add("is-enhanced");
}

// Selecting the whole calendar address on focus makes it easy to copy.
function enhanceSubscribeField(input) {
  input.addEventListener("focus", () => input.select());
}

// A module runs once the document is parsed, so the elements are there.
document.querySelectorAll("[data-tabs]").forEach(enhanceTabs);
document.querySelectorAll(".subscribe__url").forEach(enhanceSubscribeField);

// The focus after a form was sent, on the page that answers: a failed submit comes back with the
// list of errors (web/forms/errors.html), whose entries link to the fields; a successful one
// redirects to a page with its confirmation (web/base.html). Either takes the focus, so the
// next Tab continues from the result, not from the top of the page.
function focusResultOfSubmit() {
  const result = document.querySelector("[data-error-summary], [data-messages]");
  if (result) {
    result.focus();
  }
}

focusResultOfSubmit();
