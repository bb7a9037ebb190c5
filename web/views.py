"""The server-rendered web client: programme, session pages, personal agenda and the expo.

Views stay thin: they resolve the event through ``congress.selectors``, read through selectors and
change state only through ``congress.services``.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from congress import selectors, services
from congress.models import Registration, Room
from expo import selectors as expo_selectors
from expo import services as expo_services
from expo.errors import ExpoError
from expo.markdown import render_markdown
from expo.models import Exhibitor, Lead
from treffpunkt.access import allowed
from treffpunkt.errors import AccessDenied

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


def _event_or_404(request, slug):
    event = selectors.visible_event(request.user, slug)
    if event is None:
        raise Http404
    return event


def _colour_of(session):
    if session.track is not None and HEX_COLOUR.match(session.track.color):
        return session.track.color
    return DEFAULT_COLOUR


def _favourite_ids(user, event):
    if not user.is_authenticated:
        return set()
    return set(
        selectors.agenda_for(user, event).prefetch_related(None).values_list("pk", flat=True)
    )


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


@require_GET
def home(request):
    events = list(selectors.events_for(request.user))
    if len(events) == 1:
        return redirect("web:programme", slug=events[0].slug)
    return render(request, "web/home.html", {"events": events})


@require_GET
def programme(request, slug):
    event = _event_or_404(request, slug)
    sessions = selectors.sessions_for(event)
    days = _programme_days(event, sessions, _favourite_ids(request.user, event))
    return render(
        request,
        "web/programme.html",
        {"event": event, "days": days, "initial_day": _initial_day(event, days)},
    )


@require_GET
def session_detail(request, slug, pk):
    event = _event_or_404(request, slug)
    session = get_object_or_404(selectors.sessions_for(event), pk=pk)
    return render(
        request,
        "web/session_detail.html",
        {
            "event": event,
            "session": session,
            "colour": _colour_of(session),
            "is_favourite": session.pk in _favourite_ids(request.user, event),
        },
    )


@login_required
@require_POST
def favourite(request, slug, pk):
    """Add (``action=add``) or remove (``action=remove``) a session from the user's agenda."""
    event = _event_or_404(request, slug)
    session = get_object_or_404(selectors.sessions_for(event).prefetch_related(None), pk=pk)
    action = request.POST.get("action")
    try:
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
    except AccessDenied as error:
        raise PermissionDenied(error.message) from error
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("web:session", slug=event.slug, pk=session.pk)


def _agenda_days(event, sessions):
    """The days with saved sessions, each with its sessions in time order."""
    days = {}
    for session in sessions:
        day = timezone.localtime(session.start, event.tz).date()
        days.setdefault(day, []).append(
            Entry(session=session, colour=_colour_of(session), is_favourite=True)
        )
    return sorted(days.items())


@login_required
@require_GET
def agenda(request, slug):
    event = _event_or_404(request, slug)
    days = _agenda_days(event, selectors.agenda_for(request.user, event))
    registration = _registration_for(request.user, event)
    return render(
        request,
        "web/agenda.html",
        {"event": event, "days": days, "ics_url": _agenda_ics_url(request, registration)},
    )


# --- Expo -----------------------------------------------------------------------------------------

TIER_LABELS = {
    Exhibitor.Tier.PREMIUM: gettext_lazy("Premium partners"),
    Exhibitor.Tier.STANDARD: gettext_lazy("Exhibitors"),
    Exhibitor.Tier.STARTUP: gettext_lazy("Start-ups"),
}


@dataclass
class TierGroup:
    tier: str
    label: str
    exhibitors: list = field(default_factory=list)


def _matches(exhibitor, category, query):
    if category and category not in {c.slug for c in exhibitor.categories.all()}:
        return False
    if query:
        text = " ".join((exhibitor.name, exhibitor.tagline, exhibitor.description)).casefold()
        return query.casefold() in text
    return True


