"""Tables of the indicators feature. Every row carries its office (DESIGN §13)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kezek.queue.models import utc_field


class Feedback(SQLModel, table=True):
    """One visitor's five answers (appendix 2.1, 3.1, 4.3, 4.4, 5.1).

    Anonymous: no ticket, clerk, cabinet or time of day here — only the business day the
    period reports need. ``None`` is "skipped" or "I did not complain"; it is left out of
    that question's denominator.
    """

    __tablename__ = "feedback"
    __table_args__ = (sa.Index("ix_feedback_day", "office_id", "business_day"),)
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id")
    business_day: date
    lang: str = Field(default="kk", max_length=2)
    process_ok: bool | None = None  # 2.1
    info_ok: bool | None = None  # 3.1
    complaint_procedure_ok: bool | None = None  # 4.3
    complaint_timing_ok: bool | None = None  # 4.4
    polite_ok: bool | None = None  # 5.1


class FeedbackMark(SQLModel, table=True):
    """A visit (its first ticket) already rated: at most one feedback per visit.

    Kept apart from ``feedback`` and without a time, so an answer cannot be joined back
    to the ticket (§18.2: the visitor stays anonymous).
    """

    __tablename__ = "feedback_marks"
    ticket_id: int = Field(foreign_key="tickets.id", primary_key=True)
    office_id: int = Field(foreign_key="offices.id", index=True)


class Complaint(SQLModel, table=True):
    """The journal of citizens' complaints (§21–23; appendix 4.1, 4.2).

    Holds personal data (name, contact): shown only behind staff login, never logged.
    """

    __tablename__ = "complaints"
    __table_args__ = (
        sa.UniqueConstraint("office_id", "year", "number"),
        sa.Index("ix_complaints_received", "office_id", "received_on"),
    )
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id")
    year: int  # numbering restarts every year: 2026-001
    number: int
    received_on: date
    answer_due: date
    complainant: str = Field(max_length=200)
    contact: str = Field(default="", max_length=200)
    ticket_code: str | None = Field(default=None, max_length=16)
    ticket_id: int | None = Field(default=None, foreign_key="tickets.id")
    about: str = Field(max_length=2000)
    registered_by: int | None = Field(default=None, foreign_key="users.id")
    registered_at: datetime | None = utc_field(nullable=False)
    justified: bool | None = None  # set by the review
    reviewed_on: date | None = None
    answer: str | None = Field(default=None, max_length=4000)
    answered_on: date | None = None  # the first answer's date: 4.2 keeps it (issue 13)
    answered_by: int | None = Field(default=None, foreign_key="users.id")
    satisfied: bool | None = None  # the answer satisfied the complaint (4.2)

    @property
    def label(self) -> str:
        return f"{self.year}-{self.number:03d}"


class ComplaintAmendment(SQLModel, table=True):
    """A correction of an answered complaint: who, when, why, and what changed (issue 13).

    After the answer a complaint is closed; an amendment never moves ``answered_on``. Rows
    are only added (the database refuses updates and deletes, as for the cards' audit).
    """

    __tablename__ = "complaint_amendments"
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id")
    complaint_id: int = Field(foreign_key="complaints.id", index=True)
    at: datetime | None = utc_field(nullable=False)
    by: int | None = Field(default=None, foreign_key="users.id")
    reason: str = Field(max_length=1000)
    changes: str = Field(default="{}", max_length=8000)  # JSON: field -> [before, after]


class IndicatorTarget(SQLModel, table=True):
    """The target value of an indicator for a year, approved by the working group (§20)."""

    __tablename__ = "indicator_targets"
    office_id: int = Field(foreign_key="offices.id", primary_key=True)
    year: int = Field(primary_key=True)
    code: str = Field(max_length=8, primary_key=True)  # "1.2"
    value: float
    set_by: int | None = Field(default=None, foreign_key="users.id")
    set_at: datetime | None = utc_field()


class IndicatorListView(SQLModel, table=True):
    """§18.2, issue 13: every opening of the list behind an indicator — who, when, which
    indicator and period, how many entries it showed. Append-only, as the card audit is
    (the migration's triggers refuse UPDATE and DELETE); lists that show cards also write
    one card-audit entry per card."""

    __tablename__ = "indicator_list_views"
    __table_args__ = (sa.Index("ix_indicator_list_views_office_at", "office_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id")
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    at: datetime | None = utc_field(nullable=False)
    indicator: str = Field(max_length=8)
    period_start: date
    period_end: date
    entries: int
