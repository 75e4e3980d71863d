"""A simulated history for the demo office: realistic Tuesday–Friday traffic (§10 hours).

The day is simulated as a queue — arrivals peaking mid-morning and mid-afternoon, two
cabinets, lunch, closing — and written with bulk inserts, so a year loads in seconds.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from kezek import auth, db
from kezek.demo_quotes import Quoter
from kezek.queue.models import (
    DayCounter,
    PointService,
    Role,
    Service,
    ServicePoint,
    Status,
    Ticket,
    TicketEvent,
    User,
)
from kezek.queue.order import PLAIN, CallOrder
from kezek.queue.quotes import EstimateQuote
from kezek.queue.quotes import rows as quote_rows
from kezek.simulation import CLOSE, MEAN_MINUTES, WORKDAYS, Visit, simulate_day

DEMO_PASSWORD = "kezek-demo"  # noqa: S105 — printed by `make serve`; demo only
DEMO_USERS = (
    ("admin", Role.admin, "Әкімші"),
    ("head", Role.supervisor, "Бөлім басшысы"),
    ("clerk1", Role.clerk, "Маман №1"),
    ("clerk4", Role.clerk, "Маман №4"),
)


def _days(end: date, count: int) -> list[date]:
    days: list[date] = []
    day = end
    while len(days) < count:
        if day.weekday() in WORKDAYS:
            days.append(day)
        day -= timedelta(days=1)
    return sorted(days)


def has_history(session: Session, office_id: int) -> bool:
    return (
        session.exec(select(Ticket.id).where(Ticket.office_id == office_id).limit(1)).first()
        is not None
    )


def own_users(session: Session) -> list[str]:
    """The database's users that the demo did not create (a real office's staff)."""
    names = [u for u, _, _ in DEMO_USERS]
    query = select(User.username).where(col(User.username).not_in(names))
    return list(session.exec(query.order_by(User.username)))


def demo_logins(session: Session) -> list[str]:
    """Those of the demo's logins that exist in the database."""
    names = [u for u, _, _ in DEMO_USERS]
    found = set(session.exec(select(User.username).where(col(User.username).in_(names))))
    return [name for name in names if name in found]


def ensure_users(session: Session, office_id: int) -> None:
    for username, role, name in DEMO_USERS:
        if session.exec(select(User).where(User.username == username)).first() is None:
            auth.create_user(session, office_id, username, DEMO_PASSWORD, role, name)


def load(
    engine: Engine,
    office_id: int,
    zone: ZoneInfo,
    *,
    days: int,
    today: date,
    seed: int = 2008,
    progress: Callable[[int, int], None] | None = None,
    order: CallOrder = PLAIN,
) -> int:
    """Write ``days`` working days of history ending yesterday. Returns the tickets written."""
    rng = random.Random(seed)
    with db.transaction(engine) as session:
        ensure_users(session, office_id)
        services = {
            s.code: s for s in session.exec(select(Service).where(Service.office_id == office_id))
        }
        point_rows = {
            p.code: p
            for p in session.exec(
                select(ServicePoint).where(
                    ServicePoint.office_id == office_id, col(ServicePoint.active).is_(True)
                )
            )
        }
        links = session.exec(select(PointService)).all()
        clerks = {
            u.username: u.id for u in session.exec(select(User).where(User.office_id == office_id))
        }
    by_id = {s.id: code for code, s in services.items()}
    points = {
        code: [
            by_id[link.service_id]
            for link in links
            if link.point_id == p.id and by_id.get(link.service_id) in MEAN_MINUTES
        ]
        for code, p in point_rows.items()
    }
    clerk_of = {code: clerks.get(f"clerk{code.removeprefix('cab')}") for code in point_rows}
    next_id = _max_id(engine, Ticket) + 1
    written = 0
    all_days = _days(today - timedelta(days=1), days)
    quoter = Quoter(points)  # issue 19: what the kiosk would have quoted
    for index, day in enumerate(all_days):
        visits = simulate_day(rng, points, day.weekday(), order)
        rows, events, counters = _rows(
            day, zone, visits, services, point_rows, clerk_of, office_id, next_id
        )
        next_id += len(rows)
        roots = [row for row in rows if row["parent_id"] is None]
        quotes = [
            line
            for row, found in zip(roots, quoter.day(day, visits), strict=True)
            for line in quote_rows(office_id, row["id"], row["issued_at"], found)
        ]
        with db.transaction(engine) as session:
            session.execute(sa.insert(Ticket), rows)
            if events:
                session.execute(sa.insert(TicketEvent), events)
            session.execute(sa.insert(DayCounter), counters)
            if quotes:
                session.execute(sa.insert(EstimateQuote), quotes)
        written += len(rows)
        if progress:
            progress(index + 1, len(all_days))
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "SELECT setval(pg_get_serial_sequence('tickets', 'id'), "
                    "(SELECT max(id) FROM tickets))"
                )
            )
    return written


