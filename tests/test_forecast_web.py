"""Issue 19 where it shows: the Plan page reached from the supervisor's tabs, its what-if
editor (htmx), ``GET /api/forecast`` for a supervisor's token, and ``kezek forecast``."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek import demo
from tests.conftest import make_token, make_user, run_kezek
from tests.test_staff_flow import login

TUESDAY = date(2026, 11, 24)  # the client's clock (conftest: Tuesday 10:00)
FRIDAY = date(2026, 11, 27)


@pytest.fixture
def history(engine: Engine, office_id: int) -> None:
    """Three weeks of the demo's history before the client's Tuesday."""
    demo.load(engine, office_id, ZoneInfo("Asia/Almaty"), days=12, today=TUESDAY)


def _soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html.parser")


@pytest.mark.slow
def test_the_plan_page_from_the_tabs_and_its_what_if(
    client: TestClient, engine: Engine, office_id: int, history: None
) -> None:
    login(client, engine, office_id, "chief", "supervisor")
    home = _soup(client.get("/staff/supervisor/"))
    link = home.find("nav", class_="sv-nav").find("a", string="Plan")["href"]
    page = client.get(f"{link}?date={FRIDAY}")
    assert page.status_code == 200
    doc = _soup(page)
    rows = doc.find("table", id="plan-table").find("tbody").find_all("tr")
    assert [r.th.text for r in rows] == [f"{h:02d}:00" for h in (9, 10, 11, 12, 14, 15, 16, 17)]
    assert all(int(r.find_all("td")[2].text.split()[0]) >= 1 for r in rows)  # cabinets
    assert len(doc.find_all("svg", attrs={"role": "img"})) == 2
    assert "Forecast visits and cabinets per hour" in page.text
    form = doc.find("form", attrs={"hx-get": True})
    fields = {i["name"]: i["value"] for i in form.find_all("input")}
    assert fields["c9"] and fields["date"] == str(FRIDAY)
    # No cabinet until 10: the morning's visitors wait past 40 minutes.
    broken = client.get(
        form["hx-get"],
        params={**fields, "c9": "0"},
        headers={"HX-Request": "true", "HX-Target": "what-if"},
    )
    assert broken.status_code == 200
    fragment = _soup(broken)
    assert fragment.find("section", id="what-if") and not fragment.find("nav")
    assert "It breaks at 09:00" in fragment.text
    as_planned = client.get(
        form["hx-get"], params=fields, headers={"HX-Request": "true", "HX-Target": "what-if"}
    )
    assert "Every hour reaches the target." in as_planned.text


def test_the_plan_page_refuses_a_closed_day_and_a_bad_target_in_the_language(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    login(client, engine, office_id, "chief", "supervisor")
    monday = client.get("/staff/supervisor/plan?date=2026-11-30")
    assert monday.status_code == 422 and "The office is closed on 2026-11-30." in monday.text
    bad = client.get(f"/staff/supervisor/plan?date={FRIDAY}&target=150")
    assert bad.status_code == 422 and "from 1 to 100" in bad.text
    client.headers["accept-language"] = "ru"
    garbled = client.get("/staff/supervisor/plan?date=tomorrow")
    assert garbled.status_code == 422 and "ГГГГ-ММ-ДД" in garbled.text
    nonsense = client.get(f"/staff/supervisor/plan/what-if?date={FRIDAY}&c9=99")
    assert nonsense.status_code == 422


def test_the_plan_is_for_supervisors(client: TestClient, engine: Engine, office_id: int) -> None:
    login(client, engine, office_id, "clerk1", "clerk")
    assert client.get("/staff/supervisor/plan").status_code == 403


def test_the_api_gives_the_hours_to_a_supervisor_token(
    client: TestClient, engine: Engine, office_id: int, history: None
) -> None:
    make_user(engine, office_id, "chief", "supervisor")
    make_user(engine, office_id, "clerk9", "clerk")
    head = {"authorization": f"Bearer {make_token(engine, 'chief')}"}
    answer = client.get(f"/api/forecast?date={FRIDAY}&target=80", headers=head)
    assert answer.status_code == 200
    body = answer.json()
    assert body["target"] == 80
    assert [h["hour"] for h in body["hours"]] == [9, 10, 11, 12, 14, 15, 16, 17]
    for hour in body["hours"]:
        assert hour["arrivals"] > 0 and hour["cabinets"] >= 1 and 0 <= hour["within_target"] <= 100
    clerk = {"authorization": f"Bearer {make_token(engine, 'clerk9')}"}
    assert client.get(f"/api/forecast?date={FRIDAY}", headers=clerk).status_code == 403
    assert client.get(f"/api/forecast?date={FRIDAY}").status_code == 401
    assert client.get("/api/forecast?date=2026-13-01", headers=head).status_code == 422
    assert client.get("/api/forecast", headers=head).status_code == 422


@pytest.mark.slow
def test_kezek_forecast_prints_the_hourly_plan(tmp_path: Path) -> None:
    env = {"KEZEK_PROFILE": "kyzylzhar"}
    loaded = run_kezek(tmp_path, "demo", "--days", "12", "--quiet", "--force", **env)
    assert loaded.returncode == 0, loaded.stderr
    day = date.today() + timedelta(days=1)
    while day.weekday() not in (1, 2, 3, 4):  # Kyzylzhar: Tuesday–Friday
        day += timedelta(days=1)
    done = run_kezek(tmp_path, "forecast", "--date", str(day), "--lang", "en", "--runs", "4", **env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"Plan for {day}, target 90 %"
    assert [ln[:5] for ln in lines if ln[:2].isdigit() and ln[2] == ":"] == [
        f"{h:02d}:00" for h in (9, 10, 11, 12, 14, 15, 16, 17)
    ]
    assert "Forecast backtest" in done.stdout and "plan [" in done.stderr
    closed = run_kezek(tmp_path, "forecast", "--date", "2026-11-30", **env)
    assert closed.returncode == 2 and closed.stderr.strip().startswith("kezek: ")
    assert len(closed.stderr.strip().splitlines()) == 1
