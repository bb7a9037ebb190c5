from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from congress.models import Event
from treffpunkt.errors import AccessDenied

from . import services
from .models import (
    Consent,
    Invitation,
    Preferences,
    RegistrationPolicy,
    RegistrationRequest,
    StoredMail,
)


class AdminImportForm(forms.Form):
    event = forms.ModelChoiceField(label=_("Event"), queryset=Event.objects.all())
    file = forms.FileField(label=_("CSV file"))
    dry_run = forms.BooleanField(label=_("Only show what would happen"), required=False)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "event", "role", "delivery", "attempts", "expires_at", "accepted_at"]
    list_filter = ["event", "role", "delivery"]
    search_fields = ["email"]
    readonly_fields = ["token", "attempts", "sent_at", "last_error", "accepted_at", "user"]
    actions = ["resend"]
    change_list_template = "admin/accounts/invitation/change_list.html"

    @admin.action(description=_("Send the invitations again (new links)"))
    def resend(self, request, queryset):
        done = 0
        for invitation in queryset.select_related("event"):
            try:
                services.resend_invitation(invitation, by=request.user)
            except services.OnboardingError:
                continue
            done += 1
        self.message_user(request, _("%(count)d invitations are sent again.") % {"count": done})

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="accounts_invitation_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """The registration import in the admin: the same service and report as the REST route."""
        report = None
        form = AdminImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                report = services.import_registrations(
                    event=form.cleaned_data["event"],
                    by=request.user,
                    file=form.cleaned_data["file"],
                    dry_run=form.cleaned_data["dry_run"],
                ).as_dict()
            except services.OnboardingError as error:
                form.add_error("file", error.message)
            except AccessDenied as error:
                raise PermissionDenied(error.message) from error
            else:
                messages.success(request, _("The import ran."))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import registrations"),
            "form": form,
            "report": report,
            "opts": self.model._meta,
        }
        return render(request, "admin/accounts/invitation/import.html", context)


@admin.register(StoredMail)
class StoredMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject"]
    search_fields = ["to", "subject"]


@admin.register(RegistrationPolicy)
class RegistrationPolicyAdmin(admin.ModelAdmin):
    list_display = ["event", "mode", "privacy_notice_version", "code_of_conduct_version"]


@admin.register(RegistrationRequest)
class RegistrationRequestAdmin(admin.ModelAdmin):
    list_display = ["event", "user", "state", "created_at", "decided_at"]
    list_filter = ["event", "state"]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["event", "user", "document", "version", "accepted_at"]
    list_filter = ["event", "document", "version"]


admin.site.register(Preferences)
