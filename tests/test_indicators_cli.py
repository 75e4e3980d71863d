"""``kezek report``: the same table as the report page, from the command line, with a progress
bar; the Excel file is opened back and compared with the table computed from the database."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import openpyxl

from kezek import db
from kezek.indicators import period as period_mod
from kezek.indicators import table
from kezek.public import info
from kezek.settings import load_profile
from tests.test_profile_cli import kezek


def test_report_command(tmp_path: Path) -> None:
    assert kezek(tmp_path, "demo", "--days", "12", "--quiet").returncode == 0
    done = kezek(
        tmp_path,
        "report",
        "--from",
        "2000-01-01",
        "--to",
        "2100-12-31",
        "--format",
        "xlsx",
        "--out",
        "year.xlsx",
        "--lang",
        "en",
    )
    assert done.returncode == 2 and "at most three years" in done.stderr
    end = date.today()
    start = end - timedelta(days=45)  # the demo's 12 working days end yesterday
    done = kezek(
        tmp_path,
        "report",
        "--from",
        start.isoformat(),
        "--to",
        end.isoformat(),
        "--format",
        "xlsx",
        "--out",
        "year.xlsx",
        "--lang",
        "en",
    )
    assert done.returncode == 0, done.stderr
    months = len(period_mod.Period(start, end).months())
    assert f"{months}/{months}" in done.stderr  # the progress bar, month by month
    book = openpyxl.load_workbook(tmp_path / "year.xlsx", read_only=True)
    sheet = list(book.worksheets[0].iter_rows(values_only=True))
    by_code = {row[0]: row for row in sheet if row and row[0] in table.BY_CODE}
    engine = db.make_engine(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    with db.reading(engine) as session:
        rows = {
            r.code: r
            for r in table.compute(
                session, 1, start, end, published=info.coverage(load_profile("demo")), as_of=end
            )
        }
    engine.dispose()
    assert rows["1.2"].denominator and rows["1.2"].denominator > 100  # 12 working days of visits
    for code, row in rows.items():
        expected = "no data" if row.value is None else round(row.value, 1)
        assert by_code[code][4] == expected, code
        if row.denominator:
            assert by_code[code][5:7] == (row.numerator, row.denominator), code
    assert f"{rows['1.2'].value:.1f}%" in done.stdout  # Babel: "89.0%" in English
    tickets = sum(1 for _row in book.worksheets[1].iter_rows(values_only=True)) - 1
    assert tickets >= rows["1.2"].denominator  # a row per ticket; transfers add rows
    done = kezek(
        tmp_path,
        "report",
        "--from",
        start.isoformat(),
        "--to",
        end.isoformat(),
        "--format",
        "csv",
        "--out",
        "t.csv",
        "--quiet",
    )
    assert done.returncode == 0 and done.stderr.strip().startswith("written")
    text = (tmp_path / "t.csv").read_text(encoding="utf-8-sig").splitlines()
    lines = list(csv.reader(text, delimiter=";"))  # Kazakh: as Excel splits it there
    assert any(line[:1] == ["1.2"] for line in lines)
