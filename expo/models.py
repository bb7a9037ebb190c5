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
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
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
