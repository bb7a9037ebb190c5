from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from congress import hooks
        from treffpunkt import notify

        from . import announcements, privacy, realtime, services  # noqa: F401  (declarations)

        notify.set_delivery(services.deliver)
        hooks.announcement_mailer(announcements.start_announcement_mail)
