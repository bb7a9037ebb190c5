"""Treffpunkt: the Django project (settings, urls, asgi) and the realtime gateway."""

__version__ = "0.1.0"
