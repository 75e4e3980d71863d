"""How long a talon takes to render and encode for the printer, against a baseline.

    python -m bench.talon_render [--rounds 200]     (or: python bench/talon_render.py)

Baseline, measured in the same run: a blank 576x600 1-bit image encoded by python-escpos's
``image()`` (the figure DESIGN.md quotes, ~8 ms). Each talon is rendered and turned into the
``GS v 0`` bytes that go to the printer; every round has a new code and status URL, so the
QR code is made afresh each time, while the office name and labels come from the line cache
as they do on a kiosk that has printed before. ``first_ms`` is a cold render in a fresh
cache. ``escpos_ms`` is the same talon through python-escpos's own encoder, for comparison.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from escpos.printer import Dummy
from PIL import Image

from kezek.printing import desk_talons, sheet, talons, text_talons, urls
from kezek.printing.raster import raster_bytes
from kezek.printing.talons import LocalizedText

OFFICE = LocalizedText(
    "Қызылжар ауданының жұмыспен қамту және әлеуметтік бағдарламалар бөлімі",
    "Отдел занятости и социальных программ Кызылжарского района",
)
QUEUE = talons.QueueTalon(
    code="А-017",
    lang="kk",
    office=OFFICE,
    service=LocalizedText("Жұмыссыз ретінде тіркеу", "Регистрация в качестве безработного"),
    issued_at="24.11.2026 10:42",
    position=5,
    wait_minutes=25,
    cabinets=("№1", "№4"),
    hours=("Сс–Жм 09:00–18:00, түскі үзіліс 13:00–14:00", "Вт–Пт 09:00–18:00, обед 13:00–14:00"),
    status_url="https://kezek.example.kz/t/00000000",
)
ACCEPTANCE = desk_talons.AcceptanceTalon(
    number="2026-00142",
    accepted_on=date(2026, 11, 24),
    deadline=date(2026, 12, 4),
    cabinet="№1",
    phones=("2-16-50", "2-16-84"),
    office=OFFICE,
)
MISSING = desk_talons.MissingDocumentsSlip(
    office=OFFICE,
    issued_on=date(2026, 11, 24),
    documents=(
        LocalizedText("Жеке куәлік немесе паспорт", "Удостоверение личности или паспорт"),
        LocalizedText("Қандас куәлігі", "Удостоверение кандаса"),
    ),
    cabinet="№1",
)
COMPLAINT = desk_talons.ComplaintTalon(
    number="Ш-007",
    received_on=date(2026, 11, 24),
    answer_due=date(2026, 11, 29),
    office=OFFICE,
    phones=("2-16-50",),
)


def _escpos_bytes(image: Image.Image) -> bytes:
    printer = Dummy(profile=urls.DEFAULT_PROFILE)
    printer.image(image)
    return bytes(printer.output)


def _escpos_round(image: Image.Image, n: int) -> bytes:
    return _escpos_bytes(image)


def _median_ms(job: Callable[[int], object], rounds: int) -> float:
    times = []
    for n in range(rounds):
        started = time.perf_counter()
        job(n)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _variant(talon: desk_talons.Talon, n: int) -> desk_talons.Talon:
    if isinstance(talon, talons.QueueTalon):
        return dataclasses.replace(
            talon, code=f"А-{n % 1000:03}", status_url=f"https://kezek.example.kz/t/{n:08x}"
        )
    return talon


def _clear_caches() -> None:
    for cached in (sheet._ink, sheet._wrap, sheet.qr_matrix):
        cached.cache_clear()


def measure(rounds: int = 200) -> list[dict[str, Any]]:
    """One dict per measurement: name, width, height, ms (median), first_ms, escpos_ms,
    baseline_ms, ratio (ms / baseline_ms) and bytes sent to the printer."""
    blank = Image.new("1", (576, 600), 1)
    baseline = _median_ms(lambda n: _escpos_bytes(blank), rounds)
    rows: list[dict[str, Any]] = [
        {
            "name": "baseline: blank 576x600, python-escpos image()",
            "width": 576,
            "height": 600,
            "ms": baseline,
            "baseline_ms": baseline,
            "ratio": 1.0,
            "bytes": len(_escpos_bytes(blank)),
        }
    ]
    offset = 0
    for talon in (QUEUE, ACCEPTANCE, MISSING, COMPLAINT):
        for width in (576, 384):
            _clear_caches()
            started = time.perf_counter()
            image = desk_talons.render(_variant(talon, 10**6 + width), width)
            data = raster_bytes(image)
            first = (time.perf_counter() - started) * 1000

            def job(
                n: int, talon: desk_talons.Talon = talon, width: int = width, offset: int = offset
            ) -> bytes:
                return raster_bytes(desk_talons.render(_variant(talon, offset + n), width))

            ms = _median_ms(job, rounds)
            offset += rounds  # new URLs every round: no QR from the cache
            escpos_ms = _median_ms(partial(_escpos_round, image), rounds // 4 or 1)
            rows.append(
                {
                    "name": type(talon).__name__,
                    "width": width,
                    "height": image.height,
                    "ms": ms,
                    "first_ms": first,
                    "escpos_ms": escpos_ms,
                    "baseline_ms": baseline,
                    "ratio": ms / baseline,
                    "bytes": len(data),
                }
            )
    rows.append(
        {
            "name": "QueueTalon, text mode (KZ-1048, native QR)",
            "width": 576,
            "ms": _median_ms(lambda n: text_talons.text_talon_bytes(QUEUE), rounds),
            "baseline_ms": baseline,
            "bytes": len(text_talons.text_talon_bytes(QUEUE)),
        }
    )
    return rows


def run(rounds: int = 200) -> list[dict[str, object]]:
    """The rows of ``python -m bench`` (bench.common.row): ms per talon against the baseline."""
    from bench.common import row  # only when run as part of the bench package

    return [
        row(
            f"talon {m['name']} {m['width']}",
            m["ms"],
            "ms",
            "blank 576x600 escpos",
            m["baseline_ms"],
            target="~8 ms (DESIGN.md)",
            higher_is_better=False,
            bytes=m["bytes"],
            height=m.get("height"),
            first_ms=m.get("first_ms"),
            escpos_ms=m.get("escpos_ms"),
        )
        for m in measure(rounds)[1:]
    ]


def _cell(value: Any, width: int) -> str:
    if value is None:
        return " " * width
    if isinstance(value, float):
        return f"{value:>{width}.2f}"
    return f"{value:>{width}}"


COLUMNS = [
    ("width", 5),
    ("height", 6),
    ("ms", 7),
    ("first_ms", 8),
    ("escpos_ms", 9),
    ("ratio", 6),
    ("bytes", 7),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    rows = measure(parser.parse_args().rounds)
    print(f"{'talon':<46}" + "".join(f" {key:>{width}}" for key, width in COLUMNS))
    for row in rows:
        cells = "".join(" " + _cell(row.get(key), width) for key, width in COLUMNS)
        print(f"{row['name']:<46}{cells}")
    print("ms: median render + encode; first_ms: with empty caches; escpos_ms: the same image")
    print("through python-escpos image(); ratio: ms / the baseline's ms")


if __name__ == "__main__":
    main()
