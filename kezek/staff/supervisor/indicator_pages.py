"""Behind every figure of the report: the list of what its numerator and denominator count,
with the rule for each, and a definition page per indicator. Supervisors only; a list that
shows cards writes one audit entry per card it shows (§18.2), with the indicator and period."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from kezek import db, web
from kezek.i18n import N_
from kezek.indicators import definitions, drilldown, table
from kezek.indicators.listing import (
    ABOVE,
    DENOMINATOR,
    LEFT_OUT,
    LIMIT,
    NUMERATOR,
    Entry,
    Listing,
)
from kezek.indicators.models import IndicatorListView
from kezek.intake import audit, iin
from kezek.public import info
from kezek.queue.models import Role
from kezek.staff.access import Staff, staff
from kezek.staff.supervisor.report_pages import period_of

PARTS = {
    NUMERATOR: N_("above and below the line"),
    ABOVE: N_("above the line only"),
    DENOMINATOR: N_("below the line only"),
    LEFT_OUT: N_("left out"),
}


def _code(request: Request) -> str | None:
    code = str(request.path_params["code"])
    return code if code in table.BY_CODE else None


def _missing(request: Request) -> Response:
    return web.render(request, "supervisor/missing.html", status_code=404)


def _published(st: web.State) -> Listing:
    """3.3: the items of the public information page, published or not."""
    shown = {item.key for item in info.published(st.profile)}
    listing = Listing("3.3")
    today = st.clock.business_day()
    for item in info.INFO_ITEMS:
        part, rule = (
            (NUMERATOR, N_("published on the information page"))
            if item.key in shown
            else (DENOMINATOR, N_("not published: the office profile lacks it"))
        )
        listing.entries.append(Entry(part, rule, {}, item.clause, today, item.title))
    return listing


@staff(Role.supervisor)
def indicator_list(request: Request, who: Staff) -> Response:
    code = _code(request)
    if code is None:
        return _missing(request)
    st = who.st
    period, problem = period_of(request)
    lang = web.lang(request)
    with db.transaction(st.engine) as session:
        if code == "3.3":
            listing = _published(st)
        else:
            build = drilldown.BUILDERS[code]
            today = st.clock.business_day()
            listing = build(
                session, st.office_id, period.start, period.end, today, st.profile.zone, lang
            )
        now = st.clock.now()
        session.add(  # every opening, whatever the list shows (§18.2, issue 13)
            IndicatorListView(
                office_id=st.office_id,
                actor_id=who.user_id,
                at=now,
                indicator=code,
                period_start=period.start,
                period_end=period.end,
                entries=len(listing.entries),
            )
        )
        opened = {"indicator": code, "period": f"{period.start} – {period.end}"}
        for card in listing.cards:  # the personal data this list shows (§18.2)
            audit.write(session, card, who.user_id, now, "indicator_list", opened)
    ctx: dict[str, Any] = {
        "indicator": table.BY_CODE[code],
        "listing": listing,
        "period": period,
        "problem": problem,
        "query": request.url.query,
        "parts": PARTS,
        "mask": iin.mask,
        "cards": bool(listing.cards) or code in ("1.1", "2.2", "3.2"),
        "limit": LIMIT,
    }
    return web.render(request, "supervisor/indicator_list.html", ctx)


@staff(Role.supervisor)
def indicator_definition(request: Request, who: Staff) -> Response:
    code = _code(request)
    if code is None:
        return _missing(request)
    ctx = {
        "indicator": table.BY_CODE[code],
        "definition": definitions.DEFINITIONS[code],
        "clause": definitions.clause(code),
        "query": request.url.query,
    }
    return web.render(request, "supervisor/indicator_definition.html", ctx)
