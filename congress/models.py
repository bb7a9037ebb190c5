import secrets
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    slug = models.SlugField(_("slug"), unique=True, max_length=64)
    acronym = models.CharField(
        _("acronym"),
        max_length=32,
        help_text=_("Lower-case letters, digits, _ and -, e.g. dsdr2026."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Berlin")
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    languages = models.JSONField(_("languages"), default=list)
    is_published = models.BooleanField(_("published"), default=False)
    # Incremented by every programme change; exports are cached and tagged by it.
    programme_version = models.PositiveIntegerField(default=1, editable=False)
    # The last published release: its name, and the programme_version it froze.
    release_version = models.CharField(max_length=64, blank=True, editable=False)
    released_programme_version = models.PositiveIntegerField(null=True, editable=False)
    # Incremented when what a session page's stage shows besides the programme changes: a room's
    # stream type or poster, the allowed players, captions or sign language (note_stage_change).
    # The session page kept whole carries it in its key (web/page_cache.py); exports do not.
    stage_version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="event_ends_after_start"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def tz(self):
        return ZoneInfo(self.timezone)

    @property
    def days(self):
        return [
            self.start_date + timedelta(days=offset)
            for offset in range((self.end_date - self.start_date).days + 1)
        ]

    @property
    def starts_at(self):
        return datetime.combine(self.start_date, time.min, tzinfo=self.tz)

    @property
    def ends_at(self):
        return datetime.combine(self.end_date + timedelta(days=1), time.min, tzinfo=self.tz)


class Room(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    stream_url = models.URLField(_("stream URL"), blank=True)
    position = models.PositiveIntegerField(_("order"), default=0)
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="room_name_unique_per_event")
        ]

    def __str__(self):
        return self.name


class Track(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(_("name"), max_length=120)
    color = models.CharField(_("colour"), max_length=7, default="#005ea8")

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="track_name_unique_per_event")
        ]

    def __str__(self):
        return self.name


class Speaker(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speaker_profiles",
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="speakers/", blank=True)
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False),
                name="speaker_user_unique_per_event",
            )
        ]

    def __str__(self):
        return self.name


CANCELLATION_NOTE_MAX = 500


class Session(models.Model):
    class Kind(models.TextChoices):
        KEYNOTE = "keynote", _("Keynote")
        TALK = "talk", _("Talk")
        PANEL = "panel", _("Panel")
        WORKSHOP = "workshop", _("Workshop")
        ROUND_TABLE = "round_table", _("Round table")
        BREAK = "break", _("Break")

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        LIVE = "live", _("Live")
        ENDED = "ended", _("Ended")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=300)
    abstract = models.TextField(_("abstract"), blank=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TALK)
    language = models.CharField(_("language"), max_length=8, default="de")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    room = models.ForeignKey(
        Room, on_delete=models.RESTRICT, related_name="sessions", null=True, blank=True
    )
    track = models.ForeignKey(
        Track, on_delete=models.SET_NULL, related_name="sessions", null=True, blank=True
    )
    speakers = models.ManyToManyField(Speaker, related_name="sessions", blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.SCHEDULED
    )
    # The organizers' word to attendees on a cancellation ("Der Vortrag entfällt wegen Krankheit").
    # Shown only while the session is cancelled; kept when it is scheduled again.
    cancellation_note = models.CharField(
        _("cancellation note"), max_length=CANCELLATION_NOTE_MAX, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["start", "room__position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="session_ends_after_start")
        ]
        indexes = [models.Index(fields=["event", "start"])]

    def __str__(self):
        return self.title

    @property
    def duration(self):
        return self.end - self.start


class Registration(models.Model):
    class Role(models.TextChoices):
        ATTENDEE = "attendee", _("Attendee")
        SPEAKER = "speaker", _("Speaker")
        EXHIBITOR = "exhibitor", _("Exhibitor")
        ORGANIZER = "organizer", _("Organizer")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.ATTENDEE)
    # Secret for the personal agenda.ics a calendar app subscribes to.
    agenda_token = models.CharField(max_length=43, unique=True, default=secrets.token_urlsafe)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="one_registration_per_event")
        ]

    def __str__(self):
        return f"{self.user} @ {self.event} ({self.role})"


