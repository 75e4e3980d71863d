"""``GET /api/forecast?date=YYYY-MM-DD[&target=PERCENT]`` (issue 19): the Plan page's hours
as JSON, for a supervisor's token. Sync: Starlette runs it in a worker thread, and the plan
stops at the page's time limit (503)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kezek.api import guards
from kezek.forecast import plan
from kezek.i18n import N_
from kezek.queue.errors import QueueError
from kezek.queue.models import Role
from kezek.staff import sessions
from kezek.staff.supervisor import plan_pages
from kezek.web import error_json, queue_error


def get_forecast(request: Request) -> Response:
    grant = guards.bearer(request)
    if grant is None:
        return guards.unauthorized(request)
    if sessions.rank(grant.user.role) < sessions.rank(Role.supervisor):
        return error_json(request, 403, "forbidden", N_("The plan is for supervisors."))
    if not request.query_params.get("date"):
        return error_json(request, 422, "invalid", N_("Enter the day as YYYY-MM-DD."))
    try:
        found = plan_pages.day_plan(request)
    except QueueError as exc:
        return queue_error(request, exc)
    return JSONResponse(answer(found))


def answer(found: plan.DayPlan) -> dict[str, object]:
    return {
        "date": found.day.isoformat(),
        "target": round(found.target * 100, 2),
        "within_target": round(found.outcome.day_share * 100, 1),
        "longest_wait_minutes": round(found.outcome.longest),
        "hours": [
            {
                "hour": h.hour,
                "arrivals": round(h.arrivals, 2),
                "low": h.low,
                "high": h.high,
                "cabinets": h.cabinets,
                "erlang_cabinets": h.erlang,
                "within_target": round(h.within * 100, 1),
            }
            for h in found.hours
        ],
    }
