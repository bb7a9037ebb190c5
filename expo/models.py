from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congress.models import Event


class Category(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="exhibitor_categories")
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "slug"], name="category_slug_unique_per_event")
        ]

    def __str__(self):
        return self.name


class Exhibitor(models.Model):
    class Tier(models.TextChoices):
        PREMIUM = "premium", _("Premium")
        STANDARD = "standard", _("Standard")
        STARTUP = "startup", _("Start-up")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="exhibitors")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    categories = models.ManyToManyField(Category, related_name="exhibitors", blank=True)
    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices, default=Tier.STANDARD)
    website = models.URLField(_("website"), blank=True)
    social_links = models.JSONField(_("social links"), default=list, blank=True)
    video_url = models.URLField(_("video URL"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="expo/logos/", blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    review_note = models.TextField(_("review note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exhibitor")
        verbose_name_plural = _("exhibitors")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "slug"], name="exhibitor_slug_unique_per_event"
            )
        ]

    def __str__(self):
        return self.name


class BoothRevision(models.Model):
    """A staff edit of a published booth awaiting review; the published booth stays as it was.

    ``fields`` holds the edited content fields by name, ``category_ids`` the new categories (null:
    unchanged), ``logo`` a new logo (empty: unchanged). Approving applies them to the booth;
    rejecting deletes the revision and its logo file.
    """

    exhibitor = models.OneToOneField(
        Exhibitor, on_delete=models.CASCADE, related_name="pending_revision"
    )
    fields = models.JSONField(_("changed fields"), default=dict)
    category_ids = models.JSONField(_("categories"), null=True, blank=True)
    logo = models.ImageField(_("logo"), upload_to="expo/logos/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("booth revision")
        verbose_name_plural = _("booth revisions")

    def __str__(self):
        return f"{self.exhibitor} ({', '.join(self.changed)})"

    @property
    def changed(self):
        """Names of the booth fields this revision changes, in the booth's field order."""
        names = set(self.fields) | ({"categories"} if self.category_ids is not None else set())
        names |= {"logo"} if self.logo else set()
        return [field.name for field in Exhibitor._meta.get_fields() if field.name in names]

    @property
    def changed_labels(self):
        return [str(Exhibitor._meta.get_field(name).verbose_name) for name in self.changed]


class ExhibitorStaff(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Booth admin")
        STAFF = "staff", _("Booth staff")

    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booth_memberships"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.STAFF)

    class Meta:
        verbose_name = _("booth staff member")
        verbose_name_plural = _("booth staff")
        constraints = [
            models.UniqueConstraint(fields=["exhibitor", "user"], name="staff_once_per_booth")
        ]

    def __str__(self):
        return f"{self.user} @ {self.exhibitor} ({self.role})"


class ExpoSettings(models.Model):
    """Per-event expo settings; an event without a row uses the defaults."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="expo_settings")
    edits_need_review = models.BooleanField(
        _("edits of published booths need review"),
        default=True,
        help_text=_("A staff edit of a published booth sends it back to review."),
    )

    class Meta:
        verbose_name = _("expo settings")
        verbose_name_plural = _("expo settings")

    def __str__(self):
        return f"{self.event}"


class Product(models.Model):
    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    link = models.URLField(_("link"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name


class Download(models.Model):
    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="downloads")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="expo/downloads/", blank=True)
    link = models.URLField(_("link"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class ContactPerson(models.Model):
    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class Lead(models.Model):
    """An attendee's consented request to be contacted; withdrawing it deletes the row."""

    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="leads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booth_leads"
    )
    consent = models.BooleanField(_("consent"))
    consented_at = models.DateTimeField(_("consented at"))
    message = models.TextField(_("message"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["consented_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["exhibitor", "user"], name="lead_once_per_booth"),
            models.CheckConstraint(condition=models.Q(consent=True), name="lead_needs_consent"),
        ]

    def __str__(self):
        return f"{self.user} → {self.exhibitor}"


class BoothVisit(models.Model):
    """One row per visitor, booth and day: enough for counts, never shown with names."""

    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="visits")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booth_visits"
    )
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("booth visit")
        verbose_name_plural = _("booth visits")
        constraints = [
            models.UniqueConstraint(
                fields=["exhibitor", "user", "day"], name="visit_once_per_booth_and_day"
            )
        ]

    def __str__(self):
        return f"{self.exhibitor} {self.day}"


class ContactRequest(models.Model):
    """An attendee asked a booth's staff to talk (``booth.contact``); staff accept it in a 1:1."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED = "accepted", _("accepted")

    exhibitor = models.ForeignKey(
        Exhibitor, on_delete=models.CASCADE, related_name="contact_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booth_contact_requests"
    )
    message = models.TextField(_("message"), blank=True, max_length=1000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    conversation = models.ForeignKey(
        "conversations.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")

    def __str__(self):
        return f"{self.user_id} → {self.exhibitor_id} ({self.status})"
