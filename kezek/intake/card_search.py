"""Cards by surname and name (issue 17): every typed word, folded as the card's names are
(``names``), must be the start of one of the card's words; Cyrillic and Latin spellings
find the same card. Each search is written down (``CardSearch``: who, when, how many; not
what was typed), and each card it shows gets a card-audit entry (§18.2)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from kezek.i18n import N_
from kezek.intake import audit, names
from kezek.intake.cards import IntakeError
from kezek.intake.models import Card, CardSearch

LIMIT = 20  # more than a clerk reads; a longer name narrows it
TOO_SHORT = N_("Type at least two letters of the surname or the name.")
TOO_LONG = N_("At most %(limit)s characters.")


def query_words(raw: str) -> list[str]:
    """The folded words of a search, or IntakeError (a msgid) for one nobody can mean."""
    if len(raw) > names.MAX_QUERY:
        raise IntakeError(TOO_LONG, field="q", limit=names.MAX_QUERY)
    found = names.words(raw)
    if not found or any(len(word) < names.MIN_WORD for word in found):
        raise IntakeError(TOO_SHORT, field="q")
    return found[:4]


def search(
    session: Session, office_id: int, raw: str, actor_id: int | None, at: datetime
) -> list[Card]:
    words = query_words(raw)
    query = select(Card).where(Card.office_id == office_id)
    for word in words:  # letters a-z only (names.words): nothing to escape in the pattern
        query = query.where(col(Card.search_key).like(f"% {word}%"))
    order = (sa.func.lower(col(Card.surname)), sa.func.lower(col(Card.name)), col(Card.id))
    found = list(session.exec(query.order_by(*order).limit(LIMIT)).all())
    session.add(CardSearch(office_id=office_id, actor_id=actor_id, at=at, results=len(found)))
    for card in found:
        audit.write(session, card, actor_id, at, "search", {"results": len(found)})
    return found
