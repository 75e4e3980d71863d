"""The Plan page's pictures as SVG, drawn as ``kezek.indicators.charts`` draws the report's:
a title, a description and every number written in the picture (grey print, screen
readers). Drawing only: a ``DayPlan`` in, markup out."""

from __future__ import annotations

from kezek.forecast.plan import DayPlan
from kezek.indicators.charts import BAR, GRID, INK, LATE, Svg, Translate, _frame, _text

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 760, 300, 56, 16, 40, 56


def _grid(peak: float, labels: list[str]) -> list[str]:
    body = []
    plot_h = HEIGHT - TOP - BOTTOM
    for i, label in enumerate(labels):
        y = TOP + plot_h - plot_h * i / (len(labels) - 1)
        body.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(LEFT - 6, y + 4, label, size=11, anchor="end"))
    return body


def draw_arrivals(day: DayPlan, _: Translate) -> Svg:
    """Bars of forecast visits per hour with the 80 % band; the cabinets written above."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    tick = max(1, -(-max((h.high for h in day.hours), default=1) // 4))
    peak = tick * 4
    title = _("Forecast visits and cabinets per hour")
    desc = _(
        "%(visits)s visits expected; at most %(cabinets)s cabinets in one hour.",
        visits=round(sum(h.arrivals for h in day.hours)),
        cabinets=max((h.cabinets for h in day.hours), default=0),
    )
    body = [_text(LEFT, 22, title, size=15, anchor="start", weight="bold")]
    body += _grid(peak, [str(tick * i) for i in range(5)])
    step = plot_w / max(1, len(day.hours))
    for i, h in enumerate(day.hours):
        x, top = LEFT + i * step, TOP + plot_h
        bar = plot_h * h.arrivals / peak
        body.append(
            f'<rect x="{x + 6:.1f}" y="{top - bar:.1f}" width="{step - 12:.1f}" '
            f'height="{bar:.1f}" fill="{BAR}"/>'
        )
        lo, hi = top - plot_h * h.low / peak, top - plot_h * h.high / peak
        mid = x + step / 2
        body.append(
            f'<line x1="{mid:.1f}" y1="{lo:.1f}" x2="{mid:.1f}" y2="{hi:.1f}" '
            f'stroke="{INK}" stroke-width="1.5"/>'
        )
        body.append(_text(mid, hi - 6, f"{h.arrivals:.0f} · {h.cabinets}", size=11))
        body.append(_text(mid, top + 16, f"{h.hour:02d}:00", size=10))
    body.append(_text(LEFT + plot_w / 2, HEIGHT - 14, _("visits · cabinets recommended"), size=12))
    return _frame("plan-arrivals", title, desc, WIDTH, HEIGHT, body)


def draw_share(day: DayPlan, _: Translate) -> Svg:
    """The predicted share within 40 minutes per hour, with the target line."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    title = _("Predicted share within 40 minutes, by hour")
    desc = _(
        "With the recommended cabinets: %(share)s %% of the day's visits; the target is "
        "%(target)s %%.",
        share=f"{day.outcome.day_share * 100:.0f}",
        target=f"{day.target * 100:g}",
    )
    body = [_text(LEFT, 22, title, size=15, anchor="start", weight="bold")]
    body += _grid(100, [f"{p} %" for p in (0, 25, 50, 75, 100)])
    step = plot_w / max(1, len(day.hours))
    points = []
    for i, h in enumerate(day.hours):
        x = LEFT + step * i + step / 2
        y = TOP + plot_h - plot_h * h.within
        points.append(f"{x:.1f},{y:.1f}")
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{BAR}"/>')
        body.append(_text(x, y - 8, f"{h.within * 100:.0f}", size=10))
        body.append(_text(x, TOP + plot_h + 16, f"{h.hour:02d}:00", size=10))
    target_y = TOP + plot_h - plot_h * day.target
    body.append(
        f'<line x1="{LEFT}" y1="{target_y:.1f}" x2="{WIDTH - RIGHT}" y2="{target_y:.1f}" '
        f'stroke="{LATE}" stroke-width="2" stroke-dasharray="6 4"/>'
    )
    body.append(
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{BAR}" stroke-width="2"/>'
    )
    return _frame("plan-share", title, desc, WIDTH, HEIGHT, body)
