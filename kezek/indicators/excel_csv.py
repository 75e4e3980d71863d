"""CSV as Excel opens it in the reader's locale (issue 15, defect 12)."""

from __future__ import annotations

import csv
import io
from typing import Any

from babel.numbers import get_decimal_symbol


def writer(out: io.StringIO, lang: str) -> Any:
    """A CSV writer as Excel reads it in the reader's locale: where the decimal sign is a
    comma (kk, ru), the fields are separated by semicolons and decimals written with commas;
    otherwise commas and points. (The XLSX is the primary export: its numbers are numbers.)"""
    comma = get_decimal_symbol(lang) == ","
    writer = csv.writer(out, delimiter=";" if comma else ",")

    def cell(value: Any) -> Any:
        if isinstance(value, float) and comma:
            return f"{value:g}".replace(".", ",")
        return value

    class Rows:
        def writerow(self, row: Any) -> None:
            writer.writerow([cell(v) for v in row])

        def writerows(self, rows: Any) -> None:
            for row in rows:
                self.writerow(row)

    return Rows()
