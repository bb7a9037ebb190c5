"""Ask again when an event's privacy notice or code of conduct changed (consent to the current
text), or the text of a consent to ongoing processing that the person gave (matchmaking
visibility, mail notifications: ``EventText.ASKED_AGAIN``).

The check costs no query on the common path, as accounts' MFA check: the session holds the slugs
of the events whose current notice the person has not accepted, computed at log-in and again
whenever a notice changes (a stamp in the cache, renewed by ``save_event_text``). A lost cache
renews the stamp, so the sessions compute again rather than miss a change.
"""

import uuid

from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db.models import Q, Sum
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import Consent
from congress.models import Event, Registration
from treffpunkt.privacy import DEFAULT_VERSION

from .models import EventText

STAMP_KEY = "privacy:notice-stamp"
SESSION_KEY = "privacy_stale_notices"


def notice_stamp():
    stamp = cache.get(STAMP_KEY)
    if stamp is None:
        cache.add(STAMP_KEY, uuid.uuid4().hex, None)
        stamp = cache.get(STAMP_KEY)
    return stamp


def renew_notice_stamp():
    cache.set(STAMP_KEY, uuid.uuid4().hex, None)


def stale_notices_for(user):
    """Slugs of the events ``user`` is registered at whose current privacy notice or code of
    conduct they have not accepted: one plain query, and a second only for events with a text.

    Every visitor's first page after the stamp changed runs this (at 09:00, all at once), so it
    avoids the correlated subqueries that cost about a millisecond to compile each time.
    """
    texts = list(
        Registration.objects.filter(user=user)
        .filter(
            Q(event__policy__privacy_notice_version__gt="")
            | Q(event__policy__code_of_conduct_version__gt="")
        )
        .values_list(
            "event_id",
            "event__slug",
            "event__policy__privacy_notice_version",
            "event__policy__code_of_conduct_version",
        )
    )
    if not texts:
        return []
    accepted = set(
        Consent.objects.filter(
            user=user,
            event_id__in=[event_id for event_id, *_rest in texts],
            document__in=[Consent.Document.PRIVACY_NOTICE, Consent.Document.CODE_OF_CONDUCT],
            withdrawn_at=None,
        ).values_list("event_id", "document", "version")
    )
    stale = [
        slug
        for event_id, slug, notice, code in texts
        if (notice and (event_id, Consent.Document.PRIVACY_NOTICE, notice) not in accepted)
        or (code and (event_id, Consent.Document.CODE_OF_CONDUCT, code) not in accepted)
    ]
    return sorted(stale)


def stale_consents(user, event=None):
    """``{event_id: {document: current_version}}``: the consents to ongoing processing (
    ``EventText.ASKED_AGAIN``) ``user`` gave at an event, where none of their active consents
    to that document is to its current text (two queries)."""
    given = Consent.objects.filter(
        user=user, document__in=EventText.ASKED_AGAIN, withdrawn_at=None, event__isnull=False
    )
    if event is not None:
        given = given.filter(event=event)
    versions = {}
    for event_id, document, version in given.values_list("event_id", "document", "version"):
        versions.setdefault((event_id, document), set()).add(version)
    if not versions:
        return {}
    current = {
        (row["event_id"], row["kind"]): str(row["total"])
        for row in EventText.objects.filter(
            event_id__in={event_id for event_id, _document in versions},
            kind__in=EventText.ASKED_AGAIN,
        )
        .values("event_id", "kind")
        .annotate(total=Sum("version"))
    }
    stale = {}
    for (event_id, document), accepted in versions.items():
        version = current.get((event_id, document), DEFAULT_VERSION)
        if version not in accepted:
            stale.setdefault(event_id, {})[document] = version
    return stale


def stale_slugs_for(user):
    """Slugs of the events where ``user`` is to be asked again (notices or given consents)."""
    slugs = set(stale_notices_for(user))
    stale = stale_consents(user)
    if stale:
        slugs.update(Event.objects.filter(pk__in=stale).values_list("slug", flat=True))
    return sorted(slugs)


def remember_stale_notices(request, user):
    request.session[SESSION_KEY] = {"stamp": notice_stamp(), "slugs": stale_slugs_for(user)}


@receiver(user_logged_in, dispatch_uid="privacy_stale_notices")
def _on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember_stale_notices(request, user)


class ConsentAgainMiddleware:
    """A registered person opening an event's web page is asked to accept a changed privacy notice
    first, and to confirm or withdraw a consent whose text changed. REST and websocket clients
    are not redirected; the join API refuses stale notices."""

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
        known = request.session.get(SESSION_KEY)
        if not known or known.get("stamp") != notice_stamp():
            remember_stale_notices(request, request.user)
            known = request.session[SESSION_KEY]
        if kwargs["slug"] not in known["slugs"]:
            return None
        url = reverse("privacy:consent-again", kwargs={"slug": kwargs["slug"]})
        return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
