"""Supervisor pages under /staff/supervisor (login and role checks: ``kezek.staff.access``).

Small endpoints: parse, call one function of ``kezek.indicators``, render.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from markupsafe import Markup
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from kezek import db, i18n, web
from kezek.i18n import N_
from kezek.indicators import charts, complaints, export, live, table, targets
from kezek.indicators.models import Complaint
from kezek.public import info
from kezek.queue.models import Role
from kezek.queue.tickets import QueueError
from kezek.staff.access import Staff, staff

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@staff(Role.supervisor)
def dashboard(request: Request, who: Staff) -> Response:
    st = web.state(request)
    with db.reading(st.engine) as session:
        board = live.dashboard(session, st.clock, st.office_id, st.profile.warn_wait_minutes)
        due = complaints.open_complaints(session, st.office_id)
    ctx = {
        "board": board,
        "open_complaints": due,
        "today": st.clock.business_day(),
        "complaint_state": complaints.state,
    }
    block = "live" if web.is_htmx(request) else None
    return web.render(request, "supervisor/dashboard.html", ctx, block=block)


@staff(Role.clerk)
def early_warning(request: Request, who: Staff) -> Response:
    """The early warning as a fragment: the clerk console includes it (hx-get, every 30 s)."""
    st = web.state(request)
    with db.reading(st.engine) as session:
        found = live.warnings(session, st.clock, st.office_id, st.profile.warn_wait_minutes)
    return web.render(
        request,
        "supervisor/_warning.html",
        {"warnings": found, "warn_minutes": st.profile.warn_wait_minutes},
    )


def _period(request: Request) -> tuple[table.Period, str | None]:
    today = web.state(request).clock.business_day()
    try:
        return table.parse_period(request.query_params, today), None
    except ValueError:
        return table.Period.year(today.year), N_("That period is not valid; showing this year.")


def _rows(session: Session, st: web.State, period: table.Period) -> list[table.IndicatorRow]:
    """The appendix table alone (the exports: no pictures)."""
    return table.compute(
        session,
        st.office_id,
        period.start,
        period.end,
        published=info.coverage(st.profile),
        as_of=st.clock.business_day(),
    )


def _report(request: Request, period: table.Period) -> table.Report:
    st = web.state(request)
    with db.reading(st.engine) as session:
        return table.report(
            session,
            st.office_id,
            period,
            published=info.coverage(st.profile),
            as_of=st.clock.business_day(),
            zone=st.profile.zone,
        )


def pictures(report: table.Report, _: i18n.Translator) -> list[charts.Svg]:
    weekdays = [_(name) for name in web.WEEKDAY_NAMES]
    return [
        charts.draw_waits(report.waits, _),
        charts.draw_daily(report.daily, _),
        charts.draw_arrivals(report.arrivals, weekdays, _),
    ]


@staff(Role.supervisor)
def report_page(request: Request, who: Staff) -> Response:
    period, problem = _period(request)
    report = _report(request, period)
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
    }
    return web.render(request, "supervisor/report.html", ctx)


def _download(name: str, period: table.Period, extension: str) -> dict[str, str]:
    filename = f"{name}-{period.start.isoformat()}-{period.end.isoformat()}.{extension}"
    return {"content-disposition": f'attachment; filename="{filename}"'}


@staff(Role.supervisor)
def report_csv(request: Request, who: Staff) -> Response:
    st = web.state(request)
    period, _problem = _period(request)
    with db.reading(st.engine) as session:
        rows = _rows(session, st, period)
    text = export.table_csv(rows, period, i18n.Translator(web.lang(request)))
    return Response(
        text, media_type="text/csv; charset=utf-8", headers=_download("indicators", period, "csv")
    )


@staff(Role.supervisor)
def report_xlsx(request: Request, who: Staff) -> Response:
    st = web.state(request)
    period, _problem = _period(request)
    language = web.lang(request)
    with db.reading(st.engine) as session:
        rows = _rows(session, st, period)
        data = export.workbook(
            session,
            st.office_id,
            period,
            rows,
            st.profile.zone,
            st.profile.name.get(language),
            i18n.Translator(language),
        )
    return Response(data, media_type=XLSX, headers=_download("indicators", period, "xlsx"))


@staff(Role.supervisor)
def tickets_csv(request: Request, who: Staff) -> Response:
    st = web.state(request)
    period, _problem = _period(request)
    _ = i18n.Translator(web.lang(request))

    def chunks() -> Iterator[str]:
        with db.reading(st.engine) as session:
            yield from export.tickets_csv(session, st.office_id, period, st.profile.zone, _)

    return StreamingResponse(
        chunks(), media_type="text/csv; charset=utf-8", headers=_download("tickets", period, "csv")
    )


# --- complaints journal ------------------------------------------------------------------


@staff(Role.supervisor)
def journal(request: Request, who: Staff) -> Response:
    st = web.state(request)
    period, problem = _period(request)
    with db.reading(st.engine) as session:
        rows = complaints.journal(session, st.office_id, period.start, period.end)
        pending = complaints.open_complaints(session, st.office_id)
    return web.render(
        request,
        "supervisor/complaints.html",
        {
            "complaints": rows,
            "open_complaints": pending,
            "period": period,
            "problem": problem,
            "today": st.clock.business_day(),
            "complaint_state": complaints.state,
            "params": request.query_params,
        },
    )


@staff(Role.clerk)
def complaint_new(request: Request, who: Staff) -> Response:
    """Register a complaint (any staff member at the desk); then its talon is printed."""
    st = web.state(request)
    ctx = {
        "today": st.clock.business_day(),
        "form": who.form,
        "error": None,
        "answer_days": st.profile.complaint_answer_days,
    }
    if request.method == "GET":
        return web.render(request, "supervisor/complaint_new.html", ctx)
    new = complaints.NewComplaint(
        complainant=who.field("complainant", 200),
        contact=who.field("contact", 200),
        about=who.field("about", 2000),
        ticket_code=who.field("ticket_code", 16) or None,
        received_on=_date(who.field("received_on", 10)),
    )
    try:
        with db.transaction(st.engine) as session:
            row = complaints.register(
                session, st.clock, st.office_id, st.profile.complaint_answer_days, new, who.user_id
            )
    except QueueError as exc:
        ctx["error"] = web.queue_text(request, exc)
        return web.render(request, "supervisor/complaint_new.html", ctx, status_code=422)
    failed = _print_complaint(st, who, row)
    return RedirectResponse(
        f"{request.url_for('complaint', complaint_id=row.id)}?printed={0 if failed else 1}",
        status_code=303,
    )


def _desk_point(st: web.State, who: Staff) -> str | None:
    """The printer of the clerk's own cabinet today, else cabinet No. 1's, where §22 sends
    complaints (the head or the deputy), else any desk printer."""
    from kezek.staff.panel import my_point

    desks = st.profile.printers.desk
    with db.reading(st.engine) as session:
        mine = my_point(session, st, who.user_id)
    for code in (mine.code if mine else None, "cab1", *sorted(desks)):
        if code and code in desks:
            return code
    return None


def _print_complaint(st: web.State, who: Staff, row: Complaint) -> str | None:
    """Print the complaint talon (§21–23): number, date received, answer due. Saved first,
    printed second: a printer fault loses nothing and the talon can be printed again."""
    from kezek.printing import printers
    from kezek.printing.talons import ComplaintTalon, render_complaint_talon
    from kezek.staff import desk

    code = _desk_point(st, who)
    url = desk.printer_url(st, code) if code else None
    if not url:
        return "no desk printer is configured"
    talon = ComplaintTalon(
        number=row.label,
        received_on=row.received_on,
        answer_due=row.answer_due,
        office=desk.office(st),
        phones=tuple(st.profile.phones),
    )
    image = render_complaint_talon(talon, st.profile.printers.paper_width)
    # The job is named by the journal number and the time (a reprint is a new job): no
    # personal data in file names or logs.
    stamp = st.clock.local().strftime("%Y%m%d-%H%M%S")
    outcome = printers.print_image(url, image, name=f"complaint-{row.label}-{stamp}")
    return None if outcome.ok else (outcome.error or "failed")


def _complaint(session: Session, st: web.State, request: Request) -> Complaint | None:
    """The complaint of the URL, if it is this office's."""
    try:
        return complaints.get(session, st.office_id, request.path_params["complaint_id"])
    except QueueError:
        return None


