"""Five questions after service, one tap each, anonymous, once per visit.

Appendix 2.1, 3.1, 4.3, 4.4 and 5.1 are shares of satisfied answers. A visitor rates the
visit (its first ticket, whatever transfers followed) only after it was served.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from kezek.i18n import N_
from kezek.indicators.models import Feedback, FeedbackMark
from kezek.queue.clock import Clock
from kezek.queue.models import ServicePoint, Status, Ticket
from kezek.queue.tickets import QueueError

# How long after the visit the tablet by the cabinet door still offers it for rating.
POINT_WINDOW_MINUTES = 15


@dataclass(frozen=True)
class Question:
    column: str
    indicator: str
    text: str  # msgid
    not_applicable: str | None = None  # msgid of the third answer, where there is one


QUESTIONS: tuple[Question, ...] = (
    Question("process_ok", "2.1", N_("Are you satisfied with how your visit went?")),
    Question("info_ok", "3.1", N_("Was the information on the procedure clear and complete?")),
    Question("polite_ok", "5.1", N_("Were the staff polite to you?")),
    Question(
        "complaint_procedure_ok",
        "4.3",
        N_(
            "If you have ever complained to us: are you satisfied with how the complaint "
            "was handled?"
        ),
        N_("I have not complained"),
    ),
    Question(
        "complaint_timing_ok",
        "4.4",
        N_("If you have ever complained to us: was the complaint answered in time?"),
        N_("I have not complained"),
    ),
)
ANSWERS = {"yes": True, "no": False, "skip": None}
FEEDBACK_NOT_NOW = N_(
    "This visit cannot be rated now: it has not been served yet, or it has already been rated."
)


class FeedbackError(QueueError):
    kind = "feedback"


def parse_answer(raw: str | None) -> bool | None:
    """``yes`` / ``no`` / ``skip`` (also "did not complain"); anything else is an error."""
    if raw not in ANSWERS:
        raise FeedbackError(N_("Choose one of the answers."))
    return ANSWERS[raw]


def visit_root(session: Session, ticket: Ticket) -> Ticket:
    """The first ticket of the visit (transfers make new rows)."""
    for _ in range(20):
        if ticket.parent_id is None:
            break
        parent = session.get(Ticket, ticket.parent_id)
        if parent is None:
            break
        ticket = parent
    return ticket


def already_rated(session: Session, ticket: Ticket) -> bool:
    root = visit_root(session, ticket)
    return session.get(FeedbackMark, root.id) is not None


def can_rate(session: Session, ticket: Ticket) -> bool:
    return ticket.status == Status.served and not already_rated(session, ticket)


def for_point(session: Session, clock: Clock, point: ServicePoint) -> Ticket | None:
    """The visit just finished at this cabinet, if it was served recently and is not rated."""
    now = clock.now()
    latest = session.exec(
        select(Ticket)
        .where(
            Ticket.office_id == point.office_id,
            Ticket.service_point_id == point.id,
            Ticket.business_day == clock.business_day(now),
            Ticket.status == Status.served,
            col(Ticket.finished_at) >= now - timedelta(minutes=POINT_WINDOW_MINUTES),
        )
        .order_by(col(Ticket.finished_at).desc())
        .limit(1)
    ).first()
    return latest if latest is not None and can_rate(session, latest) else None


def submit(
    session: Session, ticket: Ticket, answers: dict[str, bool | None], lang: str
) -> Feedback:
    """Save one visit's answers. A second feedback for the same visit is refused."""
    if ticket.status != Status.served:
        raise FeedbackError(N_("Feedback can be given after the visit is served."))
    unknown = set(answers) - {q.column for q in QUESTIONS}
    if unknown:
        raise FeedbackError(N_("Choose one of the answers."))
    root = visit_root(session, ticket)
    assert root.id is not None
    try:
        with session.begin_nested():
            session.add(FeedbackMark(ticket_id=root.id, office_id=ticket.office_id))
            session.flush()
    except IntegrityError:
        raise FeedbackError(N_("Thank you: this visit has already been rated.")) from None
    row = Feedback(
        office_id=ticket.office_id,
        business_day=ticket.business_day,
        lang=lang if lang in ("kk", "ru", "en") else "kk",
        **answers,
    )
    session.add(row)
    session.flush()
    return row
