"""The exports as a supervisor downloads them (issue 15, defect 12): services and service
points by their names in the reader's language, not the profile's codes; in the XLSX the
norm, the next year's target and the value are numbers (4.1's norm a number shown as
"at most 4"), opened back with openpyxl."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek import db
from kezek.indicators import targets
from kezek.queue.clock import Clock, ManualClock
from tests.test_indicators_table import at, history
from tests.test_staff_flow import login

MONTH = "?period=month&year=2026&month=11"
NAMES = {
    "en": ("Registration as unemployed", "Cabinet No. 1", '"at most "General'),
    "ru": ("Регистрация в качестве безработного", "Кабинет №1", '"не более "General'),
}


@pytest.fixture
def downloads(
    client: TestClient, engine: Engine, clock: Clock, now: ManualClock, office_id: int
) -> TestClient:
    history(engine, clock, now)
    with db.transaction(engine) as session:  # the appendix column: next year's targets
        targets.set_targets(session, clock, office_id, 2027, {"1.2": 98.5, "4.1": 3}, None)
    at(now, 10, 0, date(2026, 11, 25))
    login(client, engine, office_id, "head", "supervisor")
    return client


@pytest.mark.parametrize("lang", sorted(NAMES))
def test_the_workbook_holds_numbers_and_names(downloads: TestClient, lang: str) -> None:
    service, point, at_most = NAMES[lang]
    downloads.headers["accept-language"] = lang
    response = downloads.get("/staff/supervisor/report.xlsx" + MONTH)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = {r[0].value: r for r in sheet.iter_rows() if r[0].value and r[0].value[0].isdigit()}
    assert len(rows) == 12
    for code, row in rows.items():
        assert row[2].data_type == "n" and isinstance(row[2].value, int | float), code  # norm
    assert rows["1.2"][2].value == 100 and rows["1.2"][2].number_format == "General"
    assert rows["4.1"][2].value == 5 and rows["4.1"][2].number_format == at_most
    assert rows["1.2"][3].value == 98.5 and rows["1.2"][3].data_type == "n"  # 2027's target
    assert rows["4.1"][3].value == 3 and rows["4.1"][3].data_type == "n"
    assert rows["2.1"][3].value is None  # no target: an empty cell, not empty text
    assert rows["1.2"][4].value == 75.0 and rows["1.2"][4].data_type == "n"
    assert [c.value for c in rows["1.2"][5:7]] == [3, 4]
    link = str(rows["1.2"][8].value)  # issue 13: each figure opens the list behind it
    assert link.startswith('=HYPERLINK("http://testserver/staff/supervisor/report/1.2?')
    tickets = list(book.worksheets[1].iter_rows(values_only=True))
    first = next(r for r in tickets if r[1] == "А-001")
    assert first[2] == service and first[12] == point
    text = " ".join(str(c) for r in tickets for c in r if c is not None)
    assert "registration" not in text and "cab1" not in text and "certificate" not in text


def test_the_csv_files_name_the_services(downloads: TestClient) -> None:
    downloads.headers["accept-language"] = "en"
    text = downloads.get("/staff/supervisor/tickets.csv" + MONTH).text.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    first = next(r for r in rows if r[1] == "А-001")
    assert first[2] == "Registration as unemployed" and first[12] == "Cabinet No. 1"
    moved = next(r for r in rows if r[1] == "А-002" and r[13])  # the transfer's row
    assert moved[13] == "Registration as unemployed"
    assert "registration" not in text and "cab1" not in text
    table = downloads.get("/staff/supervisor/report.csv" + MONTH).text.lstrip("\ufeff")
    by_code = {r[0]: r for r in csv.reader(io.StringIO(table)) if r and r[0]}
    assert by_code["4.1"][2:4] == ["at most 5", "3"] and by_code["1.2"][2:4] == ["100", "98.5"]


def test_the_csv_opens_in_columns_in_a_russian_excel(downloads: TestClient) -> None:
    """Issue 15, defect 12: where the decimal sign is a comma (ru, kk), Excel splits a CSV
    by semicolons: the files use them, and write decimals with commas; en keeps commas."""
    downloads.headers["accept-language"] = "ru"
    table = downloads.get("/staff/supervisor/report.csv" + MONTH).content.decode("utf-8-sig")
    by_code = {r[0]: r for r in csv.reader(io.StringIO(table), delimiter=";") if r and r[0]}
    assert len(by_code) >= 12 and by_code["1.2"][3] == "98,5"
    assert all(len(r) > 3 for code, r in by_code.items() if code[0].isdigit())
    tickets = downloads.get("/staff/supervisor/tickets.csv" + MONTH).content.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(tickets), delimiter=";"))
    assert len(header) > 10
    downloads.headers["accept-language"] = "en"
    english = downloads.get("/staff/supervisor/report.csv" + MONTH).text.lstrip("\ufeff")
    assert next(csv.reader(io.StringIO(english.splitlines()[1]))).__len__() > 3
