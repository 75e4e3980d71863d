"""§18.2: the result of a decision (the certificate of registration or the decision letter)
is kept until the applicant collects it: prepared on (the day of the decision), collected on,
and the list of those not collected in time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from kezek.i18n import N_
from kezek.intake import audit
from kezek.intake.cards import IntakeError
from kezek.intake.models import Application, Card
from kezek.queue.clock import Clock


def collect(
    session: Session,
    clock: Clock,
    card: Card,
    app: Application,
    actor_id: int | None,
    on: date | None = None,
) -> Application:
    """The applicant took the result, on a day between its preparation and today."""
    if app.result_prepared_on is None:
        raise IntakeError(N_("There is no result to hand over yet."))
    if app.result_collected_on is not None:
        raise IntakeError(N_("The result was already collected."))
    now = clock.now()
    on = on or clock.business_day(now)
    if not app.result_prepared_on <= on <= clock.business_day(now):
        raise IntakeError(
            N_("The date must be between the preparation and today."), field="collected_on"
        )
    app.result_collected_on, app.result_collected_by = on, actor_id
    changes = {"collected_on": on.isoformat()}
    audit.save(session, app, card, actor_id, now, "collected", changes, application_id=app.id)
    return app


@dataclass(frozen=True)
class Uncollected:
    application: Application
    card: Card
    days: int  # since it was prepared


def uncollected(session: Session, clock: Clock, office_id: int, days: int) -> list[Uncollected]:
    """§18.2: results prepared more than ``days`` days ago and not collected, oldest first."""
    today = clock.business_day()
    rows = session.exec(
        select(Application, Card)
        .join(Card, col(Card.id) == col(Application.card_id))
        .where(
            Application.office_id == office_id,
            col(Application.result_prepared_on) < today - timedelta(days=days),
            col(Application.result_collected_on).is_(None),
        )
        .order_by(col(Application.result_prepared_on), col(Application.id))
    ).all()
    return [
        Uncollected(app, card, (today - app.result_prepared_on).days)
        for app, card in rows
        if app.result_prepared_on
    ]
