"""The queue core: issue, call, serve and close tickets. No HTTP here.

Every function takes the session first and leaves the commit to the caller's
transaction (``kezek.db.transaction``). Events recorded here are published after it.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from kezek.i18n import N_
from kezek.queue.clock import Clock
from kezek.queue.events import Event, record
from kezek.queue.models import (
    IN_HAND,
    DayCounter,
    PointService,
    Service,
    ServicePoint,
    Status,
    Ticket,
    TicketEvent,
    table_of,
)


class QueueError(Exception):
    """A refused operation. ``message`` is an English msgid translated where it is shown."""

    status_code = 409
    kind = "conflict"

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


class NotFound(QueueError):
    status_code = 404
    kind = "not_found"


class InvalidInput(QueueError):
    status_code = 422
    kind = "invalid"


class OfficeClosed(QueueError):
    kind = "closed"

    def __init__(self, next_opening: datetime | None) -> None:
        super().__init__(N_("The office is closed."))
        self.next_opening = next_opening


class IllegalTransition(QueueError):
    kind = "illegal_transition"


# Core tables: the hot paths (call, finish and the other moves) write with core SQL, which
# costs a fraction of the ORM's unit of work per statement (bench/call_next.py).
_T: sa.Table = table_of(Ticket)
_EVENTS: sa.Table = table_of(TicketEvent)
_SERVICE_CODE = (
    sa.select(table_of(Service).c.code)
    .where(table_of(Service).c.id == _T.c.service_id)
    .scalar_subquery()
)
_POINT_CODE = (
    sa.select(table_of(ServicePoint).c.code)
    .where(table_of(ServicePoint).c.id == _T.c.service_point_id)
    .scalar_subquery()
)


def _event(
    session: Session,
    ticket: Ticket,
    kind: str,
    at: datetime,
    actor_id: int | None,
    codes: tuple[str, str | None],
    detail: str | None = None,
) -> None:
    """Append the change to the history (at the ticket's point) and announce it."""
    assert ticket.id is not None
    session.connection().execute(
        _EVENTS.insert(),
        {
            "office_id": ticket.office_id,
            "ticket_id": ticket.id,
            "kind": kind,
            "at": at,
            "actor_id": actor_id,
            "service_point_id": ticket.service_point_id,
            "detail": detail,
        },
    )
    record(
        session,
        Event(
            kind=kind,
            office_id=ticket.office_id,
            ticket_id=ticket.id,
            code=ticket.code,
            service=codes[0],
            point=codes[1],
            status=ticket.status,
        ),
    )


def _counter_upsert(dialect: str) -> sa.Insert:
    table = table_of(DayCounter)
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    return (
        insert(table)
        .values(
            service_id=sa.bindparam("service_id"),
            business_day=sa.bindparam("day"),
            office_id=sa.bindparam("office_id"),
            last_number=1,
        )
        .on_conflict_do_update(
            index_elements=["service_id", "business_day"],
            set_={"last_number": table.c.last_number + 1},
        )
        .returning(table.c.last_number)
    )


_COUNTERS = {name: _counter_upsert(name) for name in ("postgresql", "sqlite")}


def next_number(session: Session, service: Service, day: date) -> int:
    """Atomically take the next number of a service's day: an upsert on the counter row."""
    assert service.id is not None
    conn = session.connection()
    params = {"service_id": service.id, "day": day, "office_id": service.office_id}
    return int(conn.execute(_COUNTERS[conn.dialect.name], params).scalar_one())


def format_code(letter: str, number: int) -> str:
    return f"{letter}-{number:03d}"


def issue(
    session: Session,
    clock: Clock,
    service: Service,
    *,
    priority: bool = False,
    lang: str = "kk",
    request_id: str | None = None,
    check_hours: bool = True,
) -> Ticket:
    """Take a ticket. The same ``request_id`` twice gives the same ticket (a double tap)."""
    if request_id is not None:
        existing = find_by_request(session, service.office_id, request_id)
        if existing is not None:
            return existing
    now = clock.now()
    if check_hours and not clock.is_open(now):  # §10
        raise OfficeClosed(clock.next_opening(now))
    if not service.active:
        raise InvalidInput(N_("This service is not available now."))
    day = clock.business_day(now)
    service_id = service.id
    assert service_id is not None

    def numbered() -> Ticket:
        number = next_number(session, service, day)
        ticket = Ticket(
            office_id=service.office_id,
            service_id=service_id,
            business_day=day,
            number=number,
            code=format_code(service.letter, number),
            priority=priority,
            lang=lang,
            status=Status.waiting,
            issued_at=now,
            target_wait_minutes=service.target_wait_minutes,
            public_token=secrets.token_urlsafe(24),
            request_id=request_id,
        )
        return _insert(session, ticket)

    if request_id is None:
        ticket = numbered()
    else:
        try:
            # The number and the row in one savepoint: when another request with the same id
            # wins the race (PostgreSQL), both are undone and no number is skipped.
            with session.begin_nested():
                ticket = numbered()
        except IntegrityError:
            if again := find_by_request(session, service.office_id, request_id):
                return again
            raise
    _attach(session, ticket)
    _event(session, ticket, "issued", now, None, (service.code, None))
    return ticket


def find_by_request(session: Session, office_id: int, request_id: str) -> Ticket | None:
    return session.exec(
        select(Ticket).where(Ticket.office_id == office_id, Ticket.request_id == request_id)
    ).first()


def serving_points(session: Session, service_id: int) -> list[ServicePoint]:
    """The active service points that serve a service (§12, §14: cabinets №1 and №4)."""
    return list(
        session.exec(
            select(ServicePoint)
            .join(PointService, col(PointService.point_id) == col(ServicePoint.id))
            .where(PointService.service_id == service_id, col(ServicePoint.active).is_(True))
            .order_by(col(ServicePoint.id))
        ).all()
    )


def point_services(session: Session, point: ServicePoint) -> list[int]:
    return list(
        session.exec(select(PointService.service_id).where(PointService.point_id == point.id)).all()
    )


def in_hand(session: Session, point: ServicePoint) -> Ticket | None:
    """The ticket a service point is dealing with now (called or being served)."""
    return session.exec(
        select(Ticket)
        .where(Ticket.service_point_id == point.id, col(Ticket.status).in_(IN_HAND))
        .order_by(col(Ticket.called_at).desc())
    ).first()


def _wait(ticket: Ticket, at: datetime) -> dict[str, Any]:
    """Waiting time = called − issued (never called: closed − issued). Appendix 1.2.

    The columns to write when the wait ends now; nothing when it has ended before.
    """
    assert ticket.issued_at is not None
    if ticket.wait_seconds is not None:
        return {}
    seconds = max(0, int((at - ticket.issued_at).total_seconds()))
    return {"wait_seconds": seconds, "within_target": seconds <= ticket.target_wait_minutes * 60}


_IN_HAND_CODE = (
    sa.select(_T.c.code)
    .where(_T.c.service_point_id == sa.bindparam("point_id"), _T.c.status.in_(IN_HAND))
    .limit(1)
)


_LOCK_POINT = (
    sa.select(table_of(ServicePoint).c.id)
    .where(table_of(ServicePoint).c.id == sa.bindparam("point_id"))
    .with_for_update()
)


def _check_free(session: Session, point: ServicePoint) -> None:
    """Refuse a call while the point has a ticket in hand. On PostgreSQL the point's row is
    locked first, so two calls at once for one point (a double click, two tabs) take turns
    and the second sees the first's ticket; SQLite writers take turns anyway."""
    session.flush()  # core SQL does not autoflush: pending ORM changes go first
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(_LOCK_POINT, {"point_id": point.id})
    code = conn.execute(_IN_HAND_CODE, {"point_id": point.id}).scalar()
    if code is not None:
        raise IllegalTransition(
            N_("Ticket %(code)s is still in hand: finish it or mark it a no-show first."),
            code=code,
        )


def _candidates(postgres: bool) -> sa.Select[Any]:
    """The next waiting ticket a point serves: priority first (§11), then the oldest."""
    served = sa.select(table_of(PointService).c.service_id).where(
        table_of(PointService).c.point_id == sa.bindparam("point_id")
    )
    query = (
        sa.select(_T.c.id, _T.c.issued_at, _T.c.target_wait_minutes)
        .where(
            _T.c.office_id == sa.bindparam("office_id"),
            _T.c.status == Status.waiting.value,
            _T.c.business_day == sa.bindparam("day"),
            _T.c.service_id.in_(served),
        )
        .order_by(_T.c.priority.desc(), _T.c.issued_at, _T.c.id)
        .limit(1)
    )
    return query.with_for_update(skip_locked=True) if postgres else query


_NEXT = {False: _candidates(False), True: _candidates(True)}
_INSERT = _T.insert().returning(_T.c.id)
_CLAIM = (
    sa.update(_T)
    .where(_T.c.id == sa.bindparam("ticket_id"), _T.c.status == Status.waiting.value)
    .returning(*_T.c, _SERVICE_CODE)
)


def _attach(session: Session, ticket: Ticket) -> Ticket:
    """Keep a ticket whose row is written in the session, as if it had been read."""
    make_transient_to_detached(ticket)
    session.add(ticket)
    return ticket


def _insert(session: Session, ticket: Ticket) -> Ticket:
    """Write a new ticket with one core ``INSERT`` (its id comes back). The caller attaches
    it, after any savepoint around the write is released (a rolled-back savepoint would
    leave an attached ticket without a row)."""
    session.flush()  # core SQL does not autoflush: pending ORM changes go first
    values = {c.key: getattr(ticket, c.key) for c in _T.c if c.key != "id"}
    ticket.id = session.connection().execute(_INSERT, values).scalar_one()
    return ticket


def _adopt(session: Session, values: Mapping[str, Any]) -> Ticket:
    """The session's ``Ticket`` for a row just updated with core SQL, without reading it again."""
    known = session.identity_map.get(session.identity_key(Ticket, values["id"]))
    if known is None:  # made as the ORM makes what it loads (a third of ``Ticket(...)``'s cost)
        sa.orm.configure_mappers()
        ticket = cast(Ticket, sa.inspect(Ticket).class_manager.new_instance())
    else:
        ticket = cast(Ticket, known)
    for name, value in values.items():
        set_committed_value(ticket, name, value)
    return ticket if known is not None else _attach(session, ticket)


def call_next(
    session: Session, clock: Clock, point: ServicePoint, clerk_id: int | None
) -> Ticket | None:
    """Call the next ticket for a service point: priority first, then the oldest.

    The next ticket is chosen and taken under the write lock (SQLite: ``BEGIN IMMEDIATE``;
    PostgreSQL: ``FOR UPDATE SKIP LOCKED``), and the update checks it still waits, so two
    clerks never get the same ticket.
    """
    _check_free(session, point)  # flushes pending ORM changes first
    now = clock.now()
    conn = session.connection()
    postgres = conn.dialect.name == "postgresql"
    params = {"office_id": point.office_id, "day": clock.business_day(now), "point_id": point.id}
    for _ in range(50):
        found = conn.execute(_NEXT[postgres], params).first()
        if found is None:
            # SKIP LOCKED also skips a waiting ticket that another short transaction holds
            # for a moment (its talon's print status being recorded): then "nobody waits"
            # would be wrong. Wait briefly while one exists (found by the suite on PostgreSQL).
            if not postgres or conn.execute(_NEXT[False], params).first() is None:
                return None
            time.sleep(0.01)
            continue
        ticket_id, issued_at, target = found
        wait = max(0, int((now - issued_at).total_seconds()))
        row = conn.execute(
            _CLAIM,
            {
                "ticket_id": ticket_id,
                "status": Status.called.value,
                "called_at": now,
                "service_point_id": point.id,
                "clerk_id": clerk_id,
                "wait_seconds": wait,
                "within_target": wait <= target * 60,
            },
        ).first()
        if row is not None:
            *columns, service_code = row
            ticket = _adopt(session, {c.key: v for c, v in zip(_T.c, columns, strict=True)})
            _event(session, ticket, "called", now, clerk_id, (service_code, point.code))
            return ticket
    return None


def _require(ticket: Ticket, allowed: Sequence[Status], action: str) -> None:
    """Refuse an illegal transition; ``action`` names it in the server's own words."""
    if ticket.status not in allowed:
        raise IllegalTransition(
            N_("This is not possible for ticket %(code)s now (status: %(status)s)."),
            code=ticket.code,
            status=ticket.status,
            action=action,
        )


def _check_point_serves(session: Session, point: ServicePoint, service_id: int) -> None:
    if point.office_id is None or service_id not in point_services(session, point):
        raise IllegalTransition(N_("This service point does not serve that ticket's service."))


def call_specific(
    session: Session,
    clock: Clock,
    ticket: Ticket,
    point: ServicePoint,
    clerk_id: int | None,
    reason: str,
) -> Ticket:
    """Call a chosen ticket out of order; the reason is recorded."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(N_("Give a reason for calling a ticket out of order."))
    _require(ticket, [Status.waiting], "called")
    _check_point_serves(session, point, ticket.service_id)
    _check_free(session, point)
    now = clock.now()
    return _moved(
        session,
        ticket,
        "called",
        now,
        clerk_id,
        [Status.waiting],
        detail=f"out of order: {reason[:400]}",
        status=Status.called,
        called_at=now,
        service_point_id=point.id,
        clerk_id=clerk_id,
        **_wait(ticket, now),
    )


_MOVES: dict[tuple[object, ...], sa.Update] = {}


def _move(kind: str, values: Mapping[str, Any]) -> sa.Update:
    """The ``UPDATE`` of a move, built once per shape. A kind always writes the same SQL
    (``recall_count + 1``) to the same columns; plain values are bound. It changes the row
    only while its status is still the one that was read."""
    key = (kind, *((name, isinstance(value, sa.ColumnElement)) for name, value in values.items()))
    if (statement := _MOVES.get(key)) is None:
        sets = {
            name: value if isinstance(value, sa.ColumnElement) else sa.bindparam(f"v_{name}")
            for name, value in values.items()
        }
        statement = _MOVES[key] = (
            sa.update(_T)
            .where(_T.c.id == sa.bindparam("ticket_id"), _T.c.status == sa.bindparam("seen"))
            .values(sets)
            .returning(*(_T.c[name] for name in values), _SERVICE_CODE, _POINT_CODE)
        )
    return statement


def _write_move(
    session: Session,
    ticket: Ticket,
    kind: str,
    at: datetime,
    actor_id: int | None,
    values: Mapping[str, Any],
    detail: str | None = None,
) -> bool:
    """Write a ticket's new state and its event; False when its status changed since it was
    read (another clerk or worker, PostgreSQL), and then nothing is written."""
    session.flush()  # core SQL does not autoflush: pending ORM changes go first
    params = {
        f"v_{name}": value
        for name, value in values.items()
        if not isinstance(value, sa.ColumnElement)
    }
    statement = _move(kind, values)
    row = (
        session.connection()
        .execute(statement, {"ticket_id": ticket.id, "seen": ticket.status, **params})
        .first()
    )
    if row is None:
        return False
    *columns, service_code, point_code = row
    for name, value in zip(values, columns, strict=True):
        set_committed_value(ticket, name, value)
    _event(session, ticket, kind, at, actor_id, (service_code, point_code), detail)
    return True


def _moved(
    session: Session,
    ticket: Ticket,
    kind: str,
    at: datetime,
    actor_id: int | None,
    allowed: Sequence[Status],
    *,
    detail: str | None = None,
    **values: Any,
) -> Ticket:
    """Move a ticket whose status is one of ``allowed``; refused as usual when another
    change came first. ``values`` are columns, or SQL on them; the object gets them."""
    _require(ticket, allowed, kind)
    if not _write_move(session, ticket, kind, at, actor_id, values, detail):
        session.refresh(ticket)
        _require(ticket, [], kind)
    return ticket


def recall(session: Session, clock: Clock, ticket: Ticket, actor_id: int | None) -> Ticket:
    now = clock.now()
    count = _T.c.recall_count + 1
    return _moved(session, ticket, "recalled", now, actor_id, [Status.called], recall_count=count)


def start(session: Session, clock: Clock, ticket: Ticket, actor_id: int | None) -> Ticket:
    now = clock.now()
    values: dict[str, Any] = {"status": Status.serving, "started_at": now}
    return _moved(session, ticket, "started", now, actor_id, [Status.called], **values)


def finish(session: Session, clock: Clock, ticket: Ticket, actor_id: int | None) -> Ticket:
    """Served. A called ticket may be finished directly (the start is then the call)."""
    now = clock.now()
    values: dict[str, Any] = {
        "status": Status.served,
        "finished_at": now,
        "started_at": sa.func.coalesce(_T.c.started_at, _T.c.called_at),
    }
    return _moved(session, ticket, "finished", now, actor_id, IN_HAND, **values)


def no_show(session: Session, clock: Clock, ticket: Ticket, actor_id: int | None) -> Ticket:
    now = clock.now()
    values: dict[str, Any] = {"status": Status.no_show, "finished_at": now}
    return _moved(session, ticket, "no_show", now, actor_id, [Status.called], **values)


def cancel(session: Session, clock: Clock, ticket: Ticket, actor_id: int | None) -> Ticket:
    now = clock.now()
    wait = _wait(ticket, now)
    if wait.get("within_target"):  # left before the target: out of 1.2 (issue 13)
        wait["within_target"] = None
    values: dict[str, Any] = {"status": Status.cancelled, "finished_at": now, **wait}
    return _moved(
        session, ticket, "cancelled", now, actor_id, [Status.waiting, Status.called], **values
    )


def transfer(
    session: Session, clock: Clock, ticket: Ticket, to_service: Service, actor_id: int | None
) -> Ticket:
    """Send the visitor to another service's queue with the same code.

    A ticket still waiting is simply re-routed (the visitor has not been seen yet). A ticket
    in hand ends as *transferred* and a new row waits in the other queue; it keeps the first
    issue time, so the wait clock keeps counting and it is not sent to the back. Appendix 1.2
    counts each visit once, by its first wait: the rows without a parent.
    """
    _require(ticket, [Status.waiting, *IN_HAND], "transferred")
    if to_service.id == ticket.service_id or to_service.office_id != ticket.office_id:
        raise InvalidInput(N_("Choose another service of this office."))
    assert to_service.id is not None and ticket.id is not None
    now = clock.now()
    detail = f"to {to_service.code}"
    if ticket.status == Status.waiting:
        return _moved(
            session,
            ticket,
            "transferred",
            now,
            actor_id,
            [Status.waiting],
            detail=detail,
            service_id=to_service.id,
        )
    values: dict[str, Any] = {"status": Status.transferred, "finished_at": now}
    _moved(session, ticket, "transferred", now, actor_id, IN_HAND, detail=detail, **values)
    child = Ticket(
        office_id=ticket.office_id,
        service_id=to_service.id,
        business_day=ticket.business_day,
        number=ticket.number,
        code=ticket.code,
        priority=ticket.priority,
        lang=ticket.lang,
        status=Status.waiting,
        issued_at=ticket.issued_at,
        target_wait_minutes=ticket.target_wait_minutes,
        parent_id=ticket.id,
        public_token=secrets.token_urlsafe(24),
        print_status=ticket.print_status,
    )
    _attach(session, _insert(session, child))
    codes = (to_service.code, None)
    _event(session, child, "issued", now, actor_id, codes, f"transferred from {ticket.id}")
    return child


def close_day(session: Session, clock: Clock, office_id: int, day: date) -> int:
    """At closing, every ticket of ``day`` still waiting is closed unserved (its wait counted).

    For a past day, tickets left in hand are closed as well (nobody finished them).
    Returns how many tickets were closed.
    """
    closing = clock.closing_at(day)
    now = clock.now()
    at = min(closing, now) if closing else now
    statuses = [Status.waiting] if day >= clock.business_day(now) else [Status.waiting, *IN_HAND]
    tickets = session.exec(
        select(Ticket).where(
            Ticket.office_id == office_id,
            Ticket.business_day == day,
            col(Ticket.status).in_(statuses),
        )
    ).all()
    closed = 0
    for ticket in tickets:
        wait = _wait(ticket, max(at, ticket.issued_at or at))
        if wait:  # never called: closed unserved is never "within" (appendix 1.2, issue 13)
            wait["within_target"] = False
        values: dict[str, Any] = {"status": Status.closed, "finished_at": at, **wait}
        # A ticket called meanwhile (PostgreSQL) is the clerk's now: it is left alone.
        closed += _write_move(session, ticket, "closed", at, None, values)
    return closed


def stale_days(session: Session, clock: Clock, office_id: int) -> list[date]:
    """Past business days that still have open tickets (the server was down at closing)."""
    rows = session.exec(
        select(col(Ticket.business_day))
        .distinct()
        .where(
            Ticket.office_id == office_id,
            Ticket.business_day < clock.business_day(),
            col(Ticket.status).in_([Status.waiting, *IN_HAND]),
        )
    ).all()
    return sorted(rows)


def _ahead(priority: bool) -> sa.Select[Any]:
    """How many waiting tickets of a service's day are called before a given one."""
    earlier = sa.or_(
        _T.c.issued_at < sa.bindparam("issued_at"),
        sa.and_(_T.c.issued_at == sa.bindparam("issued_at"), _T.c.id < sa.bindparam("id")),
    )
    is_priority = _T.c.priority.is_(True)
    before = sa.and_(is_priority, earlier) if priority else sa.or_(is_priority, earlier)
    return (
        sa.select(sa.func.count())
        .select_from(_T)
        .where(
            _T.c.office_id == sa.bindparam("office_id"),
            _T.c.service_id == sa.bindparam("service_id"),
            _T.c.business_day == sa.bindparam("business_day"),
            _T.c.status == Status.waiting.value,
            before,
        )
    )


_AHEAD = {False: _ahead(False), True: _ahead(True)}


def position(session: Session, ticket: Ticket) -> int | None:
    """1 for the next to be called in its service's queue; None when not waiting."""
    if ticket.status != Status.waiting:
        return None
    params = {
        name: getattr(ticket, name)
        for name in ("issued_at", "id", "office_id", "service_id", "business_day")
    }
    ahead = session.connection().execute(_AHEAD[bool(ticket.priority)], params).scalar_one()
    return int(ahead) + 1


def latest(session: Session, ticket: Ticket) -> Ticket:
    """Follow transfers to the row that is current for this visitor."""
    for _ in range(20):
        child = session.exec(select(Ticket).where(Ticket.parent_id == ticket.id)).first()
        if child is None:
            break
        ticket = child
    return ticket


def by_token(session: Session, token: str) -> Ticket | None:
    if not token or len(token) > 64:
        return None
    ticket = session.exec(select(Ticket).where(Ticket.public_token == token)).first()
    return latest(session, ticket) if ticket else None


def recent_service_minutes(
    session: Session, service_id: int, since: datetime, limit: int = 30
) -> list[float]:
    rows = session.exec(
        select(Ticket.started_at, Ticket.finished_at)
        .where(
            Ticket.service_id == service_id,
            Ticket.status == Status.served,
            col(Ticket.finished_at) >= since,
        )
        .order_by(col(Ticket.finished_at).desc())
        .limit(limit)
    ).all()
    return [(end - begin).total_seconds() / 60 for begin, end in rows if begin and end]


def open_points(session: Session, service_id: int, today_from: datetime) -> tuple[int, int]:
    """(open, all) service points serving a service; open = a clerk has taken it today
    (a point left taken yesterday does not count)."""
    rows = session.exec(
        select(ServicePoint.clerk_id, ServicePoint.opened_at)
        .join(PointService, col(PointService.point_id) == col(ServicePoint.id))
        .where(PointService.service_id == service_id, col(ServicePoint.active).is_(True))
    ).all()
    taken = sum(
        1 for clerk, opened in rows if clerk is not None and opened and opened >= today_from
    )
    return taken, len(rows)


def since_days(clock: Clock, days: int) -> datetime:
    return clock.now() - timedelta(days=days)
