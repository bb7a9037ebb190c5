"""ASGI entry point: HTTP goes to Django, websockets at /ws/ to the realtime gateway."""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treffpunkt.settings")

import django  # noqa: E402
from django.core.handlers.asgi import ASGIHandler  # noqa: E402


class SharedThreadASGIHandler(ASGIHandler):
    """Django's ASGI handler without a fresh sync thread per request.

    Django wraps every request in asgiref's ThreadSensitiveContext, which starts and joins a new
    thread for the request's sync code (middleware, DRF views): about 2–4 ms of CPU each, more
    than the cached views themselves cost. Without it, sync code runs on asgiref's one shared
    sync thread, as it did under Channels 2: requests still run concurrently around I/O, and each
    view call runs whole on that thread.
    """

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    def load_middleware(self, is_async=False):
        """The middleware chain and the view as one sync call, entered with one ``sync_to_async``.

        Django's async chain ends in its async ``_get_response_async``, which a sync middleware
        reaches through ``async_to_sync`` and which calls a sync view through ``sync_to_async``
        again: three thread hops, each a wake-up of the event loop, per request. The views are
        sync (DRF, templates); an async one is still run, by ``_get_response``'s own
        ``async_to_sync``.
        """
        super().load_middleware(is_async=False)
        self._middleware_chain = self.adapt_method_mode(True, self._middleware_chain, False)


django.setup(set_prefix=False)
django_application = SharedThreadASGIHandler()

from .realtime import transport  # noqa: E402

# Under daphne: a too-long websocket message gets a `too_long` reply, not a 1009 close.
transport.install()

from django.conf import settings  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

# A fan-out allocates many short-lived objects per delivery; with Python's default thresholds the
# collector runs mid-burst, and full collections over every socket's objects decided the p99
# (benchmarks/live_fanout.py, 2,000 clients: p99 398 → 153 ms).
if settings.GC_THRESHOLD:
    gc.set_threshold(*(int(part) for part in settings.GC_THRESHOLD.split(",")))

from .unavailable import FailFast  # noqa: E402

# While the database is known to be down, 503 at once (treffpunkt/unavailable.py).
http_application = FailFast(django_application)
# Apps may answer their hottest GETs before Django's request cycle (settings.ASGI_HTTP_FAST_PATHS).
for wrapper in reversed(settings.ASGI_HTTP_FAST_PATHS):
    http_application = import_string(wrapper)(http_application)

from channels.routing import ProtocolTypeRouter  # noqa: E402

from .realtime.auth import SessionUserMiddleware  # noqa: E402
from .realtime.gateway import Gateway  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": http_application,
        # One websocket path; the gateway refuses others itself (a URLRouter would keep one more
        # copy of the scope and one more coroutine frame alive per socket: benchmarks/memory.py).
        "websocket": SessionUserMiddleware(Gateway(path="/ws/")),
    }
)
