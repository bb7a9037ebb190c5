"""The forms of the web client. They check input only; the apps' services decide the rest."""

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matchmaking import meetings as meeting_services
from matchmaking.models import Profile

LANGUAGE_CHOICES = [
    ("de", gettext_lazy("German")),
    ("en", gettext_lazy("English")),
    ("fr", gettext_lazy("French")),
    ("es", gettext_lazy("Spanish")),
    ("it", gettext_lazy("Italian")),
    ("nl", gettext_lazy("Dutch")),
    ("pl", gettext_lazy("Polish")),
    ("tr", gettext_lazy("Turkish")),
    ("uk", gettext_lazy("Ukrainian")),
    ("ar", gettext_lazy("Arabic")),
]


class Form(forms.Form):
    """A form without label suffix that knows the HTTP status to render it with.

    ``refusal_status`` is set by ``web.views.common.refusals_to_form`` when a service refused the
    change (403, 400 or 409).
    """

    refusal_status = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @property
    def status(self):
        if self.refusal_status is not None:
            return self.refusal_status
        return 400 if self.errors else 200


class LeadForm(Form):
    consent = forms.BooleanField(
        label=gettext_lazy(
            "I agree that my name, email address and message are passed on to this exhibitor."
        ),
        error_messages={
            "required": gettext_lazy("Please confirm your consent to leave your contact.")
        },
    )
    message = forms.CharField(
        label=gettext_lazy("Message (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BoothForm(Form):
    tagline = forms.CharField(label=gettext_lazy("Tagline"), max_length=200, required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy(
            "Markdown: **bold**, *italic*, lists with “- ”, headings with “## ”, links as "
            "[text](https://…). HTML and images are removed."
        ),
    )
    website = forms.URLField(label=gettext_lazy("Website"), required=False, assume_scheme="https")
    video_url = forms.URLField(
        label=gettext_lazy("Video URL"), required=False, assume_scheme="https"
    )
    logo = forms.FileField(
        label=gettext_lazy("Logo"),
        required=False,
        help_text=gettext_lazy("PNG, JPEG or WebP, at most 2 MB, 32 to 4000 pixels per side."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )


class ProfileForm(Form):
    is_visible = forms.BooleanField(
        label=gettext_lazy("Show my profile to other attendees of this event"),
        required=False,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "visibility-help"}),
    )
    organisation = forms.CharField(
        label=gettext_lazy("Organisation"), max_length=200, required=False
    )
    organisation_type = forms.ChoiceField(
        label=gettext_lazy("Type of organisation"), choices=Profile.OrganisationType.choices
    )
    position = forms.CharField(label=gettext_lazy("Position"), max_length=200, required=False)
    region = forms.CharField(label=gettext_lazy("Region"), max_length=120, required=False)
    interests = forms.MultipleChoiceField(
        label=gettext_lazy("Interests"), required=False, widget=forms.CheckboxSelectMultiple
    )
    offers = forms.MultipleChoiceField(
        label=gettext_lazy("I offer"), required=False, widget=forms.CheckboxSelectMultiple
    )
    seeks = forms.MultipleChoiceField(
        label=gettext_lazy("I am looking for"), required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Languages"), required=False, widget=forms.CheckboxSelectMultiple
    )
    bio = forms.CharField(
        label=gettext_lazy("About me"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("At most 500 characters."),
    )

    TAG_FIELDS = ("interests", "offers", "seeks")

    def __init__(self, *args, tags, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        tag_choices = [(tag.slug, tag.name) for tag in tags]
        for name in self.TAG_FIELDS:
            self.fields[name].choices = tag_choices
        # Codes saved over REST that the list does not name stay selectable, so saving keeps them.
        known = {code for code, _label in LANGUAGE_CHOICES}
        self.fields["languages"].choices = LANGUAGE_CHOICES + [
            (code, code) for code in languages if code not in known
        ]


def language_names(codes):
    names = dict(LANGUAGE_CHOICES)
    return [str(names.get(code, code)) for code in codes]


def slot_choices(event, slots):
    """Choices for a ``SlotField`` from ``meeting_services.free_slots``, clashes marked."""
    choices = []
    for slot in slots:
        label = meeting_services.span_label(event, slot["start"], slot["end"])
        if slot["warnings"]:
            label = _("%(slot)s (overlaps your programme)") % {"slot": label}
        choices.append((f"{slot['start'].isoformat()}/{slot['end'].isoformat()}", label))
    return choices


class SlotField(forms.CharField):
    """A meeting time as ``<start ISO>/<end ISO>``; the services check that it is a free slot."""

    widget = forms.Select

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            start, end = (datetime.fromisoformat(part) for part in value.split("/", 1))
        except ValueError:
            raise forms.ValidationError(_("Please choose a time from the list.")) from None
        if timezone.is_naive(start) or timezone.is_naive(end):
            raise forms.ValidationError(_("Please choose a time from the list."))
        return start, end


class MeetingRequestForm(Form):
    slot = SlotField(label=gettext_lazy("Time"))
    location = forms.CharField(
        label=gettext_lazy("Where (optional)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "A table at the venue (e.g. “Tisch 12”) or a video link starting with https://."
        ),
    )
    message = forms.CharField(
        label=gettext_lazy("Message (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, slot_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].widget.choices = [("", _("Choose a time…")), *slot_choices]


class RescheduleForm(Form):
    slot = SlotField(label=gettext_lazy("New time"))

    def __init__(self, *args, slot_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].widget.choices = [("", _("Choose a time…")), *slot_choices]


class ReportForm(Form):
    reason = forms.CharField(
        label=gettext_lazy("What happened?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    block = forms.BooleanField(
        label=gettext_lazy("Also block this person"), required=False, initial=True
    )


class FeedbackForm(Form):
    message = forms.CharField(
        label=gettext_lazy("What is the barrier?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Which page, what you tried, what went wrong."),
        error_messages={"required": gettext_lazy("Please describe the barrier.")},
    )
    name = forms.CharField(
        label=gettext_lazy("Your name (optional)"), max_length=200, required=False
    )
    email = forms.EmailField(
        label=gettext_lazy("Your email address (optional)"),
        required=False,
        help_text=gettext_lazy("Only if you would like an answer."),
    )
    page = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)


class StatementForm(Form):
    conformance = forms.ChoiceField(label=gettext_lazy("Conformance status"))
    body = forms.CharField(
        label=gettext_lazy("Statement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Plain text; blank lines separate paragraphs."),
    )
    known_limits = forms.CharField(
        label=gettext_lazy("Content that is not accessible"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("One limit per line, each with the reason and the alternative."),
    )
    contact_email = forms.EmailField(label=gettext_lazy("Contact for feedback"), required=False)
    prepared_on = forms.DateField(
        label=gettext_lazy("Statement prepared on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    easy_language = forms.CharField(
        label=gettext_lazy("Core information in Leichte Sprache"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "lang": "de"}),
        help_text=gettext_lazy("German Leichte Sprache; blank lines separate paragraphs."),
    )
    sign_language_video_url = forms.URLField(
        label=gettext_lazy("Video in German Sign Language (DGS)"),
        required=False,
        assume_scheme="https",
    )

    def __init__(self, *args, **kwargs):
        from accessibility.models import Statement

        super().__init__(*args, **kwargs)
        self.fields["conformance"].choices = Statement.Conformance.choices
