"""The staff focus ring is visible on white (WCAG 1.4.11: at least 3:1), issue 22.6."""

from __future__ import annotations

import re
from pathlib import Path

CSS = Path(__file__).resolve().parent.parent / "kezek" / "static" / "css" / "staff.css"


def _luminance(hex_color: str) -> float:
    channels = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_focus_ring_has_three_to_one_on_white() -> None:
    rule = re.search(r"button:focus-visible[^{]*\{([^}]*)\}", CSS.read_text())
    assert rule is not None
    color = re.search(r"outline:\s*\d+px solid (#[0-9a-fA-F]{6})", rule.group(1))
    assert color is not None
    contrast = 1.05 / (_luminance(color.group(1)) + 0.05)
    assert contrast >= 3.0, f"{color.group(1)}: {contrast:.2f}:1"
