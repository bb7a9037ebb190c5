"""Announcing from the control room: a form that calls the same service as REST does."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from congress.announcements import RESENDABLE, create_announcement, resend_announcement_mail
from congress.models import Announcement
from treffpunkt.access import require

from ..forms import Form
from .common import event_or_404, handles_domain_errors


class AnnounceForm(Form):
    text_de = forms.CharField(
        label=gettext_lazy("Text (German)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    text_en = forms.CharField(
        label=gettext_lazy("Text (English)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    level = forms.ChoiceField(label=gettext_lazy("Level"), choices=Announcement.Level.choices)
    audience = forms.ChoiceField(
        label=gettext_lazy("Audience"), choices=Announcement.Audience.choices
    )
    link = forms.URLField(label=gettext_lazy("Link"), required=False, assume_scheme="https")
    send_mail = forms.BooleanField(label=gettext_lazy("Also send by mail"), required=False)


@login_required
@require_POST
@handles_domain_errors
def announce(request, slug):
    event = event_or_404(request, slug)
    require(request.user, "congress.announce", event)  # refuse before reading the form
    form = AnnounceForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("The announcement is incomplete: %(fields)s.")
            % {"fields": ", ".join(str(form.fields[name].label) for name in form.errors)},
        )
        return redirect("web:control-room", slug=event.slug)
    create_announcement(event, user=request.user, **form.cleaned_data)
    messages.success(request, _("The announcement is out."))
    return redirect("web:control-room", slug=event.slug)


@login_required
@require_POST
@handles_domain_errors
def resend(request, slug, pk):
    """Mail the failed or unsure recipients of an announcement again (the organizer's choice)."""
    event = event_or_404(request, slug)
    require(request.user, "congress.announce", event)
    announcement = get_object_or_404(Announcement, event=event, pk=pk)
    which = [state for state in request.POST.getlist("which") if state in RESENDABLE]
    if which:
        resend_announcement_mail(announcement, user=request.user, which=which)
        messages.success(request, _("The mail is being sent again."))
    return redirect("web:control-room", slug=event.slug)
