"""Programme pages: the event list, the programme by day and room, a session, the personal agenda."""

import re
from dataclasses import dataclass, field
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accessibility import selectors as accessibility_selectors
from congress import hooks, selectors, services
from congress.models import Registration, Room
from stage import selectors as stage_selectors
from treffpunkt.access import allowed

from .. import page_cache
from . import programme_grid
from .common import event_or_404, handles_domain_errors

# A track colour ends up in a style attribute, so only plain hex colours pass.
HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
DEFAULT_COLOUR = "#005ea8"


@dataclass
class Entry:
    """One session as the programme shows it."""

    session: object
    colour: str
    is_favourite: bool


@dataclass
class RoomColumn:
    room: Room | None
    entries: list = field(default_factory=list)


@dataclass
class Day:
    date: date
    columns: list = field(default_factory=list)

    @property
    def slug(self):
        return f"day-{self.date.isoformat()}"

    @property
    def session_count(self):
        return sum(len(column.entries) for column in self.columns)


def _colour_of(session):
    if session.track is not None and HEX_COLOUR.match(session.track.color):
        return session.track.color
    return DEFAULT_COLOUR


def _programme_days(event, sessions, favourite_ids):
    """Every day of the event, its sessions in one column per room (rooms in their order)."""
    days = {day: {} for day in event.days}
    for session in sessions:
        day = timezone.localtime(session.start, event.tz).date()
        columns = days.setdefault(day, {})
        column = columns.setdefault(session.room_id, RoomColumn(room=session.room))
        column.entries.append(
            Entry(
                session=session,
                colour=_colour_of(session),
                is_favourite=session.pk in favourite_ids,
            )
        )

    def room_order(column):
        if column.room is None:
            return (1, 0, 0)
        return (0, column.room.position, column.room.pk)

    return [
        Day(date=day, columns=sorted(columns.values(), key=room_order))
        for day, columns in sorted(days.items())
    ]


def _initial_day(event, days):
    """Today while the event runs, else its first day."""
    today = timezone.localtime(timezone.now(), event.tz).date()
    for day in days:
        if day.date == today:
            return day
    return days[0] if days else None


def _registration_for(user, event):
    # congress.selectors has no reader for the registration itself yet (only role_for).
    return Registration.objects.filter(event=event, user=user).first()


def _agenda_ics_url(request, registration):
    if registration is None:
        return None
    try:
        path = reverse("agenda-ics", kwargs={"token": registration.agenda_token})
    except NoReverseMatch:
        return None
    return request.build_absolute_uri(path)


@handles_domain_errors
@require_GET
def home(request):
    events = list(selectors.events_for(request.user))
    if len(events) == 1:
        return redirect("web:programme", slug=events[0].slug)
    return render(request, "web/home.html", {"events": events})


@handles_domain_errors
@require_GET
def programme(request, slug):
    event = event_or_404(request, slug)
    favourite_ids = selectors.favourite_ids(request.user, event)
    filters = programme_grid.Filters.from_query(request.GET)
    now = timezone.now()

    def build():
        sessions = list(selectors.sessions_for(event))
        shown = [session for session in sessions if filters.keeps(session, favourite_ids)]
        days = _programme_days(event, shown, favourite_ids)
        programme_grid.lay_out(event, days)
        running, upcoming = programme_grid.now_and_next(shown, now)
        html = render_to_string(
            "web/_programme_content.html",
            {
                "event": event,
                "days": days,
                "initial_day": _initial_day(event, days),
                "filters": filters,
                "choices": programme_grid.filter_choices(sessions),
                "running": running,
                "upcoming": upcoming,
                "favourite_marks": True,
            },
            request=request,
        )
        return page_cache.Fragment.of(
            html,
            badge=render_to_string("web/_favourite_badge.html"),
            valid_until=page_cache.valid_until(event, sessions, now),
        )

    # A filtered page is built for this request only: its query string is the visitor's.
    key = None if filters.active else page_cache.programme_key(event, request)
    content = page_cache.cached(key, build, now=now).fill(favourite_ids)

    def render_page(holes):
        shown = page_cache.hole("content") if holes else content
        return render_to_string(
            "web/programme.html", {"event": event, "content": shown, **holes}, request=request
        )

    return page_cache.respond(
        request,
        None if key is None else page_cache.programme_page_key(event, request),
        render_page,
        fills={"content": content},
    )


