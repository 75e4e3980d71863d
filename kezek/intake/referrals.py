"""Referrals of a registered person (§25): a vacancy notice, public works, training."""

from __future__ import annotations

from sqlmodel import Session

from kezek.i18n import N_
from kezek.intake import audit
from kezek.intake.cards import IntakeError
from kezek.intake.models import (
    Card,
    Referral,
    ReferralKind,
)
from kezek.queue.clock import Clock

REFERRAL_NAMES = {
    ReferralKind.vacancy: N_("Vacancy notice given"),
    ReferralKind.public_works: N_("Referral to public works"),
    ReferralKind.training: N_("Referral to vocational training"),
}


def refer(
    session: Session,
    clock: Clock,
    card: Card,
    actor_id: int | None,
    *,
    kind: str,
    detail: str,
    consent: bool,
) -> Referral:
    """§25: a vacancy notice, or a referral to public works (with consent) or training."""
    detail = " ".join(detail.split())[:500]
    if kind not in {k.value for k in ReferralKind}:
        raise IntakeError(N_("Choose the kind of referral."), field="kind")
    if not detail:
        raise IntakeError(N_("Write the vacancy, the works or the course."), field="detail")
    if kind == ReferralKind.public_works and not consent:
        # §25.2: public works only with the applicant's consent, recorded.
        raise IntakeError(
            N_("A referral to public works needs the applicant's consent."), field="consent"
        )
    now = clock.now()
    assert card.id is not None
    row = Referral(
        office_id=card.office_id,
        card_id=card.id,
        kind=kind,
        detail=detail,
        consent=consent,
        at=now,
        by=actor_id,
    )
    audit.save(session, row, card, actor_id, now, "referral", {"kind": kind, "consent": consent})
    return row
