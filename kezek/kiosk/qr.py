"""QR codes for the kiosk screen, made on the server as a small inline SVG.

No JavaScript QR library and nothing fetched: the kiosk has no CDN and a strict CSP.
Runs of dark modules become one path segment each, so the SVG stays ~2–4 KB.
"""

from __future__ import annotations

import qrcode
from markupsafe import Markup, escape


def svg(data: str, label: str, border: int = 2) -> Markup:
    """An accessible ``<svg role="img">`` of ``data``; ``label`` names it for screen readers."""
    code = qrcode.QRCode(border=border, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    parts: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    # Safe: the label is escaped and everything else is numbers this function wrote.
    return Markup(  # noqa: S704
        f'<svg class="qr" role="img" aria-label="{escape(label)}" viewBox="0 0 {size} {size}" '
        f'xmlns="http://www.w3.org/2000/svg" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(parts)}"/></svg>'
    )
