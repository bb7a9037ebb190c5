from django.apps import AppConfig


class TreffpunktConfig(AppConfig):
    name = "treffpunkt"
    verbose_name = "Treffpunkt"
