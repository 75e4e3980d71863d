"""The supervisor's picture of bookings (§10, issue 18): per day, bars of the seats booked
and, beside them, the share of the bookable seats they took. Drawing only."""

from __future__ import annotations

from kezek.indicators.charts import BAR, INK, LATE, Svg, Translate, _frame, _plural, _text


def draw_bookings(days: list[tuple[str, int, int, int]], _: Translate) -> Svg:
    """``days``: (the day as the reader writes it, booked, checked in, no-shows)."""
    row_h, left, right, top = 26, 110, 220, 40
    width, height = 760, top + row_h * max(1, len(days)) + 16
    plot_w = width - left - right
    title = _("Bookings by day")
    total = sum(b for _d, b, _c, _n in days)
    desc = _plural("%(num)s booking in the period.", "%(num)s bookings in the period.", total, _)
    body = [_text(16, 22, title, size=15, anchor="start", weight="bold")]
    if not days:
        body.append(_text(width / 2, top + 12, _("no data"), size=14))
    peak = max((b for _d, b, _c, _n in days), default=0) or 1
    for i, (day, booked, came, missed) in enumerate(days):
        y = top + i * row_h
        body.append(_text(left - 8, y + 17, day, size=12, anchor="end"))
        w, w_in = plot_w * booked / peak, plot_w * came / peak
        body.append(
            f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="#9dbbe0"/>'
        )
        body.append(
            f'<rect x="{left}" y="{y + 4}" width="{w_in:.1f}" height="{row_h - 8}" fill="{BAR}"/>'
        )
        label = _(
            "%(booked)s booked · %(came)s came · %(missed)s no-shows",
            booked=booked,
            came=came,
            missed=missed,
        )
        body.append(
            _text(
                left + w + 6, y + 17, label, size=11, anchor="start", fill=LATE if missed else INK
            )
        )
    return _frame("bookings", title, desc, width, height, body)