@handles_domain_errors
@require_GET
def session_detail(request, slug, pk):
    event = event_or_404(request, slug)

    def load():
        session = get_object_or_404(selectors.sessions_for(event), pk=pk)
        return session, stage_selectors.next_session_in_room(session)

    # The session with its room, track and speakers, and the next one in its room: programme
    # data, kept per programme version like the programme page.
    session, next_session = page_cache.cached_value(page_cache.session_key(event, pk), load)
    session.event = event  # read once: the stage and the permission checks ask for it again
    user = request.user
    is_favourite = selectors.is_favourite(user, session)
    may_caption = allowed(user, "accessibility.caption_session", session)

    def render_page(holes):
        return render_to_string(
            "web/session_detail.html",
            {
                "event": event,
                "page_version": page_cache.version(event),
                "session": session,
                "colour": _colour_of(session),
                "is_favourite": is_favourite,
                "room_media": accessibility_selectors.room_media_for(session.room),
                "may_caption": may_caption,
                "stage_known": {"next_session": next_session},
                **holes,
            },
            request=request,
        )

    # Kept whole for everyone who sees the same page: the same login state and star, and the
    # same say in it (web/_live.html asks congress.ban, web/_stage.html stage.join_video).
    flags = (
        user.is_authenticated,
        is_favourite,
        may_caption,
        allowed(user, "congress.ban", event),
        allowed(user, "stage.join_video", session),
    )
    # "Starts at …" shows until the session starts.
    starts = session.start if session.state == session.State.SCHEDULED else None
    return page_cache.respond(
        request,
        page_cache.session_page_key(event, session, request, flags),
        render_page,
        valid_until=starts if starts is not None and starts > timezone.now() else None,
    )


@handles_domain_errors
@login_required
@require_POST
def favourite(request, slug, pk):
    """Add (``action=add``) or remove (``action=remove``) a session from the user's agenda."""
    event = event_or_404(request, slug)
    session = get_object_or_404(selectors.sessions_for(event).prefetch_related(None), pk=pk)
    action = request.POST.get("action")
    if action == "add":
        services.add_favourite(user=request.user, session=session)
        messages.success(
            request, _("“%(title)s” is now in your programme.") % {"title": session.title}
        )
    elif action == "remove":
        services.remove_favourite(user=request.user, session=session)
        messages.success(
            request,
            _("“%(title)s” was removed from your programme.") % {"title": session.title},
        )
    else:
        return redirect("web:session", slug=event.slug, pk=session.pk)
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("web:session", slug=event.slug, pk=session.pk)


@dataclass
class AgendaExtra:
    """An agenda item of another app (e.g. an accepted meeting) on the agenda page."""

    item: hooks.AgendaItem

    @property
    def start(self):
        return self.item.start


def _agenda_days(event, sessions, items=()):
    """The days with saved sessions and other agenda items, each in time order."""
    days = {}
    for session in sessions:
        day = timezone.localtime(session.start, event.tz).date()
        days.setdefault(day, []).append(
            Entry(session=session, colour=_colour_of(session), is_favourite=True)
        )
    for item in items:
        day = timezone.localtime(item.start, event.tz).date()
        days.setdefault(day, []).append(AgendaExtra(item=item))

    def start_of(entry):
        return entry.start if isinstance(entry, AgendaExtra) else entry.session.start

    return [(day, sorted(entries, key=start_of)) for day, entries in sorted(days.items())]


@handles_domain_errors
@login_required
@require_GET
def agenda(request, slug):
    event = event_or_404(request, slug)
    days = _agenda_days(
        event,
        selectors.agenda_for(request.user, event),
        hooks.agenda_items(request.user, event),
    )
    registration = _registration_for(request.user, event)
    return render(
        request,
        "web/agenda.html",
        {"event": event, "days": days, "ics_url": _agenda_ics_url(request, registration)},
    )
