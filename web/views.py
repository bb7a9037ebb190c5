"""The server-rendered web client: programme, session pages, personal agenda, expo, networking.

Views stay thin: they resolve the event through ``congress.selectors``, read through selectors and
change state only through the apps' services (``congress.services``, ``expo.services``,
``matchmaking.services``/``matchmaking.meetings``, ``congress.conversations``).
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from congress import hooks, selectors, services
from congress.models import Registration, Room
from conversations import selectors as conversations
from conversations import services as conversation_services
from expo import selectors as expo_selectors
from expo import services as expo_services
from expo.errors import ExpoError
from expo.markdown import render_markdown
from expo.models import Exhibitor, Lead
from matchmaking import meetings as meeting_services
from matchmaking import selectors as matchmaking_selectors
from matchmaking import services as matchmaking_services
from matchmaking.models import Meeting, Profile
from treffpunkt.access import allowed
from treffpunkt.errors import AccessDenied, DomainError, NotFound

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


@login_required
@require_GET
def agenda(request, slug):
    event = _event_or_404(request, slug)
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
            "my_leads": list(expo_selectors.leads_of(request.user, event)),
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
    if request.POST.get("action") == "withdraw":
        # Always possible, also while the booth is hidden (back in review): one's own lead only.
        exhibitor = get_object_or_404(Exhibitor.objects.filter(event=event), pk=pk)
        if expo_services.withdraw_lead(exhibitor, user=request.user):
            messages.success(
                request,
                _("Your consent was withdrawn; %(name)s no longer sees your contact.")
                % {"name": exhibitor.name},
            )
        if allowed(request.user, "expo.view_exhibitor", exhibitor):
            return redirect("web:booth", slug=event.slug, pk=exhibitor.pk)
        return redirect("web:expo", slug=event.slug)
    exhibitor = _booth_or_404(request, event, pk)
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


# --- Networking: profiles, recommendations, meetings, 1:1 messages --------------------------------

LANGUAGE_CHOICES = [
    ("de", gettext_lazy("German")),
    ("en", gettext_lazy("English")),
    ("fr", gettext_lazy("French")),
    ("es", gettext_lazy("Spanish")),
    ("it", gettext_lazy("Italian")),
    ("nl", gettext_lazy("Dutch")),
    ("pl", gettext_lazy("Polish")),
    ("tr", gettext_lazy("Turkish")),
    ("uk", gettext_lazy("Ukrainian")),
    ("ar", gettext_lazy("Arabic")),
]
PROFILES_PER_PAGE = 20
RECOMMENDATIONS = 10


def _networking_event(request, slug):
    """The event, for users who take part in its matchmaking (registered, not banned); else 403."""
    event = _event_or_404(request, slug)
    if not allowed(request.user, "matchmaking.take_part", event):
        raise PermissionDenied
    return event


def _networking_context(request, event, **context):
    """What every networking page needs: the event and the nav badge's unread count."""
    return {
        "event": event,
        "unread_total": conversations.unread_total(request.user, event),
        **context,
    }


