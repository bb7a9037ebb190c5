from django.apps import AppConfig


class TreffpunktConfig(AppConfig):
    name = "treffpunkt"
    verbose_name = "Treffpunkt"

    def ready(self):
        from . import realtime_privacy  # noqa: F401  (declares the realtime log's data)
        from .realtime import signals  # noqa: F401  (logout closes the user's sockets)
