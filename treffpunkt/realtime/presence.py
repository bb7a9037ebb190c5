"""Who is here, as every process agrees: session viewers and booth staff online.

One store of expiring marks. A *group* (``viewers:session:42``, ``staff:booth:12``) holds members,
each with a weight and an expiry; a group's total is the sum of its unexpired members' weights.

- Viewers: each process marks itself in ``viewers:<topic>`` with its count of distinct local viewers
  as the weight, every few seconds (:meth:`PresenceStore.report`), so a process that dies drops out
  after ``TTL`` seconds. The total is the sum of the processes' counts.
- Booth staff (``expo.live``): each staff member marks their user id with weight 1 in
  ``staff:booth:<id>`` and refreshes it while online; the total is the number of staff online.

With ``REDIS_URL`` a group is a sorted set (member → expiry, in Redis's own clock so the processes'
clocks need not agree) beside a hash (member → weight), changed and summed by one Lua script: two
processes marking the same group at the same moment both count. Without it, process memory under a
lock. Sync callers (topic kinds on the database thread) and async callers (the hub) share the store:
every operation has a sync form and an ``a``-prefixed async form.
"""

import asyncio
import threading
import time

from django.conf import settings

TTL = 15

# KEYS: the sorted set (member → expiry in ms) and the hash (member → weight).
# ARGV: member ("" to only read), weight (0 removes the member), time to live in ms.
# Returns the sum of the unexpired members' weights.
_MARK = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
if #expired > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  redis.call('HDEL', KEYS[2], unpack(expired))
end
local member, weight, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
if member ~= '' then
  if weight > 0 then
    redis.call('ZADD', KEYS[1], now + ttl, member)
    redis.call('HSET', KEYS[2], member, weight)
  else
    redis.call('ZREM', KEYS[1], member)
    redis.call('HDEL', KEYS[2], member)
  end
end
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if #last == 0 then
  redis.call('DEL', KEYS[1], KEYS[2])
  return 0
end
redis.call('PEXPIREAT', KEYS[1], last[2])
redis.call('PEXPIREAT', KEYS[2], last[2])
local total = 0
for _, value in ipairs(redis.call('HVALS', KEYS[2])) do
  total = total + tonumber(value)
end
return total
"""


class PresenceStore:
    """The operations every backend offers; a backend implements ``mark`` and ``amark``."""

    def mark(self, group, member, *, weight=1, ttl):
        """Set ``member``'s weight in ``group`` for ``ttl`` seconds (0 removes it); the new total."""
        raise NotImplementedError

    async def amark(self, group, member, *, weight=1, ttl):
        raise NotImplementedError

    def unmark(self, group, member):
        return self.mark(group, member, weight=0, ttl=0)

    def total(self, group):
        return self.mark(group, "", weight=0, ttl=0)

    async def atotal(self, group):
        return await self.amark(group, "", weight=0, ttl=0)

    async def aclose(self):
        """Let go of this event loop's connections (before the loop closes)."""

    # Session viewers, as the hub and the gateway count them.
    async def report(self, topic, process, count):
        await self.amark(f"viewers:{topic}", process, weight=count, ttl=TTL)

    async def viewers(self, topic):
        return await self.atotal(f"viewers:{topic}")


class LocalPresence(PresenceStore):
    """One process's memory; the lock makes the database thread and the event loop take turns."""

    def __init__(self):
        self._groups = {}
        self._lock = threading.Lock()

    def mark(self, group, member, *, weight=1, ttl):
        now = time.monotonic()
        with self._lock:
            members = self._groups.setdefault(group, {})
            for expired in [name for name, (_w, until) in members.items() if until <= now]:
                del members[expired]
            if member:
                if weight > 0:
                    members[member] = (weight, now + ttl)
                else:
                    members.pop(member, None)
            if not members:
                del self._groups[group]
            return sum(weight for weight, _until in members.values())

    async def amark(self, group, member, *, weight=1, ttl):
        return self.mark(group, member, weight=weight, ttl=ttl)

    def clear(self):
        with self._lock:
            self._groups.clear()


class RedisPresence(PresenceStore):
    def __init__(self, url):
        import redis
        import redis.asyncio

        self._url = url
        self._redis = redis.asyncio
        self._sync_script = redis.Redis.from_url(url).register_script(_MARK)
        self._async_scripts = {}

    def _async_script(self):
        # A redis.asyncio client belongs to the event loop it was made on.
        loop = asyncio.get_running_loop()
        script = self._async_scripts.get(loop)
        if script is None:
            client = self._redis.from_url(self._url)
            script = self._async_scripts[loop] = client.register_script(_MARK)
        return script

    async def aclose(self):
        script = self._async_scripts.pop(asyncio.get_running_loop(), None)
        if script is not None:
            await script.registered_client.aclose()

    def _keys(self, group):
        prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"].get("prefix", "treffpunkt")
        # The hash tag keeps both keys in one slot of a Redis Cluster, as the script needs.
        return [f"{prefix}:presence:{{{group}}}", f"{prefix}:presence:{{{group}}}:weights"]

    def mark(self, group, member, *, weight=1, ttl):
        return int(
            self._sync_script(keys=self._keys(group), args=[member, weight, int(ttl * 1000)])
        )

    async def amark(self, group, member, *, weight=1, ttl):
        script = self._async_script()
        return int(await script(keys=self._keys(group), args=[member, weight, int(ttl * 1000)]))


_store = None
_store_lock = threading.Lock()


def store():
    global _store
    if _store is None:
        with _store_lock:
            if _store is None:
                _store = (
                    RedisPresence(settings.REDIS_URL) if settings.REDIS_URL else LocalPresence()
                )
    return _store
