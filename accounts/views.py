"""Web pages of onboarding: thin — parse, check, call a service, render."""

import math

from allauth.account.views import LoginView as AllauthLoginView
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.utils import ErrorDict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from congress.models import Event, Registration
from expo.models import Exhibitor, ExhibitorStaff
from treffpunkt.access import allowed
from treffpunkt.errors import AccessDenied
from treffpunkt.ratelimit import check_login, request_ip

from . import registration, services
from .forms import AcceptInvitationForm
from .models import ImportJob, Invitation, Preferences, RegistrationRequest, StoredMail


class LoginView(AllauthLoginView):
    """allauth's log-in, throttled with every other door that checks a password.

    ``treffpunkt.ratelimit.check_login`` counts the attempt per client address and name before
    the password is checked; the account adapter takes it back when the password was right
    (``AccountAdapter.authenticate``), so only failures count. The token endpoint does the same,
    so the doors share their counts (allauth's own failed-login limit stays on top).
    """

    def post(self, request, *args, **kwargs):
        login_name = request.POST.get("login") or request.POST.get("username", "")
        attempt = check_login(request_ip(request), login_name)
        if attempt.allowed:
            request.login_attempt = attempt
            return super().post(request, *args, **kwargs)
        form = self.get_form()
        # Refused before the password is checked: the form carries only this error.
        form.cleaned_data, form._errors = {}, ErrorDict()
        # allauth's own wording (and translation) for its failed-login limit.
        form.add_error(None, _("Too many failed login attempts. Try again later."))
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(math.ceil(attempt.retry_after))
        return response


def _organizer_event(request, slug, permission):
    event = get_object_or_404(Event, slug=slug)
    if not allowed(request.user, permission, event):
        raise PermissionDenied
    return event


def _landing_url(invitation):
    if invitation.exhibitor_id:
        return reverse(
            "web:booth", kwargs={"slug": invitation.event.slug, "pk": invitation.exhibitor_id}
        )
    return reverse("web:programme", kwargs={"slug": invitation.event.slug})


def invitation(request, token):
    """The link in an invitation mail: choose a password once, then land on the event."""
    try:
        invitation = services.invitation_for_token(token)
    except services.OnboardingError as error:
        return render(
            request, "accounts/invitation_invalid.html", {"reason": error.message}, status=410
        )
    user = invitation.user
    has_password = user.has_usable_password()
    form = None if has_password else AcceptInvitationForm(user)
    if request.method == "POST":
        if not has_password:
            form = AcceptInvitationForm(user, request.POST)
        if has_password or form.is_valid():
            try:
                invitation = services.accept_invitation(
                    token,
                    password=None if has_password else form.cleaned_data["new_password1"],
                )
            except services.OnboardingError as error:
                return render(
                    request,
                    "accounts/invitation_invalid.html",
                    {"reason": error.message},
                    status=410,
                )
            if has_password and request.user != user:
                messages.info(request, _("Please log in to continue."))
                return redirect(f"{reverse('web:login')}?next={_landing_url(invitation)}")
            # The account as saved by the service: its new password hash goes into the session.
            login(request, invitation.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect(_landing_url(invitation))
    return render(
        request,
        "accounts/invitation.html",
        {"invitation": invitation, "event": invitation.event, "form": form},
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the web client and mails"), choices=settings.LANGUAGES
    )


@login_required
def my_account(request):
    """“Meine Daten”: e-mail, password, language, two-factor login, API token."""
    preferences, _created = Preferences.objects.get_or_create(
        user=request.user,
        defaults={"language": translation.get_language() or settings.LANGUAGE_CODE},
    )
    if request.method == "POST":
        form = LanguageForm(request.POST)
        if form.is_valid():
            preferences.language = form.cleaned_data["language"]
            preferences.save(update_fields=["language"])
            translation.activate(preferences.language)
            response = redirect("accounts:me")
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, preferences.language)
            messages.success(request, _("Your language was saved."))
            return response
    else:
        form = LanguageForm(initial={"language": preferences.language})
    from allauth.mfa.utils import is_mfa_enabled

    registrations = Registration.objects.filter(user=request.user).select_related("event")
    booths = ExhibitorStaff.objects.filter(
        user=request.user, role=ExhibitorStaff.Role.ADMIN
    ).select_related("exhibitor__event")
    return render(
        request,
        "accounts/me.html",
        {
            "form": form,
            "registrations": registrations,
            "booths": booths,
            "mfa_enabled": is_mfa_enabled(request.user),
            "has_token": Token.objects.filter(user=request.user).exists(),
        },
    )


@login_required
@require_POST
def api_token(request):
    """A new API token (the old one stops working), shown once; reached only through a full log-in."""
    Token.objects.filter(user=request.user).delete()
    token = Token.objects.create(user=request.user)
    return render(request, "accounts/api_token.html", {"token": token.key})


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"))
    dry_run = forms.BooleanField(label=gettext_lazy("Only show what would happen"), required=False)


