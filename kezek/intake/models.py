"""Tables of the personal record card (§3, §5). Every row carries its office (DESIGN §13)."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kezek.queue.models import utc_field


class Category(enum.StrEnum):
    """§6: who may apply. Exactly these three values."""

    citizen = "citizen"  # (a) a citizen of Kazakhstan
    foreigner = "foreigner"  # (b) a foreigner or stateless person with a residence permit
    kandas = "kandas"  # (c) an oralman (kandas) with an oralman certificate


class Sex(enum.StrEnum):
    male = "m"
    female = "f"


class AppStatus(enum.StrEnum):
    open = "open"  # documents are being collected
    accepted = "accepted"  # §15: complete set handed in; decision due by the deadline
    registered = "registered"  # registered as unemployed
    refused = "refused"  # refused on a §17 ground


class RefusalGround(enum.StrEnum):
    """§17: the only grounds for a refusal."""

    documents_missing = "documents_missing"  # (1) documents required for registration are missing
    employed = "employed"  # (2) the person is employed under Article 2 of the Employment law


class EndKind(enum.StrEnum):
    """How a registration as unemployed ends (the title's "placement into work", §1)."""

    placed_referral = "placed_referral"  # placed into work through a vacancy referral (§25.1)
    placed_other = "placed_other"  # placed into work otherwise (found work themselves, …)
    deregistered = "deregistered"  # taken off the register for another reason


class ReferralKind(enum.StrEnum):
    """§25: other useful services."""

    vacancy = "vacancy"  # (1) a vacancy notice given
    public_works = "public_works"  # (2) referral to public works, with consent
    training = "training"  # (3) referral to vocational training


class Card(SQLModel, table=True):
    """The personal record card (*жеке есеп карточкасы*): one per person and office."""

    __tablename__ = "cards"
    __table_args__ = (sa.UniqueConstraint("office_id", "iin"),)
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id", index=True)
    iin: str = Field(max_length=12)
    surname: str = Field(max_length=100)
    name: str = Field(max_length=100)
    patronymic: str = Field(default="", max_length=100)
    birth_date: date
    sex: str = Field(max_length=1)  # Sex
    category: str = Field(max_length=16)  # Category
    address: str = Field(max_length=300)
    phone: str = Field(default="", max_length=40)
    education: str = Field(default="", max_length=200)
    profession: str = Field(default="", max_length=200)
    last_employment: str = Field(default="", max_length=300)
    created_at: datetime | None = utc_field(nullable=False)
    created_by: int | None = Field(default=None, foreign_key="users.id")
    updated_at: datetime | None = utc_field()
    # Issue 17: the names folded to one Latin skeleton (kezek.intake.names), for the search.
    search_key: str = Field(default="", max_length=400)


class Application(SQLModel, table=True):
    """One application for registration as unemployed, from first visit to decision.

    Indicator columns (see ``kezek.intake``): ``accepted_at``, ``deadline``, ``decided_at``,
    ``decided_in_term`` (1.1); ``corrected_at`` (2.2); ``complete_on_first_visit`` (3.2).
    """

    __tablename__ = "applications"
    __table_args__ = (
        sa.UniqueConstraint("office_id", "number"),
        sa.Index("ix_applications_due", "office_id", "status", "deadline"),
        # §17: a refusal without a ground is impossible, in the database too.
        sa.CheckConstraint(
            "status != 'refused' OR refusal_ground IS NOT NULL",
            name="ck_applications_refusal_ground",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id")
    card_id: int = Field(foreign_key="cards.id", index=True)
    status: str = Field(default=AppStatus.open, max_length=16)
    category: str = Field(max_length=16)  # the card's category when the documents were checked
    opened_at: datetime | None = utc_field(nullable=False)
    opened_by: int | None = Field(default=None, foreign_key="users.id")
    ticket_id: int | None = Field(default=None, foreign_key="tickets.id")
    # Set when the first missing-documents slip is given (the set was incomplete).
    incomplete_at: datetime | None = utc_field()
    complete_on_first_visit: bool | None = None  # indicator 3.2
    number: str | None = Field(default=None, max_length=20)  # given at acceptance (§15)
    accepted_at: datetime | None = utc_field()
    accepted_by: int | None = Field(default=None, foreign_key="users.id")
    accepted_point_id: int | None = Field(default=None, foreign_key="service_points.id")
    deadline: date | None = None  # §7: acceptance day + 10 calendar days, office zone
    decided_at: datetime | None = utc_field()
    decided_by: int | None = Field(default=None, foreign_key="users.id")
    decided_in_term: bool | None = None  # indicator 1.1
    registered_on: date | None = None  # the date of registration as unemployed
    refusal_ground: str | None = Field(default=None, max_length=32)  # RefusalGround (§17)
    decision_comment: str = Field(default="", max_length=1000)
    corrected_at: datetime | None = utc_field()  # indicator 2.2
    corrected_by: int | None = Field(default=None, foreign_key="users.id")
    correction_reason: str = Field(default="", max_length=1000)
    # The end of the registration (placed into work, or de-registered): date, kind, reason.
    ended_on: date | None = None
    end_kind: str | None = Field(default=None, max_length=32)  # EndKind
    end_reason: str = Field(default="", max_length=1000)
    end_referral_id: int | None = Field(default=None, foreign_key="referrals.id")
    ended_by: int | None = Field(default=None, foreign_key="users.id")
    # §18.2: the decision's result (the certificate or the decision letter) is kept until it
    # is collected: the day it was ready, the day the applicant took it, who handed it over.
    result_prepared_on: date | None = None
    result_collected_on: date | None = None
    result_collected_by: int | None = Field(default=None, foreign_key="users.id")
    # The last desk print for this application: the acceptance talon or the missing list.
    print_kind: str | None = Field(default=None, max_length=16)  # talon, missing
    print_status: str = Field(default="none", max_length=16)  # none, printed, failed
    print_error: str | None = Field(default=None, max_length=200)


class ApplicationDocument(SQLModel, table=True):
    """A document of the §12 checklist that the applicant presented."""

    __tablename__ = "application_documents"
    application_id: int = Field(foreign_key="applications.id", primary_key=True)
    code: str = Field(max_length=32, primary_key=True)  # kezek.intake.documents.Document
    office_id: int = Field(foreign_key="offices.id")
    presented_at: datetime | None = utc_field(nullable=False)
    recorded_by: int | None = Field(default=None, foreign_key="users.id")


class IntakeCounter(SQLModel, table=True):
    """Application numbers: one row per (office, year), incremented atomically."""

    __tablename__ = "intake_counters"
    office_id: int = Field(foreign_key="offices.id", primary_key=True)
    year: int = Field(primary_key=True)
    last_number: int = 0


class CardVisit(SQLModel, table=True):
    """A ticket during which the card was worked on: the applicant's history of visits."""

    __tablename__ = "card_visits"
    __table_args__ = (sa.UniqueConstraint("card_id", "ticket_id"),)
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id")
    card_id: int = Field(foreign_key="cards.id", index=True)
    ticket_id: int = Field(foreign_key="tickets.id")
    at: datetime | None = utc_field(nullable=False)
    clerk_id: int | None = Field(default=None, foreign_key="users.id")


class Referral(SQLModel, table=True):
    """§25: a vacancy notice, a referral to public works (with consent) or to training."""

    __tablename__ = "referrals"
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id")
    card_id: int = Field(foreign_key="cards.id", index=True)
    kind: str = Field(max_length=16)  # ReferralKind
    detail: str = Field(max_length=500)  # the vacancy, the works or the course
    consent: bool = False  # §25.2: public works only with the applicant's consent
    at: datetime | None = utc_field(nullable=False)
    by: int | None = Field(default=None, foreign_key="users.id")


class CardSearch(SQLModel, table=True):
    """Issue 17, §18.2: every search of cards by name — who, when, how many cards it showed;
    never what was typed (a name is personal data). Append-only, as the card audit is; each
    card shown also gets a card-audit entry."""

    __tablename__ = "card_searches"
    __table_args__ = (sa.Index("ix_card_searches_office_at", "office_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id")
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    at: datetime | None = utc_field(nullable=False)
    results: int


class AuditEntry(SQLModel, table=True):
    """§18.2: every view and change of a card. Append-only: no code updates or deletes it,
    and the migration adds triggers that refuse UPDATE and DELETE."""

    __tablename__ = "card_audit"
    __table_args__ = (sa.Index("ix_card_audit_office_at", "office_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="offices.id")
    card_id: int = Field(foreign_key="cards.id", index=True)
    application_id: int | None = Field(default=None, foreign_key="applications.id")
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    at: datetime | None = utc_field(nullable=False)
    action: str = Field(max_length=32)
    # JSON: {"field": [old, new]} for changes, or a few plain facts; never free text of a user.
    changes: str | None = Field(default=None, max_length=4000)
