"""The office's Telegram bot, on python-telegram-bot: the channel that sends, and the long
poll that hears "/start <follow token>" and "cancel".

The Bot API address is a setting (``KEZEK_TELEGRAM_API_URL``): the tests run a fake Bot API
on 127.0.0.1, and an office behind a proxy can use its own. Nothing here touches the queue's
transactions: the conversation's replies and the turn's messages go through the outbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot
from telegram.request import HTTPXRequest

log = logging.getLogger("kezek.notify")

POLL_SECONDS = 20  # the long poll of getUpdates
PAUSE = 1.0  # seconds after a failed poll (the network down, the API refusing)

# (chat id, text, the user's language code) -> the reply, or None
Handle = Callable[[str, str, str | None], Awaitable[str | None]]


class TelegramChannel:
    """``Notifier`` for Telegram: one bot, its token never logged."""

    channel = "telegram"

    def __init__(self, token: str, api_url: str, poll_seconds: int = POLL_SECONDS) -> None:
        api = api_url.rstrip("/")
        self.poll_seconds = poll_seconds
        self.bot = Bot(
            token,
            base_url=f"{api}/bot",
            base_file_url=f"{api}/file/bot",
            request=HTTPXRequest(connection_pool_size=8, read_timeout=10, connect_timeout=5),
            get_updates_request=HTTPXRequest(
                connection_pool_size=1, read_timeout=poll_seconds + 10, connect_timeout=5
            ),
        )

    async def start(self) -> str:
        """Ask the API who the bot is (getMe): its username makes the deep links."""
        await self.bot.initialize()
        return str(self.bot.username)

    async def stop(self) -> None:
        await self.bot.shutdown()

    async def send(self, address: str, text: str) -> None:
        await self.bot.send_message(chat_id=int(address), text=text[:4096])

    async def listen(self, handle: Handle, reply: Callable[[str, str], None]) -> None:
        """Hear the chats' messages until cancelled; each reply goes to ``reply``."""
        offset: int | None = None
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=offset, timeout=self.poll_seconds, allowed_updates=["message"]
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("telegram getUpdates failed (%s)", type(exc).__name__)
                await asyncio.sleep(PAUSE)
                continue
            for update in updates:
                offset = update.update_id + 1
                message = update.message
                if message is None or not message.text or message.chat.type != "private":
                    continue
                language = message.from_user.language_code if message.from_user else None
                chat = str(message.chat.id)
                try:
                    answer = await handle(chat, message.text[:200], language)
                except Exception:  # one bad message must not stop the bot
                    log.exception("telegram message not handled")
                    continue
                if answer:
                    reply(chat, answer)
