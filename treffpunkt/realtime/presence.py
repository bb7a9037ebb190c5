"""Viewer counts that every process agrees on.

Each process reports how many distinct viewers it holds per topic; the total is the sum of the
reports that have not expired. With ``REDIS_URL`` the reports live in one Redis hash per topic (so a
process that dies drops out after ``TTL`` seconds); without it, in this process's memory.
"""

import time

from django.conf import settings

TTL = 15


class LocalPresence:
    def __init__(self):
        self._reports = {}

    async def report(self, topic, process, count):
        self._reports.setdefault(topic, {})[process] = (count, time.monotonic() + TTL)
        if count == 0:
            self._reports[topic].pop(process, None)

    async def total(self, topic):
        now = time.monotonic()
        return sum(
            count for count, expires in self._reports.get(topic, {}).values() if expires > now
        )


class RedisPresence:
    def __init__(self, url):
        import redis.asyncio

        self._url = url
        self._redis = redis.asyncio
        self._clients = {}

    def _client(self):
        import asyncio

        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = self._clients[loop] = self._redis.from_url(self._url)
        return client

    def _key(self, topic):
        return f"{settings.CHANNEL_LAYERS['default']['CONFIG'].get('prefix', 'treffpunkt')}:presence:{topic}"

    async def report(self, topic, process, count):
        client = self._client()
        if count == 0:
            await client.hdel(self._key(topic), process)
        else:
            await client.hset(self._key(topic), process, f"{count}:{time.time() + TTL:.0f}")
            await client.expire(self._key(topic), TTL * 4)

    async def total(self, topic):
        now = time.time()
        total = 0
        for value in (await self._client().hgetall(self._key(topic))).values():
            count, expires = value.decode().split(":")
            if float(expires) > now:
                total += int(count)
        return total


_store = None


def store():
    global _store
    if _store is None:
        _store = RedisPresence(settings.REDIS_URL) if settings.REDIS_URL else LocalPresence()
    return _store
