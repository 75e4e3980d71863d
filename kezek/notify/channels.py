"""The sending side: a ``Notifier`` per channel (Telegram today, an SMS gateway beside it),
and the outbox that keeps a slow or blocked channel away from the queue.

Calls never wait for a message: the events reach the outbox after the call's commit, through
the broker, in a task of their own; the outbox is bounded (the oldest message goes when it is
full) and every send has a timeout. A failed send is logged by kind, never with its text.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from kezek.notify.follow import Notice

log = logging.getLogger("kezek.notify")

OUTBOX = 500  # messages waiting to be sent, at most
SEND_TIMEOUT = 10.0  # seconds for one message


class Notifier(Protocol):
    """One channel: sends ``text`` to ``address`` (a chat id, a phone number)."""

    channel: str

    async def send(self, address: str, text: str) -> None: ...


class Outbox:
    """Messages waiting for their channel; ``run`` sends them one after another."""

    def __init__(self, notifiers: dict[str, Notifier], size: int = OUTBOX) -> None:
        self.notifiers = notifiers
        self.queue: asyncio.Queue[Notice] = asyncio.Queue(size)
        self.dropped = 0
        self.failed = 0

    def put(self, notice: Notice) -> None:
        if self.queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
                self.dropped += 1
        self.queue.put_nowait(notice)

    async def run(self) -> None:
        while True:
            notice = await self.queue.get()
            notifier = self.notifiers.get(notice.channel)
            if notifier is None:
                continue
            try:
                async with asyncio.timeout(SEND_TIMEOUT):
                    await notifier.send(notice.address, notice.text)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # blocked by the user, the network down: not our call's
                self.failed += 1
                log.warning("%s message not sent (%s)", notice.channel, type(exc).__name__)
