// Dates and times of the page scripts as the server renders them (treffpunkt/formats): in the
// event's time zone (`data-timezone`), 24-hour times, day before month in both languages.

export function eventFormats(timeZone) {
  const language = document.documentElement.lang || "de";
  const zone = timeZone || undefined;
  return {
    time: new Intl.DateTimeFormat(language, {
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone: zone,
    }),
    date: new Intl.DateTimeFormat(language === "en" ? "en-GB" : language, {
      weekday: "long",
      day: "numeric",
      month: "long",
      year: "numeric",
      timeZone: zone,
    }),
    day: new Intl.DateTimeFormat(language === "en" ? "en-GB" : language, {
      weekday: "long",
      day: "numeric",
      month: "long",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone: zone,
    }),
    slot: new Intl.DateTimeFormat(language === "en" ? "en-GB" : language, {
      weekday: "short",
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone: zone,
    }),
    percent: new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 0 }),
  };
}
