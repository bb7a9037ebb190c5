"""Matchmaking data: tag vocabulary, opt-in profiles, blocks, meetings and their slots, reports."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congress.models import Event


class Tag(models.Model):
    """One word of the event's vocabulary for interests, offers and seeks."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="matchmaking_tags")
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["event", "name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "slug"], name="one_tag_slug_per_event")
        ]

    def __str__(self):
        return self.name


class Profile(models.Model):
    """A user's matchmaking profile at one event; listed only after the user opts in."""

    class OrganisationType(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        COUNTY = "county", _("County")
        STATE = "state", _("State/Federal")
        PROVIDER = "provider", _("Solution provider")
        RESEARCH = "research", _("Research")
        ASSOCIATION = "association", _("Association/Network")
        OTHER = "other", _("Other")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="profiles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="matchmaking_profiles"
    )
    is_visible = models.BooleanField(_("visible to other attendees"), default=False)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    organisation_type = models.CharField(
        _("organisation type"),
        max_length=16,
        choices=OrganisationType.choices,
        default=OrganisationType.OTHER,
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    # Tag slugs of the event's vocabulary; services validate them.
    interests = models.JSONField(_("interests"), default=list, blank=True)
    offers = models.JSONField(_("offers"), default=list, blank=True)
    seeks = models.JSONField(_("seeks"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    bio = models.CharField(_("short biography"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What the owner edits (REST PATCH profiles/me/ and the web profile editor).
    EDITABLE_FIELDS = (
        "is_visible",
        "organisation",
        "organisation_type",
        "position",
        "region",
        "interests",
        "offers",
        "seeks",
        "languages",
        "bio",
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        ordering = ["event", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="one_profile_per_event")
        ]

    def __str__(self):
        return f"{self.user} @ {self.event}"


class Block(models.Model):
    """The blocker never sees the blocked user in recommendations, nor the other way round."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="matchmaking_blocks")
    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "blocker", "blocked"], name="one_block_per_pair"
            )
        ]

    def __str__(self):
        return f"{self.blocker} blocks {self.blocked} @ {self.event}"


class MeetingSlot(models.Model):
    """A time the event offers for 1:1 meetings; requests must lie within one of them."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_slots")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))

    class Meta:
        verbose_name = _("meeting slot")
        verbose_name_plural = _("meeting slots")
        ordering = ["event", "start", "end"]
        constraints = [
            models.UniqueConstraint(fields=["event", "start", "end"], name="one_slot_per_time"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="slot_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}"


class Meeting(models.Model):
    """A 1:1 meeting of two attendees. While pending, ``awaiting`` is the one who must answer."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        CANCELLED = "cancelled", _("cancelled")

    ACTIVE_STATES = (State.PENDING, State.ACCEPTED)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meetings")
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    awaiting = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    message = models.TextField(_("message"), max_length=1000, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~models.Q(requester=models.F("invitee")), name="meeting_not_with_self"
            ),
        ]
        indexes = [
            models.Index(fields=["event", "requester", "state"]),
            models.Index(fields=["event", "invitee", "state"]),
        ]

    def __str__(self):
        return f"{self.requester_id} → {self.invitee_id} {self.start:%Y-%m-%d %H:%M} ({self.state})"

    @property
    def is_active(self):
        return self.state in self.ACTIVE_STATES

    def has_participant(self, user):
        return user is not None and user.pk in (self.requester_id, self.invitee_id)

    def other_id(self, user):
        return self.invitee_id if user.pk == self.requester_id else self.requester_id


class MeetingHold(models.Model):
    """One participant's claim on a meeting's time, kept in step by the services.

    On PostgreSQL an exclusion constraint (migration 0002) refuses two active holds of one user
    whose times overlap; on other databases the services' locked check is the only guard.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="holds")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_hold_per_participant")
        ]
        indexes = [models.Index(fields=["user", "active", "start"])]

    def __str__(self):
        return f"{self.user_id} {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}"


class Report(models.Model):
    """An attendee reports another to the organizers (e.g. from a 1:1 conversation)."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        RESOLVED = "resolved", _("resolved")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="matchmaking_reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reported = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    conversation = models.ForeignKey(
        "conversations.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), max_length=2000)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.reporter_id} reports {self.reported_id} @ {self.event_id}"
