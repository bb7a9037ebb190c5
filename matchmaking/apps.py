from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self):
        from congress import hooks

        from . import (
            permissions,  # noqa: F401  (register access rules)
            privacy,  # noqa: F401  (registers exporter, shredder, retention)
        )
        from .agenda import accepted_meetings
        from .meetings import contact_barrier

        hooks.contact_barrier(contact_barrier)
        hooks.agenda_source(accepted_meetings)
