"""Who follows a ticket, and how far the messages have gone. Minimal on purpose: an address on
the channel (a Telegram chat id), the ticket, the language; rows are deleted when the ticket's
visit ends and at the close of its day."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class Follower(SQLModel, table=True):
    __tablename__ = "ticket_followers"
    __table_args__ = (sa.UniqueConstraint("channel", "address"),)  # one ticket per chat
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id")
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    business_day: date  # the ticket's: past days are swept
    channel: str = Field(max_length=16)  # "telegram"
    address: str = Field(max_length=64)  # the chat id
    lang: str = Field(max_length=2)
    # 0 nothing yet, 1 "3 ahead of you" sent, 2 "you are next", 3 "called": each once.
    stage: int = 0
