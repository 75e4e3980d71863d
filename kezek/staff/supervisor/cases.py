"""Supervisor pages: applications due soon and overdue (§7), and the audit trail (§18.2)."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import Response

from kezek import db, web, web_bounds
from kezek.indicators.models import IndicatorListView
from kezek.intake import applications, audit, iin, results, states
from kezek.intake.models import AuditEntry, Card
from kezek.queue.models import Role, User
from kezek.staff import audit_words
from kezek.staff.access import Staff, staff


@staff(Role.supervisor)
def cases(request: Request, who: Staff) -> Response:
    st = who.st
    with db.reading(st.engine) as session:
        soon, overdue = applications.due(session, st.clock, st.office_id)
        suspended = states.suspended(session, st.office_id)
        days = st.profile.uncollected_days  # §18.2
        uncollected = results.uncollected(session, st.clock, st.office_id, days)
    return web.render(
        request,
        "staff/cases.html",
        {
            "soon": soon,
            "overdue": overdue,
            "suspended": suspended,
            "uncollected": uncollected,
            "uncollected_days": days,
            "mask": iin.mask,
            "today": st.clock.business_day(),
            "soon_days": applications.DUE_SOON_DAYS,
        },
    )


@staff(Role.supervisor)
def audit_trail(request: Request, who: Staff) -> Response:
    """The audit trail, newest first; of one card with ``?card=ID``. Read-only: there is no
    route that changes it."""
    st = who.st
    raw = request.query_params.get("card", "")
    card_id = web_bounds.number(raw, low=1, high=web_bounds.MAX_ID)
    with db.reading(st.engine) as session:
        entries = audit.trail(session, st.office_id, card_id)
        card_ids = {e.card_id for e in entries}
        cards = {
            c.id: c
            for c in session.exec(
                select(Card).where(Card.office_id == st.office_id, col(Card.id).in_(card_ids))
            )
        }
        users = {u.id: u for u in session.exec(select(User).where(User.office_id == st.office_id))}
        lists = session.exec(  # the lists behind the indicators opened (§18.2, issue 13)
            select(IndicatorListView)
            .where(IndicatorListView.office_id == st.office_id)
            .order_by(col(IndicatorListView.id).desc())
            .limit(100)
        ).all()
    return web.render(
        request,
        "staff/audit.html",
        {
            "entries": entries,
            "cards": cards,
            "users": users,
            "mask": iin.mask,
            "actions": audit.ACTIONS,
            "changes_of": _shown_changes(web.lang(request)),
            "card_id": card_id,
            "lists": [] if card_id else lists,
        },
    )


def _shown_changes(lang: str) -> Callable[[AuditEntry], list[audit_words.Change]]:
    """The entry's changes in words, an IIN masked here too (§18.2)."""
    return lambda entry: audit_words.changes(lang, entry, audit.changes_of(entry))
