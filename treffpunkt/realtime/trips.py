"""Trips to the database thread that the calls waiting for one share.

Every websocket connect asks the database whose socket it is, and every subscribe reads its
topic's snapshot: in a reconnect storm, thousands of each within seconds. A
``database_sync_to_async`` call costs 40–75 µs of CPU in hand-offs alone (the hop to the database
thread and back, asgiref's context copies, the event loop's wake-up), about a tenth of a
reconnect (benchmarks/reconnect_storm.py). A function decorated with :func:`shared_trip` runs
the calls that come while one of its trips is on the way in the next trip, one after the other.

Each call runs in its caller's context (the active language, for one) and gets its own result or
its own exception. Every call of a trip starts after its caller asked, so a read shared among
them (``treffpunkt.db.rows.shared_reads``: a session's row that every subscribe loads) is no
older than a trip of its own would have read. A call alone goes at once, as before.
"""

import asyncio
import contextvars
import functools
import weakref

from asgiref.sync import _restore_context
from channels.db import database_sync_to_async

from ..db.rows import shared_reads

LARGEST = 100  # calls per trip: the database thread serves nothing else while a trip runs


class _Queue:
    __slots__ = ("sending", "waiting")

    def __init__(self):
        self.waiting = []
        self.sending = None  # the task making trips, held so it is not collected while it runs


def shared_trip(function):
    """``function`` (sync, using the database) as a coroutine function whose calls share trips."""
    queues = weakref.WeakKeyDictionary()  # per event loop (the tests run several)

    def in_callers_context(caller, args, kwargs):
        # What sync_to_async does on its thread: the caller's context variables, with asgiref's
        # Local storage (Django's active language, for one) moved onto this thread.
        _restore_context(caller)
        return function(*args, **kwargs)

    def run(calls):
        results = []
        with shared_reads():
            for caller, args, kwargs in calls:
                try:
                    value = contextvars.copy_context().run(in_callers_context, caller, args, kwargs)
                    results.append((True, value))
                except BaseException as error:  # noqa: BLE001 (raised again in its caller)
                    results.append((False, error))
        return results

    trip = database_sync_to_async(run)

    async def drain(queue):
        try:
            while queue.waiting:
                batch = queue.waiting[:LARGEST]
                del queue.waiting[:LARGEST]
                try:
                    results = await trip([call for call, _future in batch])
                except asyncio.CancelledError:  # the loop is closing: so are its callers
                    for _call, future in batch + queue.waiting:
                        future.cancel()
                    queue.waiting.clear()
                    raise
                except Exception as error:  # noqa: BLE001 (the hop itself failed: each caller hears)
                    for _call, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                for (_call, future), (ok, value) in zip(batch, results, strict=True):
                    if future.done():  # the caller was cancelled (its socket closed)
                        continue
                    if ok:
                        future.set_result(value)
                    else:
                        future.set_exception(value)
        finally:
            queue.sending = None

    @functools.wraps(function)
    async def call(*args, **kwargs):
        loop = asyncio.get_running_loop()
        queue = queues.get(loop)
        if queue is None:
            queue = queues[loop] = _Queue()
        future = loop.create_future()
        queue.waiting.append(((contextvars.copy_context(), args, kwargs), future))
        if queue.sending is None:
            queue.sending = loop.create_task(drain(queue))
        return await future

    return call
