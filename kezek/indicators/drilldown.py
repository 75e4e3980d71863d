"""What stands behind each figure of the appendix table: the visits, cases, feedback answers
or complaints in its numerator and denominator, each with the rule that put it there.

Built on the same columns and the same conditions as ``kezek.indicators.data``, so a list
always adds up to its figure. Data out: the page (``staff.supervisor.indicator_pages``)
renders and audits it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from kezek.i18n import N_
from kezek.indicators import complaints, visit_lists
from kezek.indicators.data import FEEDBACK_COLUMNS
from kezek.indicators.listing import (
    ABOVE,
    DENOMINATOR,
    LEFT_OUT,
    LIMIT,
    NUMERATOR,
    Entry,
    Listing,
)
from kezek.indicators.models import Complaint, Feedback
from kezek.intake.models import Application, Card


def _day(moment: datetime | None, zone: ZoneInfo) -> date | None:
    return moment.astimezone(zone).date() if moment else None


def _applications(
    session: Session, office_id: int, start: date, end: date, column: str, zone: ZoneInfo
) -> list[tuple[Application, Card]]:
    begin = datetime.combine(start, time(0), tzinfo=zone).astimezone(UTC)
    after = datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    when = getattr(Application, column)
    return list(
        session.exec(
            select(Application, Card)
            .join(Card, col(Card.id) == col(Application.card_id))
            .where(Application.office_id == office_id, when >= begin, when < after)
            .order_by(when, col(Application.id))
            .limit(LIMIT)
        ).all()
    )


def decided(
    session: Session, office_id: int, start: date, end: date, as_of: date, zone: ZoneInfo
) -> Listing:
    """1.1: accepted in the period; decided by the deadline (§7: 10 calendar days)."""
    listing = Listing("1.1")
    for app, card in _applications(session, office_id, start, end, "accepted_at", zone):
        accepted = _day(app.accepted_at, zone)
        on = _day(app.decided_at, zone)
        assert accepted is not None and app.deadline is not None
        params = {"due": app.deadline.strftime("%d.%m.%Y"), "day": ""}
        if app.decided_in_term is not None and on is not None:
            params["day"] = str((on - accepted).days)
            part, rule = (
                (NUMERATOR, N_("decided on day %(day)s, by %(due)s"))
                if app.decided_in_term
                else (DENOMINATOR, N_("decided late, on day %(day)s: due %(due)s"))
            )
        elif app.deadline < as_of:
            part, rule = DENOMINATOR, N_("no decision, and the deadline %(due)s has passed")
        else:
            part, rule = LEFT_OUT, N_("no decision yet, due %(due)s: not counted yet")
        listing.entries.append(Entry(part, rule, params, app.number or "", accepted, card=card))
    return listing


def correct(session: Session, office_id: int, start: date, end: date, zone: ZoneInfo) -> Listing:
    """2.2: accepted in the period and not marked as corrected after review."""
    listing = Listing("2.2")
    for app, card in _applications(session, office_id, start, end, "accepted_at", zone):
        day = _day(app.accepted_at, zone)
        assert day is not None
        if app.corrected_at is None:
            part, rule, params = NUMERATOR, N_("not marked as corrected"), {}
        else:
            fixed = _day(app.corrected_at, zone)
            part, rule = DENOMINATOR, N_("marked as corrected on %(on)s")
            params = {"on": fixed.strftime("%d.%m.%Y") if fixed else ""}
        listing.entries.append(Entry(part, rule, params, app.number or "", day, card=card))
    return listing


def first_visit(
    session: Session, office_id: int, start: date, end: date, zone: ZoneInfo
) -> Listing:
    """3.2: applications opened in the period; their first visit decides."""
    listing = Listing("3.2")
    for app, card in _applications(session, office_id, start, end, "opened_at", zone):
        day = _day(app.opened_at, zone)
        assert day is not None
        if app.complete_on_first_visit is None:
            part, rule = LEFT_OUT, N_("the first visit has not ended with a result yet")
        elif app.complete_on_first_visit:
            part, rule = NUMERATOR, N_("complete at the first visit")
        else:
            part, rule = DENOMINATOR, N_("documents missing at the first visit")
        ref = app.number or f"#{app.id}"
        listing.entries.append(Entry(part, rule, {}, ref, day, card=card))
    return listing


ANSWER_RULES = {
    True: (NUMERATOR, N_("answered yes")),
    False: (DENOMINATOR, N_("answered no")),
    None: (LEFT_OUT, N_("skipped, or did not complain: not an answer")),
}


def answers(session: Session, office_id: int, start: date, end: date, code: str) -> Listing:
    """2.1, 3.1, 4.3, 4.4, 5.1: the anonymous answers to one question (no ticket, no time)."""
    column = getattr(Feedback, FEEDBACK_COLUMNS[code])
    rows = session.exec(
        select(col(Feedback.id), col(Feedback.business_day), col(column))
        .where(
            Feedback.office_id == office_id,
            Feedback.business_day >= start,
            Feedback.business_day <= end,
        )
        .order_by(col(Feedback.business_day), col(Feedback.id))
        .limit(LIMIT)
    ).all()
    listing = Listing(code)
    for row_id, day, value in rows:
        part, rule = ANSWER_RULES[value]
        listing.entries.append(Entry(part, rule, {}, f"#{row_id}", day))
    return listing


def _complaint_entry(c: Complaint, part: str, rule: str) -> Entry:
    params = {
        "due": c.answer_due.strftime("%d.%m.%Y"),
        "on": c.answered_on.strftime("%d.%m.%Y") if c.answered_on else "",
    }
    return Entry(part, rule, params, c.label, c.received_on, complaint_id=c.id)


def _complaints(session: Session, office_id: int, start: date, end: date) -> list[Complaint]:
    """The journal of the period, oldest first (the journal page shows it newest first)."""
    return list(reversed(complaints.journal(session, office_id, start, end)))


def in_term(session: Session, office_id: int, start: date, end: date, as_of: date) -> Listing:
    """4.2: justified complaints received in the period, answered by their due date (the
    profile's complaint term, fixed when received) *and* satisfied (issue 13, item 3)."""
    listing = Listing("4.2")
    for c in _complaints(session, office_id, start, end):
        if c.justified is not True:
            entry = _complaint_entry(c, LEFT_OUT, N_("not found justified: out of 4.2"))
        elif c.answered_on is not None and c.answered_on > c.answer_due:
            entry = _complaint_entry(c, DENOMINATOR, N_("answered late on %(on)s: due %(due)s"))
        elif c.answered_on is not None and c.satisfied is not True:
            entry = _complaint_entry(c, DENOMINATOR, N_("answered on %(on)s, not satisfied"))
        elif c.answered_on is not None:
            entry = _complaint_entry(c, NUMERATOR, N_("answered on %(on)s, due %(due)s"))
        elif c.answer_due < as_of:
            entry = _complaint_entry(c, DENOMINATOR, N_("not answered, due %(due)s: late"))
        else:
            entry = _complaint_entry(c, LEFT_OUT, N_("not answered yet, due %(due)s"))
        listing.entries.append(entry)
    return listing


def justified(session: Session, office_id: int, start: date, end: date, lang: str) -> Listing:
    """4.1: justified complaints (numerator) to the applicants served (denominator)."""
    listing = Listing("4.1")
    for c in _complaints(session, office_id, start, end):
        if c.justified is True:
            listing.entries.append(_complaint_entry(c, ABOVE, N_("a justified complaint")))
        else:
            listing.entries.append(_complaint_entry(c, LEFT_OUT, N_("not found justified")))
    listing.entries.extend(visit_lists.served(session, office_id, start, end, lang))
    return listing


Builder = Callable[[Session, int, date, date, date, ZoneInfo, str], Listing]


def _survey(code: str) -> Builder:
    def build(s: Session, o: int, a: date, b: date, _t: date, _z: ZoneInfo, _l: str) -> Listing:
        return answers(s, o, a, b, code)

    return build


BUILDERS: dict[str, Builder] = {
    "1.1": lambda s, o, a, b, today, zone, lang: decided(s, o, a, b, today, zone),
    "1.2": lambda s, o, a, b, today, zone, lang: visit_lists.waits(s, o, a, b, lang),
    "2.2": lambda s, o, a, b, today, zone, lang: correct(s, o, a, b, zone),
    "3.2": lambda s, o, a, b, today, zone, lang: first_visit(s, o, a, b, zone),
    "4.1": lambda s, o, a, b, today, zone, lang: justified(s, o, a, b, lang),
    "4.2": lambda s, o, a, b, today, zone, lang: in_term(s, o, a, b, today),
    **{code: _survey(code) for code in FEEDBACK_COLUMNS},
}
