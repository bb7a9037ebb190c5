"""Who is here, as every process agrees: session viewers and booth staff online.

One store of expiring marks. A *group* (``viewers:session:42``, ``staff:booth:12``) holds members,
each with a weight and an expiry; a group's total is the sum of its unexpired members' weights.

- Viewers: each process marks itself in ``viewers:<topic>`` with its count of distinct local viewers
  as the weight, every few seconds (:meth:`PresenceStore.report`), so a process that dies drops out
  after ``TTL`` seconds. The total is the sum of the processes' counts.
- Booth staff (``expo.live``): each staff member marks their user id with weight 1 in
  ``staff:booth:<id>`` and refreshes it while online; the total is the number of staff online.
- Sockets per client (``treffpunkt.realtime.limits``): each process counts its sockets per client
  in a hash of its own and lists itself in a registry with an expiry its heartbeat refreshes;
  admitting a socket sums the client's counts over the live processes and adds one, in one script,
  so two processes admitting at once cannot both take the last place. A person with a socket in
  any process is *online* (``treffpunkt.notify.is_online``).

With ``REDIS_URL`` a group is a sorted set (member → expiry, in Redis's own clock so the processes'
clocks need not agree) beside a hash (member → weight), changed and summed by one Lua script: two
processes marking the same group at the same moment both count. Without it, process memory under a
lock. Sync callers (topic kinds on the database thread) and async callers (the hub) share the store:
every operation has a sync form and an ``a``-prefixed async form.
"""

import asyncio
import functools
import threading
import time

from django.conf import settings

from .batches import Batch

TTL = 15
# Socket admissions or releases per script call (batches.Batch): a script blocks Redis while it runs.
BATCH_LARGEST = 500
# Redis connections of a process's event loop, and how long a command waits for one.
ASYNC_CONNECTIONS = 32
ASYNC_WAIT_SECONDS = 10

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


# Sockets per client over every process (treffpunkt/realtime/limits.py). Each process keeps its
# counts (client key → sockets) in a hash of its own, and its name in a registry (a sorted set:
# process → expiry, in Redis's clock) that its heartbeat refreshes; a process that died without
# releasing drops out once its entry expires, and its hash with it.
#
# KEYS: the registry. ARGV: the prefix of the processes' hashes, this process, the time to live
# in ms, then a client key and its maximum for each socket to admit (the admissions that came
# while the call before was on its way, in order). Returns for each the client's new total, or -1
# when it already held the maximum (nothing changed for it).
_ADMIT_SOCKETS = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local prefix, process, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
for _, gone in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do
  redis.call('DEL', prefix .. gone)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + ttl, process)
local processes = redis.call('ZRANGE', KEYS[1], 0, -1)
local totals = {}
for index = 4, #ARGV, 2 do
  local key, maximum = ARGV[index], tonumber(ARGV[index + 1])
  local total = 0
  for _, member in ipairs(processes) do
    total = total + (tonumber(redis.call('HGET', prefix .. member, key)) or 0)
  end
  if total >= maximum then
    totals[#totals + 1] = -1
  else
    redis.call('HINCRBY', prefix .. process, key, 1)
    totals[#totals + 1] = total + 1
  end
end
redis.call('PEXPIRE', prefix .. process, ttl)
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], last[2])
return totals
"""

# KEYS: this process's hash. ARGV: a client key for each socket released.
_RELEASE_SOCKETS = """
for _, key in ipairs(ARGV) do
  if redis.call('HINCRBY', KEYS[1], key, -1) <= 0 then
    redis.call('HDEL', KEYS[1], key)
  end
end
return 0
"""

# KEYS: the registry. ARGV: the prefix of the processes' hashes, the client key. Returns the
# client's sockets over the live processes (read only).
_COUNT_SOCKETS = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local total = 0
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do
  total = total + (tonumber(redis.call('HGET', ARGV[1] .. member, ARGV[2])) or 0)
end
return total
"""

# The end of the socket heartbeats' scripts: this process (ARGV[1]) is alive in the registry
# (KEYS[1]) for ``ttl`` ms more, and the registry lives as long as its last entry.
_RENEW_PROCESS = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], last[2])
"""

# KEYS: the registry, this process's hash. ARGV: this process, the time to live in ms. Returns
# whether the hash is there (unless the process holds no socket, it was lost: a Redis restart).
_KEEP_SOCKETS_ALIVE = (
    """
local ttl = tonumber(ARGV[2])
local present = redis.call('PEXPIRE', KEYS[2], ttl)
"""
    + _RENEW_PROCESS
    + """
return present
"""
)

# KEYS: the registry, this process's hash. ARGV: this process, the time to live in ms, the number
# of client keys to keep, those keys (their counts are changing on the way here: left as they
# are), then client key and count pairs: this process's other counts as it knows them (repairing
# a lost release); a client key in neither list holds no socket here.
_REFRESH_SOCKETS = (
    """
