"""QR codes for the kiosk screen, made on the server as a small inline SVG.

No JavaScript QR library and nothing fetched: the kiosk has no CDN and a strict CSP.
Runs of dark modules become one path segment each, so the SVG stays ~2–4 KB.

The modules come from the printing package's cached ``qr_matrix``: the screen and the talon
show the same URL, so the talon rendered right after finds it in the cache (a code takes
~2 ms with its fixed mask; choosing the mask made it ~30).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from kezek.printing.talons import qr_matrix


def svg(data: str, label: str, border: int = 2) -> Markup:
    """An accessible ``<svg role="img">`` of ``data``; ``label`` names it for screen readers.

    ``border``: the quiet zone in modules (the white page around it adds more).
    """
    matrix = qr_matrix(data)
    size = len(matrix) + 2 * border
    parts: list[str] = []
    for y, row in enumerate(matrix, start=border):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start + border} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    # Safe: the label is escaped and everything else is numbers this function wrote.
    return Markup(  # noqa: S704
        f'<svg class="qr" role="img" aria-label="{escape(label)}" viewBox="0 0 {size} {size}" '
        f'xmlns="http://www.w3.org/2000/svg" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(parts)}"/></svg>'
    )
