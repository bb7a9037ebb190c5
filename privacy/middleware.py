"""Ask again when an event's privacy notice changed (Art. 7 DSGVO: consent to the current text)."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import Consent, RegistrationPolicy
from congress.models import Registration


class ConsentAgainMiddleware:
    """A registered person opening an event's web page is asked to accept a changed privacy notice
    first. REST and websocket clients are not redirected; the join API refuses stale consents."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        match = request.resolver_match
        if (
            match is None
            or match.app_name != "web"
            or "slug" not in kwargs
            or request.method != "GET"
            or not request.user.is_authenticated
        ):
            return None
        slug = kwargs["slug"]
        version = (
            RegistrationPolicy.objects.filter(event__slug=slug)
            .values_list("privacy_notice_version", flat=True)
            .first()
        )
        if not version:
            return None
        registration = Registration.objects.filter(event__slug=slug, user=request.user).first()
        if registration is None:
            return None
        given = Consent.objects.filter(
            event_id=registration.event_id,
            user=request.user,
            document=Consent.Document.PRIVACY_NOTICE,
            version=version,
            withdrawn_at=None,
        ).exists()
        if given:
            return None
        url = reverse("privacy:consent-again", kwargs={"slug": slug})
        return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
