"""Supervisor report pages: the appendix table with its pictures, and its downloads."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from markupsafe import Markup
from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from kezek import db, i18n, web
from kezek.indicators import charts, export, table
from kezek.indicators import period as period_mod
from kezek.intake import states
from kezek.public import info
from kezek.queue.models import Role, Service
from kezek.staff.access import Staff, staff

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def period_of(request: Request) -> tuple[period_mod.Period, str | None]:
    """The period asked for, or this year and why the one asked for was refused (the pages
    show this year with the reason, answered 422)."""
    today = web.state(request).clock.business_day()
    try:
        return period_mod.parse_period(request.query_params, today), None
    except period_mod.PeriodError as exc:
        return period_mod.Period.year(today.year), exc.message


def refused(request: Request, problem: str) -> Response:
    """An export of a bad period: a 422 with the reason, never a file of another period nor a
    half file (issue 14 §7: the period is checked before a byte is sent)."""
    text = i18n.gettext(web.lang(request), problem)
    return Response(text + "\n", status_code=422, media_type="text/plain; charset=utf-8")


def services_of(session: Session, st: web.State) -> list[Service]:
    """The office's services, those the appendix measures first (issue 13, item 6)."""
    found = session.exec(
        select(Service).where(Service.office_id == st.office_id, col(Service.active).is_(True))
    ).all()
    return sorted(found, key=lambda s: (not s.appendix, s.id or 0))


def service_of(request: Request, session: Session, st: web.State) -> int | None:
    """``?service=CODE``: the table for that service alone; otherwise the measured ones."""
    code = request.query_params.get("service", "")[:32]
    return next((s.id for s in services_of(session, st) if s.code == code), None)


def _rows(
    session: Session, st: web.State, period: period_mod.Period, request: Request
) -> list[table.IndicatorRow]:
    """The appendix table alone (the exports: no pictures)."""
    return table.compute(
        session,
        st.office_id,
        period.start,
        period.end,
        published=info.coverage(st.profile),
        as_of=st.clock.business_day(),
        service_id=service_of(request, session, st),
    )


def _report(request: Request, period: period_mod.Period) -> tuple[table.Report, list[Service]]:
    st = web.state(request)
    with db.reading(st.engine) as session:
        services = services_of(session, st)
        found = table.report(
            session,
            st.office_id,
            period,
            published=info.coverage(st.profile),
            as_of=st.clock.business_day(),
            zone=st.profile.zone,
            service_id=service_of(request, session, st),
        )
    return found, services


def pictures(report: table.Report, _: i18n.Translator) -> list[charts.Svg]:
    weekdays = [_(name) for name in web.WEEKDAY_NAMES]
    return [
        charts.draw_waits(report.waits, _),
        charts.draw_daily(report.daily, _),
        charts.draw_arrivals(report.arrivals, weekdays, _),
    ]


@staff(Role.supervisor)
def report_page(request: Request, who: Staff) -> Response:
    period, problem = period_of(request)
    report, services = _report(request, period)
    _ = i18n.Translator(web.lang(request))
    ctx = {
        "report": report,
        "period": period,
        "problem": problem,
        "charts": [Markup(svg.markup) for svg in pictures(report, _)],  # noqa: S704 — built with escape()
        "query": request.url.query,
        "params": request.query_params,
        "value_text": export.value_text,
        "today": web.state(request).clock.business_day(),
        "services": services,
        "service": request.query_params.get("service", ""),
        "states": _states(request, period),
        "state_names": states.STATE_NAMES,
    }
    return web.render(request, "supervisor/report.html", ctx, status_code=422 if problem else 200)


def _states(request: Request, period: period_mod.Period) -> dict[str, int]:
    """Applications opened in the period by state, suspension (§17) on its own line."""
    st = web.state(request)
    with db.reading(st.engine) as session:
        return states.counts(session, st.office_id, period.start, period.end, st.profile.zone)


def _download(name: str, period: period_mod.Period, extension: str) -> dict[str, str]:
    filename = f"{name}-{period.start.isoformat()}-{period.end.isoformat()}.{extension}"
    return {"content-disposition": f'attachment; filename="{filename}"'}


def _links(request: Request) -> export.Links:
    """The address of the list behind each figure, for the same period (issue 13)."""
    query = request.url.query

    def link(code: str) -> str:
        url = str(request.url_for("indicator_list", code=code))
        return f"{url}?{query}" if query else url

    return link


@staff(Role.supervisor)
def report_csv(request: Request, who: Staff) -> Response:
    st = web.state(request)
    period, problem = period_of(request)
    if problem:
        return refused(request, problem)
    with db.reading(st.engine) as session:
        rows = _rows(session, st, period, request)
    text = export.table_csv(rows, period, i18n.Translator(web.lang(request)), _links(request))
    return Response(
        text, media_type="text/csv; charset=utf-8", headers=_download("indicators", period, "csv")
    )


@staff(Role.supervisor)
def report_xlsx(request: Request, who: Staff) -> Response:
    st = web.state(request)
    period, problem = period_of(request)
    if problem:
        return refused(request, problem)
    language = web.lang(request)
    with db.reading(st.engine) as session:
        rows = _rows(session, st, period, request)
        data = export.workbook(
            session,
            st.office_id,
            period,
            rows,
            st.profile.zone,
            st.profile.name.get(language),
            i18n.Translator(language),
            links=_links(request),
        )
    return Response(data, media_type=XLSX, headers=_download("indicators", period, "xlsx"))


@staff(Role.supervisor)
def tickets_csv(request: Request, who: Staff) -> Response:
    st = web.state(request)
    period, problem = period_of(request)
    if problem:
        return refused(request, problem)
    _ = i18n.Translator(web.lang(request))

    def chunks() -> Iterator[str]:
        with db.reading(st.engine) as session:
            yield from export.tickets_csv(session, st.office_id, period, st.profile.zone, _)

    # The header and the first month's rows are read before the answer starts: a failing
    # query is an error answer (503 when the database is away), never a 200 with a half file.
    body = chunks()
    first = list(itertools.islice(body, 2))
    return StreamingResponse(
        itertools.chain(first, body),
        media_type="text/csv; charset=utf-8",
        headers=_download("tickets", period, "csv"),
    )
