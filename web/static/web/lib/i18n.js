// Translations from Django's JavaScript catalogue (/jsi18n/, loaded by a classic script before the
// page modules). Each call reads the catalogue's globals, so the order of loading cannot break it;
// without the catalogue the English msgids are shown.

export function gettext(text) {
  return globalThis.gettext ? globalThis.gettext(text) : text;
}

export function ngettext(singular, plural, count) {
  if (globalThis.ngettext) {
    return globalThis.ngettext(singular, plural, count);
  }
  return count === 1 ? singular : plural;
}

// `interpolate(format, {name: value})` for "%(name)s" placeholders, as Django's named form.
export function interpolate(format, values) {
  if (globalThis.interpolate) {
    return globalThis.interpolate(format, values, true);
  }
  return format.replace(/%\((\w+)\)s/g, (_match, name) => String(values[name]));
}
