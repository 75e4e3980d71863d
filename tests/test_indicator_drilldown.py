"""Behind every figure of the report: a supervisor opens the list of what it counts, each
visit, case, answer or complaint with its rule ("called late: waited 40:01"); IINs masked;
each opening that shows cards is in the audit trail; a definition page per indicator in
kk/ru/en; clerks are refused. The data is the hand-computed month of ``kezek replay``."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek import db
from kezek.indicators import table
from kezek.intake import audit, iin
from kezek.replay import replay
from kezek.settings import load_profile
from tests import replay_month
from tests.test_staff_flow import login

MAY = "period=month&year=2026&month=5"


@pytest.fixture
def profile_name(tmp_path: Path) -> str:
    return str(replay_month.profile_file(tmp_path))


@pytest.fixture
def month(client: TestClient, engine: Engine, office_id: int, profile_name: str) -> None:
    path = replay_month.write(Path(profile_name).parent / "m.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    replay(engine, load_profile(profile_name), office_id, lines)


def soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def rules(page: BeautifulSoup, day: str = "") -> dict[str, list[str]]:
    """Reference -> [counted, rule] of each row of the list (of one day, when given)."""
    found = {}
    for tr in page.select("#entries tbody tr"):
        cells = [td.get_text(" ", strip=True) for td in tr.select("td")]
        if not day or cells[0] == day:
            found[cells[1]] = [cells[-2], cells[-1]]
    return found


def test_every_figure_links_to_the_list_that_adds_up_to_it(
    client: TestClient, engine: Engine, office_id: int, month: None
) -> None:
    login(client, engine, office_id, "head", "supervisor")
    report = soup(client.get(f"/staff/supervisor/report?{MAY}"))
    for row in report.select("#indicators tbody tr"):
        code = row["data-code"]
        link = row.select_one("td.value a")["href"]
        assert link == f"http://testserver/staff/supervisor/report/{code}?{MAY}"
        definition = row.select_one("th a")["href"]
        assert definition == f"http://testserver/staff/supervisor/indicators/{code}?{MAY}"
        listed = soup(client.get(link)).select_one("#figure").get_text(" ", strip=True)
        counted = row.select_one("td.counts").get_text(" ", strip=True)
        assert listed.split(";")[0] == counted, code  # "7 of 11" on both
        if code in replay_month.BY_HAND:
            num, den = replay_month.BY_HAND[code]
            assert counted == f"{num} of {den}", code  # the figure of kezek report


def test_the_list_behind_1_2_gives_the_rule_for_each_visit(
    client: TestClient, engine: Engine, office_id: int, month: None
) -> None:
    login(client, engine, office_id, "head", "supervisor")
    page = soup(client.get(f"/staff/supervisor/report/1.2?{MAY}"))
    found = rules(page, "05.05.2026")
    both, below, out = "above and below the line", "below the line only", "left out"
    assert found["А-001"] == [both, "called in time: waited 40:00"]
    assert found["А-002"] == [below, "called late: waited 40:01"]
    assert found["А-003"] == [out, "left before the target: waited 10:00, out of 1.2"]
    assert found["А-004"] == [below, "left after the target had passed: waited 50:00"]
    assert found["А-005"] == [both, "called in time, then did not come: waited 20:00"]
    assert found["А-007"] == [below, "called late: waited 68:00"]  # lunch included
    assert found["А-009"] == [below, "closed unserved at the end of the day: waited 30:00"]
    assert found["А-006"] == [below, "called late: waited 50:00"]  # 5:00 + 45:00
    assert len(found) == 9  # one row per visit: T6's transfer is not a second visit
    assert len(rules(page, "12.05.2026")) == 2
    assert rules(page, "13.05.2026") == {"А-001": [both, "called in time: waited 5:00"]}
    # V1, the vacancies visit of 13 May, is of a service the appendix does not measure
    assert page.select_one("#figure").get_text(" ", strip=True) == "6 of 11; left out: 1"


@pytest.mark.parametrize(
    ("lang", "late", "counted"),
    [
        ("ru", "вызван поздно: ждал 40:01", "только в знаменателе"),
        ("kk", "кеш шақырылды", "тек бөлімде"),
    ],
)
def test_the_rules_are_in_the_supervisors_language(
    client: TestClient,
    engine: Engine,
    office_id: int,
    month: None,
    lang: str,
    late: str,
    counted: str,
) -> None:
    login(client, engine, office_id, "head", "supervisor")
    client.headers["accept-language"] = lang
    found = rules(soup(client.get(f"/staff/supervisor/report/1.2?{MAY}")), "05.05.2026")
    assert found["А-002"][0] == counted and found["А-002"][1].startswith(late)


def test_the_cases_behind_1_1_are_masked_and_audited(
    client: TestClient, engine: Engine, office_id: int, month: None
) -> None:
    login(client, engine, office_id, "head", "supervisor")
    response = client.get(f"/staff/supervisor/report/1.1?{MAY}")
    page = soup(response)
    found = rules(page)
    assert found["2026-0001"] == ["above and below the line", "decided on day 10, by 15.05.2026"]
    assert found["2026-0002"] == ["below the line only", "decided late, on day 11: due 15.05.2026"]
    for number in ("900101300007", "850515400002", "771220300008", "950305400001"):
        assert number not in response.text
        assert iin.mask(number) in response.text
    with db.reading(engine) as session:
        entries = [e for e in audit.trail(session, office_id) if e.action == "indicator_list"]
    assert len(entries) == 4  # one per card the list showed
    assert audit.changes_of(entries[0]) == {"indicator": "1.1", "period": "2026-05-01 – 2026-05-31"}
    trail = soup(client.get("/staff/audit")).get_text(" ", strip=True)
    assert "opened the list behind an indicator" in trail


def test_every_opening_of_a_list_is_in_the_audit_trail(
    client: TestClient, engine: Engine, office_id: int, month: None
) -> None:
    """Issue 13: the lists without cards too (1.2's visits, feedback, complaints) — who,
    when, which indicator and period, how many entries; the database keeps them."""
    import pytest
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError, ProgrammingError

    login(client, engine, office_id, "head", "supervisor")
    for code in ("1.2", "4.2", "5.1"):
        assert client.get(f"/staff/supervisor/report/{code}?{MAY}").status_code == 200
    page = soup(client.get("/staff/audit"))
    opened = [
        [td.get_text(strip=True) for td in tr.select("td")]
        for tr in page.select("tr[data-indicator]")
    ]
    assert [row[2] for row in opened] == ["5.1", "4.2", "1.2"]  # newest first
    assert opened[2][1] == "Head" and opened[2][3] == "01.05.2026 – 31.05.2026"
    assert int(opened[2][4]) >= 11  # 1.2's eleven visits and the ones left out
    for statement in (
        "UPDATE indicator_list_views SET entries = 0",
        "DELETE FROM indicator_list_views",
    ):
        with pytest.raises((IntegrityError, ProgrammingError)), db.transaction(engine) as session:
            session.execute(sa.text(statement))


def test_complaints_and_answers_behind_4_2_and_5_1(
    client: TestClient, engine: Engine, office_id: int, month: None
) -> None:
    login(client, engine, office_id, "head", "supervisor")
    found = rules(soup(client.get(f"/staff/supervisor/report/4.2?{MAY}")))
    # the term: 5 working days, without the weekends and the holidays of 7 and 11 May
    both, below = "above and below the line", "below the line only"
    assert found["2026-001"] == [both, "answered on 14.05.2026, due 14.05.2026"]  # the due day
    assert found["2026-002"] == [below, "answered on 06.05.2026, not satisfied"]
    assert found["2026-003"] == [below, "answered late on 20.05.2026: due 19.05.2026"]
    assert found["2026-004"] == [below, "not answered, due 19.05.2026: late"]
    assert found["2026-005"] == ["left out", "not found justified: out of 4.2"]
    page = soup(client.get(f"/staff/supervisor/report/5.1?{MAY}"))
    assert [r[1] for r in rules(page).values()] == [
        "answered yes",
        "skipped, or did not complain: not an answer",
        "answered no",
        "answered yes",
    ]
    assert page.select_one("#figure").get_text(" ", strip=True) == "2 of 3; left out: 1"


@pytest.mark.parametrize(
    ("lang", "formula"),
    [
        ("en", "visits whose every waiting period ended in a call"),
        ("ru", "посещения, в которых каждое ожидание закончилось вызовом"),
        ("kk", "әрбір күту кезеңі шақырумен аяқталған"),
    ],
)
def test_each_indicator_has_a_definition_page(
    client: TestClient, engine: Engine, office_id: int, lang: str, formula: str
) -> None:
    login(client, engine, office_id, "head", "supervisor")
    client.headers["accept-language"] = lang
    for code in table.BY_CODE:
        page = soup(client.get(f"/staff/supervisor/indicators/{code}"))
        assert len(page.select("#definition dd")) == 5, code
    page = soup(client.get("/staff/supervisor/indicators/1.2"))
    text = page.select_one("#definition").get_text(" ", strip=True)
    assert formula in text and "§10, §14; appendix, 1.2" in text


def test_clerks_are_refused(client: TestClient, engine: Engine, office_id: int) -> None:
    login(client, engine, office_id, "clerk1", "clerk")
    for url in ("/staff/supervisor/report/1.2", "/staff/supervisor/indicators/1.2"):
        assert client.get(url).status_code == 403, url
    login(client, engine, office_id, "head", "supervisor")
    assert client.get("/staff/supervisor/report/9.9").status_code == 404
