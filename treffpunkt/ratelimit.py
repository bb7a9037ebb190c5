"""Named rate limits: at most ``hits`` per ``seconds`` for each key, one mechanism for every door.

The limits are named in ``settings.RATE_LIMITS`` (the one place to change them):

    "chat": (5, 5),                  # 5 chat messages per 5 s per user, every process together
    "socket": (30, 3, "local"),      # 30 requests per 3 s on one websocket

Each (name, key) has a fixed window that opens with its first hit and expires with it, counted
with the cache's ``add`` and ``incr``, which are atomic on Redis and on local memory, so two
processes (or threads) hitting the same key at once both count. The optional third item names the
cache alias; ``"local"`` (the per-socket limits) counts in this process's memory instead, under a
lock, because a socket lives in one process and its requests should pay neither a trip to Redis
nor a cache's pickling (four hits per subscribe: in a reconnect storm 2 % of the servers' CPU).

Users of it: the gateway (per socket), the live services (``congress.live_services.check_rate``,
per user), REST (:class:`RateLimitThrottle`, per client address) and every log-in door
(:func:`check_login`: the web log-in form and the token endpoint). Log-ins count failures only:
each attempt is counted before its password is checked and taken back when the password was right
(:meth:`LoginAttempt.succeeded`), as allauth does with its own ``login_failed`` limit.

The client address is :func:`client_ip`: the peer's address, unless the peer is one of
``settings.TRUSTED_PROXIES``; only then does ``X-Forwarded-For`` count, read from the right
(the entries a trusted proxy appended), so a client cannot pick its own address by sending one.
"""

import hashlib
import ipaddress
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import BaseThrottle

# A window's counter carries its start (whole seconds, times this) plus its hits, so one ``add``
# and one ``incr`` give both atomically; the start tells a refused client when to retry.
_START = 1_000_000


LOCAL = "local"


