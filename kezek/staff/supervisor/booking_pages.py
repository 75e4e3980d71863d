"""The supervisor's bookings (§10, issue 18): per day and service of a period, the bookings
made, checked in, no-shows and cancelled, and the share of the bookable seats booked; a
table, a picture and a CSV. The rules are ``kezek.bookings.listing``."""

from __future__ import annotations

import io

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from kezek import db, i18n, web
from kezek.bookings import checkin, listing
from kezek.indicators import booking_chart, excel_csv
from kezek.indicators import period as period_mod
from kezek.queue.models import Role
from kezek.staff.access import Staff, staff
from kezek.staff.supervisor.report_pages import refused


def _period(request: Request) -> tuple[period_mod.Period, str | None]:
    """From/to (both days in, bounded as every supervisor period); by default this month."""
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


def _figures(request: Request, period: period_mod.Period) -> list[listing.Figures]:
    st = web.state(request)
    with db.transaction(st.engine) as session:  # the no-shows due are settled first
        checkin.settle_no_shows(session, st.booking_rules, st.office_id, st.clock.now())
        services = [s for s in st.services.values() if st.booking_rules.books(s.code)]
        return listing.figures(
            session, st.clock, st.booking_rules, services, period.start, period.end
        )


def _chart(rows: list[listing.Figures], _: i18n.Translator) -> Markup:
    days: dict[str, list[int]] = {}
    for row in rows:
        line = days.setdefault(row.day.strftime("%d.%m.%Y"), [0, 0, 0])
        line[0] += row.booked
        line[1] += row.checked_in
        line[2] += row.no_shows
    lines = [(day, b, c, n) for day, (b, c, n) in days.items() if b]
    return Markup(booking_chart.draw_bookings(lines, _).markup)  # noqa: S704 — built with escape()


@staff(Role.supervisor)
def bookings_page(request: Request, who: Staff) -> Response:
    period, problem = _period(request)
    rows = _figures(request, period)
    ctx = {
        "rows": rows,
        "period": period,
        "problem": problem,
        "chart": _chart(rows, i18n.Translator(web.lang(request))),
        "query": f"from={period.start.isoformat()}&to={period.end.isoformat()}",
    }
    return web.render(request, "supervisor/bookings.html", ctx, status_code=422 if problem else 200)


def as_csv(rows: list[listing.Figures], _: i18n.Translator) -> str:
    out = io.StringIO()
    writer = excel_csv.writer(out, _.lang)
    writer.writerow(
        [
            _("Day"),
            _("Service"),
            _("Bookings made"),
            _("Checked in"),
            _("No-shows"),
            _("Cancelled"),
            _("Bookable seats"),
            _("Share of capacity booked"),
        ]
    )
    for row in rows:
        share = "" if row.share is None else i18n.percent(_.lang, row.share * 100)
        writer.writerow(
            [
                row.day.isoformat(),
                row.service.name(_.lang),
                row.booked,
                row.checked_in,
                row.no_shows,
                row.cancelled,
                row.capacity,
                share,
            ]
        )
    return out.getvalue()


@staff(Role.supervisor)
def bookings_csv(request: Request, who: Staff) -> Response:
    period, problem = _period(request)
    if problem:
        return refused(request, problem)
    text = as_csv(_figures(request, period), i18n.Translator(web.lang(request)))
    name = f"bookings-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)
