"""Wait estimates v2 and the accuracy report (issue 19)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek import demo
from kezek.forecast.estimate_accuracy import Sample, summarize
from kezek.printing import talons
from kezek.queue.wait_range import Ahead, Times, quote
from tests.conftest import run_kezek
from tests.estimate_day import play
from tests.test_printing_talons import TALON
from tests.test_staff_flow import login


def test_nobody_ahead_and_a_free_cabinet_is_no_wait() -> None:
    found = quote([], Times(10, 4), servers=2, busy=1, baseline_min=0)
    assert (found.low_min, found.high_min) == (0, 5)


def test_the_range_widens_with_the_queue_and_shares_the_cabinets() -> None:
    times = Times(12, 5)
    short = quote([Ahead(2, times)], times, servers=2, busy=2, baseline_min=12)
    long = quote([Ahead(8, times)], times, servers=2, busy=2, baseline_min=48)
    # (2·12 + 2·6) / 2 = 18 min; (8·12 + 12) / 2 = 54 min, ± 1.28 standard deviations
    assert (short.point_min, long.point_min) == (18, 54)
    assert short.low_min <= 18 <= short.high_min and long.low_min <= 54 <= long.high_min
    assert long.high_min - long.low_min > short.high_min - short.low_min


def test_a_wait_into_the_lunch_break_has_the_break_added() -> None:
    times = Times(12, 5)
    found = quote([Ahead(4, times)], times, 2, 2, 24, until_lunch=10, lunch_minutes=60)
    assert found.point_min == 30 + 60


def test_never_called_is_counted_apart() -> None:
    day = date(2026, 11, 17)
    samples = [
        Sample(day, "registration", 12.0, 5, 10, 20),  # v1 off by 7, v2's middle by 3, inside
        Sample(day, "registration", 30.0, 20, 15, 25),  # off by 10 and 10, outside
        Sample(day, "registration", None, 20, 15, 25),  # never called: not in the figures
    ]
    found = summarize(samples).overall
    assert (found.quoted, found.never_called, found.called) == (3, 1, 2)
    assert (found.mae_old, found.mae_new, found.inside) == (8.5, 6.5, 0.5)


def test_a_scripted_day_v2_beats_the_old_number(engine: Engine) -> None:
    """Two busy days played through the queue's functions, quoted as the kiosk quotes; the
    report over the second (the first builds the service-time history). README figures."""
    found = play(engine).overall
    assert found.quoted == 63 and found.never_called == 0
    assert found.mae_old is not None and found.mae_new is not None and found.inside is not None
    assert round(found.mae_old, 1) == pytest.approx(6.1)
    assert round(found.mae_new, 1) == pytest.approx(5.0)
    assert round(found.inside * 100) == 84
    assert found.mae_new < found.mae_old


def test_the_api_and_the_phone_page_give_the_range(client: TestClient) -> None:
    for _ in range(3):
        client.post("/api/tickets", json={"service": "registration"})
    answer = client.post("/api/tickets", json={"service": "registration"}).json()
    low, high = answer["estimate_low_min"], answer["estimate_high_min"]
    assert answer["position"] == 4 and 0 <= low < answer["estimated_wait_minutes"] < high
    page = BeautifulSoup(client.get(answer["status_url"] + "?lang=en").text, "html.parser")
    assert f"Estimated wait: {low}–{high} min" in page.get_text(" ", strip=True)
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert "estimate_low_min" in schema["PublicTicket"]["properties"]


@pytest.fixture
def history(engine: Engine, office_id: int) -> None:
    """Twelve working days of the demo's history (quoted as the kiosk quotes) before Tuesday."""
    demo.load(engine, office_id, ZoneInfo("Asia/Almaty"), days=12, today=date(2026, 11, 24))


def test_the_accuracy_page_from_the_tabs_in_the_language(
    client: TestClient, engine: Engine, office_id: int, history: None
) -> None:
    login(client, engine, office_id, "chief", "supervisor")
    home = BeautifulSoup(client.get("/staff/supervisor/?lang=ru").text, "html.parser")
    link = home.find("nav", class_="sv-nav").find("a", string="Оценки ожидания")["href"]
    doc = BeautifulSoup(client.get(link).text, "html.parser")
    overall = doc.find("table", id="estimates-services").find_all("tr")[-1]
    cells = [td.text for td in overall.find_all("td")]
    old, new = (float(c.replace(",", ".")) for c in cells[2:4])
    assert overall.th.text == "Всего" and new < old  # the range's middle beats the number
    assert doc.find("svg", attrs={"role": "img"})
    bad = client.get(f"{link}?from=2026-11-20&to=2026-11-01")
    assert bad.status_code == 422 and "Период заканчивается раньше" in bad.text
    long = client.get(f"{link}?from=2016-11-01&to=2026-11-01")  # ten years: not on a request
    assert long.status_code == 422 and "не больше трёх лет" in long.text


def test_kezek_estimates_prints_the_report(tmp_path: Path) -> None:
    assert run_kezek(tmp_path, "db", "upgrade").returncode == 0
    assert run_kezek(tmp_path, "demo", "--days", "5", "--quiet").returncode == 0
    done = run_kezek(
        tmp_path, "estimates", "--from", "2025-01-01", "--to", "2030-12-31", "--lang", "en"
    )
    assert done.returncode == 0, done.stderr
    overall = done.stdout.splitlines()[-1].split()
    assert overall[0] == "overall" and float(overall[4]) < float(overall[3])
    assert "estimates" in done.stderr  # the progress bar


def test_the_talon_prints_the_range() -> None:
    ranged = replace(TALON, position=4, wait_range=(15, 25))  # a Kazakh talon
    assert "15–25 мин" in [value for _label, value in talons.queue_talon_lines(ranged).rows]
