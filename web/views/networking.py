"""Networking pages: one's own profile with recommendations and the list of people, someone's
profile with the meeting request, and blocking and reporting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from matchmaking import meetings as meeting_services
from matchmaking import selectors as matchmaking_selectors
from matchmaking import services as matchmaking_services
from matchmaking.models import Profile
from treffpunkt.access import allowed

from ..forms import MeetingRequestForm, ProfileForm, ReportForm, language_names, slot_choices
from .common import handles_domain_errors, networking_event, refusals_to_form
from .messages import conversation_or_404, networking_context

PROFILES_PER_PAGE = 20
RECOMMENDATIONS = 10


def _profile_page(request, profiles):
    paginator = Paginator(profiles, PROFILES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def _visible_profile_or_404(event, user_id, viewer):
    profile = matchmaking_selectors.profile_for(event, user_id, viewer=viewer)
    if profile is None:
        raise Http404
    return profile


@handles_domain_errors
@login_required
def networking(request, slug):
    """Own profile (editor and opt-in), recommendations while visible, the list of visible people."""
    event = networking_event(request, slug)
    user = request.user
    profile = matchmaking_services.ensure_profile(event, user=user)
    tags = list(matchmaking_selectors.tags_for(event))
    if request.method == "POST":
        form = ProfileForm(request.POST, tags=tags, languages=profile.languages)
        if form.is_valid():
            was_visible = profile.is_visible
            with refusals_to_form(form):
                matchmaking_services.update_profile(profile, user=user, **form.cleaned_data)
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
        networking_context(
            request,
            event,
            profile=profile,
            form=form,
            visibility_consent=matchmaking_services.visibility_consent_text(event),
            recommendations=recommendations,
            page=page,
            page_query=page_query,
            query=query,
            organisation_type=organisation_type,
            organisation_types=Profile.OrganisationType.choices,
            filtered=bool(query or organisation_type),
            blocks=matchmaking_selectors.blocked_by(event, user),
        ),
        status=form.status,
    )


@handles_domain_errors
@login_required
def person(request, slug, user_id):
    """Someone's profile with the slots free for both, and the form to ask for a meeting."""
    event = networking_event(request, slug)
    user = request.user
    if user_id == user.pk:
        return redirect("web:networking", slug=event.slug)
    profile = _visible_profile_or_404(event, user_id, user)
    other = profile.user
    slots = meeting_services.free_slots(event, user=user, other=other)
    choices = slot_choices(event, slots)
    if request.method == "POST":
        form = MeetingRequestForm(request.POST, slot_choices=choices)
        if form.is_valid():
            start, end = form.cleaned_data["slot"]
            with refusals_to_form(form, fields={"start": "slot", "end": "slot"}):
                _meeting, warnings = meeting_services.request_meeting(
                    event,
                    user=user,
                    invitee_id=other.pk,
                    start=start,
                    end=end,
                    message=form.cleaned_data["message"],
                    location=form.cleaned_data["location"],
                )
                messages.success(
                    request,
                    _("Your request was sent to %(name)s.")
                    % {"name": meeting_services.display_name(other)},
                )
                for warning in warnings:
                    messages.warning(request, warning)
                return redirect("web:meetings", slug=event.slug)
    elif request.method == "GET":
        form = MeetingRequestForm(slot_choices=choices)
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    tag_names = {tag.slug: tag.name for tag in matchmaking_selectors.tags_for(event)}
    return render(
        request,
        "web/person.html",
        networking_context(
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
            spoken_languages=language_names(profile.languages),
        ),
        status=form.status,
    )


@handles_domain_errors(redirect_to="web:networking")
@login_required
@require_POST
def block(request, slug, user_id):
    """Block someone at this event: they leave lists, recommendations and conversations."""
    event = networking_event(request, slug)
    matchmaking_services.block_user(event, user=request.user, blocked_id=user_id)
    messages.success(
        request,
        _(
            "The person is blocked: you no longer see each other in lists and "
            "recommendations, and neither of you can write to the other."
        ),
    )
    return redirect("web:networking", slug=event.slug)


@handles_domain_errors(redirect_to="web:networking")
@login_required
@require_POST
def unblock(request, slug, user_id):
    """Lift one's own block; the person may show up and write again."""
    event = networking_event(request, slug)
    matchmaking_services.unblock_user(event, user=request.user, blocked_id=user_id)
    messages.success(request, _("The block is lifted."))
    return redirect("web:networking", slug=event.slug)


def _report_target(request, event, user_id):
    """Whom the report is about, and the conversation it comes from (``?conversation=``)."""
    conversation_id = request.POST.get("conversation") or request.GET.get("conversation")
    if conversation_id:
        try:
            conversation = conversation_or_404(request, event, int(conversation_id))
        except ValueError:
            raise Http404 from None
        other = conversation.other(request.user)
        if other.pk != user_id:
            raise Http404
        return other, conversation
    return _visible_profile_or_404(event, user_id, request.user).user, None


@handles_domain_errors
@login_required
def report(request, slug, user_id):
    """Report someone to the organizers, optionally blocking them in the same step."""
    event = networking_event(request, slug)
    other, conversation = _report_target(request, event, user_id)
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            with refusals_to_form(form):
                meeting_services.report_user(
                    event,
                    user=request.user,
                    reported_id=other.pk,
                    reason=form.cleaned_data["reason"],
                    conversation=conversation,
                    block=form.cleaned_data["block"],
                )
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
        networking_context(
            request,
            event,
            other=other,
            name=meeting_services.display_name(other),
            conversation=conversation,
            form=form,
        ),
        status=form.status,
    )
