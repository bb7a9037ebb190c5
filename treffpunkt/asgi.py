"""ASGI entry point: HTTP goes to Django, websockets at /ws/ to the realtime gateway."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treffpunkt.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from .realtime.gateway import Gateway  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AuthMiddlewareStack(URLRouter([path("ws/", Gateway())])),
    }
)
