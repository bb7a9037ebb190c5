"""What one client may hold: sockets, topics, subscribes, unsent bytes.

- **Sockets** per client address (anonymous sockets) and per user (logged-in ones), over every
  server process: each process counts its own sockets and admits one more only when the shared
  store (``presence``: Redis with ``REDIS_URL``, else the one process's memory) says the client
  holds fewer than its maximum over all live processes. A closed socket is released at once; a
  process that dies without releasing stops counting once its heartbeat entry expires
  (``SOCKETS_TTL``). While Redis is unreachable, each process admits by its own count alone.
- **Subscribes** are the costly request (a trip to the database thread each): a per-socket and a
  per-address rate (``settings.RATE_LIMITS`` ``subscribe`` and ``subscribe_ip``, process-local),
  and at most ``MAX_TOPICS`` topics per socket.
- **Unsent bytes**: daphne's ``send`` never waits for the client, so a client that stops reading
  makes the server buffer every push for it without end. :func:`unsent_bytes_probe` reads how much
  daphne (Twisted) holds unsent for the socket; the gateway closes the laggard (4008) past
  ``MAX_UNSENT_BYTES``. Under a server whose ``send`` waits for the socket to drain, the bounded
  send queue does the same job.
"""

import asyncio
import contextlib
import logging
import weakref

from django.conf import settings

from . import hub, presence
from .transport import daphne_protocol

logger = logging.getLogger(__name__)

# A process's socket counts outlive its last heartbeat by this long (then a killed process's
# sockets stop counting); the heartbeat comes every SOCKETS_HEARTBEAT seconds.
SOCKETS_TTL = 15.0
SOCKETS_HEARTBEAT = 5.0
# An admit or a release waits at most this long for the heartbeat's write: a Redis that hangs
# must not hold up the handshakes.
BEAT_WAIT = 1.0


def limits():
    return settings.REALTIME


