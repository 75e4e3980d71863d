"""The accuracy of the quoted waits (issue 19): ``kezek.forecast.estimate_accuracy`` for a
period, per service and per day, with its chart. Sync: Starlette runs it in a worker thread."""

from __future__ import annotations

from datetime import date, timedelta

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from kezek import db, i18n, web
from kezek.forecast import estimate_accuracy, estimate_charts
from kezek.i18n import N_
from kezek.queue.errors import InvalidInput, QueueError
from kezek.queue.models import Role
from kezek.staff.access import Staff, staff

MAX_DAYS = 3 * 366  # as the reports' periods (indicators.period)


def _day(request: Request, name: str, default: date) -> date:
    raw = request.query_params.get(name, "")[:10]
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(N_("Enter the day as YYYY-MM-DD.")) from None


def period(request: Request, today: date) -> tuple[date, date]:
    """``?from=&to=``, else the year up to yesterday."""
    last = _day(request, "to", today - timedelta(days=1))
    first = _day(request, "from", last - timedelta(days=364))
    if last < first:
        raise InvalidInput(N_("The period ends before it starts."))
    if (last - first).days > MAX_DAYS:  # answered on the request: `kezek estimates` reads more
        raise InvalidInput(N_("A period is at most three years."))
    return first, last


@staff(Role.supervisor)
def estimates_page(request: Request, who: Staff) -> Response:
    st = web.state(request)
    _ = i18n.Translator(web.lang(request))
    ctx: dict[str, object] = {"nav": "estimates", "error": None, "found": None}
    try:
        first, last = period(request, st.clock.business_day())
    except QueueError as exc:
        ctx |= {"error": web.queue_text(request, exc), "first": "", "last": ""}
        return web.render(request, "supervisor/estimates.html", ctx, status_code=exc.status_code)
    with db.reading(st.engine) as session:
        found = estimate_accuracy.report(session, st.office_id, first, last)
    chart = estimate_charts.draw_errors(found, _)
    ctx |= {
        "found": found,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "chart": Markup(chart.markup),  # noqa: S704 — built with escape()
        "names": {s.code: s.name(web.lang(request)) for s in st.services.values()},
    }
    return web.render(request, "supervisor/estimates.html", ctx)
