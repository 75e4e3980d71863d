"""The queue talon in text mode (pure: bytes for a printer, no connection).

Opt-in for printers with code page 53 (KZ-1048): ~1 KB instead of ~80 KB of raster.
"""

from __future__ import annotations

import textwrap
from typing import Any

from escpos.capabilities import CAPABILITIES
from escpos.printer import Dummy

from kezek.printing.talons import QueueTalon, queue_talon_lines
from kezek.printing.urls import DEFAULT_PROFILE

__all__ = ["kz1048_text", "text_talon_bytes", "write_text_talon"]


def _enable_kz1048() -> None:
    # python-escpos knows code page 53 (RK1048) but not how to encode it, so every Kazakh
    # letter became "?". Python's codec is named kz1048 (DESIGN.md, text mode).
    CAPABILITIES["encodings"]["RK1048"].setdefault("python_encode", "kz1048")


# Characters a talon may contain that KZ-1048 lacks, and what to print instead.
_KZ1048_FALLBACK = str.maketrans({"≈": "~", "‑": "-", "−": "-", "…": "...", "\u00a0": " "})


def kz1048_text(text: str) -> str:
    """``text`` with only characters KZ-1048 has (none would print as "?")."""
    text = text.translate(_KZ1048_FALLBACK)
    return "".join(ch if _kz1048_encodable(ch) else "-" for ch in text)


def _kz1048_encodable(ch: str) -> bool:
    try:
        ch.encode("kz1048")
    except UnicodeEncodeError:
        return False
    return True


def write_text_talon(printer: Any, talon: QueueTalon, columns: int = 48) -> None:
    """The queue talon as printer text in KZ-1048 with a native QR (``GS ( k``)."""
    _enable_kz1048()
    printer.hw("INIT")  # ESC @ resets the code page, so it goes first
    printer.charcode("RK1048")  # ESC t 53

    def lines(text: str, width: int = columns) -> None:
        for line in textwrap.wrap(kz1048_text(text), width) or [""]:
            printer.text(line + "\n")

    content = queue_talon_lines(talon)
    printer.set(align="center", bold=True)
    lines(content.office[0])
    printer.set(bold=False)
    for other in content.office[1:]:
        lines(other)
    printer.text("-" * columns + "\n")
    printer.set(bold=True)
    lines(content.service[0])
    printer.set(bold=False)
    for other in content.service[1:]:
        lines(other)
    lines(content.your_number)
    # 4x4 characters: the code reads from across the hall like the raster one.
    printer.set(align="center", bold=True, custom_size=True, width=4, height=4)
    lines(talon.code, columns // 4)
    printer.set(normal_textsize=True, bold=bool(content.booked))
    for line in content.booked:
        lines(line)
    printer.set(bold=False)
    lines(talon.issued_at)
    printer.text("-" * columns + "\n")
    printer.set(align="left")
    _rows(printer, content.rows, columns, lines)
    printer.set(align="center")
    if content.hours:
        printer.text("-" * columns + "\n")
        lines(content.hours_title)
        for line in content.hours:
            lines(line)
    printer.text("-" * columns + "\n")
    for line in content.guidance:
        lines(line)
    if talon.status_url:
        printer.qr(talon.status_url, native=True, size=6)  # centred by ESC a 1 above
        for line in content.scan:
            lines(line)
    printer.cut()


def _rows(printer: Any, rows: list[tuple[list[str], str]], columns: int, lines: Any) -> None:
    """Label and value on one line where they fit, else the value under its label."""
    for labels, value in rows:
        label = " / ".join(labels)
        if len(label) + len(value) + 1 <= columns:
            printer.text(kz1048_text(label + " " * (columns - len(label) - len(value)) + value))
            printer.text("\n")
        else:
            lines(label)
            printer.set(align="right", bold=True)
            lines(value)
            printer.set(align="left", bold=False)


def text_talon_bytes(talon: QueueTalon, columns: int = 48, profile: str = DEFAULT_PROFILE) -> bytes:
    """The text-mode stream of a talon, without a printer (for tests and the benchmark)."""
    printer = Dummy(profile=profile)
    write_text_talon(printer, talon, columns)
    return bytes(printer.output)
