from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Data protection")

    def ready(self):
        from . import (
            declarations,  # noqa: F401  (Django's, DRF's, allauth's and the task queue's tables)
            services,  # noqa: F401  (registers the identity shredder and the access recorder)
        )
