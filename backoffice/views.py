"""Web pages of the back office: "what changed" for attendees; the printable report and the
webhook list (with its "send test" button) for organizers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from congress import hooks, selectors
from treffpunkt.access import allowed

from . import releases, report, webhooks
from .models import Webhook
from .webhooks import WebhookError, create_webhook


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


def _scope_of(request, event):
    """``""`` (the event's endpoints) or ``booth:<id>`` from ``?booth=``; 404 unless allowed."""
    booth = request.GET.get("booth", "")
    scope = f"booth:{booth}" if booth.isdigit() else ""
    if not allowed(request.user, "backoffice.manage_webhooks", (event, scope)):
        raise Http404
    return scope


def _names_for(scope):
    return [
        (value, label)
        for value, label in Webhook.Name.choices
        if (value == Webhook.Name.LEAD_CREATED) == bool(scope)
    ]


def _back(event, scope):
    url = reverse("backoffice:webhooks", kwargs={"slug": event.slug})
    return redirect(f"{url}?booth={scope.partition(':')[2]}" if scope else url)


@login_required
def webhook_list(request, slug):
    """Webhook endpoints of the event (organizers) or, with ``?booth=<id>``, of a booth (its
    staff): add one (its secret is shown once), see the delivery log, send a test delivery."""
    event = _event_or_404(request, slug)
    scope = _scope_of(request, event)
    names = _names_for(scope)
    if request.method == "POST":
        url = request.POST.get("url", "").strip()
        chosen = sorted(set(request.POST.getlist("events")) & {value for value, _label in names})
        try:
            webhook = create_webhook(event, scope=scope, url=url, names=chosen, user=request.user)
        except WebhookError as error:
            messages.error(request, error.message)
        else:
            messages.warning(
                request,
                _("Secret of the new endpoint (shown only now): %(secret)s")
                % {"secret": webhook.secret},
            )
        return _back(event, scope)
    endpoints = Webhook.objects.filter(event=event, scope=scope).prefetch_related("deliveries__log")
    return render(
        request,
        "backoffice/webhooks.html",
        {
            "event": event,
            "endpoints": endpoints,
            "names": names,
            "booth": scope.partition(":")[2],
            "scope_label": hooks.scope_label(request.user, event, scope) if scope else "",
        },
    )


@login_required
@require_POST
def webhook_test(request, slug, pk):
    event = _event_or_404(request, slug)
    scope = _scope_of(request, event)
    webhook = get_object_or_404(Webhook, event=event, scope=scope, pk=pk)
    webhooks.send_test(webhook)
    messages.success(request, _("A test delivery is on its way."))
    return _back(event, scope)
