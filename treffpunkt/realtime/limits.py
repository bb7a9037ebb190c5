"""What one client may hold of a server process: sockets, topics, subscribes, unsent bytes.

- **Sockets** per client address (anonymous sockets) and per user (logged-in ones), counted in
  this process: a socket lives in one process, and a count in Redis would outlive a crashed
  process. With N processes behind a balancer a client may hold up to N times the limit.
- **Subscribes** are the costly request (a trip to the database thread each): a per-socket and a
  per-address rate (``settings.RATE_LIMITS`` ``subscribe`` and ``subscribe_ip``, process-local),
  and at most ``MAX_TOPICS`` topics per socket.
- **Unsent bytes**: daphne's ``send`` never waits for the client, so a client that stops reading
  makes the server buffer every push for it without end. :func:`unsent_bytes_probe` reads how much
  daphne (Twisted) holds unsent for the socket; the gateway closes the laggard (4008) past
  ``MAX_UNSENT_BYTES``. Under a server whose ``send`` waits for the socket to drain, the bounded
  send queue does the same job.
"""

import functools

from django.conf import settings


def limits():
    return settings.REALTIME


class SocketCounts:
    """Open sockets of this process by client address (anonymous) and by user."""

    def __init__(self):
        self.by_key = {}

    def key_for(self, user, ip):
        return f"user:{user.pk}" if user.is_authenticated else f"ip:{ip}"

    def maximum_for(self, user):
        if user.is_authenticated:
            return limits()["MAX_SOCKETS_PER_USER"]
        return limits()["MAX_SOCKETS_PER_IP"]

    def admit(self, user, ip):
        """Count a new socket; ``None`` when the client already holds its maximum, else its key."""
        key = self.key_for(user, ip)
        if self.by_key.get(key, 0) >= self.maximum_for(user):
            return None
        self.by_key[key] = self.by_key.get(key, 0) + 1
        return key

    def release(self, key):
        count = self.by_key.get(key, 0) - 1
        if count > 0:
            self.by_key[key] = count
        else:
            self.by_key.pop(key, None)


counts = SocketCounts()


def unsent_bytes_probe(send):
    """A function giving the bytes the server holds unsent for this socket, or ``None`` when the
    server does not say (anything but daphne on plain TCP)."""
    protocol = send.args[0] if isinstance(send, functools.partial) and send.args else None
    transport = getattr(protocol, "transport", None)
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
