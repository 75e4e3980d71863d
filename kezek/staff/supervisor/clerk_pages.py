"""The statistics per clerk and per cabinet (issue 17): a page with a picture, CSV and XLSX.
The rules are in ``kezek.indicators.clerks``; the same figures as ``GET /api/stats/clerks``."""

from __future__ import annotations

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from kezek import db, i18n, web
from kezek.indicators import charts, clerk_export, clerks
from kezek.indicators import period as period_mod
from kezek.queue.models import Role
from kezek.staff.access import Staff, staff
from kezek.staff.supervisor.report_pages import XLSX, refused


def _period(request: Request) -> tuple[period_mod.Period, str | None]:
    """From/to (both days in); by default this month so far. A bad one: why, and the
    default."""
    today = web.state(request).clock.business_day()
    default = period_mod.Period(today.replace(day=1), today)
    params = {
        "period": "range",
        "from": request.query_params.get("from", "")[:10] or default.start.isoformat(),
        "to": request.query_params.get("to", "")[:10] or default.end.isoformat(),
    }
    try:
        return period_mod.parse_period(params, today), None
    except period_mod.PeriodError as exc:
        return default, exc.message


def _stats(request: Request, period: period_mod.Period) -> clerks.Stats:
    st = web.state(request)
    with db.reading(st.engine) as session:
        return clerks.statistics(
            session, st.office_id, period.start, period.end, web.lang(request), st.clock.now()
        )


def _chart(stats: clerks.Stats, _: i18n.Translator) -> Markup:
    lines = [
        (f.name, f.served, None if f.mean_minutes is None else i18n.number(_.lang, f.mean_minutes))
        for f in stats.clerks
    ]
    return Markup(charts.draw_clerks(lines, _).markup)  # noqa: S704 — built with escape()


@staff(Role.supervisor)
def clerks_page(request: Request, who: Staff) -> Response:
    period, problem = _period(request)
    stats = _stats(request, period)
    ctx = {
        "stats": stats,
        "period": period,
        "problem": problem,
        "chart": _chart(stats, i18n.Translator(web.lang(request))),
        "query": f"from={period.start.isoformat()}&to={period.end.isoformat()}",
    }
    return web.render(request, "supervisor/clerks.html", ctx, status_code=422 if problem else 200)


def _download(period: period_mod.Period, extension: str) -> dict[str, str]:
    name = f"clerks-{period.start.isoformat()}-{period.end.isoformat()}.{extension}"
    return {"content-disposition": f'attachment; filename="{name}"'}


@staff(Role.supervisor)
def clerks_csv(request: Request, who: Staff) -> Response:
    period, problem = _period(request)
    if problem:
        return refused(request, problem)
    text = clerk_export.as_csv(_stats(request, period), i18n.Translator(web.lang(request)))
    return Response(text, media_type="text/csv; charset=utf-8", headers=_download(period, "csv"))


@staff(Role.supervisor)
def clerks_xlsx(request: Request, who: Staff) -> Response:
    period, problem = _period(request)
    if problem:
        return refused(request, problem)
    language = web.lang(request)
    office = web.state(request).profile.name.get(language)
    data = clerk_export.as_xlsx(_stats(request, period), office, i18n.Translator(language))
    return Response(data, media_type=XLSX, headers=_download(period, "xlsx"))
