from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "backoffice"
    verbose_name = _("Programme back office")

    def ready(self):
        from congress import hooks

        from . import (
            permissions,  # noqa: F401  (registers the access rules)
            viewers,
            webhooks,
        )

        hooks.announcement_listener(webhooks.queue_deliveries)
        hooks.session_watcher(viewers.record_viewer)
