"""Django's Redis cache, with one Redis client per connection pool instead of one per operation.

``django.core.cache.backends.redis.RedisCacheClient`` builds a new ``redis.Redis`` for every
``get``, ``add`` or ``incr``. Each copies redis-py's table of response callbacks and its options:
about 0.1 ms of CPU on the reference machine, as much as the command itself costs the client
(docs/performance.md, "2026-12-03"). Every chat message, question and contact
request takes two such operations for its rate limit on the database thread, where the keynote's
chat storm queues its writes. A ``redis.Redis`` holds no connection of its own: it takes one from
its pool for each command and gives it back, so one client per pool serves every thread at once,
and the pool opens new connections in a forked process (redis-py checks the pid).
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # Django's connection pool -> redis.Redis on it

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            # Two threads may both build one at first: either serves, on the same pool.
            client = self._clients.setdefault(pool, self._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with :class:`SharedClientRedisCacheClient`."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