@require_GET
def expo(request, slug):
    """The hall: booths by tier (premium first), filtered by category and search text.

    One selector query loads every booth the user sees with its categories; the filters run over
    that list, so the category chips name every category in use and the page costs no extra query.
    """
    event = _event_or_404(request, slug)
    booths = list(expo_selectors.exhibitors_for(request.user, event))
    categories = {}
    for exhibitor in booths:
        for category in exhibitor.categories.all():
            categories.setdefault(category.slug, category)
    category = request.GET.get("category", "")
    if category not in categories:
        category = ""
    query = request.GET.get("q", "").strip()[:100]
    shown = [exhibitor for exhibitor in booths if _matches(exhibitor, category, query)]
    groups = {}
    for exhibitor in shown:
        tier = exhibitor.tier
        if tier not in groups:
            groups[tier] = TierGroup(tier=tier, label=TIER_LABELS.get(tier, tier))
        groups[tier].exhibitors.append(exhibitor)
    return render(
        request,
        "web/expo.html",
        {
            "event": event,
            "exhibitors": shown,
            "tiers": list(groups.values()),
            "categories": sorted(categories.values(), key=lambda c: c.name.casefold()),
            "category": category,
            "query": query,
            "filtered": bool(category or query),
            "has_booths": bool(booths),
        },
    )


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class LeadForm(_Form):
    consent = forms.BooleanField(
        label=gettext_lazy(
            "I agree that my name, email address and message are passed on to this exhibitor."
        ),
        error_messages={
            "required": gettext_lazy("Please confirm your consent to leave your contact.")
        },
    )
    message = forms.CharField(
        label=gettext_lazy("Message (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BoothForm(_Form):
    tagline = forms.CharField(label=gettext_lazy("Tagline"), max_length=200, required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "aria-describedby": "id_description-help"}),
        help_text=gettext_lazy(
            "Markdown: **bold**, *italic*, lists with “- ”, headings with “## ”, links as "
            "[text](https://…). HTML and images are removed."
        ),
    )
    website = forms.URLField(label=gettext_lazy("Website"), required=False, assume_scheme="https")
    video_url = forms.URLField(
        label=gettext_lazy("Video URL"), required=False, assume_scheme="https"
    )
    logo = forms.FileField(
        label=gettext_lazy("Logo"),
        required=False,
        help_text=gettext_lazy("PNG, JPEG or WebP, at most 2 MB, 32 to 4000 pixels per side."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/webp", "aria-describedby": "id_logo-help"}
        ),
    )


def _booth_or_404(request, event, pk, *, detail=False):
    """The booth if this user may see it (404 otherwise, drafts included)."""
    queryset = (
        expo_selectors.booth_detail_for(request.user, event)
        if detail
        else expo_selectors.exhibitors_for(request.user, event).prefetch_related(None)
    )
    exhibitor = get_object_or_404(queryset, pk=pk)
    if not allowed(request.user, "expo.view_exhibitor", exhibitor):
        raise Http404
    return exhibitor


def _require(user, permission, exhibitor):
    if not allowed(user, permission, exhibitor):
        raise PermissionDenied


def _render_booth(request, event, exhibitor, lead_form=None, status=200):
    user = request.user
    lead = None
    if user.is_authenticated:
        lead = Lead.objects.filter(exhibitor=exhibitor, user=user).first()
    can_leave_lead = allowed(user, "expo.leave_lead", exhibitor)
    if lead_form is None and can_leave_lead:
        lead_form = LeadForm(initial={"message": lead.message if lead else ""})
    return render(
        request,
        "web/booth.html",
        {
            "event": event,
            "exhibitor": exhibitor,
            # Markdown rendered and cleaned by expo.markdown (nh3 allow-list), so safe to insert.
            "description_html": mark_safe(render_markdown(exhibitor.description)),  # noqa: S308
            "social_links": [
                link
                for link in exhibitor.social_links or []
                if isinstance(link, str) and link.startswith(("https://", "http://"))
            ],
            "lead": lead,
            "lead_form": lead_form,
            "can_leave_lead": can_leave_lead,
            "can_edit": exhibitor.can_edit,
            "can_view_leads": allowed(user, "expo.view_leads", exhibitor),
        },
        status=status,
    )


@require_GET
def booth(request, slug, pk):
    """A booth; a signed-in attendee's view counts as one visit per day (as the REST detail)."""
    event = _event_or_404(request, slug)
    exhibitor = _booth_or_404(request, event, pk, detail=True)
    expo_services.record_visit(exhibitor, user=request.user)
    return _render_booth(request, event, exhibitor)


