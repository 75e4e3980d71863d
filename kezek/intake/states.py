"""The states an application is in, as the standard names them (§15, §17): documents being
collected, **suspended** (documents missing: a missing-documents slip was given and the
application stays open, §17.1), accepted and awaiting the decision, registered, refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from kezek.i18n import N_
from kezek.intake.models import Application, AppStatus, Card
from kezek.queue.models import table_of

SUSPENDED = "suspended"  # §17: open with a missing-documents slip given

STATE_NAMES = {
    AppStatus.open.value: N_("Documents being collected"),
    SUSPENDED: N_("Suspended: documents missing (§17.1)"),
    AppStatus.accepted.value: N_("Accepted, awaiting the decision"),
    AppStatus.registered.value: N_("Registered as unemployed"),
    AppStatus.refused.value: N_("Refused"),
}


def state_of(app: Application) -> str:
    """The application's state; an open one with a missing-documents slip is suspended (§17)."""
    if app.status == AppStatus.open and app.incomplete_at is not None:
        return SUSPENDED
    return str(app.status)


@dataclass(frozen=True)
class Suspended:
    application: Application
    card: Card
    since: datetime  # the first missing-documents slip


def suspended(session: Session, office_id: int) -> list[Suspended]:
    """§17: the applications suspended for missing documents, longest suspended first."""
    rows = session.exec(
        select(Application, Card)
        .join(Card, col(Card.id) == col(Application.card_id))
        .where(
            Application.office_id == office_id,
            Application.status == AppStatus.open,
            col(Application.incomplete_at).is_not(None),
        )
        .order_by(col(Application.incomplete_at), col(Application.id))
    ).all()
    return [Suspended(app, card, app.incomplete_at) for app, card in rows if app.incomplete_at]


def counts(
    session: Session, office_id: int, start: date, end: date, zone: ZoneInfo
) -> dict[str, int]:
    """Applications opened in the period, by state today (§17: suspension on its own line)."""
    a = table_of(Application)
    begin = datetime.combine(start, time(0), tzinfo=zone).astimezone(UTC)
    after = datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    state = sa.case(
        (sa.and_(a.c.status == AppStatus.open.value, a.c.incomplete_at.is_not(None)), SUSPENDED),
        else_=a.c.status,
    )
    rows = session.execute(
        sa.select(state, sa.func.count())
        .where(a.c.office_id == office_id, a.c.opened_at >= begin, a.c.opened_at < after)
        .group_by(state)
    ).all()
    found = {str(name): int(number) for name, number in rows}
    return {name: found.get(name, 0) for name in STATE_NAMES}