class Favourite(models.Model):
    """A session in a user's personal agenda."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourites"
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="favourites")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agenda entry")
        verbose_name_plural = _("agenda entries")
        constraints = [models.UniqueConstraint(fields=["user", "session"], name="favourite_once")]

    def __str__(self):
        return f"{self.user} ★ {self.session_id}"


class ChatMessage(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="chat_messages")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("text"))
    # The sender's id for this message: a resent message (after a reconnect) is stored once.
    client_id = models.CharField(max_length=64)
    seq = models.PositiveBigIntegerField(null=True)
    is_deleted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user", "client_id"], name="chat_message_once_per_client_id"
            )
        ]
        indexes = [models.Index(fields=["session", "-seq"])]

    def __str__(self):
        return f"{self.user} in {self.session_id}: {self.text[:40]}"


class Question(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        HIDDEN = "hidden", _("Hidden")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="questions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("question"))
    client_id = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    votes = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user", "client_id"], name="question_once_per_client_id"
            )
        ]

    def __str__(self):
        return self.text[:60]


class QuestionVote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="upvotes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="question_vote_once")
        ]

    def __str__(self):
        return f"{self.user} → {self.question_id}"


class Poll(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(_("question"), max_length=300)
    state = models.CharField(max_length=8, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.question


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("answer"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.text


class PollVote(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "user"], name="poll_vote_once")]

    def __str__(self):
        return f"{self.user} → {self.option_id}"


class Mute(models.Model):
    """A user may not write in one session (chat, questions) until ``until`` (or for good)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="mutes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="mute_once")]

    def __str__(self):
        return f"{self.user} muted in {self.session_id}"


class Ban(models.Model):
    """A user is shut out of an event's live features."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="bans")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ban")
        verbose_name_plural = _("bans")
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="ban_once")]

    def __str__(self):
        return f"{self.user} banned from {self.event_id}"


class ModerationLog(models.Model):
    """Audit log of every moderation action."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="moderation_log")
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=40)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    detail = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target_user or ''}"
        )


class Announcement(models.Model):
    """A message of the organizers to the people of an event, shown as a banner (and mailed)."""

    class Level(models.TextChoices):
        INFO = "info", _("Information")
        WARNING = "warning", _("Warning")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone registered")
        ATTENDEES = "attendees", _("Attendees")
        SPEAKERS = "speakers", _("Speakers")
        EXHIBITORS = "exhibitors", _("Exhibitor staff")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="announcements")
    text_de = models.TextField(_("text (German)"), max_length=2000)
    text_en = models.TextField(_("text (English)"), max_length=2000, blank=True)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices, default=Level.INFO)
    link = models.URLField(_("link"), blank=True)
    audience = models.CharField(
        _("audience"), max_length=12, choices=Audience.choices, default=Audience.EVERYONE
    )
    show_from = models.DateTimeField(_("show from"), null=True, blank=True)
    show_until = models.DateTimeField(_("show until"), null=True, blank=True)
    send_mail = models.BooleanField(_("send by mail"), default=False)
    # Progress of the mail, kept by whoever sends it (notifications/), shown to organizers.
    mail_total = models.PositiveIntegerField(default=0, editable=False)
    mail_sent = models.PositiveIntegerField(default=0, editable=False)
    mail_failed = models.PositiveIntegerField(default=0, editable=False)
    # Mails whose worker died between handing them to the SMTP server and recording the result.
    mail_unsure = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(show_until__isnull=True)
                | Q(show_from__isnull=True)
                | Q(show_until__gt=F("show_from")),
                name="announcement_ends_after_start",
            )
        ]

    def __str__(self):
        return self.text_de[:60]


class AnnouncementDismissal(models.Model):
    """A person closed an announcement's banner; it stays closed on every page and device."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="dismissals"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["announcement", "user"], name="dismiss_once")
        ]

    def __str__(self):
        return f"{self.user_id} ✕ {self.announcement_id}"
