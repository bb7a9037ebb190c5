"""What an event says and offers about accessibility (BITV 2.0, EN 301 549).

Each event has at most one statement and one Leichte Sprache page, written by its organizers; a
room may carry a WebVTT captions file and a sign-language interpreter's stream; a session may have
captioners who type live captions (CART). Feedback about barriers reaches the organizers.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congress.models import Event, Room, Session


class Statement(models.Model):
    """The Erklärung zur Barrierefreiheit of an event (BITV 2.0 § 7)."""

    class Conformance(models.TextChoices):
        FULL = "full", _("fully compliant")
        PARTIAL = "partial", _("partially compliant")
        NONE = "none", _("not compliant")

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="accessibility")
    conformance = models.CharField(
        _("conformance status"),
        max_length=8,
        choices=Conformance.choices,
        default=Conformance.PARTIAL,
    )
    body = models.TextField(
        _("statement"), blank=True, help_text=_("Plain text; blank lines separate paragraphs.")
    )
    known_limits = models.TextField(
        _("content that is not accessible"),
        blank=True,
        help_text=_("One limit per line, each with the reason and the alternative."),
    )
    contact_email = models.EmailField(_("contact for feedback"), blank=True)
    prepared_on = models.DateField(_("statement prepared on"), null=True, blank=True)
    easy_language = models.TextField(
        _("core information in Leichte Sprache"),
        blank=True,
        help_text=_("German Leichte Sprache; blank lines separate paragraphs."),
    )
    sign_language_video_url = models.URLField(_("video in German Sign Language (DGS)"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("accessibility statement")
        verbose_name_plural = _("accessibility statements")

    def __str__(self):
        return str(self.event)

    @property
    def limits(self):
        return [line.strip() for line in self.known_limits.splitlines() if line.strip()]


class Feedback(models.Model):
    """A barrier someone reports, for the organizers of the event (or the platform's operators)."""

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="accessibility_feedback",
        null=True,
        blank=True,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    page = models.CharField(_("page"), max_length=500, blank=True)
    message = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    is_resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.event or '—'}: {self.message[:50]}"


class RoomMedia(models.Model):
    """Captions and sign language that accompany a room's stream."""

    room = models.OneToOneField(Room, on_delete=models.CASCADE, related_name="accessibility")
    captions_url = models.URLField(
        _("captions (WebVTT)"), blank=True, help_text=_("A .vtt file for the room's stream.")
    )
    sign_language_url = models.URLField(
        _("sign-language interpreter stream"),
        blank=True,
        help_text=_("A second video with the interpreter, shown beside the stage."),
    )

    class Meta:
        verbose_name = _("room accessibility")
        verbose_name_plural = _("room accessibility")

    def __str__(self):
        return str(self.room)


class Captioner(models.Model):
    """A person who types live captions (CART) for one session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="captioners")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="captioning"
    )

    class Meta:
        verbose_name = _("captioner")
        verbose_name_plural = _("captioners")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_captioner_per_session")
        ]

    def __str__(self):
        return f"{self.user} @ {self.session}"
