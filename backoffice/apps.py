from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "backoffice"
    verbose_name = _("Programme back office")

    def ready(self):
        from congress import hooks
        from treffpunkt.realtime import hub

        from . import (
            permissions,  # noqa: F401  (registers the access rules)
            privacy,  # noqa: F401  (declares what it stores about people)
            viewers,
            webhooks,
        )

        hooks.announcement_listener(webhooks.queue_deliveries)
        hooks.session_watcher(viewers.record_viewer)
        hub.watch_totals(viewers.note_total)
