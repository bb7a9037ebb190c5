from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpoConfig(AppConfig):
    name = "expo"
    verbose_name = _("Expo")

    def ready(self):
        from congress import hooks

        from . import (
            backoffice,
            live,  # noqa: F401  (registers the realtime topic kind and handlers)
            permissions,  # noqa: F401  (registers the access rules)
        )
        from .models import Exhibitor

        # Only published booths: drafts and booths under review are not in the expo hall yet.
        hooks.event_count("exhibitor_count")(
            lambda: (Exhibitor, {"status": Exhibitor.Status.PUBLISHED})
        )
        backoffice.register()
