from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessibilityConfig(AppConfig):
    name = "accessibility"
    verbose_name = _("Accessibility")

    def ready(self):
        # Registers the access rules, the realtime handlers of live captions and what it stores
        # about people.
        from django.db.models.signals import post_delete, post_save

        from congress.services import stage_changed

        from . import captions, permissions, privacy  # noqa: F401
        from .models import RoomMedia

        # A room's captions and sign language show on the session page, which is kept whole per
        # stage version (web/page_cache.py).
        post_save.connect(stage_changed, sender=RoomMedia, dispatch_uid="room-media-saved")
        post_delete.connect(stage_changed, sender=RoomMedia, dispatch_uid="room-media-deleted")
