"""Following a ticket from a chat: the follow token, the follower rows, and what to say when
the queue moves ("3 ahead of you", "you are next", "called to cabinet №1"). No HTTP, no
settings: the key and the channel come as arguments.

**Why not the ticket's own token.** The public token opens the phone page and cancels the
ticket; a ``/start`` link puts its payload into Telegram's servers and the chat's history,
and a forwarded link carries it on. So the link carries a *follow token* instead: the
ticket's id and an HMAC of it under a key that only the server has — it opens no page; the
chat that sent it follows the ticket and may cancel it there (the visitor's own act).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from kezek import i18n
from kezek.i18n import N_
from kezek.notify.models import Follower
from kezek.queue import reads
from kezek.queue.models import FINAL, Service, ServicePoint, Status, Ticket
from kezek.queue.order import PLAIN, CallOrder

AHEAD = 3  # "3 ahead of you" once the ticket has this many or fewer before it
FOLLOW_TOKEN = re.compile(r"f([0-9a-z]{1,12})_([A-Za-z0-9_-]{22})")
STAGE_AHEAD, STAGE_NEXT, STAGE_CALLED = 1, 2, 3


def follow_token(key: bytes, ticket_id: int) -> str:
    """``f<id in base 36>_<22 characters>``: fits Telegram's start parameter (1–64 of
    ``A-Za-z0-9_-``)."""
    return f"f{_base36(ticket_id)}_{_mac(key, ticket_id)}"


def ticket_of(key: bytes, token: str) -> int | None:
    """The ticket id a follow token names, if the server made it."""
    found = FOLLOW_TOKEN.fullmatch(token.strip())
    if found is None:
        return None
    ticket_id = int(found.group(1), 36)
    return ticket_id if hmac.compare_digest(found.group(2), _mac(key, ticket_id)) else None


def _mac(key: bytes, ticket_id: int) -> str:
    digest = hmac.new(key, f"follow:{ticket_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


# --- the rows --------------------------------------------------------------------------------


def follow(
    session: Session, ticket: Ticket, channel: str, address: str, lang: str
) -> Follower | None:
    """This chat now follows this ticket (one ticket per chat); None when it is over."""
    current = reads.latest(session, ticket)
    if current.status in FINAL:
        return None
    unfollow(session, channel, address)
    assert ticket.id is not None
    row = Follower(
        office_id=ticket.office_id,
        ticket_id=ticket.id,
        business_day=ticket.business_day,
        channel=channel,
        address=address[:64],
        lang=lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE,
    )
    session.add(row)
    session.flush()
    return row


def followed(session: Session, channel: str, address: str) -> Follower | None:
    return session.exec(
        select(Follower).where(Follower.channel == channel, Follower.address == address[:64])
    ).first()


def unfollow(session: Session, channel: str, address: str) -> None:
    session.execute(
        sa.delete(Follower).where(
            col(Follower.channel) == channel, col(Follower.address) == address[:64]
        )
    )


def sweep(session: Session, today: date) -> int:
    """Forget the followers of past days (the close of day)."""
    result = session.execute(sa.delete(Follower).where(col(Follower.business_day) < today))
    return int(getattr(result, "rowcount", 0) or 0)


# --- what to say -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """One message to one chat: a code and a cabinet, never a name."""

    channel: str
    address: str
    text: str


def _words(lang: str, stage: int, code: str, ahead: int, point: str) -> str:
    if stage == STAGE_AHEAD:
        return i18n.gettext(lang, N_("%(code)s: %(ahead)s ahead of you."), code=code, ahead=ahead)
    if stage == STAGE_NEXT:
        return i18n.gettext(lang, N_("%(code)s: you are next."), code=code)
    return i18n.gettext(lang, N_("%(code)s: you are called to %(point)s."), code=code, point=point)


def _stage(ticket: Ticket, position: int | None) -> int:
    if ticket.status in (Status.called, Status.serving):
        return STAGE_CALLED
    if position is None:
        return 0
    if position <= 1:
        return STAGE_NEXT
    return STAGE_AHEAD if position - 1 <= AHEAD else 0


def due(
    session: Session,
    office_id: int,
    services: set[str],
    tickets: set[int],
    order: CallOrder = PLAIN,
    now: datetime | None = None,
) -> list[Notice]:
    """The messages these events make due: for the followers of the services they moved (and
    of the tickets they moved elsewhere), each stage once, in order. Followers of tickets
    whose visit ended are deleted. One read per follower of the moved services."""
    rows = session.exec(select(Follower).where(Follower.office_id == office_id)).all()
    notices: list[Notice] = []
    for row in rows:
        ticket = reads.latest(session, session.get_one(Ticket, row.ticket_id))
        service = session.get_one(Service, ticket.service_id)
        if service.code not in services and ticket.id not in tickets | {row.ticket_id}:
            continue
        if ticket.status in FINAL:
            session.delete(row)
            continue
        position = reads.position(session, ticket, order, now)  # in the call order
        stage = _stage(ticket, position)
        if stage <= row.stage:
            continue
        if not _advance(session, row, stage):
            continue  # another worker heard the same event and said it
        point = session.get(ServicePoint, ticket.service_point_id or 0)
        name = point.name(row.lang) if point else ""
        text = _words(row.lang, stage, ticket.code, (position or 1) - 1, name)
        notices.append(Notice(row.channel, row.address, text))
    return notices


def _advance(session: Session, row: Follower, stage: int) -> bool:
    """Move the row to ``stage`` unless it is there already: on PostgreSQL every worker hears
    every event, and only the one whose UPDATE changed the row sends the message."""
    result = session.execute(
        sa.update(Follower)
        .where(col(Follower.id) == row.id, col(Follower.stage) < stage)
        .values(stage=stage)
    )
    return bool(getattr(result, "rowcount", 0))
