"""Day boundaries through the app: lunch, closing with tickets waiting, a new business day in
Asia/Almaty (UTC+5), a holiday from the profile."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from starlette.testclient import TestClient

from kezek.app import close_finished_days
from kezek.queue.clock import ManualClock

ALMATY = ZoneInfo("Asia/Almaty")


def take(client: TestClient, lang: str = "en") -> object:
    return client.post(
        "/api/tickets", json={"service": "registration"}, headers={"accept-language": lang}
    )


def public(client: TestClient, issued: dict[str, object]) -> dict[str, object]:
    """The ticket as the visitor's phone reads it (by its token, the only public read)."""
    token = str(issued["status_url"]).rsplit("/", 1)[1]
    answer: dict[str, object] = client.get(f"/api/tickets/by-token/{token}").json()
    return answer


def test_lunch_closes_the_kiosk_and_says_when_it_opens(
    client: TestClient, now: ManualClock
) -> None:
    now.at = datetime(2026, 11, 24, 13, 30, tzinfo=ALMATY)
    closed = take(client)
    assert closed.status_code == 409  # type: ignore[attr-defined]
    assert closed.json() == {
        "error": "closed",  # type: ignore[attr-defined]
        "message": "The office opens today at 14:00.",
        "next_opening": "2026-11-24T09:00:00+00:00",
    }
    ru = take(client, "ru").json()  # type: ignore[attr-defined]
    assert ru["message"] == "Отдел откроется сегодня в 14:00."
    now.at = datetime(2026, 11, 24, 14, 0, tzinfo=ALMATY)
    assert take(client).status_code == 201  # type: ignore[attr-defined]


def test_closing_closes_waiting_tickets_with_their_wait(
    client: TestClient, now: ManualClock
) -> None:
    now.at = datetime(2026, 11, 24, 17, 50, tzinfo=ALMATY)
    first = take(client).json()  # type: ignore[attr-defined]
    take(client)
    now.at = datetime(2026, 11, 24, 18, 1, tzinfo=ALMATY)
    assert take(client).json()["message"].startswith("The office opens on Wednesday")  # type: ignore[attr-defined]
    assert close_finished_days(client.app.state.kezek) == 2  # type: ignore[attr-defined]
    ticket = public(client, first)
    assert ticket["status"] == "closed" and ticket["position"] is None
    assert close_finished_days(client.app.state.kezek) == 0  # type: ignore[attr-defined]
    assert client.get("/api/queue").json()["services"][0]["waiting"] == 0


class TestAlwaysOpenOffice:
    """The demo office is open at every hour, so the business day turns at local midnight."""

    @pytest.fixture
    def profile_name(self) -> str:
        return "demo"

    def test_a_new_business_day_starts_at_midnight_in_almaty(
        self, client: TestClient, now: ManualClock
    ) -> None:
        now.at = datetime(2026, 11, 24, 23, 58, tzinfo=ALMATY)  # 18:58 UTC
        before = [take(client).json() for _ in range(3)]  # type: ignore[attr-defined]
        assert before[-1]["code"] == "А-003"
        now.at = datetime(2026, 11, 25, 0, 1, tzinfo=ALMATY)  # 19:01 UTC: the same UTC date
        after = take(client).json()  # type: ignore[attr-defined]
        assert after["code"] == "А-001" and after["position"] == 1  # numbering restarts
        assert close_finished_days(client.app.state.kezek) == 3  # type: ignore[attr-defined]
        assert public(client, before[0])["status"] == "closed"
        assert public(client, after)["status"] == "waiting"


def holiday_profile(tmp_path: Path) -> str:
    source = Path(__file__).resolve().parent.parent / "kezek" / "profiles" / "kyzylzhar.toml"
    text = source.read_text(encoding="utf-8").replace("holidays = []", "holidays = [2026-12-16]")
    path = tmp_path / "holiday.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_holiday_from_the_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kezek import db, migrate
    from kezek.app import create_app
    from kezek.queue.clock import Clock
    from kezek.settings import Settings

    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    engine = db.make_engine(url)
    migrate.upgrade(engine)
    now = ManualClock(datetime(2026, 12, 16, 10, 0, tzinfo=ALMATY))  # Independence Day, a Wednesday
    clock = Clock(schedule=None, now_fn=now)  # type: ignore[arg-type]  (the app sets the schedule)
    app = create_app(
        Settings(profile=holiday_profile(tmp_path), database_url=url),
        engine=engine,
        clock=clock,
    )
    with TestClient(app) as client:
        closed = take(client).json()  # type: ignore[attr-defined]
        assert closed["error"] == "closed"
        assert closed["message"] == "The office opens on Thursday, 17.12 at 09:00."
        now.at = datetime(2026, 12, 17, 9, 0, tzinfo=ALMATY)
        assert take(client).status_code == 201  # type: ignore[attr-defined]
    engine.dispose()
