"""The programme back office: imports, releases, webhooks and the numbers of the report."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congress.models import Event, Session


class ScheduleSource(models.Model):
    """Where an event's programme is planned elsewhere (a pretalx or frab ``schedule.json``/``.xml``
    URL); the admin action and ``import_schedule --source`` import from it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedule_sources")
    url = models.URLField(_("URL"), max_length=500)
    last_imported_at = models.DateTimeField(_("last imported"), null=True, blank=True)
    last_summary = models.JSONField(_("last result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("schedule source")
        verbose_name_plural = _("schedule sources")

    def __str__(self):
        return self.url


class ScheduleImport(models.Model):
    """One real import of a programme (dry runs keep nothing): what it did, and per session the
    conflicts with our rules it kept and the talks it refused, for the organizers to settle."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedule_imports")
    # The file's name or the URL it came from.
    source = models.CharField(_("source"), max_length=500, blank=True)
    version = models.CharField(_("version"), max_length=64, blank=True)
    # {"created", "updated", "unchanged", "cancelled", "conflicts", "refused"}: counts.
    summary = models.JSONField(_("summary"), default=dict)
    # [{"guid", "title", "field", "code", "message"}]: as in the import's report.
    conflicts = models.JSONField(_("conflicts"), default=list, blank=True)
    refused = models.JSONField(_("refused"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("schedule import")
        verbose_name_plural = _("schedule imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.event} {self.created_at:%Y-%m-%d %H:%M}"


class ImportedObject(models.Model):
    """An identifier from an imported file (``guid:…``, ``id:…``, ``code:…``) → our row.

    Guids are matched against our own ``guid`` fields first; this table keeps what those cannot
    hold: integer ids, pretalx codes, and guids that were already taken elsewhere.
    """

    class Kind(models.TextChoices):
        ROOM = "room"
        TRACK = "track"
        SPEAKER = "speaker"
        SESSION = "session"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    external_id = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "kind", "external_id"], name="imported_object_once"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.external_id} → {self.object_id}"


class Release(models.Model):
    """A named, published state of the programme and what changed since the previous one."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="releases")
    version = models.CharField(_("version"), max_length=64)
    note = models.TextField(_("note"), blank=True)
    # {session guid: {title, start, end, room, speakers, state}} of every session as released.
    snapshot = models.JSONField(default=dict)
    # {"added": [...], "moved": [...], "cancelled": [...], "speakers_changed": [...],
    #  "retitled": [...]} against the previous release.
    diff = models.JSONField(default=dict)
    programme_version = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "version"], name="release_version_once")
        ]

    def __str__(self):
        return f"{self.event} {self.version}"


class ProgrammeVisit(models.Model):
    """When a user last looked at "what changed", so the next look shows only what is newer."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="programme_visit_once")
        ]

    def __str__(self):
        return f"{self.user_id} @ {self.event_id}: {self.seen_at:%Y-%m-%d %H:%M}"


class SessionViewer(models.Model):
    """One row per session and viewer (a keyed hash of the user, or of an anonymous socket).

    Counts only: the hash cannot be turned back into a person without the server's secret.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    viewer = models.CharField(max_length=64)
    first_seen = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "viewer"], name="session_viewer_once")
        ]
        indexes = [models.Index(fields=["session", "first_seen"])]

    def __str__(self):
        return f"{self.session_id}: {self.viewer[:8]}"


class SessionPeak(models.Model):
    """The most viewers a session's topic had at one time (as one process saw it at subscribe)."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="+")
    peak = models.PositiveIntegerField(default=0)
    peak_at = models.DateTimeField(null=True)

    def __str__(self):
        return f"{self.session_id}: {self.peak}"


def new_secret():
    return "whsec_" + secrets.token_urlsafe(32)


class Webhook(models.Model):
    """An HTTPS endpoint that receives signed announcements of one event."""

    class Name(models.TextChoices):
        SESSION_CREATED = "session.created", _("Session created")
        SESSION_CHANGED = "session.changed", _("Session changed")
        SESSION_CANCELLED = "session.cancelled", _("Session cancelled")
        RELEASE_PUBLISHED = "release.published", _("Release published")
        REGISTRATION_CREATED = "registration.created", _("Registration created")
        LEAD_CREATED = "lead.created", _("Lead created")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(max_length=100, default=new_secret, editable=False)
    events = models.JSONField(_("events"), default=list)
    # "" for the organizers' endpoints (the whole event); "booth:<id>" for a booth's own endpoint,
    # which receives that booth's announcements only.
    scope = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["pk"]

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=40)
    # The exact bytes sent (and signed) on every attempt.
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} → {self.webhook_id} ({self.status})"


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"{self.delivery_id} #{self.number}: {self.status_code or self.error}"
