"""Supervisor pages under /staff/supervisor (login and role checks: ``kezek.staff.access``).

Small endpoints: parse, call one function of ``kezek.indicators``, render. The report pages
are in ``report_pages``, the complaints journal in ``complaint_pages``; the mount's routes are here.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from kezek import db, web, web_bounds
from kezek.indicators import complaints, live, table, targets
from kezek.queue import pauses
from kezek.queue.models import Role
from kezek.queue.tickets import QueueError
from kezek.staff.access import Staff, staff
from kezek.staff.supervisor.booking_pages import bookings_csv, bookings_page
from kezek.staff.supervisor.clerk_pages import clerks_csv, clerks_page, clerks_xlsx
from kezek.staff.supervisor.complaint_pages import (
    complaint_amend,
    complaint_new,
    complaint_page,
    complaint_print,
    complaint_review,
    journal,
)
from kezek.staff.supervisor.estimate_pages import estimates_page
from kezek.staff.supervisor.hall_pages import hall_page, hall_withdraw
from kezek.staff.supervisor.indicator_pages import indicator_definition, indicator_list
from kezek.staff.supervisor.plan_pages import plan_page, what_if
from kezek.staff.supervisor.report_pages import report_csv, report_page, report_xlsx, tickets_csv


@staff(Role.supervisor)
def dashboard(request: Request, who: Staff) -> Response:
    st = web.state(request)
    with db.reading(st.engine) as session:
        board = live.dashboard(session, st.clock, st.office_id, st.profile.warn_wait_minutes)
        due = complaints.open_complaints(session, st.office_id)
        paused = pauses.open_pauses(session, st.office_id)  # issue 17
    ctx = {
        "paused": paused,
        "pause_reasons": pauses.REASONS,
        "board": board,
        "open_complaints": due,
        "today": st.clock.business_day(),
        "complaint_state": complaints.state,
    }
    block = "live" if web.asks_for(request, "live") else None
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


# --- targets -----------------------------------------------------------------------------


@staff(Role.supervisor)
def targets_page(request: Request, who: Staff) -> Response:
    """§20: the year's targets, approved by the working group, entered here."""
    st = web.state(request)
    raw_year = (
        who.field("year", 4) if request.method == "POST" else request.query_params.get("year", "")
    )
    year = web_bounds.number(raw_year, low=2000, high=2100) or st.clock.business_day().year
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
    Route("/report/{code}", indicator_list, name="indicator_list"),  # issue 13: the drill-down
    Route("/indicators/{code}", indicator_definition, name="indicator_definition"),
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
    Route(
        "/complaints/{complaint_id:int}/amend",
        complaint_amend,
        methods=["POST"],
        name="complaint_amend",
    ),
    Route("/plan", plan_page, name="plan"),  # issue 19
    Route("/plan/what-if", what_if, name="plan_what_if"),
    Route("/estimates", estimates_page, name="supervisor_estimates"),  # issue 19
    Route("/targets", targets_page, methods=["GET", "POST"], name="targets"),
    Route("/clerks", clerks_page, name="supervisor_clerks"),  # issue 17
    Route("/bookings", bookings_page, name="supervisor_bookings"),  # issue 18
    Route("/bookings.csv", bookings_csv, name="supervisor_bookings_csv"),
    Route("/clerks.csv", clerks_csv, name="supervisor_clerks_csv"),
    Route("/clerks.xlsx", clerks_xlsx, name="supervisor_clerks_xlsx"),
    Route("/hall", hall_page, methods=["GET", "POST"], name="supervisor_hall"),  # issue 17
    Route("/hall/withdraw", hall_withdraw, methods=["POST"], name="supervisor_hall_withdraw"),
]
