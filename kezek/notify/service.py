"""Following tickets in Telegram, wired into the app: off unless ``KEZEK_TELEGRAM_TOKEN`` is
set. One bot for the app; per office a task that hears the broker and queues the messages
the events make due (``follow.due``); the outbox sends them. A call commits and answers
before any of this runs, so a blocked bot or a dead network never delays it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from dataclasses import dataclass, field

from sqlmodel import Session

from kezek import db, i18n
from kezek.i18n import N_
from kezek.notify import follow
from kezek.notify.channels import Outbox
from kezek.notify.follow import Notice
from kezek.notify.telegram import TelegramChannel
from kezek.queue import reads, visitor
from kezek.queue.errors import QueueError
from kezek.queue.events import Event
from kezek.queue.models import Ticket
from kezek.settings import Settings
from kezek.state import State

log = logging.getLogger("kezek.notify")

CHANNEL = "telegram"
SWEEP_SECONDS = 600.0  # how often past days' followers are forgotten, at most
CANCEL_WORDS = frozenset({"cancel", "/cancel", "отмена", "отменить", "бас тарту", "болдырмау"})


def follow_key(token: str) -> bytes:
    """The follow tokens' key: from the bot's secret token, never shown anywhere."""
    return hashlib.sha256(b"kezek-follow:" + token.encode()).digest()


@dataclass
class Running:
    channel: TelegramChannel
    outbox: Outbox
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with contextlib.suppress(Exception):
            await self.channel.stop()


async def start(states: list[State], settings: Settings) -> Running | None:
    """The bot, when the environment names one; None (and the app runs on) otherwise."""
    if not settings.telegram_token:
        return None
    channel = TelegramChannel(settings.telegram_token, settings.telegram_api_url)
    try:
        async with asyncio.timeout(15):
            username = await channel.start()
    except Exception as exc:  # the app serves the office without the bot
        log.warning("the Telegram bot did not start (%s)", type(exc).__name__)
        return None
    key = follow_key(settings.telegram_token)
    outbox = Outbox({CHANNEL: channel})
    running = Running(channel, outbox)
    for st in states:
        st.follow_bot, st.follow_key = username, key
        running.tasks.append(asyncio.create_task(_listen(st, outbox)))
    conversation = Conversation(states, key)

    def reply(chat: str, text: str) -> None:
        outbox.put(Notice(CHANNEL, chat, text))

    running.tasks.append(asyncio.create_task(channel.listen(conversation.handle, reply)))
    running.tasks.append(asyncio.create_task(outbox.run()))
    return running


async def _listen(st: State, outbox: Outbox) -> None:
    await asyncio.to_thread(_sweep, st)
    async with st.broker.subscribe(st.office_id) as events:
        while True:
            try:
                async with asyncio.timeout(SWEEP_SECONDS):
                    batch = [await events.get()]
            except TimeoutError:
                await asyncio.to_thread(_sweep, st)
                continue
            while not events.empty():
                batch.append(events.get_nowait())
            try:
                notices = await asyncio.to_thread(_due, st, batch)
            except Exception:  # a busy database: the next event says where the queue is
                log.warning("telegram messages not worked out", exc_info=True)
                continue
            for notice in notices:
                outbox.put(notice)
            if any(e.kind == "closed" for e in batch):
                await asyncio.to_thread(_sweep, st)


def _due(st: State, batch: list[Event]) -> list[Notice]:
    with db.transaction(st.engine) as session:
        moved = ({e.service for e in batch}, {e.ticket_id for e in batch})
        order = st.call_order
        return follow.due(session, st.office_id, *moved, order, st.clock.now())


def _sweep(st: State) -> None:
    with db.transaction(st.engine) as session:
        follow.sweep(session, st.clock.business_day())


class Conversation:
    """What the bot answers: "/start <follow token>" follows, "cancel" cancels."""

    def __init__(self, states: list[State], key: bytes) -> None:
        self.offices = {st.office_id: st for st in states}
        self.key = key

    async def handle(self, chat: str, text: str, language: str | None) -> str | None:
        return await asyncio.to_thread(self._answer, chat, text.strip(), language)

    def _answer(self, chat: str, text: str, language: str | None) -> str:
        lang = language if language in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
        if text.startswith("/start"):
            return self._start(chat, text[len("/start") :].strip(), lang)
        if text.lower() in CANCEL_WORDS:
            return self._cancel(chat, lang)
        return i18n.gettext(lang, N_("Send “cancel” to cancel your ticket."))

    def _start(self, chat: str, token: str, lang: str) -> str:
        ticket_id = follow.ticket_of(self.key, token)
        st = None
        if ticket_id is not None:
            with db.reading(next(iter(self.offices.values())).engine) as session:
                ticket = session.get(Ticket, ticket_id)
                st = self.offices.get(ticket.office_id) if ticket else None
        if st is None or ticket_id is None:
            return i18n.gettext(lang, N_("Please open the link from your ticket's page again."))
        with db.transaction(st.engine) as session:
            ticket = session.get_one(Ticket, ticket_id)
            row = follow.follow(session, ticket, CHANNEL, chat, ticket.lang)
            if row is None:
                return i18n.gettext(ticket.lang, N_("This ticket is no longer in the queue."))
            return self._following(session, st, ticket, row.lang)

    def _following(self, session: Session, st: State, ticket: Ticket, lang: str) -> str:
        current = reads.latest(session, ticket)
        text = i18n.gettext(
            lang,
            N_("You follow ticket %(code)s. We will write when your turn comes."),
            code=current.code,
        )
        order = st.call_order
        position = reads.position(session, current, order, st.clock.now())
        if position is not None:  # where it stands now; the messages say when it moves
            text += " " + i18n.gettext(
                lang, N_("Your place in the queue: %(position)s"), position=position
            )
        return text

    def _cancel(self, chat: str, lang: str) -> str:
        for st in self.offices.values():
            try:
                with db.transaction(st.engine, st.broker) as session:
                    row = follow.followed(session, CHANNEL, chat)
                    if row is None or row.office_id != st.office_id:
                        continue
                    lang = row.lang
                    ticket = reads.latest(session, session.get_one(Ticket, row.ticket_id))
                    visitor.cancel(session, st.clock, ticket)
                    follow.unfollow(session, CHANNEL, chat)
                    code = ticket.code
            except QueueError:
                return i18n.gettext(lang, N_("This ticket can no longer be cancelled."))
            return i18n.gettext(lang, N_("Ticket %(code)s is cancelled."), code=code)
        return i18n.gettext(lang, N_("You follow no ticket here."))
