"""Web pages of data protection: the export/erase section of “Meine Daten”, consent withdrawal,
the event's privacy notice and Impressum, and the organizers' editor for them."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Consent
from congress.models import Event
from treffpunkt.access import allowed
from treffpunkt.privacy import current_consent_text, record_consent, withdraw_effect

from . import services
from .api import download as download_response
from .errors import PrivacyError
from .middleware import SESSION_KEY, remember_stale_notices, stale_consents, stale_notices_for
from .models import EventText, RetentionPolicy


@login_required
@require_POST
def request_export(request):
    services.request_export(user=request.user)
    messages.success(
        request, _("Your data is being collected. We will e-mail you when it is ready.")
    )
    return redirect("accounts:me")


@login_required
def download(request, token):
    try:
        export = services.export_for_download(user=request.user, token=token)
    except PrivacyError as error:
        raise Http404(error.message) from error
    return download_response(request, export)


class ErasureForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"), widget=forms.PasswordInput, required=False
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that my account and my data cannot be restored.")
    )


@login_required
def erase(request):
    """Confirm with the password (or a fresh log-in), then erase and log out."""
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.erase_account(
                user=request.user,
                password=form.cleaned_data["password"],
                reauthenticated=services.recently_reauthenticated(request),
            )
        except PrivacyError as error:
            form.add_error(error.field, error.message)
        else:
            logout(request)
            messages.success(request, _("Your account and your personal data were erased."))
            return redirect("web:home")
    return render(
        request,
        "privacy/erase.html",
        {"form": form, "needs_password": request.user.has_usable_password()},
    )


@login_required
@require_POST
def withdraw_consent(request, pk):
    """One click: the consent ends now, is recorded as withdrawn, and its processing stops."""
    consent = get_object_or_404(Consent, pk=pk, user=request.user, withdrawn_at=None)
    withdraw_effect(
        user=request.user, event=consent.event, document=consent.document, scope=consent.scope
    )
    record_consent(
        user=request.user,
        event=consent.event,
        document=consent.document,
        scope=consent.scope,
        given=False,
        method="web: Meine Daten",
    )
    messages.success(request, _("Your consent was withdrawn."))
    return redirect("accounts:me")


def _language():
    return (translation.get_language() or settings.LANGUAGE_CODE)[:2]


def legal_text(request, slug, kind):
    event = get_object_or_404(Event, slug=slug)
    text = services.text_for(event, kind, _language())
    return render(
        request,
        "privacy/legal_text.html",
        {
            "event": event,
            "kind": kind,
            "text": text,
            "title": EventText.Kind(kind).label,
            "can_edit": allowed(request.user, "congress.change_event", event),
        },
    )


def platform_text(request, kind):
    """The operator's own privacy notice or Impressum (pages outside an event)."""
    setting = "PRIVACY_NOTICE_TEXT" if kind == EventText.Kind.PRIVACY_NOTICE else "IMPRINT_TEXT"
    return render(
        request,
        "privacy/legal_text.html",
        {"kind": kind, "body": getattr(settings, setting, ""), "title": EventText.Kind(kind).label},
    )


# What a person is asked when the text of a consent they gave changed: a heading, what they
# chose before, and the two equal answers.
ASKED_AGAIN = {
    EventText.Kind.MATCHMAKING_VISIBILITY: {
        "title": gettext_lazy("Visible in matchmaking"),
        "before": gettext_lazy(
            "You made your profile visible to the other attendees. The organizers changed the "
            "text of this consent; please read it and decide again."
        ),
        "accept": gettext_lazy("Agree and stay visible"),
        "withdraw": gettext_lazy("Hide my profile"),
    },
    EventText.Kind.MAIL_NOTIFICATIONS: {
        "title": gettext_lazy("Mail notifications"),
        "before": gettext_lazy(
            "You chose to be notified by mail. The organizers changed the text of this "
            "consent; please read it and decide again."
        ),
        "accept": gettext_lazy("Agree and keep the mails"),
        "withdraw": gettext_lazy("Stop the mails"),
    },
}


