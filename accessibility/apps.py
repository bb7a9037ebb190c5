from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessibilityConfig(AppConfig):
    name = "accessibility"
    verbose_name = _("Accessibility")

    def ready(self):
        # Registers the access rules, the realtime handlers of live captions and what it stores
        # about people.
        from . import captions, permissions, privacy  # noqa: F401
