"""``GET /api/stats/clerks?from=YYYY-MM-DD&to=YYYY-MM-DD``: the statistics per clerk and per
cabinet (issue 17), for a supervisor's token; the same figures as the supervisor's page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kezek import db, tokens
from kezek.api import guards, schemas
from kezek.i18n import N_
from kezek.indicators import clerks
from kezek.indicators import period as period_mod
from kezek.web import error_json, lang, state


def refused_role(request: Request, found: None | bool) -> Response:
    """401 without a valid token; 403 for a clerk's token (supervisors only)."""
    if found is None:
        return guards.unauthorized(request)
    return error_json(request, 403, "forbidden", N_("This needs a supervisor's token."))


def line_json(line: clerks.Figures) -> dict[str, object]:
    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 2)

    return {
        "key": line.key,
        "name": line.name,
        "served": line.served,
        "mean_service_minutes": rounded(line.mean_minutes),
        "p90_service_minutes": rounded(line.p90_minutes),
        "no_shows": line.no_shows,
        "calls": line.calls,
        "hours_worked": round(line.hours, 2),
        "calls_per_hour": rounded(line.calls_per_hour),
        # Pause minutes by reason (kezek.queue.pauses); null: no pause in the period.
        "pause_minutes_by_reason": (
            None if line.pauses is None else {k: round(v / 60, 2) for k, v in line.pauses.items()}
        ),
    }


def stats_json(found: clerks.Stats) -> dict[str, object]:
    return {
        "from": found.start.isoformat(),
        "to": found.end.isoformat(),
        "clerks": [schemas.view(schemas.StatsLine, line_json(f)) for f in found.clerks],
        "service_points": [schemas.view(schemas.StatsLine, line_json(f)) for f in found.points],
    }


def clerk_stats(request: Request) -> Response:
    found = guards.supervisor(request)
    if not isinstance(found, tokens.Grant):
        return refused_role(request, found)
    st = state(request)
    params = request.query_params
    if not params.get("from") or not params.get("to"):
        return error_json(
            request, 422, "invalid", N_("Give the period: from and to, as YYYY-MM-DD.")
        )
    try:
        period = period_mod.parse_period({**params, "period": "range"}, st.clock.business_day())
    except period_mod.PeriodError as exc:
        return error_json(request, 422, "invalid", exc.message)
    with db.reading(st.engine) as session:
        figures = clerks.statistics(
            session, st.office_id, period.start, period.end, lang(request), st.clock.now()
        )
    return JSONResponse(stats_json(figures))
