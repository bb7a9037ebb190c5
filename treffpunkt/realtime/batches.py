"""Calls of one kind that come while the one before is on its way, sent together.

In a reconnect storm thousands of sockets are admitted, released and authenticated, and subscribe,
within seconds: one round trip each (to Redis, to the database thread) costs more in the hand-off
than in the work. A :class:`Batch` sends the calls that come while its last send is on the way in
the next one. A call waits for at most the send in flight; alone, it goes at the next turn of the
event loop. Users: the socket counts in Redis (``presence``) and the database trips (``trips``).
"""

import asyncio


class Batch:
    def __init__(self, send, *, largest):
        """``send(items)`` (a coroutine function) returns one result per item, in order; at most
        ``largest`` items go in one send. One batch belongs to one event loop."""
        self._send = send
        self._largest = largest
        self._waiting = []
        self._sending = None  # the task sending, held so it is not collected while it runs

    def add(self, item):
        """A future of ``item``'s result (or of the send's error)."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._waiting.append((item, future))
        if self._sending is None:
            self._sending = loop.create_task(self._drain())
        return future

    async def _drain(self):
        try:
            while self._waiting:
                batch = self._waiting[: self._largest]
                del self._waiting[: self._largest]
                try:
                    results = await self._send([item for item, _future in batch])
                except asyncio.CancelledError:  # the loop is closing: so are its callers
                    for _item, future in batch + self._waiting:
                        future.cancel()
                    self._waiting.clear()
                    raise
                except Exception as error:  # noqa: BLE001 (the send failed: each caller hears)
                    for _item, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                for (_item, future), result in zip(batch, results, strict=True):
                    if not future.done():  # its caller was cancelled (its socket closed)
                        future.set_result(result)
        finally:
            self._sending = None
