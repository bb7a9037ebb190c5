"""An event can require two-factor login of its organizers (RegistrationPolicy.organizers_need_mfa).

At log-in (``AccountAdapter.login``) the session records the events that require it of this
organizer while the account has no second factor; here, their pages and API are refused until a
second factor is set up. The check costs no query on the common path, so it sits in front of
every request; its limits (a policy switched on during a session, REST tokens) are in
docs/accounts.md.
"""

import re

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

EVENT_PATH = re.compile(r"^/(?P<api>api/v1/)?events/(?P<slug>[-a-zA-Z0-9_]+)/")
SESSION_KEY = "accounts_mfa_required_events"


def events_requiring_mfa(user):
    """Slugs of the events whose policy requires MFA of ``user`` as their organizer."""
    from allauth.mfa.utils import is_mfa_enabled

    from congress.models import Registration

    from .models import RegistrationPolicy

    slugs = list(
        RegistrationPolicy.objects.filter(
            organizers_need_mfa=True,
            event__registrations__user=user,
            event__registrations__role=Registration.Role.ORGANIZER,
        ).values_list("event__slug", flat=True)
    )
    if slugs and is_mfa_enabled(user):
        return []
    return slugs


class OrganizerMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = EVENT_PATH.match(request.path_info)
        if match is not None and request.user.is_authenticated:
            slugs = request.session.get(SESSION_KEY)
            if slugs and match["slug"] in slugs:
                if not events_requiring_mfa(request.user):
                    del request.session[SESSION_KEY]
                else:
                    return self.refuse(request, api=bool(match["api"]))
        return self.get_response(request)

    def refuse(self, request, *, api):
        message = _("This event requires two-factor login for its organizers. Please set it up.")
        if api:
            return JsonResponse({"detail": message, "code": "mfa_required"}, status=403)
        messages.warning(request, message)
        return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.path})}")