def _missing(request: Request) -> Response:
    return web.render(request, "supervisor/missing.html", status_code=404)


@staff(Role.clerk)
def complaint_print(request: Request, who: Staff) -> Response:
    st = web.state(request)
    with db.reading(st.engine) as session:
        row = _complaint(session, st, request)
    if row is None:
        return _missing(request)
    failed = _print_complaint(st, who, row)
    return RedirectResponse(
        f"{request.url_for('complaint', complaint_id=row.id)}?printed={0 if failed else 1}",
        status_code=303,
    )


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@staff(Role.clerk)
def complaint_page(request: Request, who: Staff) -> Response:
    """One complaint: its talon can be reprinted by the desk; a supervisor reviews it."""
    st = web.state(request)
    with db.reading(st.engine) as session:
        row = _complaint(session, st, request)
    if row is None:
        return _missing(request)
    return web.render(
        request,
        "supervisor/complaint.html",
        {
            "complaint": row,
            "today": st.clock.business_day(),
            "complaint_state": complaints.state,
            "may_review": who.may(Role.supervisor),
            "printed": request.query_params.get("printed"),
            "print_url": request.url_for("complaint_print", complaint_id=row.id),
        },
    )


@staff(Role.supervisor)
def complaint_review(request: Request, who: Staff) -> Response:
    st = web.state(request)
    verdict = who.field("justified", 3)
    if verdict not in ("yes", "no"):
        return RedirectResponse(
            request.url_for("complaint", complaint_id=request.path_params["complaint_id"]),
            status_code=303,
        )
    with db.transaction(st.engine) as session:
        row = _complaint(session, st, request)
        if row is None:
            return _missing(request)
        complaints.review(
            session, st.clock, row, verdict == "yes", who.field("answer", 4000), who.user_id
        )
    return RedirectResponse(request.url_for("complaint", complaint_id=row.id), status_code=303)