@login_required
@require_POST
def booth_lead(request, slug, pk):
    """Leave (``action=leave``, consent required) or withdraw (``action=withdraw``) a lead."""
    event = _event_or_404(request, slug)
    exhibitor = _booth_or_404(request, event, pk)
    if request.POST.get("action") == "withdraw":
        if expo_services.withdraw_lead(exhibitor, user=request.user):
            messages.success(
                request,
                _("Your consent was withdrawn; %(name)s no longer sees your contact.")
                % {"name": exhibitor.name},
            )
        return redirect("web:booth", slug=event.slug, pk=exhibitor.pk)
    _require(request.user, "expo.leave_lead", exhibitor)
    form = LeadForm(request.POST)
    if form.is_valid():
        try:
            expo_services.leave_lead(
                exhibitor,
                user=request.user,
                consent=form.cleaned_data["consent"],
                message=form.cleaned_data["message"],
            )
        except AccessDenied as error:
            raise PermissionDenied(error.message) from error
        except ExpoError as error:
            form.add_error("consent" if error.field == "consent" else None, error.message)
        else:
            messages.success(
                request,
                _("%(name)s received your contact details.") % {"name": exhibitor.name},
            )
            return redirect("web:booth", slug=event.slug, pk=exhibitor.pk)
    exhibitor = _booth_or_404(request, event, pk, detail=True)
    return _render_booth(request, event, exhibitor, lead_form=form, status=400)


@login_required
def booth_edit(request, slug, pk):
    """The booth editor for its staff and organizers; saving goes through the expo services."""
    event = _event_or_404(request, slug)
    exhibitor = _booth_or_404(request, event, pk)
    _require(request.user, "expo.change_exhibitor", exhibitor)
    if request.method == "POST":
        form = BoothForm(request.POST, request.FILES)
        if form.is_valid():
            was_published = exhibitor.status == Exhibitor.Status.PUBLISHED
            data = form.cleaned_data
            try:
                if data["logo"]:
                    expo_services.set_logo(exhibitor, user=request.user, upload=data["logo"])
                expo_services.update_booth(
                    exhibitor,
                    user=request.user,
                    tagline=data["tagline"],
                    description=data["description"],
                    website=data["website"],
                    video_url=data["video_url"],
                )
            except AccessDenied as error:
                raise PermissionDenied(error.message) from error
            except ExpoError as error:
                field_name = error.field if error.field in form.fields else None
                form.add_error(field_name, error.message)
            else:
                messages.success(request, _("The booth was saved."))
                if was_published and exhibitor.status == Exhibitor.Status.SUBMITTED:
                    messages.info(
                        request,
                        _(
                            "The changes go back to review: the booth is shown again once an "
                            "organizer has approved them."
                        ),
                    )
                return redirect("web:booth-edit", slug=event.slug, pk=exhibitor.pk)
    elif request.method == "GET":
        form = BoothForm(
            initial={
                "tagline": exhibitor.tagline,
                "description": exhibitor.description,
                "website": exhibitor.website,
                "video_url": exhibitor.video_url,
            }
        )
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(
        request,
        "web/booth_edit.html",
        {
            "event": event,
            "exhibitor": exhibitor,
            "form": form,
            "can_view_leads": allowed(request.user, "expo.view_leads", exhibitor),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def booth_leads(request, slug, pk):
    """The booth's leads and visit numbers, for its own staff only."""
    event = _event_or_404(request, slug)
    exhibitor = _booth_or_404(request, event, pk)
    _require(request.user, "expo.view_leads", exhibitor)
    stats = expo_selectors.stats_for(exhibitor)
    most = max((row["visits"] for row in stats["visits_per_day"]), default=0)
    for row in stats["visits_per_day"]:
        row["percent"] = round(100 * row["visits"] / most) if most else 0
    return render(
        request,
        "web/leads.html",
        {
            "event": event,
            "exhibitor": exhibitor,
            "leads": expo_selectors.leads_for(exhibitor),
            "stats": stats,
            "csv_url": reverse(
                "exhibitor-leads-csv-file", kwargs={"event_slug": event.slug, "pk": exhibitor.pk}
            ),
        },
    )
