from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StageConfig(AppConfig):
    name = "stage"
    verbose_name = _("Stage")

    def ready(self):
        from congress import hooks

        from . import permissions, services  # noqa: F401  (register access rules)

        hooks.session_state_listener(services.close_video_room_when_over)
