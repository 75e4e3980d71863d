"""The complaints journal (§21–23): register at the desk, the talon prints, the supervisor
reviews and answers; the journal feeds 4.1 and 4.2."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek.printing.decode import decode_image
from kezek.queue.clock import ManualClock
from kezek.settings import Settings
from tests.test_staff_flow import login


def soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html.parser")


def facts(page: BeautifulSoup) -> dict[str, str]:
    return {
        dt.get_text(strip=True): dt.find_next("dd").get_text(" ", strip=True)
        for dt in page.select("dl.facts dt")
    }


def test_register_print_review_answer(
    client: TestClient, engine: Engine, office_id: int, now: ManualClock, settings: Settings
) -> None:
    token = login(client, engine, office_id, "clerk1", "clerk")
    empty = client.post("/staff/supervisor/complaints/new", data={"csrf_token": token})
    assert empty.status_code == 422 and soup(empty).select_one("[role=alert]") is not None
    done = client.post(
        "/staff/supervisor/complaints/new",
        data={
            "csrf_token": token,
            "complainant": "Асқар Б.",
            "contact": "8 701 000 00 00",
            "ticket_code": "а-007",
            "about": "Waited 50 minutes at cabinet 4.",
        },
    )
    assert "printed=1" in str(done.url)
    page = soup(done)
    assert page.select_one("h1").get_text(strip=True) == "Complaint No. 2026-001"
    shown = facts(page)
    assert (
        shown["Received"] == "24.11.2026" and shown["Answer due"] == "01.12.2026"
    )  # 5 working days
    assert shown["Ticket"] == "А-007" and shown["Justified"] == "not reviewed yet"
    assert page.select_one("[role=status]").get_text(strip=True) == "The talon was printed."
    # The talon went to cabinet 1's desk printer (§22), as a raster image; named by number.
    spooled = sorted((Path(settings.spool_dir) / "cab1").glob("*.bin"))
    assert len(spooled) == 1 and "2026-001" in spooled[0].name
    assert "Асқар" not in spooled[0].name
    assert decode_image(spooled[0].read_bytes()) is not None
    # A clerk cannot review; the supervisor can.
    assert page.select_one("form[action$='/review']") is None
    assert (
        client.post(
            "/staff/supervisor/complaints/1/review", data={"csrf_token": token, "justified": "yes"}
        ).status_code
        == 403
    )
    token = login(client, engine, office_id, "head", "supervisor")
    journal = soup(client.get("/staff/supervisor/complaints"))
    assert [td.get_text(strip=True) for td in journal.select("#open-complaints td")][:3] == [
        "2026-001",
        "24.11.2026",
        "01.12.2026",
    ]
    now.advance(days=2)
    token = login(client, engine, office_id, "head", "supervisor", create=False)  # a new day
    reviewed = client.post(
        "/staff/supervisor/complaints/1/review",
        data={
            "csrf_token": token,
            "justified": "yes",
            "answer": "Apologies; a second cabinet opens.",
            "satisfied": "yes",  # 4.2: the answer records whether it satisfied (issue 13)
        },
    )
    shown = facts(soup(reviewed))
    assert shown["Justified"] == "yes" and shown["Answer"].endswith("(26.11.2026)")
    assert soup(client.get("/staff/supervisor/complaints")).select("#open-complaints") == []
    report = soup(client.get("/staff/supervisor/report?period=month&year=2026&month=11"))
    row = report.select_one("tr[data-code='4.2']")
    assert row.select_one("td.counts").get_text(strip=True) == "1 of 1"
    # No visitor was served in the month: 4.1 has no denominator.
    assert report.select_one("tr[data-code='4.1'] td.value").get_text(strip=True) == "no data"
    # Reprint from the complaint page.
    again = client.post("/staff/supervisor/complaints/1/print", data={"csrf_token": token})
    assert "printed=1" in str(again.url)
    assert len(sorted((Path(settings.spool_dir) / "cab1").glob("*.bin"))) == 2
    # A complaint that does not exist: the same page as for viewing one, not a JSON error.
    missing = client.post(
        "/staff/supervisor/complaints/99/review", data={"csrf_token": token, "justified": "no"}
    )
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")


def test_overdue_complaints_are_flagged(
    client: TestClient, engine: Engine, office_id: int, now: ManualClock
) -> None:
    token = login(client, engine, office_id, "head", "supervisor")
    client.post(
        "/staff/supervisor/complaints/new",
        data={
            "csrf_token": token,
            "complainant": "X",
            "about": "rude",
            "received_on": "2026-11-16",
        },
    )
    page = soup(client.get("/staff/supervisor/"))
    item = page.select_one("li.state-overdue")
    assert item is not None and "23.11.2026" in item.get_text()  # 5 working days
    future = client.post(
        "/staff/supervisor/complaints/new",
        data={
            "csrf_token": token,
            "complainant": "X",
            "about": "rude",
            "received_on": "2026-12-01",
        },
    )
    assert future.status_code == 422
