"""Data protection in operation: export archives, erasures, retention, access log, legal texts."""

import secrets
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.models import Event


class ExportStorage(FileSystemStorage):
    """Archives live outside MEDIA_ROOT (which /media/ serves to anyone): only their link opens them.

    The location is read from settings on use, not at import.
    """

    @property
    def base_location(self):
        return settings.PRIVACY_EXPORT_ROOT

    @property
    def location(self):
        return str(Path(self.base_location).resolve())


def export_storage():
    return ExportStorage()


class DataExport(models.Model):
    """One requested archive of everything about a person (Art. 15/20 DSGVO)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    archive = models.FileField(storage=export_storage, upload_to="exports/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"export {self.pk} ({self.state})"

    @property
    def is_downloadable(self):
        return (
            self.state == self.State.READY
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )


class Erasure(models.Model):
    """That an account was erased, and how many rows each shredder touched (never contents)."""

    account_id = models.PositiveBigIntegerField()
    erased_at = models.DateTimeField(default=timezone.now)
    counts = models.JSONField(default=dict)

    def __str__(self):
        return f"erasure of account {self.account_id}"


class AccessRecord(models.Model):
    """An organizer's or booth staff's read of someone's personal data (Art. 5(2) accountability)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_records"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, null=True, related_name="+")
    what = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject", "-created_at"])]

    def __str__(self):
        return f"{self.actor_id} read {self.what} of {self.subject_id}"


class RetentionPolicy(models.Model):
    """After ``erase_after`` the event's personal data of the chosen kinds is erased."""

    class Kind(models.TextChoices):
        LEADS = "leads", _("Leads")
        CHATS = "chats", _("Chats, questions and conversations")
        VISITS = "visits", _("Booth visits and contact requests")
        PROFILES = "profiles", _("Matchmaking profiles and meetings")
        REGISTRATIONS = "registrations", _("Registrations")

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="retention")
    erase_after = models.DateField(_("erase personal data after"))
    kinds = models.JSONField(_("what is erased"), default=list)
    warned_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self):
        return f"{self.event}: after {self.erase_after}"


class RetentionRun(models.Model):
    """What one retention run erased: counts per kind, not contents."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="retention_runs")
    ran_at = models.DateTimeField(default=timezone.now)
    counts = models.JSONField(default=dict)

    def __str__(self):
        return f"{self.event} {self.ran_at:%Y-%m-%d}"


class EventText(models.Model):
    """An event's privacy notice (Datenschutzerklärung), Impressum or the text of an optional
    consent (matchmaking visibility, lead sharing, mail notifications), in one language; every
    change of the body is a new version."""

    class Kind(models.TextChoices):
        PRIVACY_NOTICE = "privacy_notice", _("Privacy notice")
        IMPRINT = "imprint", _("Imprint")
        MATCHMAKING_VISIBILITY = "matchmaking_visibility", _("Consent to matchmaking visibility")
        LEAD_SHARING = "lead_sharing", _("Consent to sharing contact details with a booth")
        MAIL_NOTIFICATIONS = "mail_notifications", _("Consent to mail notifications")

    # The kinds that are the text of an optional consent (their names are Consent documents).
    CONSENTS = (Kind.MATCHMAKING_VISIBILITY, Kind.LEAD_SHARING, Kind.MAIL_NOTIFICATIONS)
    # Consents to ongoing processing: a new version asks the people who gave one again.
    ASKED_AGAIN = (Kind.MATCHMAKING_VISIBILITY, Kind.MAIL_NOTIFICATIONS)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="legal_texts")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    body = models.TextField(_("text"))
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "kind", "language"], name="one_legal_text_per_language"
            )
        ]

    def __str__(self):
        return f"{self.event} {self.kind} {self.language} v{self.version}"
