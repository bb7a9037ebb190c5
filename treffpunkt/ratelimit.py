"""Named rate limits: at most ``hits`` per ``seconds`` for each key, one mechanism for every door.

The limits are named in ``settings.RATE_LIMITS`` (the one place to change them):

    "chat": (5, 5),                  # 5 chat messages per 5 s per user, every process together
    "socket": (30, 3, "local"),      # 30 requests per 3 s on one websocket

Each (name, key) has a fixed window that opens with its first hit and expires with it, counted
with the cache's ``add`` and ``incr``, which are atomic on Redis and on local memory, so two
processes (or threads) hitting the same key at once both count. The optional third item names the
cache alias; per-socket limits use the process-local ``"local"`` cache, because a socket lives in
one process and its requests should not pay a trip to Redis.

Users of it: the gateway (per socket), the live services (``congress.live_services.check_rate``,
per user) and REST (:class:`RateLimitThrottle`, per client address, e.g. the token endpoint).
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import BaseThrottle

# A window's counter carries its start (whole seconds, times this) plus its hits, so one ``add``
# and one ``incr`` give both atomically; the start tells a refused client when to retry.
_START = 1_000_000


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: float = 0.0


def limit_for(name):
    """``(hits, seconds, cache alias)`` of the named limit."""
    hits, seconds, *alias = settings.RATE_LIMITS[name]
    return hits, seconds, alias[0] if alias else "default"


def hit(name, key):
    """Count one hit of ``key`` against the limit ``name``; allowed or not, and when to retry."""
    hits, seconds, alias = limit_for(name)
    cache = caches[alias]
    cache_key = f"rate:{name}:{key}"
    now = time.time()
    cache.add(cache_key, int(now) * _START, seconds)
    try:
        value = cache.incr(cache_key)
    except ValueError:
        # The window expired between add and incr: this hit opens the next one.
        cache.add(cache_key, int(now) * _START + 1, seconds)
        value = int(now) * _START + 1
    count = value % _START
    if count <= hits:
        return Verdict(True)
    return Verdict(False, max(0.0, value // _START + seconds - now))


class RateLimitThrottle(BaseThrottle):
    """A DRF throttle counting anonymous requests per client address against ``limit``."""

    limit = None

    def allow_request(self, request, view):
        if request.user and request.user.is_authenticated:
            return True
        self.verdict = hit(self.limit, self.get_ident(request))
        return self.verdict.allowed

    def wait(self):
        return self.verdict.retry_after
