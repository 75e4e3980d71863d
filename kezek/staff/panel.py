"""The clerk's service point for the day and what its queue panel shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from kezek import web
from kezek.intake.models import CardVisit
from kezek.kiosk import talon_jobs
from kezek.queue import ownership, pauses, reads, returns, tickets
from kezek.queue.models import Service, ServicePoint, Status, Ticket, User


def my_point(session: Session, st: web.State, user_id: int) -> ServicePoint | None:
    """The service point this clerk opened today (the rule shared with the API)."""
    return ownership.held(session, st.clock, st.office_id, user_id)


@dataclass(frozen=True)
class Row:
    ticket: Ticket
    service: Service
    minutes: int
    level: str  # ok, warn (past the office's warning threshold), late (past the target)


def wait_level(minutes: int, warn: int, target: int) -> str:
    """Colour of a waiting ticket as it nears its target (appendix 1.2: 40 minutes)."""
    if minutes >= target:
        return "late"
    if minutes >= min(warn, target):
        return "warn"
    return "ok"


def panel(session: Session, st: web.State, point: ServicePoint) -> dict[str, Any]:
    """Everything the queue panel shows for one service point."""
    now = st.clock.now()
    today = st.clock.business_day(now)
    service_ids = tickets.point_services(session, point)
    services = {
        s.id: s for s in session.exec(select(Service).where(Service.office_id == st.office_id))
    }
    # Issue 17: in the order the next call takes (the protecting order puts a visit near its
    # target first), as the visitor's phone page counts its place.
    waiting = reads.waiting_in_order(session, st.office_id, today, service_ids, st.call_order, now)
    rows = []
    for ticket in waiting:
        assert ticket.issued_at is not None
        minutes = int((now - ticket.issued_at).total_seconds() // 60)
        rows.append(
            Row(
                ticket,
                services[ticket.service_id],
                minutes,
                wait_level(minutes, st.profile.warn_wait_minutes, ticket.target_wait_minutes),
            )
        )
    current = tickets.in_hand(session, point)
    card_id = None
    if current is not None:
        card_id = session.exec(
            select(CardVisit.card_id).where(CardVisit.ticket_id == current.id)
        ).first()
    failed = talon_jobs.failed_talons(session, st.office_id, today, limit=50)
    return {
        "point": point,
        "rows": rows,
        "current": current,
        "current_service": services.get(current.service_id) if current else None,
        "card_id": card_id,
        "failed": failed,
        "services": services,
        "status_names": web.STATUS_NAMES,
        "transfer_to": [
            s for s in st.services.values() if current is None or s.id != current.service_id
        ],
    }


SUPERVISING = ("supervisor", "admin")


def flow_panel(session: Session, st: web.State, point: ServicePoint, user: User) -> dict[str, Any]:
    """What the panel shows of the flow: the pause, and the no-shows that may come back
    (the clerk's point's; a supervisor's: the office's)."""
    window = st.profile.return_window_minutes
    now = st.clock.now()
    query = select(Ticket).where(
        Ticket.office_id == st.office_id,
        Ticket.business_day == st.clock.business_day(now),
        Ticket.status == Status.no_show,
        col(Ticket.finished_at) >= now - timedelta(minutes=window),
    )
    if user.role not in SUPERVISING:
        query = query.where(Ticket.service_point_id == point.id)
    found = session.exec(query.order_by(col(Ticket.finished_at).desc()).limit(20)).all()
    return {
        "pause": pauses.open_pause(session, point.id),
        "pause_reasons": pauses.REASONS,
        "returnable": [t for t in found if returns.returnable(session, st.clock, t, window)],
        "return_window": window,
        "max_recalls": st.profile.max_recalls,
    }
