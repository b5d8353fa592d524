"""A real SMTP server for tests and benchmarks (aiosmtpd), on a free loopback port.

It counts the messages it accepted by their `X-Cocora-Delivery` header. A message counts as
accepted only once the server has answered 250: if the client vanishes before (a worker killed
mid-send), aiosmtpd cancels the handler and the message is not counted, as a real mail server
would not deliver it. `hold_at(n)` makes the n-th message wait until `release()`.
"""

import asyncio
import logging
import socket
import threading
import time
from collections import Counter
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller

# aiosmtpd logs every SMTP command at INFO.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SinkHandler:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[Message] = []
        self.keys: Counter[str] = Counter()
        self.refused: set[str] = set()
        self.temporary_failures = 0
        self.arrived = 0
        self._hold_at: int | None = None
        self.held_by: str | None = None
        self.holding = threading.Event()
        self._release = threading.Event()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.lower() in self.refused:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.temporary_failures:
                self.temporary_failures -= 1
                return "451 4.3.0 Try again later"
            self.arrived += 1
            hold = self._hold_at is not None and self.arrived == self._hold_at
        if hold:
            self.held_by = session.host_name
            self.holding.set()
            while not self._release.is_set():
                await asyncio.sleep(0.02)  # cancelled here if the client dies
        message = message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append(message)
            self.keys["".join(str(message["X-Cocora-Delivery"]).split())] += 1  # unfolded
        return "250 OK"

    def hold_at(self, n: int) -> None:
        self._hold_at = n

    def release(self) -> None:
        self._release.set()


class SmtpSink:
    def __init__(self) -> None:
        self.handler = SinkHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpSink":
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.handler.release()
        self.controller.stop()

    @property
    def count(self) -> int:
        with self.handler.lock:
            return len(self.handler.messages)

    def wait_for(self, n: int, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count >= n:
                return True
            time.sleep(0.05)
        return False

    def point(self, settings: Any) -> None:
        """Points Django's SMTP backend at this sink (`settings` is pytest-django's fixture)."""
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = self.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 10
