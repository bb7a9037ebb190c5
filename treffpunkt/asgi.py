"""ASGI entry point: HTTP goes to Django, websockets at /ws/ to the realtime gateway."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treffpunkt.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

application = ProtocolTypeRouter({"http": django_application})
