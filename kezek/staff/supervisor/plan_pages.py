"""The Plan page (issue 19): a coming day's forecast, the cabinets per hour both models
recommend and the predicted 1.2, with the what-if editor (the supervisor's own cabinets per
hour → the predicted 1.2, the longest wait, the hour where it breaks).

The endpoints are sync: Starlette runs them in its worker threads, never in the event loop,
and the plan stops at ``LIMIT_SECONDS`` (``plan.TimeUp``, answered 503)."""

from __future__ import annotations

from datetime import date, timedelta

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from kezek import db, i18n, web, web_bounds
from kezek.forecast import charts, plan
from kezek.i18n import N_
from kezek.queue.errors import InvalidInput, QueueError
from kezek.queue.models import Role
from kezek.staff.access import Staff, staff

LIMIT_SECONDS = 60.0  # wall time: a loaded 2-core machine takes 20–40 s for a busy day
WHAT_IF_RUNS = 12


def target_minutes(st: web.State) -> int:
    """Appendix 1.2: 40 minutes (the shortest any measured service sets)."""
    return min((s.target_wait_minutes for s in st.profile.services if s.appendix), default=40)


def asked_day(request: Request, st: web.State) -> date:
    """``?date=YYYY-MM-DD``, else the next day the office opens."""
    raw = request.query_params.get("date", "")[:10]
    if not raw:
        today = st.clock.business_day()
        return st.clock.open_day_from(today + timedelta(days=1)) or today
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(N_("Enter the day as YYYY-MM-DD.")) from None


def asked_target(request: Request) -> float | None:
    raw = request.query_params.get("target", "").strip().replace(",", ".")[:8]
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    plan.check_target(value)
    return value


def day_plan(request: Request) -> plan.DayPlan:
    st = web.state(request)
    return plan.compute(
        st.engine,
        st.clock,
        st.office_id,
        asked_day(request, st),
        asked_target(request),
        st.profile.plan_target_percent,
        target_minutes(st),
        LIMIT_SECONDS,
    )


@staff(Role.supervisor)
def plan_page(request: Request, who: Staff) -> Response:
    st = web.state(request)
    _ = i18n.Translator(web.lang(request))
    ctx: dict[str, object] = {"nav": "plan", "error": None, "day": None, "what_if": None}
    ctx["target_text"] = ""
    try:
        found = day_plan(request)
    except QueueError as exc:
        ctx["error"] = web.queue_text(request, exc)
        ctx["asked"] = request.query_params.get("date", "")[:10]
        ctx["target_text"] = request.query_params.get("target", "")[:8]
        return web.render(request, "supervisor/plan.html", ctx, status_code=exc.status_code)
    ctx |= {
        "day": found,
        "asked": found.day.isoformat(),
        "target_text": f"{found.target * 100:g}",
        "charts": [
            Markup(svg.markup)  # noqa: S704 — built with escape()
            for svg in (charts.draw_arrivals(found, _), charts.draw_share(found, _))
        ],
        "most": plan.MOST_CABINETS,
        "cabinets": len(st.points),
        "what_if": None,
    }
    return web.render(request, "supervisor/plan.html", ctx)


@staff(Role.supervisor)
def what_if(request: Request, who: Staff) -> Response:
    """The supervisor's cabinets per hour (``c9=2&c10=3…``) simulated on the forecast."""
    st = web.state(request)
    status = 200
    ctx = dict[str, object](what_if=None, error=None, day=None, asked="", target_text="")
    try:
        day = asked_day(request, st)
        plan.check_day(st.clock, day, st.clock.business_day())
        percent = asked_target(request)
        edited = {
            hour: web_bounds.number(
                request.query_params.get(f"c{hour}", ""), low=0, high=plan.MOST_CABINETS
            )
            for hour in range(24)
            if f"c{hour}" in request.query_params
        }
        if any(v is None for v in edited.values()) or not edited:
            raise InvalidInput(
                N_("Cabinets are whole numbers from 0 to %(most)s."), most=plan.MOST_CABINETS
            )
        with db.reading(st.engine) as session:
            target = percent or plan.target_of(
                session, st.office_id, day.year, st.profile.plan_target_percent
            )
            inputs = plan.load_inputs(session, st.clock, st.office_id, day)
        chosen = {h: int(v or 0) for h, v in edited.items()}
        outcome, hours = plan.what_if(
            inputs, st.clock, day, chosen, target_minutes(st), WHAT_IF_RUNS
        )
        ctx["what_if"] = {
            "share": outcome.day_share * 100,
            "longest": round(outcome.longest),
            "breaks": outcome.breaks(target / 100),
            "target": f"{target:g}",
            "hours": [(h, outcome.share(h) * 100) for h in hours],
        }
    except QueueError as exc:
        status, ctx["error"] = exc.status_code, web.queue_text(request, exc)
    if web.asks_for(request, "what-if"):
        return web.render(request, "supervisor/plan.html", ctx, block="what_if", status_code=status)
    return web.render(request, "supervisor/plan.html", ctx, status_code=status)