local ttl, kept = tonumber(ARGV[2]), tonumber(ARGV[3])
local keep = {}
for index = 4, 3 + kept do
  keep[#keep + 1] = ARGV[index]
  keep[#keep + 1] = redis.call('HGET', KEYS[2], ARGV[index])
end
redis.call('DEL', KEYS[2])
for index = 1, #keep, 2 do
  if keep[index + 1] then
    redis.call('HSET', KEYS[2], keep[index], keep[index + 1])
  end
end
for index = 4 + kept, #ARGV, 2 do
  redis.call('HSET', KEYS[2], ARGV[index], ARGV[index + 1])
end
redis.call('PEXPIRE', KEYS[2], ttl)
"""
    + _RENEW_PROCESS
    + """
return 0
"""
)


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

    # Sockets per client over every process.
    async def admit_socket(self, key, process, *, maximum, ttl):
        """Count one more socket of client ``key`` in ``process`` unless the client holds
        ``maximum`` over all live processes; whether it was counted."""
        raise NotImplementedError

    async def release_socket(self, key, process):
        raise NotImplementedError

    async def keep_sockets_alive(self, process, *, ttl):
        """The heartbeat: ``process`` is alive for ``ttl`` more seconds; whether the store still
        holds its counts (none: it holds no socket, or they were lost)."""
        raise NotImplementedError

    async def refresh_sockets(self, process, counts, *, ttl, keep=()):
        """The heartbeat that repairs: ``process`` is alive for ``ttl`` more seconds, with these
        counts; the client keys in ``keep`` keep the counts the store holds."""
        raise NotImplementedError

    def count_sockets(self, key):
        """Sockets of client ``key`` over every live process, or ``None`` when the store only
        knows this process (its counts are then the caller's)."""
        raise NotImplementedError


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

    # One process: its own counts (treffpunkt.realtime.limits) are the whole count.
    async def admit_socket(self, key, process, *, maximum, ttl):
        return True

    async def release_socket(self, key, process):
        pass

    async def keep_sockets_alive(self, process, *, ttl):
        return True

    async def refresh_sockets(self, process, counts, *, ttl, keep=()):
        pass

    def count_sockets(self, key):
        return None

    def clear(self):
        with self._lock:
            self._groups.clear()


class RedisPresence(PresenceStore):
    def __init__(self, url):
        import redis
        import redis.asyncio

        self._url = url
        self._redis = redis.asyncio
        sync = redis.Redis.from_url(url)
        self._sync_script = sync.register_script(_MARK)
        self._sync_count_sockets = sync.register_script(_COUNT_SOCKETS)
        self._async_scripts = {}
        self._batches = {}  # event loop → {batch key: Batch}

    def _async_script(self, source=_MARK):
        # A redis.asyncio client belongs to the event loop it was made on.
        loop = asyncio.get_running_loop()
        scripts = self._async_scripts.get(loop)
        if scripts is None:
            # Commands wait for a free connection instead of failing: a reconnect storm asks
            # thousands at once, and redis-py's default pool refuses any past its 100th
            # ("Too many connections"), which counted sockets locally, lost online marks and
            # left releases to the heartbeat.
            pool = self._redis.BlockingConnectionPool.from_url(
                self._url, max_connections=ASYNC_CONNECTIONS, timeout=ASYNC_WAIT_SECONDS
            )
            scripts = self._async_scripts[loop] = {None: self._redis.Redis.from_pool(pool)}
        script = scripts.get(source)
        if script is None:
            script = scripts[source] = scripts[None].register_script(source)
        return script

    async def aclose(self):
        loop = asyncio.get_running_loop()
        self._batches.pop(loop, None)
        scripts = self._async_scripts.pop(loop, None)
        if scripts is not None:
            await scripts[None].aclose()

    def _prefix(self):
        return settings.CHANNEL_LAYERS["default"]["CONFIG"].get("prefix", "treffpunkt")

    def _keys(self, group):
        prefix = self._prefix()
        # The hash tag keeps both keys in one slot of a Redis Cluster, as the script needs.
        return [f"{prefix}:presence:{{{group}}}", f"{prefix}:presence:{{{group}}}:weights"]

    def _socket_registry(self):
        # One hash tag for the registry and every process's hash: the script reads them all.
        return f"{self._prefix()}:sockets:{{sockets}}"

    async def admit_socket(self, key, process, *, maximum, ttl):
        batch = self._batch(("admit", process, ttl), self._admit_sockets)
        return await batch.add((key, maximum)) >= 0

    async def _admit_sockets(self, batch_key, items):
        _kind, process, ttl = batch_key
        registry = self._socket_registry()
        pairs = [part for key, maximum in items for part in (key, maximum)]
        script = self._async_script(_ADMIT_SOCKETS)
        totals = await script(
            keys=[registry], args=[f"{registry}:", process, int(ttl * 1000), *pairs]
        )
        return [int(total) for total in totals]

    async def release_socket(self, key, process):
        await self._batch(("release", process), self._release_sockets).add(key)

    async def _release_sockets(self, batch_key, keys):
        script = self._async_script(_RELEASE_SOCKETS)
        await script(keys=[f"{self._socket_registry()}:{batch_key[1]}"], args=keys)
        return [None] * len(keys)

    def _batch(self, batch_key, send):
        batches = self._batches.setdefault(asyncio.get_running_loop(), {})
        batch = batches.get(batch_key)
        if batch is None:
            batch = batches[batch_key] = Batch(
                functools.partial(send, batch_key), largest=BATCH_LARGEST
            )
        return batch

    async def keep_sockets_alive(self, process, *, ttl):
        registry = self._socket_registry()
        script = self._async_script(_KEEP_SOCKETS_ALIVE)
        present = await script(
            keys=[registry, f"{registry}:{process}"], args=[process, int(ttl * 1000)]
        )
        return bool(present)

    async def refresh_sockets(self, process, counts, *, ttl, keep=()):
        registry = self._socket_registry()
        pairs = [part for key, count in counts.items() for part in (key, count)]
        script = self._async_script(_REFRESH_SOCKETS)
        await script(
            keys=[registry, f"{registry}:{process}"],
            args=[process, int(ttl * 1000), len(keep), *keep, *pairs],
        )

    def count_sockets(self, key):
        registry = self._socket_registry()
        return int(self._sync_count_sockets(keys=[registry], args=[f"{registry}:", key]))

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
