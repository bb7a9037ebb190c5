from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StageConfig(AppConfig):
    name = "stage"
    verbose_name = _("Stage")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from congress import hooks
        from congress.services import stage_changed

        from . import (  # noqa: F401  (register access rules)
            models,
            permissions,
            privacy,  # noqa: F401  (declares what it stores about people)
            services,
        )

        hooks.session_state_listener(services.close_video_room_when_over)
        hooks.room_stream_listener(services.push_room_stream)
        # The session page is kept whole per stage version (web/page_cache.py): every save or
        # delete of what its stage shows, in the admin or anywhere else, makes a new one.
        for model in (models.StageSettings, models.RoomStage):
            post_save.connect(stage_changed, sender=model, dispatch_uid=f"stage-{model.__name__}")
            post_delete.connect(stage_changed, sender=model, dispatch_uid=f"stage-{model.__name__}")
