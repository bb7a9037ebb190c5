"""Trips to the database thread that the calls waiting for one share.

Every websocket connect asks the database whose socket it is, and every subscribe reads its
topic's snapshot: in a reconnect storm, thousands of each within seconds. A
``database_sync_to_async`` call costs 40–75 µs of CPU in hand-offs alone (the hop to the database
thread and back, asgiref's context copies, the event loop's wake-up), about a tenth of a
reconnect (benchmarks/reconnect_storm.py). A function decorated with :func:`shared_trip` runs
the calls that come while one of its trips is on the way in the next trip, one after the other
(``batches.Batch``).

Each call runs in its caller's context (the active language, for one) and gets its own result or
its own exception. Every call of a trip starts after its caller asked, so a read shared among
them (``treffpunkt.db.rows.shared_reads``: a session's row that every subscribe loads) is no
older than a trip of its own would have read. A call alone goes at once, as before.
"""

import asyncio
import contextlib
import contextvars
import functools
import weakref

from asgiref.sync import _restore_context
from channels.db import database_sync_to_async

from ..db.rows import shared_reads
from .batches import Batch

LARGEST = 100  # calls per trip: the database thread serves nothing else while a trip runs


def shared_trip(function=None, *, prefetch=None):
    """``function`` (sync, using the database) as a coroutine function whose calls share trips.

    ``prefetch``, if given, is called with the arguments of every call of a trip of two or more
    (a list of ``(args, kwargs)``) before the first runs, within the same ``shared_reads``: it
    reads for all of them at once what each would read alone (``RowLoader.prefetch``). Should it
    fail, each call reads for itself as before."""
    if function is None:
        return functools.partial(shared_trip, prefetch=prefetch)
    batches = weakref.WeakKeyDictionary()  # per event loop (the tests run several)

    def in_callers_context(caller, args, kwargs):
        # What sync_to_async does on its thread: the caller's context variables, with asgiref's
        # Local storage (Django's active language, for one) moved onto this thread.
        _restore_context(caller)
        return function(*args, **kwargs)

    def run(calls):
        results = []
        with shared_reads():
            if prefetch is not None and len(calls) > 1:
                with contextlib.suppress(Exception):
                    prefetch([(args, kwargs) for _caller, args, kwargs in calls])
            for caller, args, kwargs in calls:
                try:
                    value = contextvars.copy_context().run(in_callers_context, caller, args, kwargs)
                    results.append((True, value))
                except BaseException as error:  # noqa: BLE001 (raised again in its caller)
                    results.append((False, error))
        return results

    trip = database_sync_to_async(run)

    @functools.wraps(function)
    async def call(*args, **kwargs):
        loop = asyncio.get_running_loop()
        batch = batches.get(loop)
        if batch is None:
            batch = batches[loop] = Batch(trip, largest=LARGEST)
        ok, value = await batch.add((contextvars.copy_context(), args, kwargs))
        if not ok:
            raise value
        return value

    return call
