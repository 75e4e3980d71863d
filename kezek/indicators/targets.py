"""Target values per year, approved by the working groups and entered by a supervisor (§20)."""

from __future__ import annotations

from sqlmodel import Session

from kezek.i18n import N_
from kezek.indicators.data import targets
from kezek.indicators.models import IndicatorTarget
from kezek.indicators.table import BY_CODE
from kezek.queue.clock import Clock
from kezek.queue.tickets import InvalidInput

__all__ = ["set_targets", "targets"]


def set_targets(
    session: Session,
    clock: Clock,
    office_id: int,
    year: int,
    values: dict[str, float | None],
    set_by: int | None,
) -> dict[str, float]:
    """Save a year's targets; ``None`` removes one. Percentages from 0 to 100."""
    if not 2000 <= year <= 2100:
        raise InvalidInput(N_("Choose a year between 2000 and 2100."))
    for code, value in values.items():
        if code not in BY_CODE:
            raise InvalidInput(N_("Unknown indicator %(code)s."), code=code[:8])
        if value is not None and not 0 <= value <= 100:
            raise InvalidInput(N_("A target is a percentage from 0 to 100."))
    for code, value in values.items():
        row = session.get(IndicatorTarget, (office_id, year, code))
        if value is None:
            if row is not None:
                session.delete(row)
            continue
        row = row or IndicatorTarget(office_id=office_id, year=year, code=code, value=value)
        row.value, row.set_by, row.set_at = value, set_by, clock.now()
        session.add(row)
    session.flush()
    return targets(session, office_id, year)
