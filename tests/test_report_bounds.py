"""Issue 14 §7: report periods are bounded (from ≤ to, at most three years, years 2000–2100)
and refused clearly in the reader's language; an export checks its period before a byte is
sent, so a bad request never downloads another period's file or a half file with 200."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.test_staff_flow import login, soup

EXPORTS = ["report.csv", "report.xlsx", "tickets.csv"]
BAD = {
    "period=range&from=2026-05-01&to=2026-04-01": "Период заканчивается раньше, чем начинается.",
    "period=range&from=2020-01-01&to=2026-01-01": "Период — не больше трёх лет.",
    "period=range&from=0001-01-01&to=0001-12-31": "Отчёты охватывают 2000–2100 годы.",
    "period=range&from=9999-12-01&to=9999-12-31": "Отчёты охватывают 2000–2100 годы.",
    "period=year&year=9999": "Период указан неверно.",
    "period=year&year=%C2%B2": "Период указан неверно.",  # "²"
    "period=month&year=2026&month=%D9%A3": "Период указан неверно.",  # Arabic-Indic 3
    "period=range&from=20260101&to=2026-02-01": "Период указан неверно.",
    "period=range&from=2026-02-30": "Период указан неверно.",
}


@pytest.fixture
def head(client: TestClient, engine: Engine, office_id: int) -> TestClient:
    login(client, engine, office_id, "head", "supervisor")
    client.headers["accept-language"] = "ru"
    return client


@pytest.mark.parametrize("query", list(BAD))
def test_a_bad_period_is_a_422_with_the_reason_in_the_readers_language(
    head: TestClient, query: str
) -> None:
    for page in ("report", "complaints"):
        answer = head.get(f"/staff/supervisor/{page}?{query}")
        assert answer.status_code == 422, (page, query)
        alert = soup(answer).select_one("p.error[role=alert]")
        assert alert is not None and BAD[query] in alert.get_text()
        assert "Показан текущий год." in alert.get_text()
    for name in EXPORTS:
        answer = head.get(f"/staff/supervisor/{name}?{query}")
        assert answer.status_code == 422, (name, query)
        assert "content-disposition" not in answer.headers  # no file
        assert answer.headers["content-type"].startswith("text/plain")
        assert answer.text.strip() == BAD[query]


def test_a_good_period_still_downloads(head: TestClient) -> None:
    query = "period=range&from=2026-11-01&to=2026-11-30"
    for name in EXPORTS:
        answer = head.get(f"/staff/supervisor/{name}?{query}")
        assert answer.status_code == 200
        assert "2026-11-01-2026-11-30" in answer.headers["content-disposition"]
    assert head.get(f"/staff/supervisor/report?{query}").status_code == 200


def test_an_export_that_fails_before_its_first_row_is_an_error_not_a_half_file(
    app, engine: Engine, office_id: int
) -> None:  # type: ignore[no-untyped-def]
    """tickets.csv streams: its first rows are read before the answer starts, so a query that
    fails answers an error page, never a 200 with a truncated file."""
    import sqlalchemy as sa

    with TestClient(app, raise_server_exceptions=False) as client:
        login(client, engine, office_id, "head", "supervisor")
        with engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE tickets RENAME TO tickets_away"))
        answer = client.get("/staff/supervisor/tickets.csv?period=year&year=2026")
        assert answer.status_code >= 500 and "content-disposition" not in answer.headers
