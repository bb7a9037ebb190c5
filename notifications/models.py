"""Stored notifications, per-kind preferences, and the bookkeeping that keeps mail to once each."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    LIVE = "live", _("Live only")
    MAIL = "mail", _("Live and mail")
    OFF = "off", _("Off")


class Notification(models.Model):
    """One thing a person was told; shown in the notification centre until read.

    ``group`` folds repeats into one unread row (a conversation's messages: ``count`` grows).
    ``mail_state`` moves ``"" → queued → sending → sent`` (or ``skipped`` / ``failed``), each step
    a conditional update, so two workers never mail the same row.
    """

    class MailState(models.TextChoices):
        NONE = "", _("not mailed")
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        SKIPPED = "skipped", _("skipped")
        FAILED = "failed", _("failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    event = models.ForeignKey(
        "congress.Event", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict)
    calendar = models.JSONField(null=True, blank=True)
    group = models.CharField(max_length=80, blank=True)
    count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    read_at = models.DateTimeField(null=True, blank=True)
    mail_state = models.CharField(
        max_length=8, choices=MailState.choices, default=MailState.NONE, blank=True
    )
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["user", "group", "mailed_at"]),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind} #{self.pk}"


class Preference(models.Model):
    """A person's channel for one kind; a missing row means the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=4, choices=Channel.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_channel_per_kind")
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind}: {self.channel}"


class AnnouncementRecipient(models.Model):
    """One person an announcement is mailed to: written once, claimed, then sent or failed.

    ``sending`` is committed before the mail goes to the SMTP server. A row a dead worker left
    ``sending`` becomes ``unsure`` (the mail may or may not have gone out) and is not sent again
    unless an organizer asks for it: at most one mail per person.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped")
        UNSURE = "unsure", _("unsure")

    announcement = models.ForeignKey(
        "congress.Announcement", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["announcement", "user"], name="mail_announcement_once")
        ]
        indexes = [models.Index(fields=["announcement", "state"])]

    def __str__(self):
        return f"{self.announcement_id} → {self.user_id}: {self.state}"


class SessionNotice(models.Model):
    """A reminder (or cancellation notice) sent for a favourited session, keyed by its start.

    A session moved after its reminder went out gets a new one at its new start; a cancelled
    session gets one notice.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey("congress.Session", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    start = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "session", "kind", "start"], name="one_notice_per_start"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.session_id} @ {self.start}"
