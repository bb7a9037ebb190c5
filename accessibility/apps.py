from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessibilityConfig(AppConfig):
    name = "accessibility"
    verbose_name = _("Accessibility")

    def ready(self):
        # Registers the access rules and the realtime handlers of live captions.
        from . import captions, permissions  # noqa: F401
