from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StageConfig(AppConfig):
    name = "stage"
    verbose_name = _("Stage")

    def ready(self):
        from congress import hooks

        from . import (  # noqa: F401  (register access rules)
            permissions,
            privacy,  # noqa: F401  (declares what it stores about people)
            services,
        )

        hooks.session_state_listener(services.close_video_room_when_over)
        hooks.room_stream_listener(services.push_room_stream)
