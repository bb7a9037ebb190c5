"""Onboarding data: invitations, stored mail, language preference, registration policy, consents."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.models import Event, Registration
from expo.models import Exhibitor


class Preferences(models.Model):
    """What a person chose for themselves; the language of the mail they are sent."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")

    def __str__(self):
        return f"{self.user} ({self.language})"


class StoredMail(models.Model):
    """A mail kept by the embedded default's outbox backend, shown at /dev/outbox/."""

    from_email = models.CharField(max_length=300)
    to = models.TextField(help_text="One address per line.")
    subject = models.CharField(max_length=500)
    text = models.TextField()
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stored mail")
        verbose_name_plural = _("stored mails")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.to}: {self.subject}"


def new_token():
    """Kept for migration 0001 (invitations stored their token before 0002)."""
    return secrets.token_urlsafe(32)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def unusable_token_hash():
    """The hash of a token nobody knows: the link works only once a mail carries a new token."""
    return hash_token(secrets.token_urlsafe(32))


class Invitation(models.Model):
    """An invitation of one e-mail address to one event: a single-use, expiring link."""

    class Role(models.TextChoices):
        ATTENDEE = "attendee", _("Attendee")
        SPEAKER = "speaker", _("Speaker")
        EXHIBITOR_STAFF = "exhibitor_staff", _("Exhibitor staff")

    class Delivery(models.TextChoices):
        QUEUED = "queued", _("Queued")
        # Claimed by a worker that is sending it now; left so by a killed worker, it becomes
        # UNSURE: the mail may or may not have gone out, so it is not sent again by itself.
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNSURE = "unsure", _("Unsure")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    # The booth a staff invitation is for.
    exhibitor = models.ForeignKey(
        Exhibitor, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8, default="de")
    # Only the hash of the link's token is stored; the token itself exists only in the mail,
    # made when the worker sends it (each sending makes a new one and ends the old link).
    token_hash = models.CharField(
        max_length=64, unique=True, default=unusable_token_hash, editable=False
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    delivery = models.CharField(
        _("delivery"), max_length=8, choices=Delivery.choices, default=Delivery.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # When a job last took it on (claimed it for sending, or was queued again for it): a queued
    # or sending invitation without progress since is a stopped worker's (accounts.services
    # resume_stalled_invitations).
    handed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "email"], name="one_invitation_per_email")
        ]

    def __str__(self):
        return f"{self.email} → {self.event}"

    @property
    def is_usable(self):
        return self.accepted_at is None and self.expires_at > timezone.now()


class RegistrationPolicy(models.Model):
    """How people join an event, and which texts they consent to."""

    class Mode(models.TextChoices):
        OPEN = "open", _("Open: anyone signed in registers")
        INVITATION = "invitation", _("By invitation only")
        APPROVAL = "approval", _("Open, with organizer approval")

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="policy")
    mode = models.CharField(_("registration"), max_length=12, choices=Mode.choices, default="open")
    privacy_notice = models.TextField(_("privacy notice"), blank=True)
    privacy_notice_version = models.CharField(
        _("privacy notice version"), max_length=40, blank=True
    )
    code_of_conduct = models.TextField(_("code of conduct"), blank=True)
    code_of_conduct_version = models.CharField(
        _("code of conduct version"), max_length=40, blank=True
    )
    organizers_need_mfa = models.BooleanField(_("organizers need two-factor login"), default=False)

    class Meta:
        verbose_name = _("registration policy")
        verbose_name_plural = _("registration policies")

    def __str__(self):
        return f"{self.event}: {self.mode}"


class RegistrationRequest(models.Model):
    """A request to join an event whose registration needs an organizer's approval."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="one_request_per_event")
        ]

    def __str__(self):
        return f"{self.user} → {self.event} ({self.state})"


class Consent(models.Model):
    """A consent a person gave: which text (version), for what, when and how; and its withdrawal.

    Withdrawing keeps the row (``withdrawn_at``, ``withdrawn_how``) as the record; consenting again
    adds a new row. Optional processing (matchmaking visibility, lead sharing with one booth,
    mail notifications) is recorded here as well, through ``treffpunkt.privacy.record_consent``.
    """

    class Document(models.TextChoices):
        PRIVACY_NOTICE = "privacy_notice", _("Privacy notice")
        CODE_OF_CONDUCT = "code_of_conduct", _("Code of conduct")
        MATCHMAKING_VISIBILITY = "matchmaking_visibility", _("Matchmaking visibility")
        LEAD_SHARING = "lead_sharing", _("Sharing contact details with a booth")
        MAIL_NOTIFICATIONS = "mail_notifications", _("Mail notifications")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+", null=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    document = models.CharField(max_length=32, choices=Document.choices)
    # What the consent is about within the event, e.g. "booth:12" for lead sharing.
    scope = models.CharField(max_length=60, blank=True, default="")
    version = models.CharField(max_length=40)
    accepted_at = models.DateTimeField(default=timezone.now)
    how = models.CharField(max_length=60, blank=True, default="registration form")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_how = models.CharField(max_length=60, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user", "document", "scope", "version"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="consent_once_per_version",
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.document} {self.version}"

    @property
    def is_active(self):
        return self.withdrawn_at is None


ROLE_FOR_INVITATION = {
    Invitation.Role.ATTENDEE: Registration.Role.ATTENDEE,
    Invitation.Role.SPEAKER: Registration.Role.SPEAKER,
    Invitation.Role.EXHIBITOR_STAFF: Registration.Role.EXHIBITOR,
}


class ImportJob(models.Model):
    """A registration import run by the worker; its report is kept for the organizers."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(max_length=255, blank=True)
    # The uploader's language: the report's reasons are written in it.
    language = models.CharField(max_length=8, default="de")
    content = models.TextField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    report = models.JSONField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.filename or 'import'} → {self.event} ({self.state})"
