"""How a room's stage plays and which third-party players an event allows.

Kept beside congress's Room and Event (one-to-one), so the congress models stay as they are and a
room without a row plays with the defaults: the stream type detected from ``Room.stream_url``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from congress.models import Event, Room


class StageSettings(models.Model):
    """The event's choices for its stages and video rooms."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="stage_settings")
    # Keys of stage.streams.EMBED_PROVIDERS ("youtube", "vimeo") or host names of other players
    # ("player.example-stream.de"); a stream URL on any other host is never framed.
    embed_providers = models.JSONField(_("allowed embed providers"), default=list, blank=True)
    record_video_rooms = models.BooleanField(_("record video rooms"), default=False)

    class Meta:
        verbose_name = _("stage settings")
        verbose_name_plural = _("stage settings")

    def __str__(self):
        return str(self.event)


class RoomStage(models.Model):
    """A room's stream type (detected unless set) and the poster shown before the start."""

    class StreamType(models.TextChoices):
        AUTO = "auto", _("Detect from the URL")
        HLS = "hls", _("HLS")
        DASH = "dash", _("DASH")
        MP4 = "mp4", _("MP4 file")
        EMBED = "embed", _("Embedded player")

    room = models.OneToOneField(Room, on_delete=models.CASCADE, related_name="stage")
    stream_type = models.CharField(
        _("stream type"), max_length=8, choices=StreamType.choices, default=StreamType.AUTO
    )
    poster_url = models.URLField(_("poster"), blank=True)

    class Meta:
        verbose_name = _("room stage")
        verbose_name_plural = _("room stages")

    def __str__(self):
        return str(self.room)
