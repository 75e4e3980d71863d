"""Every quoted wait, kept for the accuracy report (issue 19): the v1 number and the v2 range.

A ticket issued at the kiosk or through the API gets two rows, quoted at its issue: method
``v1`` (the single number of ``kezek.queue.estimate``, low = high = point) and ``v2`` (the
range of ``kezek.queue.wait_range``). The demo generator writes the same rows for its history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel

from kezek.queue.models import table_of, utc_field
from kezek.queue.wait_range import Quote

METHODS = ("v1", "v2")


class EstimateQuote(SQLModel, table=True):
    __tablename__ = "estimate_quotes"
    __table_args__ = (sa.Index("ix_estimate_quotes_office_quoted", "office_id", "quoted_at"),)
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id")
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    quoted_at: datetime | None = utc_field(nullable=False)
    method: str = Field(max_length=8)  # METHODS
    point_min: int
    low_min: int
    high_min: int


_INSERT = sa.insert(table_of(EstimateQuote))


def rows(office_id: int, ticket_id: int, at: datetime, found: Quote) -> list[dict[str, Any]]:
    """The two rows of one quote (for a bulk insert)."""
    base = {"office_id": office_id, "ticket_id": ticket_id, "quoted_at": at}
    old = found.baseline_min
    return [
        base | {"method": "v1", "point_min": old, "low_min": old, "high_min": old},
        base
        | {
            "method": "v2",
            "point_min": found.point_min,
            "low_min": found.low_min,
            "high_min": found.high_min,
        },
    ]


def record(session: Session, office_id: int, ticket_id: int, at: datetime, found: Quote) -> None:
    # A plain insert of the two rows: through the ORM it was a tenth of a ticket's issue.
    session.connection().execute(_INSERT, rows(office_id, ticket_id, at, found))
