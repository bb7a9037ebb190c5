// DOM helpers of the page scripts. Every label is rendered by the server into the page, into
// `data-slot` elements and `<template>`s; the scripts only clone, fill, show and hide.

// The element marked `data-slot="<name>"` inside `element`.
export function slot(element, name) {
  return element.querySelector(`[data-slot="${name}"]`);
}

// A fresh copy of the first element of `<template data-template="<name>">` inside `root`.
export function fromTemplate(root, name) {
  const template = root.querySelector(`template[data-template="${name}"]`);
  return template.content.firstElementChild.cloneNode(true);
}

// What to say about a refused request: for `invalid`, the first field message, else the message
// (the server has already translated both).
export function errorText(error) {
  if (error.code === "invalid" && error.fields) {
    const first = Object.values(error.fields)[0];
    if (first && first.length) {
      return first[0];
    }
  }
  return error.message;
}

// Show `error` in `element`, or hide it when `error` is null.
export function showError(element, error) {
  if (!element) {
    return;
  }
  element.textContent = error ? errorText(error) : "";
  element.hidden = !error;
}
