// The one focus rule after in-page actions: when an action disables, hides, moves or removes the
// control that had the focus (a busy send button, a vote form replaced by its results, a question
// re-sorted by its votes), the focus goes to the nearest landing around it, never to the page
// body, so the next Tab continues where the user was.
//
// A landing is an element marked `data-focus-landing`: empty, the element itself takes the focus
// (it gets tabindex="-1"); else the value is a selector for a control inside it (a form lands on
// its text field). The control itself is tried first when it is still usable.

const POINTER_GRACE_MS = 300;

function usable(element) {
  return (
    element &&
    element.isConnected &&
    !element.disabled &&
    !element.closest("[hidden], [inert]") &&
    element.getClientRects().length > 0
  );
}

function landingTarget(landing) {
  const selector = landing.dataset.focusLanding;
  if (selector) {
    const inner = landing.querySelector(selector);
    if (usable(inner)) {
      return inner;
    }
  }
  if (!landing.hasAttribute("tabindex")) {
    landing.tabIndex = -1;
  }
  return landing;
}

// Move the focus to `element` (a landing or a control), as the rule does; for a page module that
// knows better where the result of its action is (the poll's results after a vote).
export function focusOn(element) {
  if (!element) {
    return;
  }
  const target = element.hasAttribute("data-focus-landing") ? landingTarget(element) : element;
  if (!target.matches("a[href], button, input, select, textarea, [tabindex]")) {
    target.tabIndex = -1;
  }
  target.focus();
}

// Keep the focus inside `root` when an action takes it away from a control there.
export function keepFocus(root) {
  let path = [];
  let pointerAt = 0;
  document.addEventListener("pointerdown", () => {
    pointerAt = Date.now();
  });
  root.addEventListener("focusin", (event) => {
    path = [];
    for (let element = event.target; element && element !== root.parentElement; element = element.parentElement) {
      path.push(element);
    }
  });
  root.addEventListener("focusout", (event) => {
    if (event.relatedTarget) {
      return;
    }
    const lost = event.target;
    const remembered = path;
    setTimeout(() => {
      const active = document.activeElement;
      if ((active && active !== document.body) || !document.hasFocus()) {
        return;
      }
      if (Date.now() - pointerAt < POINTER_GRACE_MS && usable(lost)) {
        return;
      }
      if (usable(lost)) {
        lost.focus();
        return;
      }
      for (const element of remembered.slice(1)) {
        if (element.isConnected && element.hasAttribute("data-focus-landing") && usable(element)) {
          focusOn(element);
          return;
        }
      }
      // The control and its landings are gone (a removed item): the closest landing in root.
      const fallback = root.querySelector("[data-focus-landing]");
      if (fallback && usable(fallback)) {
        focusOn(fallback);
      }
    }, 0);
  });
}
