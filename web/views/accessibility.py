"""The accessibility statement, the feedback form about barriers and the Leichte Sprache page.

Each exists per event (``/events/<slug>/…``, written by its organizers) and once for the platform
(the pages without an event link there); without a stored statement the pages show the platform's
own text from the templates.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accessibility import selectors, services
from accessibility.models import Statement
from treffpunkt.access import allowed, require

from ..forms import FeedbackForm, StatementForm
from .common import event_or_404, handles_domain_errors, refusals_to_form


def _event(request, slug):
    return event_or_404(request, slug) if slug else None


def statement(request, slug=None):
    event = _event(request, slug)
    return render(
        request,
        "web/accessibility/statement.html",
        {
            "event": event,
            "statement": selectors.statement_for(event),
            "may_edit": event is not None
            and allowed(request.user, "accessibility.change_statement", event),
        },
    )


def easy_language(request, slug=None):
    event = _event(request, slug)
    return render(
        request,
        "web/accessibility/easy_language.html",
        {"event": event, "statement": selectors.statement_for(event)},
    )


def _local_page(request, value):
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}):
        return value
    return ""


@require_http_methods(["GET", "POST"])
def feedback(request, slug=None):
    event = _event(request, slug)
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            with refusals_to_form(form):
                services.submit_feedback(
                    event=event,
                    user=request.user,
                    message=form.cleaned_data["message"],
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    page=_local_page(request, form.cleaned_data["page"]),
                )
                messages.success(
                    request, _("Thank you. Your report has been sent to the organizers.")
                )
                if event is None:
                    return redirect("web:accessibility-site")
                return redirect("web:accessibility", slug=event.slug)
    else:
        form = FeedbackForm(initial={"page": _local_page(request, request.GET.get("from", ""))})
    return render(
        request,
        "web/accessibility/feedback.html",
        {"event": event, "form": form},
        status=form.status,
    )


@handles_domain_errors
@require_http_methods(["GET", "POST"])
def statement_edit(request, slug):
    event = event_or_404(request, slug)
    require(request.user, "accessibility.change_statement", event)
    current = selectors.statement_for(event) or Statement(event=event)
    fields = [
        "conformance",
        "body",
        "known_limits",
        "contact_email",
        "prepared_on",
        "easy_language",
        "sign_language_video_url",
    ]
    if request.method == "POST":
        form = StatementForm(request.POST)
        if form.is_valid():
            with refusals_to_form(form):
                services.save_statement(user=request.user, event=event, **form.cleaned_data)
                messages.success(request, _("The accessibility statement has been saved."))
                return redirect("web:accessibility", slug=event.slug)
    else:
        form = StatementForm(initial={name: getattr(current, name) for name in fields})
    return render(
        request,
        "web/accessibility/statement_edit.html",
        {"event": event, "form": form},
        status=form.status,
    )
