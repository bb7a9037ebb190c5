from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CongressConfig(AppConfig):
    name = "congress"
    verbose_name = _("Congress")

    def ready(self):
        from . import live, permissions, privacy  # noqa: F401  (rules, handlers, privacy registry)