class SocketCounts:
    """Open sockets by client address (anonymous) and by user: this process's, and all
    processes' together through the shared store.

    The heartbeat says that this process is alive. Only when the store's counts may be wrong (a
    trip failed while Redis was away, or Redis lost them) does it rewrite them with this
    process's, and that rewrite must not race the admits and releases: a count whose trip is
    still on its way is left as the store has it (``keep``), and an admit or release waits while
    the rewrite is on its way (up to ``BEAT_WAIT``). Otherwise a release between the rewrite's
    reading and its write would be taken off twice, and the client could hold one socket more
    than its maximum until the next beat."""

    def __init__(self):
        self.by_key = {}
        self._on_the_way = {}  # key → admits and releases whose trip to the store is not back
        self._heartbeats = weakref.WeakKeyDictionary()
        self._writing = weakref.WeakKeyDictionary()  # event loop → set once the rewrite is written
        self._unsure = False  # a trip failed: the store's counts may be wrong

    def key_for(self, user, ip):
        return f"user:{user.pk}" if user.is_authenticated else f"ip:{ip}"

    def maximum_for(self, user):
        if user.is_authenticated:
            return limits()["MAX_SOCKETS_PER_USER"]
        return limits()["MAX_SOCKETS_PER_IP"]

    async def admit(self, user, ip):
        """Count a new socket; ``None`` when the client already holds its maximum, else its key."""
        key = self.key_for(user, ip)
        maximum = self.maximum_for(user)
        await self._beat_written()
        if self.by_key.get(key, 0) >= maximum:
            return None
        with self._trip(key):
            # Counted here before the store is asked, so open_sockets never reports fewer.
            self.by_key[key] = self.by_key.get(key, 0) + 1
            self._keep_heartbeat()
            try:
                admitted = await presence.store().admit_socket(
                    key, hub.PROCESS_ID, maximum=maximum, ttl=SOCKETS_TTL
                )
            except asyncio.CancelledError:
                # The socket is gone; whether the store counted it is unknown.
                self._forget(key)
                self._unsure = True
                raise
            except Exception:  # noqa: BLE001 (the shared store is down: this process's count holds)
                logger.warning(
                    "socket limits: the shared store failed; counting locally", exc_info=True
                )
                self._unsure = True
                admitted = True
            if not admitted:
                self._forget(key)
        return key if admitted else None

    async def release(self, key):
        await self._beat_written()
        with self._trip(key):
            self._forget(key)
            try:
                await presence.store().release_socket(key, hub.PROCESS_ID)
            except asyncio.CancelledError:
                self._unsure = True
                raise
            except Exception:  # noqa: BLE001 (the next heartbeat writes the true count)
                logger.warning("socket limits: releasing in the shared store failed", exc_info=True)
                self._unsure = True

    async def beat(self):
        """Tell the shared store that this process is alive; rewrite its counts there when they
        may be wrong."""
        store = presence.store()
        if not self._unsure:
            kept = await store.keep_sockets_alive(hub.PROCESS_ID, ttl=SOCKETS_TTL)
            if kept or not self.by_key:
                return
            logger.warning("socket limits: the shared store lost this process's counts")
        await self._rewrite(store)

    async def _rewrite(self, store):
        loop = asyncio.get_running_loop()
        written = self._writing[loop] = asyncio.Event()
        keep = list(self._on_the_way)
        # The kept counts are repaired at a later beat.
        self._unsure = bool(keep)
        try:
            await store.refresh_sockets(
                hub.PROCESS_ID,
                {key: n for key, n in self.by_key.items() if key not in self._on_the_way},
                keep=keep,
                ttl=SOCKETS_TTL,
            )
        except BaseException:
            self._unsure = True
            raise
        finally:
            del self._writing[loop]
            written.set()

    @contextlib.contextmanager
    def _trip(self, key):
        self._on_the_way[key] = self._on_the_way.get(key, 0) + 1
        try:
            yield
        finally:
            if self._on_the_way[key] > 1:
                self._on_the_way[key] -= 1
            else:
                del self._on_the_way[key]

    async def _beat_written(self):
        written = self._writing.get(asyncio.get_running_loop())
        if written is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(written.wait(), BEAT_WAIT)

    def _forget(self, key):
        count = self.by_key.get(key, 0) - 1
        if count > 0:
            self.by_key[key] = count
        else:
            self.by_key.pop(key, None)

    def _keep_heartbeat(self):
        loop = asyncio.get_running_loop()
        task = self._heartbeats.get(loop)
        if task is None or task.done():
            self._heartbeats[loop] = loop.create_task(self._heartbeat())

    async def _heartbeat(self):
        """Keep this process's counts alive in the shared store, and true (a release that failed
        while Redis was away is repaired here)."""
        while True:
            await asyncio.sleep(SOCKETS_HEARTBEAT)
            try:
                await self.beat()
            except Exception:  # noqa: BLE001 (Redis away: try again at the next beat)
                logger.warning("socket limits: heartbeat failed", exc_info=True)


counts = SocketCounts()


def open_sockets(key):
    """Sockets of client ``key`` (``user:<id>``) over every process; this process's alone without
    a shared store. Never fewer than this process counts (it counts first, and on when the shared
    store is away)."""
    here = counts.by_key.get(key, 0)
    try:
        everywhere = presence.store().count_sockets(key)
    except Exception:  # noqa: BLE001 (the shared store is down: what this process knows)
        logger.warning("socket limits: counting in the shared store failed", exc_info=True)
        everywhere = None
    return here if everywhere is None else max(here, everywhere)


def unsent_bytes_probe(send):
    """A function giving the bytes the server holds unsent for this socket, or ``None`` when the
    server does not say (anything but daphne on plain TCP)."""
    transport = getattr(daphne_protocol(send), "transport", None)
    if transport is None or not hasattr(transport, "dataBuffer"):
        return None

    def unsent():
        return (
            len(transport.dataBuffer)
            - getattr(transport, "offset", 0)
            + getattr(transport, "_tempDataLen", 0)
        )

    unsent.abort = getattr(transport, "abortConnection", None)
    return unsent