@login_required
def consent_again(request, slug):
    """The event's privacy notice changed, or the text of a consent the person gave to ongoing
    processing: show the new texts, ask for consent to the notice, and for a free choice on the
    others (either answer lets them go on)."""
    event = get_object_or_404(Event, slug=slug)
    user = request.user
    policy = services.RegistrationPolicy.objects.filter(event=event).first()
    next_url = request.POST.get("next") or request.GET.get("next") or f"/events/{slug}/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = f"/events/{slug}/"
    if request.method == "POST":
        document = request.POST.get("document", "")
        answer = request.POST.get("answer", "")
        if document in ASKED_AGAIN and answer in ("accept", "withdraw"):
            services.answer_changed_consent(
                user=user,
                event=event,
                document=document,
                accept=answer == "accept",
                method="web: changed text asked again",
            )
        elif not document and policy is not None:
            for consent_document, version in (
                (Consent.Document.PRIVACY_NOTICE, policy.privacy_notice_version),
                (Consent.Document.CODE_OF_CONDUCT, policy.code_of_conduct_version),
            ):
                if version:
                    record_consent(
                        user=user,
                        event=event,
                        document=consent_document,
                        given=True,
                        method="web: changed text asked again",
                        version=version,
                    )
        remember_stale_notices(request, user)
        if slug in request.session[SESSION_KEY]["slugs"]:
            url = reverse("privacy:consent-again", kwargs={"slug": slug})
            return redirect(f"{url}?{urlencode({'next': next_url})}")
        return redirect(next_url)
    notices_stale = slug in stale_notices_for(user)
    changed = [
        {
            "document": document,
            "text": current_consent_text(event=event, document=document)["text"],
            **ASKED_AGAIN[document],
        }
        for document in stale_consents(user, event).get(event.pk, {})
        if document in ASKED_AGAIN
    ]
    text = services.text_for(event, EventText.Kind.PRIVACY_NOTICE, _language())
    return render(
        request,
        "privacy/consent_again.html",
        {
            "event": event,
            "text": text,
            "policy": policy,
            "notices_stale": notices_stale,
            "changed": changed,
            "next": next_url,
        },
    )


class EventTextForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Text"), choices=EventText.Kind.choices)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    body = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 16}))


class RetentionForm(forms.Form):
    erase_after = forms.DateField(
        label=gettext_lazy("Erase personal data after"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("What is erased"),
        choices=RetentionPolicy.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
    )


@login_required
def edit_texts(request, slug):
    """Organizers edit the privacy notice, the Impressum and the texts of the optional consents
    per language, and the retention date."""
    event = get_object_or_404(Event, slug=slug)
    if not allowed(request.user, "congress.change_event", event):
        raise PermissionDenied
    policy = RetentionPolicy.objects.filter(event=event).first()
    # ?kind=…&language=… opens that text for editing, with its current body.
    chosen = EventText.objects.filter(
        event=event, kind=request.GET.get("kind", ""), language=request.GET.get("language", "")
    ).first()
    text_form = EventTextForm(
        prefix="text",
        initial={"kind": chosen.kind, "language": chosen.language, "body": chosen.body}
        if chosen
        else None,
    )
    retention_form = RetentionForm(
        prefix="retention",
        initial={"erase_after": policy.erase_after, "kinds": policy.kinds} if policy else None,
    )
    if request.method == "POST" and "text-body" in request.POST:
        text_form = EventTextForm(request.POST, prefix="text")
        if text_form.is_valid():
            try:
                services.save_event_text(event=event, **text_form.cleaned_data)
            except PrivacyError as error:
                text_form.add_error(error.field, error.message)
            else:
                messages.success(request, _("The text was saved."))
                return redirect("privacy:edit", slug=slug)
    elif request.method == "POST":
        retention_form = RetentionForm(request.POST, prefix="retention")
        if retention_form.is_valid():
            RetentionPolicy.objects.update_or_create(
                event=event,
                defaults={**retention_form.cleaned_data, "warned_at": None, "done_at": None},
            )
            messages.success(request, _("The retention date was saved."))
            return redirect("privacy:edit", slug=slug)
    return render(
        request,
        "privacy/edit.html",
        {
            "event": event,
            "text_form": text_form,
            "retention_form": retention_form,
            "texts": EventText.objects.filter(event=event).order_by("kind", "language"),
            "runs": event.retention_runs.order_by("-ran_at")[:10],
            "today": timezone.localdate(),
        },
    )
