"""Rendered page parts that are the same for every visitor, kept per programme version.

At 09:00 every attendee opens the programme at once; rendering its grid costs far more than the
rest of the request. The part below the page header depends only on the programme, the page
language, whether the visitor is logged in and the time of day (the "now and next" box, today's
tab) — not on who asks, except for the favourite badges, which are left as marks
(``<!--favourite:<pk>-->``) and filled in for each request.

Correctness rests on the key: it carries ``Event.programme_version``, which every programme change
raises in the same transaction (congress.services), and the request reads the event before it looks
here, so a moved or cancelled session makes a new key at once. It carries the event's creation time
too: an event deleted and created again (``seed_demo --reset``) may get the same id and starts at
version 1 again. Each entry also says until when it holds (the next session start or end, or
midnight in the event's time zone), and is built again after that. The cache is the process-local ``"pages"`` alias: no network trip on a hit, and
nothing to invalidate across processes.
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.cache import caches
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from congress.exports import programme_stamp

# Raise when the cached templates change shape, so a deploy never serves the old markup.
REVISION = 1
# Keys carry the programme version, so they never go stale; the timeout only frees old versions.
CACHE_SECONDS = 6 * 60 * 60
FAVOURITE_MARK = re.compile(r"<!--favourite:(\d+)-->")


@dataclass
class Fragment:
    """Rendered HTML split at its favourite marks: text, pk, text, pk, …, text."""

    parts: list
    badge: str
    valid_until: datetime

    @classmethod
    def of(cls, html, *, badge, valid_until):
        parts = FAVOURITE_MARK.split(html)
        for index in range(1, len(parts), 2):
            parts[index] = int(parts[index])
        return cls(parts=parts, badge=badge, valid_until=valid_until)

    def fill(self, favourite_ids):
        """The HTML with the badge where the session is one of ``favourite_ids``."""
        parts = self.parts
        out = [parts[0]]
        for index in range(1, len(parts), 2):
            if parts[index] in favourite_ids:
                out.append(self.badge)
            out.append(parts[index + 1])
        return mark_safe("".join(out))  # noqa: S308 - rendered by our templates, autoescaped


def version(event):
    """The event's id, creation and programme version (``congress.exports.programme_stamp``): what
    changes whenever its programme may (also the templates' ``{% cache %}`` key of a session
    page's parts, ``page_version``)."""
    return f"{event.pk}:{programme_stamp(event.created_at, event.programme_version)}"


def programme_key(event, request):
    return (
        f"programme:{version(event)}:{get_language()}:"
        f"{int(request.user.is_authenticated)}:r{REVISION}"
    )


def session_key(event, pk):
    return f"session:{version(event)}:{int(pk)}:r{REVISION}"


def valid_until(event, sessions, now):
    """The next moment the "now and next" box or today's tab may change: a session's start or
    end, or midnight in the event's time zone."""
    local = timezone.localtime(now, event.tz)
    moment = datetime.combine(local.date() + timedelta(days=1), time.min, tzinfo=event.tz)
    for session in sessions:
        for boundary in (session.start, session.end):
            if now < boundary < moment:
                moment = boundary
    return moment


def cached(key, build, *, now=None):
    """The fragment under ``key`` if it still holds at ``now``; else ``build()``, stored.

    ``key`` None: build without storing (a filtered page, say).
    """
    now = now or timezone.now()
    cache = caches["pages"]
    if key is not None:
        fragment = cache.get(key)
        if fragment is not None and now < fragment.valid_until:
            return fragment
    fragment = build()
    if key is not None:
        seconds = (fragment.valid_until - now).total_seconds()
        cache.set(key, fragment, max(1, min(CACHE_SECONDS, int(seconds) + 1)))
    return fragment


def cached_text(key, render):
    """Rendered text that holds until its key changes (labels of one language, say)."""
    cache = caches["pages"]
    text = cache.get(key) if key is not None else None
    if text is None:
        text = str(render())
        if key is not None:
            cache.set(key, text, CACHE_SECONDS)
    return text


def cached_value(key, load):
    """``load()``'s programme data (model instances, say) under a key with the programme version;
    a copy comes back on a hit, so the caller may change it."""
    cache = caches["pages"]
    value = cache.get(key)
    if value is None:
        value = load()
        cache.set(key, value, CACHE_SECONDS)
    return value
