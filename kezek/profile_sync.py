"""The office profile put into the database, and the office clock built from it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from kezek.public_holidays import office_holidays
from kezek.queue.clock import Clock, DayHours, Schedule
from kezek.queue.models import Office, PointService, Service, ServicePoint
from kezek.queue.order import CallOrder
from kezek.settings import WEEKDAYS, Profile


def schedule(profile: Profile) -> Schedule:
    week = {
        WEEKDAYS.index(day): DayHours(open=h.open, close=h.close, lunch=h.lunch)
        for day, h in profile.schedule.items()
    }
    closed = office_holidays(profile.holidays, profile.statutory_holidays)
    return Schedule(zone=profile.zone, week=week, holidays=closed)


def clock(profile: Profile) -> Clock:
    return Clock(schedule(profile))


def call_order(profile: Profile) -> CallOrder:
    """The profile's call order for ``tickets.call_next`` (issue 17, appendix 1.2)."""
    targets = [s.target_wait_minutes for s in profile.services]
    return CallOrder(
        rule=profile.call_order,
        warn_minutes=profile.warn_wait_minutes,
        overdue_minutes=profile.overdue_call_minutes,
        lookback_minutes=min(profile.warn_wait_minutes, *targets),
    )


def sync_profile(session: Session, profile: Profile) -> Office:
    """Create or update the office, its service points and services from the profile.

    Services and points missing from the profile are deactivated, never deleted: their
    history stays in the reports.
    """
    if session.get_bind().dialect.name == "postgresql":
        # Workers start together and each loads the profile: one at a time (SQLite's write
        # lock does this there). Found by the 2-worker display benchmark.
        session.execute(sa.text("SELECT pg_advisory_xact_lock(70610001)"))
    office = session.exec(select(Office).where(Office.slug == profile.slug)).first()
    if office is None:
        office = Office(slug=profile.slug, timezone=profile.timezone)
    office.timezone = profile.timezone
    session.add(office)
    session.flush()
    assert office.id is not None
    points: dict[str, ServicePoint] = {
        p.code: p
        for p in session.exec(select(ServicePoint).where(ServicePoint.office_id == office.id))
    }
    for point in points.values():
        point.active = False
    for spec in profile.points:
        point = points.get(spec.code) or ServicePoint(
            office_id=office.id, code=spec.code, name_kk="", name_ru="", name_en=""
        )
        point.name_kk, point.name_ru, point.name_en = spec.names.kk, spec.names.ru, spec.names.en
        point.active = True
        points[spec.code] = point
        session.add(point)
    services: dict[str, Service] = {
        s.code: s for s in session.exec(select(Service).where(Service.office_id == office.id))
    }
    for service in services.values():
        service.active = False
    for sspec in profile.services:
        service = services.get(sspec.code) or Service(
            office_id=office.id, code=sspec.code, letter="", name_kk="", name_ru="", name_en=""
        )
        service.letter = sspec.letter
        service.name_kk, service.name_ru, service.name_en = (
            sspec.names.kk,
            sspec.names.ru,
            sspec.names.en,
        )
        service.target_wait_minutes = sspec.target_wait_minutes
        service.registration = sspec.registration
        service.appendix = sspec.appendix
        service.active = True
        services[sspec.code] = service
        session.add(service)
    session.flush()
    for link in session.exec(
        select(PointService)
        .join(Service, col(Service.id) == col(PointService.service_id))
        .where(Service.office_id == office.id)
    ).all():
        session.delete(link)
    session.flush()
    for sspec in profile.services:
        for code in sspec.points:
            point_id, service_id = points[code].id, services[sspec.code].id
            assert point_id is not None and service_id is not None
            session.add(PointService(point_id=point_id, service_id=service_id))
    session.flush()
    return office
