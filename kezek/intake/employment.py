"""The end of a registration as unemployed — placed into work (through a vacancy referral,
§25.1, or otherwise) or de-registered — with its date and reason; and whether a person is
registered today, which the §25.4 certificate needs."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from kezek.i18n import N_
from kezek.intake import audit
from kezek.intake.cards import IntakeError
from kezek.intake.models import Application, AppStatus, Card, EndKind, Referral, ReferralKind
from kezek.queue.clock import Clock

END_NAMES = {
    EndKind.placed_referral: N_("Placed into work through a vacancy referral"),
    EndKind.placed_other: N_("Placed into work otherwise"),
    EndKind.deregistered: N_("De-registered"),
}


def vacancies(session: Session, card: Card) -> list[Referral]:
    """The card's vacancy referrals (§25.1), newest first: a placement may name one."""
    return list(
        session.exec(
            select(Referral)
            .where(Referral.card_id == card.id, Referral.kind == ReferralKind.vacancy)
            .order_by(col(Referral.id).desc())
        ).all()
    )


def _checked_referral(session: Session, card: Card, kind: str, referral_id: int | None) -> None:
    if kind != EndKind.placed_referral:
        return
    referral = session.get(Referral, referral_id) if referral_id else None
    if referral is None or referral.card_id != card.id or referral.kind != ReferralKind.vacancy:
        raise IntakeError(N_("Choose the vacancy referral of this card."), field="referral")


def end(
    session: Session,
    clock: Clock,
    card: Card,
    app: Application,
    actor_id: int | None,
    *,
    kind: str,
    on: date | None,
    reason: str,
    referral_id: int | None = None,
) -> Application:
    """Placed into work or de-registered, on a date (from registration to today), with a
    reason; audited. A registration ends once."""
    reason = " ".join(reason.split())[:1000]
    if app.status != AppStatus.registered or app.ended_on is not None:
        raise IntakeError(N_("Only a current registration as unemployed can end."))
    if kind not in {k.value for k in EndKind}:
        raise IntakeError(N_("Choose how the registration ends."), field="end_kind")
    now = clock.now()
    on = on or clock.business_day(now)
    if app.registered_on is None or not app.registered_on <= on <= clock.business_day(now):
        raise IntakeError(
            N_("The date must be between the registration and today."), field="ended_on"
        )
    if not reason:
        raise IntakeError(N_("Write the reason."), field="end_reason")
    _checked_referral(session, card, kind, referral_id)
    app.ended_on, app.end_kind, app.end_reason, app.ended_by = on, kind, reason, actor_id
    app.end_referral_id = referral_id if kind == EndKind.placed_referral else None
    changes = {"kind": kind, "on": on.isoformat(), "referral": app.end_referral_id}
    audit.save(session, app, card, actor_id, now, "employment", changes, application_id=app.id)
    return app


def current_registration(session: Session, card: Card) -> Application | None:
    """The card's registration as unemployed that has not ended (§25.4: the certificate)."""
    return session.exec(
        select(Application)
        .where(
            Application.card_id == card.id,
            Application.status == AppStatus.registered,
            col(Application.ended_on).is_(None),
        )
        .order_by(col(Application.id).desc())
    ).first()
