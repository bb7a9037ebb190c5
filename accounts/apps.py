from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and onboarding")

    def ready(self):
        from congress import hooks

        from . import (
            permissions,  # noqa: F401  (registers the access rules)
            privacy,  # noqa: F401  (registers exporter, shredder, consent recorder)
        )
        from .registration import registration_refusal

        hooks.registration_gate(registration_refusal)
