"""Graceful SIGTERM: every socket gets a close frame that says "reconnect", then the process stops.

daphne (Twisted) stops its reactor on SIGTERM at once, and every client sees its socket vanish
(1006) without knowing whether to come back. At the first websocket this module puts its own
SIGTERM handler in front of the server's: it stops taking connections, refuses new sockets on the
ones it took, closes each open one with 4012 ("reconnect": the client reconnects, to another
process, and resumes with ``since``), waits until they are gone or ``REALTIME["DRAIN_SECONDS"]``
passed, then hands the signal on to the server's own handler, which stops the process.

The listening socket is shared (treffpunkt/serve.py): the master and the other workers hold it
open, so the connects of the clients it closed wait in its queue for a worker that serves on, such
as the new ones of a reload, rather than reaching this one, which would refuse them.
"""

import asyncio
import contextlib
import logging
import signal
import sys
import weakref

from django.conf import settings

logger = logging.getLogger(__name__)

# 1012 ("service restart") is the standard code, but autobahn (under daphne) sends only 1000
# and 3000–4999 from a server.
CLOSE_RESTART = 4012

open_connections = weakref.WeakSet()
_state = {"installed": False, "draining": False}


def draining():
    return _state["draining"]


def install():
    """Chain the SIGTERM handler (once per process, from the event loop's thread)."""
    if _state["installed"]:
        return
    _state["installed"] = True
    previous = signal.getsignal(signal.SIGTERM)
    loop = asyncio.get_running_loop()

    def on_sigterm(signum, frame):
        if _state["draining"]:
            return
        _state["draining"] = True
        # First, before the loop's next turn takes connections: those it took are sent away.
        loop.call_soon_threadsafe(stop_listening)
        loop.call_soon_threadsafe(lambda: loop.create_task(drain(previous, signum, frame)))

    with contextlib.suppress(ValueError):  # not the main thread (a test's event loop)
        signal.signal(signal.SIGTERM, on_sigterm)


def stop_listening():
    """Stop taking connections from the listening sockets of this process's Twisted reactor
    (daphne's), closing this process's copy of them; a no-op outside daphne."""
    reactor = sys.modules.get("twisted.internet.reactor")
    if reactor is None:
        return
    from twisted.internet import tcp

    for port in [reader for reader in reactor.getReaders() if isinstance(reader, tcp.Port)]:
        port.stopListening()


async def drain(previous, signum, frame):
    connections = list(open_connections)
    logger.warning("SIGTERM: closing %s websockets with %s", len(connections), CLOSE_RESTART)
    for connection in connections:
        connection.close_soon(CLOSE_RESTART)
    deadline = asyncio.get_running_loop().time() + settings.REALTIME["DRAIN_SECONDS"]
    while open_connections and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
    if callable(previous):
        previous(signum, frame)
    else:
        raise SystemExit(0)