class ProfileForm(_Form):
    is_visible = forms.BooleanField(
        label=gettext_lazy("Show my profile to other attendees of this event"),
        required=False,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "visibility-help"}),
    )
    organisation = forms.CharField(
        label=gettext_lazy("Organisation"), max_length=200, required=False
    )
    organisation_type = forms.ChoiceField(
        label=gettext_lazy("Type of organisation"), choices=Profile.OrganisationType.choices
    )
    position = forms.CharField(label=gettext_lazy("Position"), max_length=200, required=False)
    region = forms.CharField(label=gettext_lazy("Region"), max_length=120, required=False)
    interests = forms.MultipleChoiceField(
        label=gettext_lazy("Interests"), required=False, widget=forms.CheckboxSelectMultiple
    )
    offers = forms.MultipleChoiceField(
        label=gettext_lazy("I offer"), required=False, widget=forms.CheckboxSelectMultiple
    )
    seeks = forms.MultipleChoiceField(
        label=gettext_lazy("I am looking for"), required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Languages"), required=False, widget=forms.CheckboxSelectMultiple
    )
    bio = forms.CharField(
        label=gettext_lazy("About me"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("At most 500 characters."),
    )

    TAG_FIELDS = ("interests", "offers", "seeks")

    def __init__(self, *args, tags, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        tag_choices = [(tag.slug, tag.name) for tag in tags]
        for name in self.TAG_FIELDS:
            self.fields[name].choices = tag_choices
        # Codes saved over REST that the list does not name stay selectable, so saving keeps them.
        known = {code for code, _label in LANGUAGE_CHOICES}
        self.fields["languages"].choices = LANGUAGE_CHOICES + [
            (code, code) for code in languages if code not in known
        ]


def _profile_page(request, profiles):
    paginator = Paginator(profiles, PROFILES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


@login_required
def networking(request, slug):
    """Own profile (editor and opt-in), recommendations while visible, the list of visible people."""
    event = _networking_event(request, slug)
    user = request.user
    try:
        profile = matchmaking_services.ensure_profile(event, user=user)
    except AccessDenied as error:
        raise PermissionDenied(error.message) from error
    tags = list(matchmaking_selectors.tags_for(event))
    if request.method == "POST":
        form = ProfileForm(request.POST, tags=tags, languages=profile.languages)
        if form.is_valid():
            was_visible = profile.is_visible
            try:
                matchmaking_services.update_profile(profile, user=user, **form.cleaned_data)
            except AccessDenied as error:
                form.add_error(None, error.message)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                if profile.is_visible and not was_visible:
                    messages.success(request, _("Your profile is now visible to other attendees."))
                elif was_visible and not profile.is_visible:
                    messages.success(
                        request,
                        _("Your profile is hidden again; nobody can find or recommend you now."),
                    )
                else:
                    messages.success(request, _("Your profile was saved."))
                return redirect("web:networking", slug=event.slug)
        # A refused save leaves the stored profile as it was.
        profile.refresh_from_db()
    elif request.method == "GET":
        form = ProfileForm(
            initial=model_to_dict(profile, fields=Profile.EDITABLE_FIELDS),
            tags=tags,
            languages=profile.languages,
        )
    else:
        return HttpResponseNotAllowed(["GET", "POST"])

    recommendations = []
    if allowed(user, "matchmaking.view_recommendations", profile):
        tag_names = {tag.slug: tag.name for tag in tags}
        recommendations = [
            {
                "profile": other,
                "score": round(score * 100),
                "reasons": reasons,
                "tags": [tag_names[slug] for slug in other.offers if slug in tag_names],
            }
            for other, score, reasons in matchmaking_selectors.recommendations_for(
                profile, limit=RECOMMENDATIONS
            )
        ]
    query = request.GET.get("q", "").strip()[:100]
    organisation_type = request.GET.get("organisation_type", "")
    if organisation_type not in Profile.OrganisationType.values:
        organisation_type = ""
    profiles = matchmaking_selectors.visible_profiles_for(
        event, viewer=user, search=query, organisation_type=organisation_type
    ).exclude(user=user)
    page, page_query = _profile_page(request, profiles)
    return render(
        request,
        "web/networking.html",
        _networking_context(
            request,
            event,
            profile=profile,
            form=form,
            recommendations=recommendations,
            page=page,
            page_query=page_query,
            query=query,
            organisation_type=organisation_type,
            organisation_types=Profile.OrganisationType.choices,
            filtered=bool(query or organisation_type),
            blocks=matchmaking_selectors.blocked_by(event, user),
        ),
        status=400 if form.errors else 200,
    )


def _slot_value(slot):
    return f"{slot['start'].isoformat()}/{slot['end'].isoformat()}"


def _slot_choices(event, slots):
    choices = []
    for slot in slots:
        label = meeting_services.span_label(event, slot["start"], slot["end"])
        if slot["warnings"]:
            label = _("%(slot)s (overlaps your programme)") % {"slot": label}
        choices.append((_slot_value(slot), label))
    return choices


class SlotField(forms.CharField):
    """A meeting time as ``<start ISO>/<end ISO>``; the services check that it is a free slot."""

    widget = forms.Select

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            start, end = (datetime.fromisoformat(part) for part in value.split("/", 1))
        except ValueError:
            raise forms.ValidationError(_("Please choose a time from the list.")) from None
        if timezone.is_naive(start) or timezone.is_naive(end):
            raise forms.ValidationError(_("Please choose a time from the list."))
        return start, end


class MeetingRequestForm(_Form):
    slot = SlotField(label=gettext_lazy("Time"))
    location = forms.CharField(
        label=gettext_lazy("Where (optional)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "A table at the venue (e.g. “Tisch 12”) or a video link starting with https://."
        ),
        widget=forms.TextInput(attrs={"aria-describedby": "id_location-help"}),
    )
    message = forms.CharField(
        label=gettext_lazy("Message (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, slot_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].widget.choices = [("", _("Choose a time…")), *slot_choices]


class RescheduleForm(_Form):
    slot = SlotField(label=gettext_lazy("New time"))


class ReportForm(_Form):
    reason = forms.CharField(
        label=gettext_lazy("What happened?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    block = forms.BooleanField(
        label=gettext_lazy("Also block this person"), required=False, initial=True
    )


def _visible_profile_or_404(event, user_id, viewer):
    profile = matchmaking_selectors.profile_for(event, user_id, viewer=viewer)
    if profile is None:
        raise Http404
    return profile


@login_required
def person(request, slug, user_id):
    """Someone's profile with the slots free for both, and the form to ask for a meeting."""
    event = _networking_event(request, slug)
    user = request.user
    if user_id == user.pk:
        return redirect("web:networking", slug=event.slug)
    profile = _visible_profile_or_404(event, user_id, user)
    other = profile.user
    slots = meeting_services.free_slots(event, user=user, other=other)
    choices = _slot_choices(event, slots)
    status = 200
    if request.method == "POST":
        form = MeetingRequestForm(request.POST, slot_choices=choices)
        if form.is_valid():
            start, end = form.cleaned_data["slot"]
            try:
                _meeting, warnings = meeting_services.request_meeting(
                    event,
                    user=user,
                    invitee_id=other.pk,
                    start=start,
                    end=end,
                    message=form.cleaned_data["message"],
                    location=form.cleaned_data["location"],
                )
            except AccessDenied as error:
                form.add_error(None, error.message)
                status = 403
            except DomainError as error:
                field_name = {"start": "slot", "end": "slot"}.get(error.field, error.field)
                form.add_error(field_name if field_name in form.fields else None, error.message)
                status = error.status
            else:
                messages.success(
                    request,
                    _("Your request was sent to %(name)s.")
                    % {"name": meeting_services.display_name(other)},
                )
                for warning in warnings:
                    messages.warning(request, warning)
                return redirect("web:meetings", slug=event.slug)
        else:
            status = 400
    elif request.method == "GET":
        form = MeetingRequestForm(slot_choices=choices)
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    tag_names = {tag.slug: tag.name for tag in matchmaking_selectors.tags_for(event)}
    return render(
        request,
        "web/person.html",
        _networking_context(
            request,
            event,
            profile=profile,
            other=other,
            name=meeting_services.display_name(other),
            slots=slots,
            form=form,
            tags={
                name: [tag_names[slug] for slug in getattr(profile, name) if slug in tag_names]
                for name in ("interests", "offers", "seeks")
            },
            spoken_languages=_language_names(profile.languages),
        ),
        status=status,
    )


def _language_names(codes):
    names = dict(LANGUAGE_CHOICES)
    return [str(names.get(code, code)) for code in codes]


@login_required
@require_POST
def start_conversation(request, slug, user_id):
    """ "Write a message" from networking: open (or reuse) the 1:1 conversation, go to the chat."""
    event = _networking_event(request, slug)
    profile = matchmaking_selectors.profile_for(event, user_id, viewer=request.user)
    if profile is not None:
        other = profile.user
    else:
        # A meeting partner stays reachable after hiding their profile.
        partners = meeting_services.meetings_for(
            request.user, event, states=Meeting.ACTIVE_STATES
        ).filter(Q(requester_id=user_id) | Q(invitee_id=user_id))
        meeting = partners.first()
        if meeting is None:
            raise Http404
        other = meeting.invitee if meeting.invitee_id == user_id else meeting.requester
    try:
        conversation, _created = conversation_services.open_conversation(
            user=request.user, other=other, event=event, origin="match"
        )
    except NotFound as error:
        raise Http404 from error
    except (AccessDenied, DomainError) as error:
        messages.error(request, error.message)
        return redirect("web:networking", slug=event.slug)
    return redirect("web:conversation", slug=event.slug, pk=conversation.pk)


@login_required
@require_POST
def block(request, slug, user_id):
    """Block someone at this event: they leave lists, recommendations and conversations."""
    event = _networking_event(request, slug)
    try:
        matchmaking_services.block_user(event, user=request.user, blocked_id=user_id)
    except (AccessDenied, DomainError) as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "The person is blocked: you no longer see each other in lists and "
                "recommendations, and neither of you can write to the other."
            ),
        )
    return redirect("web:networking", slug=event.slug)


@login_required
@require_POST
def unblock(request, slug, user_id):
    """Lift one's own block; the person may show up and write again."""
    event = _networking_event(request, slug)
    try:
        matchmaking_services.unblock_user(event, user=request.user, blocked_id=user_id)
    except (AccessDenied, DomainError) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The block is lifted."))
    return redirect("web:networking", slug=event.slug)


def _report_target(request, event, user_id):
    """Whom the report is about, and the conversation it comes from (``?conversation=``)."""
    conversation = None
    conversation_id = request.POST.get("conversation") or request.GET.get("conversation")
    if conversation_id:
        try:
            conversation = conversations.load_conversation(request.user, int(conversation_id))
        except (NotFound, ValueError):
            raise Http404 from None
        if conversation.event_id != event.pk:
            raise Http404
        other = conversation.other(request.user)
        if other.pk != user_id:
            raise Http404
        return other, conversation
    return _visible_profile_or_404(event, user_id, request.user).user, None


@login_required
def report(request, slug, user_id):
    """Report someone to the organizers, optionally blocking them in the same step."""
    event = _networking_event(request, slug)
    other, conversation = _report_target(request, event, user_id)
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                meeting_services.report_user(
                    event,
                    user=request.user,
                    reported_id=other.pk,
                    reason=form.cleaned_data["reason"],
                    conversation=conversation,
                    block=form.cleaned_data["block"],
                )
            except (AccessDenied, DomainError) as error:
                field_name = error.field if getattr(error, "field", None) in form.fields else None
                form.add_error(field_name, error.message)
            else:
                messages.success(
                    request, _("Thank you. The organizers will look into your report.")
                )
                return redirect("web:networking", slug=event.slug)
    elif request.method == "GET":
        form = ReportForm()
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(
        request,
        "web/report.html",
        _networking_context(
            request,
            event,
            other=other,
            name=meeting_services.display_name(other),
            conversation=conversation,
            form=form,
        ),
        status=400 if form.errors else 200,
    )


@dataclass
class MeetingRow:
    meeting: Meeting
    partner: object
    name: str
    is_past: bool
    reschedule_form: RescheduleForm | None = None


@login_required
@require_GET
def meetings(request, slug):
    """ "My meetings": requests awaiting me, requests I sent, accepted, and the rest greyed."""
    event = _networking_event(request, slug)
    user = request.user
    now = timezone.now()
    groups = {"awaiting": [], "sent": [], "accepted": [], "other": []}
    mine = list(meeting_services.meetings_for(user, event))
    partners = {
        meeting.invitee if user.pk == meeting.requester_id else meeting.requester
        for meeting in mine
        if meeting.state == Meeting.State.ACCEPTED and meeting.end > now
    }
    free = meeting_services.free_slots_for_each(event, user=user, others=partners)
    for meeting in mine:
        partner = meeting.invitee if user.pk == meeting.requester_id else meeting.requester
        row = MeetingRow(
            meeting=meeting,
            partner=partner,
            name=meeting_services.display_name(partner),
            is_past=meeting.end <= now,
        )
        if row.is_past or not meeting.is_active:
            groups["other"].append(row)
        elif meeting.state == Meeting.State.PENDING:
            groups["awaiting" if meeting.awaiting_id == user.pk else "sent"].append(row)
        else:
            slots = free[partner.pk]
            row.reschedule_form = RescheduleForm(
                prefix=f"meeting-{meeting.pk}", auto_id=f"id_meeting-{meeting.pk}_%s"
            )
            row.reschedule_form.fields["slot"].widget.choices = [
                ("", _("Choose a time…")),
                *_slot_choices(event, slots),
            ]
            groups["accepted"].append(row)
    return render(
        request,
        "web/meetings.html",
        _networking_context(request, event, **groups, **MEETING_ACTIONS),
    )


# Buttons per group on "My meetings": (action, label).
MEETING_ACTIONS = {
    "answer_actions": [("accept", gettext_lazy("Accept")), ("decline", gettext_lazy("Decline"))],
    "withdraw_actions": [("cancel", gettext_lazy("Withdraw"))],
    "cancel_actions": [("cancel", gettext_lazy("Call off"))],
}


@login_required
@require_POST
def meeting_action(request, slug, pk, action):
    """Accept, decline, cancel (withdraw or call off) or reschedule one of one's meetings."""
    event = _networking_event(request, slug)
    if action not in ("accept", "decline", "cancel", "reschedule"):
        raise Http404
    try:
        meeting = meeting_services.load_meeting(request.user, pk, event=event)
    except NotFound as error:
        raise Http404 from error
    name = meeting_services.display_name(
        meeting.requester if meeting.invitee_id == request.user.pk else meeting.invitee
    )
    warnings = []
    try:
        if action == "accept":
            meeting, warnings = meeting_services.accept_meeting(meeting, user=request.user)
            done = _("You accepted the meeting with %(name)s.")
        elif action == "decline":
            meeting_services.decline_meeting(meeting, user=request.user)
            done = _("You declined the request of %(name)s.")
        elif action == "cancel":
            was_pending = meeting.state == Meeting.State.PENDING
            meeting_services.cancel_meeting(meeting, user=request.user)
            done = (
                _("Your request to %(name)s was withdrawn.")
                if was_pending and meeting.requester_id == request.user.pk
                else _("The meeting with %(name)s was cancelled.")
            )
        else:
            form = RescheduleForm(request.POST, prefix=f"meeting-{meeting.pk}")
            if not form.is_valid():
                messages.error(request, _("Please choose a new time from the list."))
                return redirect("web:meetings", slug=event.slug)
            start, end = form.cleaned_data["slot"]
            meeting, warnings = meeting_services.reschedule_meeting(
                meeting, user=request.user, start=start, end=end
            )
            done = _("You proposed a new time to %(name)s; the meeting waits for their answer.")
    except (AccessDenied, DomainError) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done % {"name": name})
        for warning in warnings:
            messages.warning(request, warning)
    return redirect("web:meetings", slug=event.slug)


@login_required
@require_GET
def messages_list(request, slug):
    """The user's 1:1 conversations at the event, with unread counts."""
    event = _networking_event(request, slug)
    user = request.user
    items = [
        {
            "conversation": conversation,
            "name": meeting_services.display_name(conversation.other(user)),
            "unread": conversation.unread,
        }
        for conversation in conversations.conversations_for(user, event)
    ]
    return render(
        request,
        "web/messages.html",
        {
            "event": event,
            "items": items,
            "unread_total": sum(item["unread"] for item in items),
        },
    )


@login_required
@require_GET
def conversation(request, slug, pk):
    """The live 1:1 chat; only its two participants see it (404 for everyone else)."""
    event = _networking_event(request, slug)
    try:
        found = conversations.load_conversation(request.user, pk)
    except NotFound as error:
        raise Http404 from error
    if found.event_id != event.pk:
        raise Http404
    other = found.other(request.user)
    return render(
        request,
        "web/conversation.html",
        _networking_context(
            request,
            event,
            conversation=found,
            other=other,
            name=meeting_services.display_name(other),
        ),
    )
