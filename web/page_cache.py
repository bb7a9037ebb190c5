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

The programme and session pages are also kept whole (:func:`respond`): rendered once per key with
holes (:func:`hole`) where each visitor's own values go — the CSRF token, the user name and id,
the programme's content with the visitor's favourites — and filled per request. Whatever else
differs between visitors is in the key: the login state, the language, the path and, for the
session page, the visitor's star and what the visitor may do there (ban, caption, join the video
room), and the event's ``stage_version`` (the stream type, poster, players allowed, captions and
sign language, edited outside the programme). A request with a query string or with messages to
show is rendered for itself. A ``{% cache %}`` fragment inside such a page must hold nothing of
one visitor (no CSRF token, no name): it is kept apart from the page and may be built for anyone.
Each kept session page is about 30 KB; the ``"pages"`` cache holds at most 1,000 entries per
process (settings.PAGES_CACHE), the least recently used going first.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.messages import get_messages
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from congress.exports import programme_stamp

# Raise when the cached templates change shape, so a deploy never serves the old markup.
REVISION = 2
# Keys carry the programme version, so they never go stale; the timeout only frees old versions.
CACHE_SECONDS = 6 * 60 * 60
FAVOURITE_MARK = re.compile(r"<!--favourite:(\d+)-->")
# A hole's mark carries a random part of this process, so no content (a session's title, say)
# can form one.
_HOLE_SECRET = secrets.token_hex(8)
HOLE = re.compile(rf"@@{_HOLE_SECRET}:(\w+)@@")


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


def hole(name):
    """The mark of a hole ``name`` in a page kept whole (safe in text and in attribute values)."""
    return mark_safe(f"@@{_HOLE_SECRET}:{name}@@")  # noqa: S308 - letters, digits, @ and :


@dataclass
class Page:
    """A whole page split at its holes: text, name, text, name, …, text."""

    parts: list
    valid_until: datetime | None

    def fill(self, values):
        parts = self.parts
        out = [parts[0]]
        for index in range(1, len(parts), 2):
            out.append(values[parts[index]])
            out.append(parts[index + 1])
        return "".join(out)


def visitor_values(request):
    """The holes every page kept whole has: the visitor's CSRF token, user name and id."""
    user = request.user
    authenticated = user.is_authenticated
    return {
        "csrf": get_token(request),
        "username": escape(user.get_username()) if authenticated else "",
        "user_id": str(user.pk) if authenticated else "",
    }


def respond(request, key, render, *, fills=None, valid_until=None, now=None):
    """The page under ``key``, filled for this visitor; or rendered and kept first.

    ``render(holes)`` renders the page with ``holes`` added to its context: ``{}`` renders it for
    this visitor alone; when it is kept, ``page_holes`` (the ``{% visitor %}`` tag writes holes)
    and a hole for the CSRF token. ``fills``: the page's own holes and this visitor's values for
    them (``{"content": …}``). ``valid_until``: when the kept page stops holding (None: until the
    key changes). A request with a query string or with messages to show, or ``key`` None, is
    rendered for itself.
    """
    if key is None or request.META.get("QUERY_STRING") or len(get_messages(request)):
        return HttpResponse(render({}))
    now = now or timezone.now()
    cache = caches["pages"]
    page = cache.get(key)
    if page is None or (page.valid_until is not None and now >= page.valid_until):
        html = render({"page_holes": True, "csrf_token": hole("csrf")})
        page = Page(parts=HOLE.split(html), valid_until=valid_until)
        seconds = CACHE_SECONDS
        if valid_until is not None:
            seconds = max(1, min(seconds, int((valid_until - now).total_seconds()) + 1))
        cache.set(key, page, seconds)
    return HttpResponse(page.fill({**visitor_values(request), **(fills or {})}))


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


def _static_names():
    """What the static files' names come from: the collected files' manifest, read once per
    process (a release's new names come with a new storage, as after a restart)."""
    return getattr(staticfiles_storage, "manifest_hash", "")


def programme_page_key(event, request):
    """The programme page around its content (:func:`programme_key`)."""
    return f"programme-page:{programme_key(event, request)}:{request.path}:{_static_names()}"


def session_page_key(event, session, request, visitor_flags):
    """The whole session page: its programme data, the event's stage, the language and path, and
    ``visitor_flags`` (the login state, the star and what the visitor may do there)."""
    flags = "".join("1" if flag else "0" for flag in visitor_flags)
    return (
        f"session-page:{version(event)}.{event.stage_version}:{session.pk}:{get_language()}:"
        f"{request.path}:{flags}:{_static_names()}:r{REVISION}"
    )


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
