"""Statistics per clerk and per cabinet (issue 17): two days scripted through ``kezek replay``
(the domain functions the console calls), and the figures computed by hand beside them,
on the API, the supervisor's page and its CSV and XLSX."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek.replay import replay
from kezek.settings import load_profile
from tests.conftest import PASSWORD, make_token, make_user

# 5 May 2026 (a Tuesday): Aigul at cab1, Bolat at cab4; 6 May: Bolat at cab1.
# Aigul: T1 10:00 (started 09:12, finished 09:22), T3 called, recalled, no-show,
#   T4 30:00 → served 2, mean 20, p90 30, 1 no-show, 3 calls, 09:10–10:01 = 51 min.
# Bolat: T2 finished without a start 20:00 (09:10–09:30), T5 15:00 on 6 May (09:05–09:20)
#   → served 2, mean 17.5, p90 20, 2 calls, 35 min; paused for a break 09:35–09:50 at cab4
#   on 5 May, for paperwork 09:25–09:30 at cab1 on 6 May (pauses count apart from work).
# cab1: T1, T3, T4, T5 → served 3 (10, 30, 15): mean 18.33, p90 30, 1 no-show, 4 calls, 66 min.
DAY = [
    ("05T09:00", None, "issue", {"as": "T1", "service": "registration"}),
    ("05T09:00", None, "issue", {"as": "T2", "service": "registration"}),
    ("05T09:01", None, "issue", {"as": "T3", "service": "registration"}),
    ("05T09:02", None, "issue", {"as": "T4", "service": "registration"}),
    ("05T09:10", "aigul", "call", {"point": "cab1", "expect": "T1"}),
    ("05T09:10", "bolat", "call", {"point": "cab4", "expect": "T2"}),
    ("05T09:12", "aigul", "start", {"ticket": "T1"}),
    ("05T09:22", "aigul", "finish", {"ticket": "T1"}),
    ("05T09:25", "aigul", "call", {"point": "cab1", "expect": "T3"}),
    ("05T09:27", "aigul", "recall", {"ticket": "T3"}),
    ("05T09:30", "aigul", "no_show", {"ticket": "T3"}),
    ("05T09:30", "bolat", "finish", {"ticket": "T2"}),
    ("05T09:31", "aigul", "call", {"point": "cab1", "expect": "T4"}),
    ("05T09:31", "aigul", "start", {"ticket": "T4"}),
    ("05T09:35", "bolat", "pause", {"point": "cab4", "reason": "break"}),
    ("05T09:50", "bolat", "resume", {"point": "cab4"}),
    ("05T10:01", "aigul", "finish", {"ticket": "T4"}),
    ("06T09:00", None, "issue", {"as": "T5", "service": "registration"}),
    ("06T09:05", "bolat", "call", {"point": "cab1", "expect": "T5"}),
    ("06T09:20", "bolat", "finish", {"ticket": "T5"}),
    ("06T09:25", "bolat", "pause", {"point": "cab1", "reason": "paperwork"}),
    ("06T09:30", "bolat", "resume", {"point": "cab1"}),
]


@pytest.fixture
def worked(client: TestClient, engine: Engine, office_id: int) -> TestClient:
    for name in ("aigul", "bolat"):
        make_user(engine, office_id, name, "clerk")
    lines = []
    for at, by, do, rest in DAY:
        line: dict[str, Any] = {"at": f"2026-05-{at}", "do": do, **rest}
        if by:
            line["by"] = by
        lines.append(json.dumps(line))
    assert replay(engine, load_profile("kyzylzhar"), office_id, lines) == len(DAY)
    return client


def supervisor_token(engine: Engine, office_id: int) -> dict[str, str]:
    make_user(engine, office_id, "sv", "supervisor")
    return {"authorization": f"Bearer {make_token(engine, 'sv')}"}


def by_key(lines: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {line["key"]: line for line in lines}


def test_the_api_gives_the_figures_computed_by_hand(
    worked: TestClient, engine: Engine, office_id: int
) -> None:
    staff = supervisor_token(engine, office_id)
    answer = worked.get("/api/stats/clerks?from=2026-05-01&to=2026-05-31", headers=staff)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["from"], body["to"]) == ("2026-05-01", "2026-05-31")
    clerks, points = by_key(body["clerks"]), by_key(body["service_points"])
    aigul = clerks["aigul"]
    assert (aigul["served"], aigul["no_shows"], aigul["calls"]) == (2, 1, 3)
    assert (aigul["mean_service_minutes"], aigul["p90_service_minutes"]) == (20.0, 30.0)
    assert aigul["hours_worked"] == round(51 / 60, 2)
    assert aigul["calls_per_hour"] == round(3 / (51 / 60), 2)
    bolat = clerks["bolat"]
    assert (bolat["served"], bolat["no_shows"], bolat["calls"]) == (2, 0, 2)
    assert (bolat["mean_service_minutes"], bolat["p90_service_minutes"]) == (17.5, 20.0)
    assert bolat["calls_per_hour"] == round(2 / (35 / 60), 2)
    cab1 = points["cab1"]
    assert (cab1["served"], cab1["no_shows"], cab1["calls"]) == (3, 1, 4)
    assert (cab1["mean_service_minutes"], cab1["p90_service_minutes"]) == (18.33, 30.0)
    assert cab1["calls_per_hour"] == round(4 / (66 / 60), 2)
    assert points["cab4"]["served"] == 1
    assert aigul["pause_minutes_by_reason"] is None  # she never paused
    assert bolat["pause_minutes_by_reason"] == {"break": 15.0, "paperwork": 5.0}
    assert points["cab4"]["pause_minutes_by_reason"] == {"break": 15.0}
    assert cab1["pause_minutes_by_reason"] == {"paperwork": 5.0}
    # One day only: Bolat's 6 May is out, his paperwork pause with it.
    one = worked.get("/api/stats/clerks?from=2026-05-05&to=2026-05-05", headers=staff).json()
    assert by_key(one["clerks"])["bolat"]["served"] == 1
    assert by_key(one["clerks"])["bolat"]["pause_minutes_by_reason"] == {"break": 15.0}


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("", 422, "Укажите период"),
        ("from=2026-05-01", 422, "Укажите период"),
        ("from=2026-05-31&to=2026-05-01", 422, "Период заканчивается раньше"),
        ("from=2026-5-1&to=2026-05-31", 422, "Период указан неверно"),
        ("from=2026-02-30&to=2026-05-31", 422, "Период указан неверно"),
        ("from=1999-01-01&to=2026-05-31", 422, "2000"),
        ("from=2020-01-01&to=2026-05-31", 422, "трёх лет"),
        ("from=٢٠٢٦-05-01&to=2026-05-31", 422, "Период указан неверно"),
    ],
)
def test_the_api_refuses_a_bad_period_in_the_request_language(
    client: TestClient, engine: Engine, office_id: int, query: str, status: int, message: str
) -> None:
    staff = {**supervisor_token(engine, office_id), "accept-language": "ru"}
    answer = client.get(f"/api/stats/clerks?{query}", headers=staff)
    assert answer.status_code == status
    assert answer.json()["error"] == "invalid"
    assert message in answer.json()["message"]


def test_the_api_is_for_supervisors_only(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    url = "/api/stats/clerks?from=2026-05-01&to=2026-05-31"
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"authorization": "Bearer nonsense"}).status_code == 401
    make_user(engine, office_id, "clerk1", "clerk")
    clerk = {"authorization": f"Bearer {make_token(engine, 'clerk1')}", "accept-language": "en"}
    refused = client.get(url, headers=clerk)
    assert refused.status_code == 403
    assert refused.json()["message"] == "This needs a supervisor's token."


def signed_in(client: TestClient, engine: Engine, office_id: int) -> TestClient:
    from tests.test_staff_flow import login

    login(client, engine, office_id, "head", "supervisor")
    return client


def cells(row: Any) -> dict[str, str]:
    return {td["class"][-1]: td.get_text(strip=True) for td in row.find_all("td")}


def test_the_page_is_reached_from_the_menu_and_shows_the_figures_in_russian(
    worked: TestClient, engine: Engine, office_id: int
) -> None:
    client = signed_in(worked, engine, office_id)
    home = BeautifulSoup(client.get("/staff/supervisor/?lang=ru").text, "html.parser")
    link = home.select_one("nav.sv-nav a[href$='/staff/supervisor/clerks']")
    assert link is not None and link.get_text(strip=True) == "Сотрудники и кабинеты"
    page = client.get(link["href"] + "?from=2026-05-01&to=2026-05-31&lang=ru")
    assert page.status_code == 200
    html = BeautifulSoup(page.text, "html.parser")
    cab1 = cells(html.select_one("#cabinet-figures tr[data-key=cab1]"))
    assert cab1 == {
        "served": "3",
        "mean": "18,3",
        "p90": "30,0",
        "no-shows": "1",
        "calls": "4",
        "hours": "1,10",
        "per-hour": "3,6",
        "pauses": "работа с документами: 5",
    }
    aigul = html.select_one("#clerk-figures tr[data-key=aigul]")
    assert aigul.th.get_text(strip=True) == "Aigul"
    assert cells(aigul)["per-hour"] == "3,5"  # 3 calls in 51 minutes
    chart = html.select_one("svg.chart")
    assert chart is not None and "Aigul" in chart.get_text() and "20,0" in chart.get_text()
    links = {a.get_text(strip=True): a["href"] for a in html.select(".exports a")}
    assert all(href.endswith("?from=2026-05-01&to=2026-05-31") for href in links.values())


def test_the_page_refuses_a_bad_period_and_shows_this_month(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    signed_in(client, engine, office_id)
    page = client.get("/staff/supervisor/clerks?from=2026-05-31&to=2026-05-01")
    assert page.status_code == 422
    assert "The period ends before it starts. Showing this month." in page.text
    assert (
        client.get("/staff/supervisor/clerks.csv?from=2026-05-31&to=2026-05-01").status_code == 422
    )


def test_the_csv_is_in_the_readers_locale_and_the_xlsx_has_numbers(
    worked: TestClient, engine: Engine, office_id: int
) -> None:
    client = signed_in(worked, engine, office_id)
    query = "?from=2026-05-01&to=2026-05-31"
    ru = client.get(f"/staff/supervisor/clerks.csv{query}&lang=ru")
    assert ru.status_code == 200
    assert 'filename="clerks-2026-05-01-2026-05-31.csv"' in ru.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(ru.content.decode("utf-8")), delimiter=";"))
    aigul = next(r for r in rows if r and r[0] == "Aigul")
    assert aigul[:8] == ["Aigul", "2", "20", "30", "1", "3", "0,85", "3,5"]
    en = client.get(f"/staff/supervisor/clerks.csv{query}&lang=en").content.decode("utf-8")
    cab1 = next(r for r in csv.reader(io.StringIO(en)) if r[:1] == ["Cabinet No. 1"])
    assert cab1[1:8] == ["3", "18.3", "30.0", "1", "4", "1.1", "3.6"]
    xlsx = client.get(f"/staff/supervisor/clerks.xlsx{query}&lang=en")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Clerks", "Cabinets"]
    values = [list(r) for r in book["Clerks"].iter_rows(values_only=True)]
    bolat = next(r for r in values if r[0] == "Bolat")
    assert bolat[1:8] == [2, 17.5, 20.0, 0, 2, 0.58, 3.4]


@pytest.mark.browser
def test_a_supervisor_clicks_to_the_figures_in_chromium(  # type: ignore[no-untyped-def]
    worked: TestClient, engine: Engine, office_id: int, live_server, page, artifacts
) -> None:
    from tests.conftest import axe_violations

    make_user(engine, office_id, "head", "supervisor")
    page.goto(live_server.url + "/staff/login?lang=kk")
    page.fill("#username", "head")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(live_server.url + "/staff/supervisor/")  # the supervisor's entry page
    page.click("nav.sv-nav >> text=Қызметкерлер мен кабинеттер")
    page.fill("input[name=from]", "2026-05-01")
    page.fill("input[name=to]", "2026-05-31")
    page.click(".period-form button[type=submit]")
    page.wait_for_load_state()
    row = page.locator("#cabinet-figures tr[data-key=cab1]")
    assert row.locator("td.mean").inner_text() == "18,3"
    assert page.locator("svg.chart").count() == 1
    with page.expect_download() as download:
        page.click(".exports a[href*='clerks.xlsx']")
    assert download.value.suggested_filename == "clerks-2026-05-01-2026-05-31.xlsx"
    page.screenshot(path=str(artifacts / "clerk-stats.png"), full_page=True)
    assert axe_violations(page) == []