# --- targets -----------------------------------------------------------------------------


@staff(Role.supervisor)
def targets_page(request: Request, who: Staff) -> Response:
    """§20: the year's targets, approved by the working group, entered here."""
    st = web.state(request)
    raw_year = (
        who.field("year", 4) if request.method == "POST" else request.query_params.get("year", "")
    )
    year = int(raw_year) if raw_year.isdigit() else st.clock.business_day().year
    error = None
    if request.method == "POST":
        values: dict[str, float | None] = {}
        for indicator in table.INDICATORS:
            raw = who.field(f"t{indicator.code}", 12).strip().replace(",", ".")
            try:
                values[indicator.code] = float(raw) if raw else None
            except ValueError:
                values[indicator.code] = -1.0  # refused by set_targets with its message
        try:
            with db.transaction(st.engine) as session:
                targets.set_targets(session, st.clock, st.office_id, year, values, who.user_id)
            return RedirectResponse(
                f"{request.url_for('targets')}?year={year}&saved=1", status_code=303
            )
        except QueueError as exc:
            error = web.queue_text(request, exc)
    with db.reading(st.engine) as session:
        current = targets.targets(session, st.office_id, year)
    return web.render(
        request,
        "supervisor/targets.html",
        {
            "year": year,
            "current": current,
            "indicators": table.INDICATORS,
            "error": error,
            "saved": request.query_params.get("saved"),
        },
        status_code=422 if error else 200,
    )


routes: list[BaseRoute] = [
    Route("/", dashboard, name="supervisor"),
    Route("/warning", early_warning, name="early_warning"),
    Route("/report", report_page, name="supervisor_report"),
    Route("/report.csv", report_csv, name="supervisor_report_csv"),
    Route("/report.xlsx", report_xlsx, name="supervisor_report_xlsx"),
    Route("/tickets.csv", tickets_csv, name="supervisor_tickets_csv"),
    Route("/complaints", journal, name="complaints"),
    Route("/complaints/new", complaint_new, methods=["GET", "POST"], name="complaint_new"),
    Route("/complaints/{complaint_id:int}", complaint_page, name="complaint"),
    Route(
        "/complaints/{complaint_id:int}/print",
        complaint_print,
        methods=["POST"],
        name="complaint_print",
    ),
    Route(
        "/complaints/{complaint_id:int}/review",
        complaint_review,
        methods=["POST"],
        name="complaint_review",
    ),
    Route("/targets", targets_page, methods=["GET", "POST"], name="targets"),
]
