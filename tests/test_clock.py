"""The office clock: §10 hours in Asia/Almaty, lunch, holidays, next opening."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from kezek import profile_sync
from kezek.queue.clock import Clock
from kezek.settings import load_profile

ALMATY = ZoneInfo("Asia/Almaty")


def kyzylzhar(holidays: tuple[date, ...] = ()) -> Clock:
    profile = load_profile("kyzylzhar").model_copy(update={"holidays": list(holidays)})
    return Clock(profile_sync.schedule(profile))


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=ALMATY)


def test_hours_of_section_10() -> None:
    clock = kyzylzhar()
    assert not clock.is_open(at(23, 10))  # Monday
    assert clock.is_open(at(24, 9))  # Tuesday, opening minute
    assert clock.is_open(at(24, 12, 59))
    assert not clock.is_open(at(24, 13, 30))  # lunch
    assert clock.is_open(at(24, 14))
    assert not clock.is_open(at(24, 18))  # closing is exclusive
    assert clock.is_open(at(27, 17, 59))  # Friday
    assert not clock.is_open(at(28, 10))  # Saturday


def test_business_day_is_the_office_date_not_utc() -> None:
    clock = kyzylzhar()
    # 20:30 UTC on the 24th is 01:30 on the 25th in Almaty (UTC+5).
    assert clock.business_day(datetime(2026, 11, 24, 20, 30, tzinfo=UTC)) == date(2026, 11, 25)


def test_next_opening() -> None:
    clock = kyzylzhar()
    assert clock.next_opening(at(28, 10)) == at(1, 9, month=12)  # Saturday -> Tuesday 09:00
    assert clock.next_opening(at(24, 13, 15)) == at(24, 14)  # after lunch, same day
    assert clock.next_opening(at(24, 7)) == at(24, 9)
    assert clock.next_opening(at(27, 18, 5)) == at(1, 9, month=12)  # Friday evening


def test_holiday_closes_the_day() -> None:
    clock = kyzylzhar(holidays=(date(2026, 12, 16),))  # Independence Day, a Wednesday
    assert not clock.is_open(at(16, 10, month=12))
    assert clock.next_opening(at(15, 18, month=12)) == at(17, 9, month=12)


def test_minutes_until_lunch_and_closing() -> None:
    clock = kyzylzhar()
    assert clock.minutes_until_lunch(at(24, 12, 20)) == 40
    assert clock.minutes_until_lunch(at(24, 15)) is None
    assert clock.minutes_until_closing(at(24, 17, 15)) == 45
    assert clock.minutes_until_closing(at(24, 19)) is None


def test_open_minutes_skip_lunch_and_nights() -> None:
    clock = kyzylzhar()
    assert clock.open_minutes_between(at(24, 12), at(24, 15)) == 120
    assert clock.open_minutes_between(at(24, 17), at(25, 10)) == 120


def test_demo_profile_is_always_open() -> None:
    clock = Clock(profile_sync.schedule(load_profile("demo")))
    for hour in (0, 3, 13, 23):
        assert clock.is_open(at(29, hour, 30))  # a Sunday
