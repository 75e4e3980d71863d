"""The decision on an application (§17: registered, or refused on a ground) and its
correction by a supervisor (indicator 2.2)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from kezek.i18n import N_
from kezek.intake import audit
from kezek.intake.applications import _require
from kezek.intake.cards import IntakeError
from kezek.intake.models import (
    Application,
    AppStatus,
    Card,
    RefusalGround,
)
from kezek.queue.clock import Clock

GROUND_NAMES = {
    RefusalGround.documents_missing: N_("Documents required for registration are missing (§17.1)"),
    RefusalGround.employed: N_(
        "The person is employed under Article 2 of the Employment law (§17.2)"
    ),
}


def decide(
    session: Session,
    clock: Clock,
    card: Card,
    app: Application,
    actor_id: int | None,
    *,
    outcome: str,
    ground: str = "",
    comment: str = "",
    registered_on: date | None = None,
) -> Application:
    """Registered as unemployed (a date), or refused on a §17 ground with a comment."""
    comment = " ".join(comment.split())[:1000]
    now = clock.now()
    today = clock.business_day(now)
    if outcome == AppStatus.registered:
        _require(app, AppStatus.accepted)
        registered_on = registered_on or today
        accepted_on = clock.business_day(app.accepted_at)
        if not accepted_on <= registered_on <= today:
            raise IntakeError(
                N_("The date of registration must be between the acceptance and today."),
                field="registered_on",
            )
        app.registered_on, app.refusal_ground = registered_on, None
    elif outcome == AppStatus.refused:
        if ground not in {g.value for g in RefusalGround}:
            raise IntakeError(N_("A refusal needs one of the grounds of §17."), field="ground")
        if not comment:
            raise IntakeError(N_("Write a comment on the refusal."), field="comment")
        # Missing documents may end an application that was never accepted; employment
        # is decided on an accepted one.
        allowed = (
            (AppStatus.open, AppStatus.accepted)
            if ground == RefusalGround.documents_missing
            else (AppStatus.accepted,)
        )
        _require(app, *allowed)
        app.refusal_ground = ground
    else:
        raise IntakeError(N_("Choose the decision."), field="outcome")
    app.status, app.decided_at, app.decided_by = outcome, now, actor_id
    app.decision_comment = comment
    # §18.2: the result (the certificate or the decision letter) is ready from today.
    app.result_prepared_on, app.result_collected_on, app.result_collected_by = today, None, None
    # Indicator 1.1: decided within the term, counted for accepted applications only.
    app.decided_in_term = today <= app.deadline if app.deadline else None
    audit.save(
        session,
        app,
        card,
        actor_id,
        now,
        "decide",
        {
            "outcome": outcome,
            "ground": app.refusal_ground,
            "registered_on": registered_on.isoformat() if registered_on else None,
        },
        application_id=app.id,
    )
    return app


def mark_corrected(
    session: Session, clock: Clock, card: Card, app: Application, actor_id: int | None, reason: str
) -> Application:
    """Indicator 2.2: the supervisor found the case processed incorrectly and had it corrected."""
    reason = " ".join(reason.split())[:1000]
    if not reason:
        raise IntakeError(N_("Write what was corrected."), field="reason")
    if app.accepted_at is None:
        raise IntakeError(N_("Only an accepted application can be marked as corrected."))
    if app.corrected_at is not None:
        raise IntakeError(N_("This application is already marked as corrected."))
    now = clock.now()
    app.corrected_at, app.corrected_by, app.correction_reason = now, actor_id, reason
    audit.save(
        session, app, card, actor_id, now, "correct", {"reason": reason}, application_id=app.id
    )
    return app
