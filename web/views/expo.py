"""Expo pages: the hall, a booth with its lead form, the booth editor and the booth's leads."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from expo import selectors as expo_selectors
from expo import services as expo_services
from expo.markdown import render_markdown
from expo.models import BoothRevision, Exhibitor, Lead
from treffpunkt.access import allowed
from treffpunkt.privacy import record_access

from ..forms import BoothForm, LeadForm
from .common import event_or_404, handles_domain_errors, refusals_to_form

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


@handles_domain_errors
@require_GET
def expo(request, slug):
    """The hall: booths by tier (premium first), filtered by category and search text.

    One selector query loads every booth the user sees with its categories; the filters run over
    that list, so the category chips name every category in use and the page costs no extra query.
    """
    event = event_or_404(request, slug)
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
            "lead_consent": expo_services.lead_consent_text(event) if can_leave_lead else None,
            "can_edit": exhibitor.can_edit,
            "can_view_leads": allowed(user, "expo.view_leads", exhibitor),
        },
        status=status,
    )


@handles_domain_errors
@require_GET
def booth(request, slug, pk):
    """A booth; a signed-in attendee's view counts as one visit per day (as the REST detail)."""
    event = event_or_404(request, slug)
    exhibitor = _booth_or_404(request, event, pk, detail=True)
    expo_services.record_visit(exhibitor, user=request.user)
    return _render_booth(request, event, exhibitor)


@handles_domain_errors
@login_required
@require_POST
def booth_lead(request, slug, pk):
    """Leave (``action=leave``, consent required) or withdraw (``action=withdraw``) a lead."""
    event = event_or_404(request, slug)
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
        with refusals_to_form(form):
            expo_services.leave_lead(
                exhibitor,
                user=request.user,
                consent=form.cleaned_data["consent"],
                message=form.cleaned_data["message"],
            )
            messages.success(
                request,
                _("%(name)s received your contact details.") % {"name": exhibitor.name},
            )
            return redirect("web:booth", slug=event.slug, pk=exhibitor.pk)
    exhibitor = _booth_or_404(request, event, pk, detail=True)
    return _render_booth(request, event, exhibitor, lead_form=form, status=form.status)


@handles_domain_errors
@login_required
def booth_edit(request, slug, pk):
    """The booth editor for its staff and organizers; saving goes through the expo services."""
    event = event_or_404(request, slug)
    exhibitor = _booth_or_404(request, event, pk)
    _require(request.user, "expo.change_exhibitor", exhibitor)
    if request.method == "POST":
        form = BoothForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            with refusals_to_form(form):
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
                messages.success(request, _("The booth was saved."))
                if BoothRevision.objects.filter(exhibitor=exhibitor).exists():
                    messages.info(
                        request,
                        _(
                            "The changes await review: visitors see the published booth until "
                            "an organizer has approved them."
                        ),
                    )
                return redirect("web:booth-edit", slug=event.slug, pk=exhibitor.pk)
    elif request.method == "GET":
        edited = expo_services.booth_with_revision(exhibitor)
        form = BoothForm(
            initial={
                "tagline": edited.tagline,
                "description": edited.description,
                "website": edited.website,
                "video_url": edited.video_url,
            }
        )
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    revision = BoothRevision.objects.filter(exhibitor=exhibitor).first()
    return render(
        request,
        "web/booth_edit.html",
        {
            "event": event,
            "exhibitor": exhibitor,
            "pending_logo": revision.logo if revision is not None and revision.logo else None,
            "form": form,
            "can_view_leads": allowed(request.user, "expo.view_leads", exhibitor),
        },
        status=form.status,
    )


@handles_domain_errors
@login_required
@require_GET
def booth_leads(request, slug, pk):
    """The booth's leads and visit numbers, for its own staff only."""
    event = event_or_404(request, slug)
    exhibitor = _booth_or_404(request, event, pk)
    _require(request.user, "expo.view_leads", exhibitor)
    stats = expo_selectors.stats_for(exhibitor)
    most = max((row["visits"] for row in stats["visits_per_day"]), default=0)
    for row in stats["visits_per_day"]:
        row["percent"] = round(100 * row["visits"] / most) if most else 0
    leads = list(expo_selectors.leads_for(exhibitor))
    record_access(
        actor=request.user,
        what="expo.leads",
        subject_ids=[lead.user_id for lead in leads],
        event=event,
    )
    return render(
        request,
        "web/leads.html",
        {
            "event": event,
            "exhibitor": exhibitor,
            "leads": leads,
            "stats": stats,
            "csv_url": reverse(
                "exhibitor-leads-csv-file", kwargs={"event_slug": event.slug, "pk": exhibitor.pk}
            ),
        },
    )
