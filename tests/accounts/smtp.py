"""A real SMTP server (aiosmtpd) on a free port, collecting what it receives."""

import contextlib
import email
import email.policy
import re
import threading
import time
from collections import Counter

from aiosmtpd.controller import Controller
from django.core.mail import get_connection

from tests.servers import free_port


class Collector:
    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def addresses(self):
        """How many mails each recipient got."""
        with self._lock:
            return Counter(str(message["To"]) for message in self.messages)

    def to(self, address):
        with self._lock:
            return [m for m in self.messages if address.lower() in m["To"].lower()]

    def wait_for(self, address, count=1, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no mail to {address} within {timeout}s")


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message):
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message, pattern=r"https?://\S+"):
    return re.search(pattern, text_of(message)).group(0)


@contextlib.contextmanager
def smtp_server():
    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield collector, port
    finally:
        controller.stop()


class DyingConnection:
    """An SMTP connection whose process dies right after the ``die_after``-th mail was accepted:
    it raises SystemExit, which a mail batch does not catch, as a SIGKILL would not let it."""

    def __init__(self, die_after):
        self.real = get_connection()
        self.die_after = die_after
        self.sent = 0

    def send_messages(self, messages):
        count = self.real.send_messages(messages)
        self.sent += count
        if self.sent >= self.die_after:
            raise SystemExit("killed")
        return count

    def open(self):
        return self.real.open()

    def close(self):
        self.real.close()
