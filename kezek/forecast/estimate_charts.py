"""The accuracy page's picture (issue 19), drawn as the Plan page's: the mean absolute error
of the old number beside the range's middle, month by month. Drawing only."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from kezek.forecast.charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, _grid
from kezek.forecast.estimate_accuracy import Figures, Report
from kezek.indicators.charts import BAR, GRID, Svg, Translate, _frame, _text


def months(found: Report) -> list[tuple[str, float, float]]:
    """(YYYY-MM, MAE v1, MAE v2) per month, weighted by the called tickets of each day."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for day, f in found.by_day:
        if f.mae_old is None or f.mae_new is None:
            continue
        kept = sums[f"{day:%Y-%m}"]
        kept[0] += f.mae_old * f.called
        kept[1] += f.mae_new * f.called
        kept[2] += f.called
    return [(m, v[0] / v[2], v[1] / v[2]) for m, v in sorted(sums.items()) if v[2]]


def draw_errors(found: Report, _: Translate) -> Svg:
    rows = months(found)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    tick = max(1, -(-int(max((max(a, b) for _m, a, b in rows), default=1)) // 4))
    peak = tick * 4
    overall: Figures = found.overall
    title = _("Error of the quoted waits, by month (minutes)")
    desc = _(
        "Mean absolute error: the old single number %(old)s min, the middle of the range "
        "%(new)s min; %(inside)s %% of waits inside the range.",
        old=f"{overall.mae_old or 0:.1f}",
        new=f"{overall.mae_new or 0:.1f}",
        inside=f"{(overall.inside or 0) * 100:.0f}",
    )
    body = [_text(LEFT, 22, title, size=15, anchor="start", weight="bold")]
    body += _grid(peak, [str(tick * i) for i in range(5)])
    step = plot_w / max(1, len(rows))
    for i, (month, old, new) in enumerate(rows):
        x, base = LEFT + i * step, TOP + plot_h
        for j, (value, colour) in enumerate(((old, GRID), (new, BAR))):
            h = plot_h * value / peak
            left = x + 4 + j * (step - 8) / 2
            body.append(
                f'<rect x="{left:.1f}" y="{base - h:.1f}" width="{(step - 8) / 2:.1f}" '
                f'height="{h:.1f}" fill="{colour}"/>'
            )
            body.append(_text(left + (step - 8) / 4, base - h - 4, f"{value:.0f}", size=9))
        body.append(
            _text(
                x + step / 2,
                base + 16,
                date.fromisoformat(month + "-01").strftime("%m.%y"),
                size=10,
            )
        )
    body.append(
        _text(LEFT + plot_w / 2, HEIGHT - 14, _("grey: the old number · blue: the range"), size=12)
    )
    return _frame("estimate-errors", title, desc, WIDTH, HEIGHT, body)
