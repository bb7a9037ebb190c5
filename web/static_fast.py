"""Static files answered before Django's request cycle (settings.ASGI_HTTP_FAST_PATHS).

WhiteNoise serves the collected files from inside Django's middleware stack: each request builds a
request object, passes the middleware in front of WhiteNoise and streams the file through the
ASGI handler's sync thread. At 09:00 every attendee's browser fetches the CSS and the JavaScript
modules once (benchmarks/page_rush.py: seven of the eleven requests of a visit), so this wrapper
answers them on the event loop instead: the same WhiteNoise file table, headers (immutable caching
of hashed names, ETag, compressed variants) and responses (304, ranges), the body read once and
kept in memory, plus the security headers Django's SecurityMiddleware would add.

Only without autorefresh (DEBUG off, files collected): in development every request still goes to
WhiteNoise in the middleware. A request Django would redirect to https goes to Django.

Both use one scan of the collected files per process: ``WhiteNoiseMiddleware`` below, in
settings.MIDDLEWARE, hands its table to this module when Django builds its middleware, which the
master does before it forks the workers (treffpunkt.serve).
"""

from urllib.parse import urlsplit

from django.conf import settings
from whitenoise import middleware as whitenoise_middleware

_MAX_BODY = 4 * 1024 * 1024
_state = {"root": object(), "files": None, "bodies": {}}


class WhiteNoiseMiddleware(whitenoise_middleware.WhiteNoiseMiddleware):
    """WhiteNoise's middleware, whose scan of the collected files (about 25–50 ms) also serves
    ``serve_static_files``: without it each worker scanned again, on its event loop, at its first
    static request."""

    def __init__(self, get_response=None, **kwargs):
        super().__init__(get_response, **kwargs)
        _adopt(self, settings.STATIC_ROOT)


def _adopt(middleware, root):
    _state.update(root=root, files=None if middleware.autorefresh else middleware.files)
    _state["bodies"] = {}


def _files():
    """WhiteNoise's table of collected files for the current STATIC_ROOT, or None (autorefresh)."""
    root = settings.STATIC_ROOT
    if _state["root"] != root:  # no middleware was built for this root (a test changed it)
        _adopt(whitenoise_middleware.WhiteNoiseMiddleware(get_response=None), root)
    return _state["files"]


def _static_path():
    """The path part of STATIC_URL: WhiteNoise's ``static_prefix``, under which its file table
    holds every file, as long as no script name is set (none is here)."""
    url = settings.STATIC_URL
    if _state.get("static_url") != url:
        _state.update(static_url=url, static_path=urlsplit(url).path)
    return _state["static_path"]


def _secure(scope, headers):
    if scope.get("scheme") == "https":
        return True
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy:
        name = proxy[0].removeprefix("HTTP_").lower().replace("_", "-").encode("latin-1")
        return headers.get(name, b"").decode("latin-1") == proxy[1]
    return False


def _security_headers():
    headers = []
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append((b"x-content-type-options", b"nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        policy = settings.SECURE_REFERRER_POLICY
        if not isinstance(policy, str):
            policy = ",".join(policy)
        headers.append((b"referrer-policy", policy.encode()))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(
            (b"cross-origin-opener-policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY.encode())
        )
    return headers


def serve_static_files(application):
    """Wrap an ASGI application: GET and HEAD of collected static files are answered here."""

    async def serve(scope, receive, send):
        # The prefix first: the file table comes from a scan of the collected files, about 40 ms
        # on the event loop at a process's first call. A worker's first request outside
        # STATIC_URL (a page, /health/) does not wait for that; WhiteNoise serves no other paths
        # here (no WHITENOISE_ROOT).
        if (
            scope["type"] == "http"
            and scope["method"] in ("GET", "HEAD")
            and scope["path"].startswith(_static_path())
        ):
            files = _files()
            static_file = files.get(scope["path"]) if files is not None else None
            if static_file is not None:
                headers = dict(scope["headers"])
                if not settings.SECURE_SSL_REDIRECT or _secure(scope, headers):
                    await _answer(static_file, scope, headers, send)
                    return
        await application(scope, receive, send)

    return serve


async def _answer(static_file, scope, headers, send):
    meta = {
        "HTTP_" + name.decode("latin-1").upper().replace("-", "_"): value.decode("latin-1")
        for name, value in headers.items()
    }
    response = static_file.get_response(scope["method"], meta)
    body = b""
    if response.file is not None:
        ranged = meta.get("HTTP_RANGE")
        key = (scope["path"], tuple(response.headers)) if not ranged else None
        cached = _state["bodies"].get(key) if key else None
        if cached is None:
            try:
                cached = response.file.read()
            finally:
                response.file.close()
            if key and len(cached) <= _MAX_BODY:
                _state["bodies"][key] = cached
        else:
            response.file.close()
        body = cached if scope["method"] == "GET" else b""
    out = [
        (name.lower().encode("latin-1"), str(value).encode("latin-1"))
        for name, value in response.headers
    ]
    status = int(response.status)
    await send(
        {"type": "http.response.start", "status": status, "headers": out + _security_headers()}
    )
    await send({"type": "http.response.body", "body": body})