class _LocalWindows:
    """The windows of the limits on ``"local"``: ``{cache key: [start, hits, expires]}``."""

    SWEEP_SECONDS = 10.0  # expired windows go at most this long after their end (each socket
    # has keys of its own: without a sweep they would pile up over a day of reconnects)
    LARGEST = 100_000  # windows kept at most: past it the oldest half goes too

    def __init__(self):
        self._windows = {}
        self._lock = threading.Lock()
        self._swept_at = 0.0

    def hit(self, cache_key, seconds, now):
        """Count one hit; the counter as the cache holds it (start * _START + hits)."""
        with self._lock:
            window = self._windows.get(cache_key)
            if window is None or window[2] <= now:
                if window is None and (
                    now - self._swept_at >= self.SWEEP_SECONDS or len(self._windows) >= self.LARGEST
                ):
                    self._make_room(now)
                window = self._windows[cache_key] = [int(now), 0, now + seconds]
            window[1] += 1
            return window[0] * _START + window[1]

    def take_back(self, cache_key, now):
        with self._lock:
            window = self._windows.get(cache_key)
            if window is not None and window[2] > now and window[1] > 0:
                window[1] -= 1

    def _make_room(self, now):
        self._swept_at = now
        live = {key: window for key, window in self._windows.items() if window[2] > now}
        if len(live) >= self.LARGEST:
            live = dict(list(live.items())[len(live) // 2 :])
        self._windows = live

    def clear(self):
        with self._lock:
            self._windows.clear()


_local = _LocalWindows()


def forget_local():
    """Drop every window of the ``"local"`` limits (the tests start each with none)."""
    _local.clear()


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
    cache_key = f"rate:{name}:{key}"
    now = time.time()
    if alias == LOCAL:
        value = _local.hit(cache_key, seconds, now)
    else:
        cache = caches[alias]
        count = getattr(cache, "count", None)  # Redis: both in one round trip (treffpunkt.cache)
        if count is not None:
            value = count(cache_key, int(now) * _START, seconds)
        else:
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


def take_back(name, key):
    """Undo one allowed :func:`hit` of ``key`` against ``name`` (a no-op once its window expired)."""
    _hits, _seconds, alias = limit_for(name)
    cache_key = f"rate:{name}:{key}"
    if alias == LOCAL:
        _local.take_back(cache_key, time.time())
        return
    cache = caches[alias]
    try:
        value = cache.decr(cache_key)
    except ValueError:
        return
    if value % _START == _START - 1:
        # The window expired and a fresh one opened between its add and incr: undo the undo.
        cache.incr(cache_key)


def _trusted(address, networks):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _networks():
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES]


def client_ip(peer, forwarded_for=None):
    """The client's address: ``peer`` (REMOTE_ADDR, the ASGI scope's client) unless it is a
    trusted proxy; then the rightmost ``X-Forwarded-For`` entry that is not a trusted proxy."""
    networks = _networks()
    if not peer or not forwarded_for or not _trusted(peer, networks):
        return peer or "unknown"
    for entry in reversed([part.strip() for part in forwarded_for.split(",")]):
        if entry and not _trusted(entry, networks):
            return entry
    return peer


def request_ip(request):
    """:func:`client_ip` of a Django (or DRF) request."""
    meta = request.META
    return client_ip(meta.get("REMOTE_ADDR"), meta.get("HTTP_X_FORWARDED_FOR"))


def _username_key(username):
    # Usernames are user input: hash them into a fixed-size cache key of safe characters.
    return hashlib.sha256(str(username).strip().lower().encode()).hexdigest()[:32]


class LoginAttempt:
    """One counted log-in attempt: ``allowed`` and ``retry_after`` as a :class:`Verdict`.

    Counted before the password is checked, so a burst of parallel guesses cannot all slip past
    the limit before any of them is counted; :meth:`succeeded` takes the count back when the
    password was right. A right password does not clear the earlier failures either (that would
    let a guesser who knows one account's password reset the per-address count at will).
    """

    def __init__(self, verdict, hits):
        self.allowed = verdict.allowed
        self.retry_after = verdict.retry_after
        self._hits = hits if verdict.allowed else ()

    def succeeded(self):
        """The password was right: this attempt does not count against any limit."""
        hits, self._hits = self._hits, ()
        for name, key in hits:
            take_back(name, key)


def check_login(ip, username):
    """Count one log-in attempt from ``ip`` for ``username``; a :class:`LoginAttempt`.

    Three limits (``settings.RATE_LIMITS``) on failed log-ins: ``login`` per address and name,
    ``login_ip`` per address whatever the name (one client trying many accounts) and
    ``login_user`` per name whatever the address (many clients trying one account). Every door
    that checks a password calls this first and :meth:`LoginAttempt.succeeded` when the password
    was right, so all doors share the counts of failures.
    """
    name = _username_key(username)
    hits = [("login", f"{ip}:{name}"), ("login_ip", ip), ("login_user", name)]
    verdicts = [hit(limit, key) for limit, key in hits]
    refused = [verdict for verdict in verdicts if not verdict.allowed]
    if not refused:
        return LoginAttempt(Verdict(True), hits)
    # The limits that allowed this attempt counted it all the same: it was not tried.
    for (limit, key), verdict in zip(hits, verdicts, strict=True):
        if verdict.allowed:
            take_back(limit, key)
    return LoginAttempt(Verdict(False, max(verdict.retry_after for verdict in refused)), ())


class RateLimitThrottle(BaseThrottle):
    """A DRF throttle counting anonymous requests per client address against ``limit``."""

    limit = None

    def get_ident(self, request):
        return request_ip(request)

    def allow_request(self, request, view):
        if request.user and request.user.is_authenticated:
            return True
        self.verdict = hit(self.limit, self.get_ident(request))
        return self.verdict.allowed

    def wait(self):
        return self.verdict.retry_after
