"""§18.2: the audit trail of personal record cards — who viewed or changed what, and when.

Only ``write`` adds rows; nothing in the code updates or deletes them, and the database
refuses it too (triggers in the migration). Clerks cannot read it; supervisors can.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from kezek.i18n import N_
from kezek.intake.models import AuditEntry, Card

ACTIONS = {
    "view": N_("viewed the card"),
    "search": N_("found the card in a search by name"),
    "create": N_("opened the card"),
    "update": N_("changed the card"),
    "application": N_("started an application"),
    "documents": N_("recorded documents"),
    "incomplete": N_("gave the list of missing documents"),
    "accept": N_("accepted the application"),
    "decide": N_("recorded the decision"),
    "correct": N_("marked the case as corrected"),
    "referral": N_("recorded a referral"),
    "certificate": N_("printed the certificate"),
    "print": N_("printed at the desk"),
    "visit": N_("linked a visit"),
    "indicator_list": N_("opened the list behind an indicator"),
    "employment": N_("recorded the end of the registration"),
    "collected": N_("recorded that the result was collected"),
}


def save(
    session: Session,
    row: Any,
    card: Card,
    actor_id: int | None,
    at: datetime,
    action: str,
    changes: dict[str, Any] | None = None,
    application_id: int | None = None,
) -> None:
    """Save a changed row of a card's case, then its audit entry (it needs the row's id)."""
    session.add(row)
    session.flush()
    write(session, card, actor_id, at, action, changes, application_id)


def write(
    session: Session,
    card: Card,
    actor_id: int | None,
    at: datetime,
    action: str,
    changes: dict[str, Any] | None = None,
    application_id: int | None = None,
) -> None:
    assert card.id is not None and action in ACTIONS
    text = json.dumps(changes, ensure_ascii=False, default=str)[:4000] if changes else None
    session.add(
        AuditEntry(
            office_id=card.office_id,
            card_id=card.id,
            application_id=application_id,
            actor_id=actor_id,
            at=at,
            action=action,
            changes=text,
        )
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{"field": [old, new]} for the fields that changed."""
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }


def trail(
    session: Session, office_id: int, card_id: int | None = None, limit: int = 200
) -> Sequence[AuditEntry]:
    """The newest entries first, of one card or of the whole office."""
    query = select(AuditEntry).where(AuditEntry.office_id == office_id)
    if card_id is not None:
        query = query.where(AuditEntry.card_id == card_id)
    return session.exec(query.order_by(col(AuditEntry.id).desc()).limit(limit)).all()


def changes_of(entry: AuditEntry) -> dict[str, Any]:
    return json.loads(entry.changes) if entry.changes else {}
