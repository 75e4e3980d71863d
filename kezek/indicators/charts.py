"""Report pictures as SVG, drawn on the server: readable on screen, printed in grey, and
by a screen reader (a title, a description and the numbers written in the picture).

Drawing only, pure (data in, text out); the data comes from ``kezek.indicators.data``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from kezek.indicators.data import BUCKET_MINUTES

Translate = Callable[..., str]
FONT = 'font-family="DejaVu Sans, sans-serif"'
INK, BAR, LATE, GRID = "#111111", "#0b4f9c", "#a4161a", "#c8c8c8"


# --- drawing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Svg:
    """An SVG document with its accessible name; ``markup`` is safe to put in a page."""

    name: str
    title: str
    markup: str


def _plural(singular: str, plural: str, n: int, _: Translate, **params: object) -> str:
    """The plural form for ``n`` where ``_`` is an ``i18n.Translator``; else English."""
    ngettext = getattr(_, "ngettext", None)
    if ngettext is None:
        return _(singular if n == 1 else plural, num=n, **params)
    return str(ngettext(singular, plural, n, **params))


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: int = 12,
    anchor: str = "middle",
    fill: str = INK,
    weight: str = "normal",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" {FONT} font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}" font-weight="{weight}">{escape(text)}</text>'
    )


def _frame(name: str, title: str, desc: str, width: int, height: int, body: list[str]) -> Svg:
    ident = f"chart-{name}"
    markup = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="chart" '
        f'aria-labelledby="{ident}-title {ident}-desc">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>'
        + "".join(body)
        + "</svg>"
    )
    return Svg(name, title, markup)


def draw_waits(counts: list[int], _: Translate, target_minutes: int = 40) -> Svg:
    """Bars of visits per 5-minute band of waiting, the target line at 40 minutes."""
    width, height, left, right, top, bottom = 760, 320, 56, 16, 40, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    tick = max(1, -(-max(counts) // 4))  # whole visits per grid line
    peak = tick * 4
    step = plot_w / len(counts)
    total = sum(counts)
    late = sum(c for i, c in enumerate(counts) if (i + 1) * BUCKET_MINUTES > target_minutes)
    title = _("Waiting time of visits")
    desc = _plural(
        "%(num)s visit; longer than %(minutes)s minutes waited: %(late)s.",
        "%(num)s visits; longer than %(minutes)s minutes waited: %(late)s.",
        total,
        _,
        late=late,
        minutes=target_minutes,
    )
    body = [_text(left, 22, title, size=15, anchor="start", weight="bold")]
    for i in range(5):  # horizontal grid with counts
        y = top + plot_h - plot_h * i / 4
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(left - 6, y + 4, str(tick * i), size=11, anchor="end"))
    for i, count in enumerate(counts):
        over = i * BUCKET_MINUTES >= target_minutes
        h = plot_h * count / peak
        x = left + i * step
        # Bars past the target are red and dashed: told apart in grey print too.
        late_style = ' stroke="#111111" stroke-dasharray="3 2"' if over else ""
        body.append(
            f'<rect x="{x + 2:.1f}" y="{top + plot_h - h:.1f}" width="{step - 4:.1f}" '
            f'height="{h:.1f}" fill="{LATE if over else BAR}"{late_style}/>'
        )
        if count:
            body.append(_text(x + step / 2, top + plot_h - h - 4, str(count), size=10))
        # Each bar is labelled by the upper end of its band: "40" = more than 35, up to 40.
        label = f"{i * BUCKET_MINUTES}+" if i == len(counts) - 1 else f"{(i + 1) * BUCKET_MINUTES}"
        body.append(_text(x + step / 2, top + plot_h + 16, label, size=10))
    line_x = left + (target_minutes / BUCKET_MINUTES) * step
    body.append(
        f'<line x1="{line_x:.1f}" y1="{top - 14}" x2="{line_x:.1f}" y2="{top + plot_h}" '
        f'stroke="{INK}" stroke-width="2.5" stroke-dasharray="6 4"/>'
    )
    body.append(
        _text(
            line_x + 6,
            top - 4,
            _("%(minutes)s minutes", minutes=target_minutes),
            size=12,
            anchor="start",
            weight="bold",
        )
    )
    body.append(_text(left + plot_w / 2, height - 20, _("Minutes waited"), size=12))
    return _frame("waits", title, desc, width, height, body)


def draw_arrivals(cells: dict[tuple[int, int], int], weekday_names: list[str], _: Translate) -> Svg:
    """A heat map: rows are weekdays, columns are hours; each cell shows its count."""
    days = sorted({d for d, _h in cells}) or [1, 2, 3, 4]
    hours = sorted({h for _d, h in cells}) or list(range(9, 18))
    hours = list(range(min(hours), max(hours) + 1))
    cell_w, cell_h, left, top = 52, 36, 120, 56
    width = max(420, left + cell_w * len(hours) + 16)
    height = top + cell_h * len(days) + 40
    peak = max(cells.values(), default=0) or 1
    title = _("Arrivals by hour and weekday")
    desc = _plural(
        "%(num)s visit; the busiest hour had %(peak)s.",
        "%(num)s visits; the busiest hour had %(peak)s.",
        sum(cells.values()),
        _,
        peak=max(cells.values(), default=0),
    )
    body = [_text(16, 22, title, size=15, anchor="start", weight="bold")]
    for j, hour in enumerate(hours):
        body.append(_text(left + j * cell_w + cell_w / 2, top - 8, f"{hour:02d}:00", size=11))
    for i, day in enumerate(days):
        y = top + i * cell_h
        body.append(_text(left - 8, y + cell_h / 2 + 4, weekday_names[day], size=12, anchor="end"))
        for j, hour in enumerate(hours):
            count = cells.get((day, hour), 0)
            share = count / peak
            # Light to dark blue; the number is written in every cell, so grey print reads too.
            shade = int(245 - 190 * share)
            fill = f"#{shade:02x}{min(255, shade + 10):02x}ff" if count else "#f4f4f4"
            ink = "#ffffff" if share > 0.55 else INK
            x = left + j * cell_w
            body.append(
                f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" '
                f'fill="{fill}" stroke="{GRID}"/>'
            )
            body.append(_text(x + cell_w / 2, y + cell_h / 2 + 4, str(count), size=11, fill=ink))
    return _frame("arrivals", title, desc, width, height, body)


def draw_daily(days: list[tuple[date, int, int]], _: Translate, norm: float = 100.0) -> Svg:
    """The share of visits within 40 minutes, day by day, with the norm line."""
    width, height, left, right, top, bottom = 760, 300, 56, 16, 40, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    title = _("Share of visits within 40 minutes, by day")
    total_w = sum(w for _d, w, _n in days)
    total_n = sum(n for _d, _w, n in days)
    desc = (
        _plural(
            "%(num)s day; within 40 minutes: %(within)s of %(visits)s.",
            "%(num)s days; within 40 minutes: %(within)s of %(visits)s.",
            len(days),
            _,
            within=total_w,
            visits=total_n,
        )
        if days
        else _("no data")
    )
    body = [_text(left, 22, title, size=15, anchor="start", weight="bold")]
    for pct in (0, 25, 50, 75, 100):
        y = top + plot_h - plot_h * pct / 100
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(left - 6, y + 4, f"{pct} %", size=11, anchor="end"))
    if not days:
        body.append(_text(left + plot_w / 2, top + plot_h / 2, _("no data"), size=14))
        return _frame("daily", title, desc, width, height, body)
    step = plot_w / max(1, len(days))
    points = []
    for i, (_day, within, count) in enumerate(days):
        x = left + step * i + step / 2
        y = top + plot_h - plot_h * (within / count if count else 0)
        points.append(f"{x:.1f},{y:.1f}")
    norm_y = top + plot_h - plot_h * norm / 100
    body.append(
        f'<line x1="{left}" y1="{norm_y:.1f}" x2="{width - right}" y2="{norm_y:.1f}" '
        f'stroke="{LATE}" stroke-width="2" stroke-dasharray="6 4"/>'
    )
    body.append(
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{BAR}" stroke-width="2"/>'
    )
    if len(days) <= 62:  # a mark per day while they can be told apart
        for point in points:
            cx, cy = point.split(",")
            body.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{BAR}"/>')
    every = max(1, len(days) // 8)
    for i, (day, _w, _n) in enumerate(days):
        if i % every == 0:
            body.append(
                _text(left + step * i + step / 2, top + plot_h + 16, day.strftime("%d.%m"), size=10)
            )
    body.append(_text(left + plot_w / 2, height - 14, _("Business day"), size=12))
    return _frame("daily", title, desc, width, height, body)


def draw_clerks(lines: list[tuple[str, int, str | None]], _: Translate) -> Svg:
    """Horizontal bars of visitors served per clerk (issue 17), the mean service time written
    beside each bar; ``lines`` are (name, served, the mean in minutes as the reader writes
    it, or None)."""
    row_h, left, right, top = 30, 200, 150, 40
    width, height = 760, top + row_h * max(1, len(lines)) + 16
    plot_w = width - left - right
    title = _("Visitors served by clerk")
    served = sum(n for _name, n, _mean in lines)
    desc = _plural(
        "%(num)s visitor served in the period.",
        "%(num)s visitors served in the period.",
        served,
        _,
    )
    body = [_text(16, 22, title, size=15, anchor="start", weight="bold")]
    if not lines:
        body.append(_text(width / 2, top + 12, _("no data"), size=14))
    peak = max((n for _name, n, _mean in lines), default=0) or 1
    for i, (name, count, mean) in enumerate(lines):
        y = top + i * row_h
        body.append(_text(left - 8, y + 19, name[:28], size=12, anchor="end"))
        w = plot_w * count / peak
        body.append(
            f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{BAR}"/>'
        )
        label = str(count)
        if mean is not None:
            label += " · " + _("%(minutes)s min on average", minutes=mean)
        body.append(_text(left + w + 6, y + 19, label, size=11, anchor="start"))
    return _frame("clerks", title, desc, width, height, body)
