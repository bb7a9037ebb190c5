from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = _("Conversations")

    def ready(self):
        from . import (
            live,  # noqa: F401  (registers the realtime topic kind and handlers)
            permissions,  # noqa: F401  (registers the access rules)
            privacy,  # noqa: F401  (registers exporter, shredder, retention)
        )
