"""Matchmaking data: the event's tag vocabulary, opt-in profiles and blocks."""

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