def _max_id(engine: Engine, model: Any) -> int:
    with db.reading(engine) as session:
        return int(session.exec(select(sa.func.coalesce(sa.func.max(model.id), 0))).one())


def _rows(
    day: date,
    zone: ZoneInfo,
    visits: list[Visit],
    services: dict[str, Service],
    points: dict[str, ServicePoint],
    clerk_of: dict[str, int | None],
    office_id: int,
    first_id: int,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    midnight = datetime.combine(day, time(0), tzinfo=zone)

    def at(minutes: float | None) -> datetime | None:
        return None if minutes is None else (midnight + timedelta(minutes=minutes)).astimezone(UTC)

    closing = at(CLOSE)
    numbers: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    next_id = first_id

    def add(
        visit: Visit, parent: dict[str, Any] | None, number: int, code: str, waited: int = 0
    ) -> dict[str, Any]:
        """The visit's rows; returns its last row. A transfer's row waits from the parent's
        finish and adds to what the visit waited before (appendix 1.2, kezek.queue.visits);
        never called, the visit is closed unserved: not within."""
        nonlocal next_id
        ticket_id, next_id = next_id, next_id + 1
        service = services[parent["_service"] if parent else visit.service]
        issued = at(visit.arrival)
        status = visit.status if visit.called is not None else Status.closed
        began = parent["finished_at"] if parent else issued
        ended = at(visit.called) or closing
        wait = waited + max(0, int((ended - began).total_seconds())) if began and ended else 0
        within = visit.called is not None and wait <= service.target_wait_minutes * 60
        point = points.get(visit.point) if visit.point else None
        rows.append(
            {
                "id": ticket_id,
                "office_id": office_id,
                "service_id": services[visit.service].id,
                "business_day": day,
                "number": number,
                "code": code,
                "priority": visit.priority,
                "lang": "kk",
                "status": status,
                "issued_at": issued,
                "queued_at": issued,
                "called_at": at(visit.called),
                "started_at": at(visit.started),
                "finished_at": at(visit.finished) or closing,
                "wait_seconds": max(0, wait),
                "within_target": within,
                "target_wait_minutes": service.target_wait_minutes,
                "service_point_id": point.id if point else None,
                "clerk_id": clerk_of.get(visit.point) if visit.point else None,
                "recall_count": 0,
                "parent_id": parent["id"] if parent else None,
                "public_token": secrets.token_urlsafe(24),
                "request_id": None,
                "print_status": "printed",
                "print_error": None,
            }
        )
        kinds: list[tuple[str, float | None, ServicePoint | None]] = [
            ("issued", visit.arrival, None)
        ]
        if visit.called is not None:
            kinds.append(("called", visit.called, point))
            kinds.append(
                (
                    {Status.no_show: "no_show", Status.transferred: "transferred"}.get(
                        status, "finished"
                    ),
                    visit.finished,
                    point,
                )
            )
        else:
            kinds.append(("closed", CLOSE, None))
        for kind, minutes, where in kinds:
            events.append(
                {
                    "office_id": office_id,
                    "ticket_id": ticket_id,
                    "kind": kind,
                    "at": at(minutes),
                    "actor_id": None,
                    "service_point_id": where.id if where else None,
                    "detail": None,
                }
            )
        last = rows[-1] | {"_service": service.code}
        for child in visit.children:
            last = add(child, last, number, code, max(0, wait))
        return last

    for visit in visits:
        number = numbers[visit.service] = numbers.get(visit.service, 0) + 1
        start = len(rows)
        last = add(visit, None, number, f"{services[visit.service].letter}-{number:03d}")
        # The root row holds the visit's figures (the sum of its waits, its verdict).
        rows[start]["wait_seconds"] = last["wait_seconds"]
        rows[start]["within_target"] = last["within_target"]
    counters = [
        {
            "service_id": services[code].id,
            "business_day": day,
            "office_id": office_id,
            "last_number": last,
        }
        for code, last in numbers.items()
    ]
    return rows, events, counters
