"""Middleware of the project itself."""


class RunMiddlewareInOneThread:
    """Keeps Django's middleware chain in sync mode under ASGI (placed last in MIDDLEWARE).

    Django runs each async-capable middleware's sync hooks through its own ``sync_to_async`` call
    when the innermost handler is async: about 15 thread hops per request here. Django adapts the
    chain at the first sync-only middleware from the inside, so this pass-through, being sync-only
    and innermost, makes every other middleware run on one sync thread: three hops per request.
    The views are sync (DRF, templates), so nothing async is lost. ``treffpunkt.asgi``'s handler
    now builds the whole chain in sync mode (``load_middleware``), where this is a plain
    pass-through; it keeps the chain on one thread under Django's own ASGI handler too.
    """

    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
