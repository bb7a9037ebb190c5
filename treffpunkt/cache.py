"""Django's Redis cache, with one connection pool per process and one client per pool.

Django's ``RedisCacheClient`` keeps its connection pool on the cache object, and Django keeps a
cache object per context (``caches`` is an asgiref ``Local``): every websocket task, and every
call of a shared trip to the database (``treffpunkt.realtime.trips``), built a cache object of
its own, with a pool of its own, and opened a new connection to Redis for its first command. In
the keynote's chat storm that was a TCP connect and a health check for most rate-limited
messages, on the database thread where the chat writes queue (docs/performance.md, "The third
session of 2026-12-03"). Here the pools are the process's, shared by every cache object with the
same servers and options.

Django's client also builds a new ``redis.Redis`` for every ``get``, ``add`` or ``incr``. Each
copies redis-py's table of response callbacks and its options: about 0.1 ms of CPU on the
reference machine, as much as the command itself costs the client (docs/performance.md,
"2026-12-03"). A ``redis.Redis`` holds no connection of its own: it takes one from its pool for
each command and gives it back, so one client per pool serves every thread at once, and the pool
opens new connections in a forked process (redis-py checks the pid).

:meth:`RedisCache.count` is a rate limit's ``add`` and ``incr`` in one round trip
(``treffpunkt.ratelimit``); Django's ``incr`` alone takes two (``EXISTS``, then ``INCRBY``).
"""

import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

_pools = {}  # (server URL, pool class, options) -> the process's connection pool
_clients = {}  # connection pool -> redis.Redis on it
_lock = threading.Lock()

# SET NX with the window's start and expiry, then INCR: atomic, and the key cannot expire between
# the two (a script sees the time it started at), which would leave a counter without expiry.
_COUNT = """
redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2])
return redis.call('INCR', KEYS[1])
"""


class SharedClientRedisCacheClient(RedisCacheClient):
    def _get_connection_pool(self, write):
        index = self._get_connection_pool_index(write)
        pool = self._pools.get(index)  # Django's own dict, here a copy of the process's
        if pool is None:
            server = self._servers[index]
            options = tuple(
                sorted((name, repr(value)) for name, value in self._pool_options.items())
            )
            key = (server, self._pool_class, options)
            with _lock:
                pool = _pools.get(key)
                if pool is None:
                    pool = _pools[key] = self._pool_class.from_url(server, **self._pool_options)
            self._pools[index] = pool
        return pool

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = _clients.get(pool)
        if client is None:
            # Two threads may both build one at first: either serves, on the same pool.
            client = _clients.setdefault(pool, self._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with :class:`SharedClientRedisCacheClient`."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient

    def count(self, key, initial, timeout):
        """``add(key, initial, timeout)``, then ``incr(key)``: the value after, in one round
        trip and atomically (a counted window: ``treffpunkt.ratelimit``)."""
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)
        script = _scripts.get(client)
        if script is None:
            script = _scripts.setdefault(client, client.register_script(_COUNT))
        return int(script(keys=[key], args=[int(initial), max(1, int(timeout))]))


_scripts = {}  # redis.Redis -> its registered _COUNT
