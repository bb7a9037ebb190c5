"""Web pages of the back office: "what changed" for attendees; the printable report and the
webhook list (with its "send test" button) for organizers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from congress import selectors
from treffpunkt.access import allowed

from . import releases, report, webhooks
from .models import Webhook
from .webhooks import WebhookError, check_url


def _event_or_404(request, slug, permission=None):
    event = selectors.visible_event(request.user, slug)
    if event is None or (permission and not allowed(request.user, permission, event)):
        raise Http404
    return event


@login_required
@require_GET
def changes(request, slug):
    """Was hat sich geändert? The releases since the last look, favourites first; looking marks
    them as seen."""
    event = _event_or_404(request, slug)
    return render(
        request,
        "backoffice/changes.html",
        {"event": event, **releases.changes_since_last_visit(event, request.user)},
    )


@login_required
@require_GET
def report_page(request, slug):
    event = _event_or_404(request, slug, "backoffice.view_report")
    data = report.report_for(event)
    days = [
        {**day, "bars": report.chart_bars(day["hours"], width=480, height=120)}
        for day in data["days"]
    ]
    top = max((row["unique_viewers"] for row in data["sessions"]), default=0) or 1
    sessions = [
        {**row, "bar": round(row["unique_viewers"] / top * 200, 1)} for row in data["sessions"]
    ]
    top_booth = max((row["visits"] for row in data["booths"]), default=0) or 1
    booths = [{**row, "bar": round(row["visits"] / top_booth * 200, 1)} for row in data["booths"]]
    return render(
        request,
        "backoffice/report.html",
        {
            "event": event,
            "report": data,
            "days": days,
            "sessions": sessions,
            "booths": booths,
        },
    )


@login_required
def webhook_list(request, slug):
    """The event's webhook endpoints: add one (its secret is shown once), send a test delivery."""
    event = _event_or_404(request, slug)
    if not allowed(request.user, "backoffice.manage_webhooks", (event, "")):
        raise Http404
    if request.method == "POST":
        url = request.POST.get("url", "").strip()
        names = [
            name
            for name in request.POST.getlist("events")
            if name in Webhook.Name.values and name != Webhook.Name.LEAD_CREATED
        ]
        try:
            check_url(url)
            if not names:
                raise WebhookError(_("Choose at least one event."), field="events")
        except WebhookError as error:
            messages.error(request, error.message)
        else:
            webhook = Webhook.objects.create(
                event=event, url=url, events=names, created_by=request.user
            )
            messages.warning(
                request,
                _("Secret of the new endpoint (shown only now): %(secret)s")
                % {"secret": webhook.secret},
            )
        return redirect("backoffice:webhooks", slug=event.slug)
    endpoints = Webhook.objects.filter(event=event, scope="").prefetch_related("deliveries__log")
    return render(
        request,
        "backoffice/webhooks.html",
        {
            "event": event,
            "endpoints": endpoints,
            "names": [
                (value, label)
                for value, label in Webhook.Name.choices
                if value != Webhook.Name.LEAD_CREATED
            ],
        },
    )


@login_required
@require_POST
def webhook_test(request, slug, pk):
    event = _event_or_404(request, slug)
    if not allowed(request.user, "backoffice.manage_webhooks", (event, "")):
        raise Http404
    webhook = get_object_or_404(Webhook, event=event, scope="", pk=pk)
    webhooks.send_test(webhook)
    messages.success(request, _("A test delivery is on its way."))
    return redirect("backoffice:webhooks", slug=event.slug)