@login_required
def import_registrations(request, slug, job_pk=None):
    """The organizer's import: upload a CSV, follow the queued import to its row report, and see
    the invitations' delivery."""
    event = _organizer_event(request, slug, "accounts.import_registrations")
    report = None
    if request.method == "POST" and "resend" in request.POST:
        invitation = get_object_or_404(Invitation, event=event, pk=request.POST["resend"])
        try:
            services.resend_invitation(invitation, by=request.user)
        except services.OnboardingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The invitation is sent again."))
        return redirect("accounts:import", slug=event.slug)
    if request.method == "POST" and "decide" in request.POST:
        registration_request = get_object_or_404(
            RegistrationRequest, event=event, pk=request.POST["decide"]
        )
        registration.decide_registration_request(
            registration_request, by=request.user, approve=request.POST.get("approve") == "1"
        )
        return redirect("accounts:import", slug=event.slug)
    job = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                if form.cleaned_data["dry_run"]:
                    report = services.import_registrations(
                        event=event, by=request.user, file=form.cleaned_data["file"], dry_run=True
                    ).as_dict()
                else:
                    job = services.queue_import(
                        event=event, by=request.user, file=form.cleaned_data["file"]
                    )
                    return redirect("accounts:import-job", slug=event.slug, job_pk=job.pk)
            except services.OnboardingError as error:
                form.add_error("file", error.message)
    else:
        form = ImportForm()
    if job_pk is not None:
        job = get_object_or_404(ImportJob, event=event, pk=job_pk)
        report = job.report
    invitations = Invitation.objects.filter(event=event)
    return render(
        request,
        "accounts/import.html",
        {
            "event": event,
            "form": form,
            "report": report,
            "job": job,
            "imports": ImportJob.objects.filter(event=event).exclude(pk=job_pk)[:10],
            "delivery": {
                state: invitations.filter(delivery=state).count()
                for state in Invitation.Delivery.values
            },
            "accepted": invitations.filter(accepted_at__isnull=False).count(),
            "failed": invitations.filter(
                delivery__in=[Invitation.Delivery.FAILED, Invitation.Delivery.UNSURE]
            )[:50],
            "requests": RegistrationRequest.objects.filter(
                event=event, state=RegistrationRequest.State.PENDING
            ).select_related("user"),
        },
    )


class StaffInviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail"))
    first_name = forms.CharField(label=gettext_lazy("First name"), required=False, max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Last name"), required=False, max_length=150)
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=ExhibitorStaff.Role.choices, initial="staff"
    )


@login_required
def invite_staff(request, slug, pk):
    """Booth admins (and organizers) invite staff to the booth by e-mail."""
    exhibitor = get_object_or_404(
        Exhibitor.objects.select_related("event"), event__slug=slug, pk=pk
    )
    if not allowed(request.user, "accounts.invite_staff", exhibitor):
        raise PermissionDenied
    if request.method == "POST":
        form = StaffInviteForm(request.POST)
        if form.is_valid():
            try:
                services.invite_staff(exhibitor=exhibitor, by=request.user, **form.cleaned_data)
            except AccessDenied as error:
                raise PermissionDenied(error.message) from error
            except services.OnboardingError as error:
                form.add_error("email" if error.field == "email" else None, error.message)
            else:
                messages.success(
                    request,
                    _("%(email)s is invited.") % {"email": form.cleaned_data["email"]},
                )
                return redirect("accounts:invite-staff", slug=slug, pk=pk)
    else:
        form = StaffInviteForm()
    return render(
        request,
        "accounts/invite_staff.html",
        {
            "event": exhibitor.event,
            "exhibitor": exhibitor,
            "form": form,
            "staff": exhibitor.staff.select_related("user").order_by("user__username"),
            "invitations": Invitation.objects.filter(
                event=exhibitor.event, exhibitor_id=exhibitor.pk
            ).order_by("email"),
        },
    )


def _debug_only():
    if not settings.DEBUG:
        raise Http404


def outbox(request):
    """The mail the embedded default stored instead of sending (DEBUG only)."""
    _debug_only()
    return render(request, "accounts/outbox.html", {"mails": StoredMail.objects.all()[:200]})


def outbox_mail(request, pk):
    _debug_only()
    return render(
        request, "accounts/outbox_mail.html", {"mail": get_object_or_404(StoredMail, pk=pk)}
    )


@login_required
def join(request, slug):
    """Register for an event: the event's texts to accept, then registered or waiting for approval."""
    event = get_object_or_404(Event, slug=slug)
    if not allowed(request.user, "congress.register", event):
        raise Http404
    policy = registration.policy_for(event)
    required = registration.required_consents(policy)
    if request.method == "POST":
        try:
            state, _obj = registration.join_event(
                user=request.user, event=event, consents=request.POST.getlist("consents")
            )
        except AccessDenied as error:
            raise PermissionDenied(error.message) from error
        except services.OnboardingError as error:
            messages.error(request, error.message)
        else:
            if state == "pending":
                messages.info(request, _("Your registration waits for the organizers' approval."))
            else:
                messages.success(request, _("You are registered."))
                return redirect("web:programme", slug=event.slug)
    return render(
        request,
        "accounts/join.html",
        {
            "event": event,
            "policy": policy,
            "required": required,
            "registered": Registration.objects.filter(event=event, user=request.user).exists(),
        },
    )
