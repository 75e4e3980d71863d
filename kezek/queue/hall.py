"""A message to the hall (issue 17): a supervisor's short notice on the displays.

A notice in Kazakh and Russian (English optional) — a cabinet closed, a delay — shown by
the hall displays from when it is posted until it expires or is withdrawn. One notice at a
time: a new one withdraws the one before. Plain text only, bounded; the displays escape it.
It is public (§18.2): the form says to keep personal data out of it. Posting and withdrawing
record an event, so every display redraws at once; one that connects later reads the
current notice with its board (``current``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Field, Session, SQLModel, col, select

from kezek.i18n import N_
from kezek.queue.clock import Clock
from kezek.queue.errors import IllegalTransition, InvalidInput
from kezek.queue.events import Event, record
from kezek.queue.models import utc_field

MAX_TEXT = 200  # characters per language
MIN_MINUTES, MAX_MINUTES = 1, 480  # a notice lasts at most a working day
REQUIRED = ("kk", "ru")
LANGUAGES = ("kk", "ru", "en")
POSTED, WITHDRAWN = "hall_message", "hall_message_withdrawn"  # the events


class HallMessage(SQLModel, table=True):
    """One notice: its texts, who posted it and when, until when it is shown."""

    __tablename__ = "hall_messages"
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id", index=True)
    text_kk: str = Field(max_length=MAX_TEXT)
    text_ru: str = Field(max_length=MAX_TEXT)
    text_en: str | None = Field(default=None, max_length=MAX_TEXT)
    posted_by: int | None = Field(default=None, foreign_key="users.id")
    posted_at: datetime | None = utc_field(nullable=False)
    expires_at: datetime | None = utc_field(nullable=False)
    withdrawn_at: datetime | None = utc_field()


@dataclass(frozen=True)
class Notice:
    """What a display shows: the text by language, and until when."""

    id: int
    texts: dict[str, str]
    expires_at: datetime

    def text(self, lang: str) -> str:
        return self.texts.get(lang) or self.texts["ru"]


def _clean(texts: Mapping[str, str | None]) -> dict[str, str]:
    found: dict[str, str] = {}
    for lang in LANGUAGES:
        value = " ".join((texts.get(lang) or "").split())  # one line, no control characters
        if value:
            found[lang] = value
    for lang in REQUIRED:
        if lang not in found:
            raise InvalidInput(N_("Write the notice in Kazakh and in Russian."))
    if any(len(v) > MAX_TEXT for v in found.values()):
        raise InvalidInput(N_("A notice is at most %(count)s characters."), count=MAX_TEXT)
    return found


def _changed(session: Session, office_id: int, row_id: int, kind: str) -> None:
    """The displays redraw on it (no ticket: id 0); ``code`` carries the notice's id."""
    record(
        session,
        Event(kind=kind, office_id=office_id, ticket_id=0, code=str(row_id), service=""),
    )


def _withdraw_open(session: Session, office_id: int, now: datetime) -> int:
    rows = session.exec(
        select(HallMessage).where(
            HallMessage.office_id == office_id,
            col(HallMessage.withdrawn_at).is_(None),
            col(HallMessage.expires_at) > now,
        )
    ).all()
    for row in rows:
        row.withdrawn_at = now
        session.add(row)
    return len(rows)


def post(
    session: Session,
    clock: Clock,
    office_id: int,
    texts: Mapping[str, str | None],
    minutes: int,
    user_id: int | None,
) -> HallMessage:
    """Post a notice for ``minutes`` (1–480); the one shown before is withdrawn."""
    found = _clean(texts)
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise InvalidInput(
            N_("A notice lasts from %(low)s to %(high)s minutes."),
            low=MIN_MINUTES,
            high=MAX_MINUTES,
        )
    now = clock.now()
    _withdraw_open(session, office_id, now)
    row = HallMessage(
        office_id=office_id,
        text_kk=found["kk"],
        text_ru=found["ru"],
        text_en=found.get("en"),
        posted_by=user_id,
        posted_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    _changed(session, office_id, row.id, POSTED)
    return row


def withdraw(session: Session, clock: Clock, office_id: int) -> None:
    """Take the current notice off the displays; refused when none is shown."""
    if not _withdraw_open(session, office_id, clock.now()):
        raise IllegalTransition(N_("No notice is shown in the hall now."))
    session.flush()
    _changed(session, office_id, 0, WITHDRAWN)


def current(session: Session, office_id: int, now: datetime) -> Notice | None:
    """The notice the hall shows at ``now``, if any."""
    row = session.exec(
        select(HallMessage)
        .where(
            HallMessage.office_id == office_id,
            col(HallMessage.withdrawn_at).is_(None),
            col(HallMessage.expires_at) > now,
            col(HallMessage.posted_at) <= now,
        )
        .order_by(col(HallMessage.posted_at).desc(), col(HallMessage.id).desc())
        .limit(1)
    ).first()
    if row is None or row.id is None or row.expires_at is None:
        return None
    texts = {"kk": row.text_kk, "ru": row.text_ru}
    if row.text_en:
        texts["en"] = row.text_en
    return Notice(row.id, texts, row.expires_at)
