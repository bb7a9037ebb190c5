"""Pages: notification settings, and the one-click unsubscribe every mail links to."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from congress.selectors import visible_event

from . import services
from .kinds import KINDS
from .models import Channel


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """Your channel per kind. ``?event=<slug>`` shows that event's text of the consent to mail,
    which choosing “Live and mail” records (the platform's own text without it)."""
    slug = request.GET.get("event", "")
    event = visible_event(request.user, slug) if slug else None
    if request.method == "POST":
        choices = {
            kind: request.POST[kind] for kind in KINDS if request.POST.get(kind) in Channel.values
        }
        services.set_preferences(request.user, choices, event=event, method="web: preferences")
        messages.success(request, _("Your choices were saved."))
        return redirect(request.get_full_path())
    return render(
        request,
        "notifications/preferences.html",
        {
            "preferences": services.preferences_for(request.user),
            "channels": Channel.choices,
            "consent_event": event,
            "consent": services.mail_consent_text(event),
        },
    )


@csrf_exempt  # the signed token in the URL is the authority; mail clients post without a session
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET shows a button (link scanners must not unsubscribe anyone); POST turns the kind's mail
    off — also the RFC 8058 one-click POST (``List-Unsubscribe=One-Click``) of mail clients."""
    try:
        _user_id, kind = services.read_unsubscribe_token(token)
    except signing.BadSignature:
        return HttpResponse(_("This link is not valid."), status=400, content_type="text/plain")
    done = False
    if request.method == "POST":
        services.unsubscribe(token)
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"kind_label": KINDS[kind].label, "done": done},
    )


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request):
    """What you were told, newest first; opening the page marks everything read."""
    notifications = list(services.inbox_for(request.user)[:100])
    rows = [services.notification_data(item) for item in notifications]
    services.mark_read(request.user)
    return render(
        request,
        "notifications/inbox.html",
        {"notifications": rows, "consent_event": request.GET.get("event", "")},
    )
