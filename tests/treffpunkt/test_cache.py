"""The Redis cache: the rate limits of many sockets share the process's connections to Redis."""

import asyncio
import os
import uuid

import pytest
from channels.db import database_sync_to_async

from tests.conftest import skip_or_fail
from treffpunkt import ratelimit
from treffpunkt.realtime.trips import shared_trip

# The trips to the database thread close stale connections first, as for every socket.
pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings):
    import redis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
    except Exception as error:  # noqa: BLE001
        skip_or_fail(f"Redis at {url} is not reachable: {error}")
    prefix = f"test-cache-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "treffpunkt.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        },
    }
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "chat": (2, 60)}
    yield client, prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def _connections_opened(client):
    return client.info("stats")["total_connections_received"]


@pytest.mark.parametrize("door", ["socket", "shared trip"])
def test_a_hundred_sockets_counting_their_rate_limits_open_no_connection_each(redis_cache, door):
    """Each websocket task (and each call of a shared trip) has a cache object of its own; before,
    each also opened its own connection to Redis, in the chat storm one per message."""
    client, prefix = redis_cache
    before = _connections_opened(client)
    count = (
        database_sync_to_async(ratelimit.hit) if door == "socket" else shared_trip(ratelimit.hit)
    )

    async def socket(user_id):
        # Three messages of one user: the limit (2 per minute) still counts across them.
        return [(await count("chat", user_id)).allowed for _ in range(3)]

    async def storm():
        return await asyncio.gather(*(socket(user_id) for user_id in range(100)))

    verdicts = asyncio.run(storm())

    assert verdicts == [[True, True, False]] * 100
    # Each window ends: its counter expires with the limit's 60 seconds.
    ttls = {client.ttl(key) for key in client.scan_iter(f"{prefix}:*rate:chat:*")}
    assert ttls and all(0 < ttl <= 60 for ttl in ttls)
    # 300 hits; other clients of this Redis (the suite's servers) may connect meanwhile too.
    assert _connections_opened(client) - before <= 10
