"""The appendix table on a small hand-made history whose right answers are worked out here.

Tuesday 24 Nov 2026 (the office opens 09:00, §10):

    10:00  А-001, А-002, Г-001, А-003 taken
    10:10  cab1 calls А-001 (waited 10 min)     -> served 10:20
    10:20  cab1 calls А-002 (20 min)             -> transferred to certificates at 10:25
    10:40  cab4 calls А-003 (exactly 40 min)     -> no-show 10:42
    10:41  cab1 calls Г-001 (41 min: too long)   -> served 10:45
    10:45  cab1 calls А-002 again (its 2nd row)  -> served 10:50  (not a second visit for 1.2)
    10:50  А-004 taken, never called             -> closed unserved at 18:00

1.2 = visits within 40 min / visits whose wait ended = {А-001, А-002, А-003} / 5 = 60 %.
Served visits (4.1's denominator) = {А-001, А-002, Г-001} = 3.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from kezek import db, profile_sync
from kezek.indicators import complaints, feedback, table, targets
from kezek.indicators import period as period_mod
from kezek.indicators.feedback import FeedbackError
from kezek.intake.models import Application, Card
from kezek.public import info
from kezek.queue import tickets
from kezek.queue.clock import Clock, ManualClock
from kezek.queue.models import Service, ServicePoint, Ticket
from kezek.settings import Profile, load_profile

DAY = date(2026, 11, 24)


@pytest.fixture
def office_id(engine: Engine) -> int:
    with db.transaction(engine) as session:
        row = profile_sync.sync_profile(session, load_profile("kyzylzhar"))
        assert row.id is not None
        return row.id


def _service(session, code: str) -> Service:  # type: ignore[no-untyped-def]
    return session.exec(select(Service).where(Service.code == code)).one()  # type: ignore[no-any-return]


def _point(session, code: str) -> ServicePoint:  # type: ignore[no-untyped-def]
    return session.exec(select(ServicePoint).where(ServicePoint.code == code)).one()  # type: ignore[no-any-return]


def at(now: ManualClock, hh: int, mm: int, day: date = DAY) -> None:
    local = datetime(day.year, day.month, day.day, hh, mm, tzinfo=ZoneInfo("Asia/Almaty"))
    now.at = local.astimezone(UTC)


def history(engine: Engine, clock: Clock, now: ManualClock) -> dict[str, int]:
    """Play the day above through the real queue functions; return ticket ids by code."""
    ids: dict[str, int] = {}

    def issue(code: str) -> None:
        with db.transaction(engine) as s:
            t = tickets.issue(s, clock, _service(s, code))
            ids[t.code] = t.id  # type: ignore[assignment]

    def call(point: str) -> Ticket:
        with db.transaction(engine) as s:
            t = tickets.call_next(s, clock, _point(s, point), None)
            assert t is not None
            return t

    def then(fn, ticket_id: int, *args: object) -> Ticket:  # type: ignore[no-untyped-def]
        with db.transaction(engine) as s:
            return fn(s, clock, s.get(Ticket, ticket_id), *args)  # type: ignore[no-any-return]

    at(now, 10, 0)
    for code in ("registration", "registration", "certificate", "registration"):
        issue(code)
    assert list(ids) == ["А-001", "А-002", "Г-001", "А-003"]
    at(now, 10, 10)
    assert call("cab1").code == "А-001"
    at(now, 10, 20)
    then(tickets.finish, ids["А-001"], None)
    assert call("cab1").code == "А-002"
    at(now, 10, 25)
    with db.transaction(engine) as s:
        child = tickets.transfer(
            s, clock, s.get_one(Ticket, ids["А-002"]), _service(s, "certificate"), None
        )
        ids["А-002/2"] = child.id  # type: ignore[assignment]
    at(now, 10, 40)
    third = call("cab4")
    assert third.code == "А-003" and third.wait_seconds == 40 * 60 and third.within_target
    at(now, 10, 41)
    assert call("cab1").code == "Г-001"
    at(now, 10, 42)
    then(tickets.no_show, ids["А-003"], None)
    at(now, 10, 45)
    then(tickets.finish, ids["Г-001"], None)
    second = call("cab1")
    assert second.id == ids["А-002/2"]
    at(now, 10, 50)
    then(tickets.finish, ids["А-002/2"], None)
    issue("registration")
    at(now, 18, 5)
    with db.transaction(engine) as s:
        assert tickets.close_day(s, clock, s.get_one(Ticket, ids["А-004"]).office_id, DAY) == 1
    return ids


def rows(
    engine: Engine, office_id: int, start: date = DAY, end: date = DAY, **kw: object
) -> dict[str, table.IndicatorRow]:
    with db.reading(engine) as session:
        return {r.code: r for r in table.compute(session, office_id, start, end, **kw)}  # type: ignore[arg-type]


def test_wait_indicator_counts_each_visit_once(
    engine: Engine, clock: Clock, now: ManualClock, office_id: int
) -> None:
    history(engine, clock, now)
    row = rows(engine, office_id)["1.2"]
    # А-001 10 min, А-002 20 + 20 = 40 across its transfer, А-003 exactly 40 (within),
    # А-004 closed unserved: 3 of 4. Г-001 (41) is a certificate, which the appendix does
    # not measure (the profile says so: issue 13, item 6); alone, it is 0 of 1.
    assert (row.numerator, row.denominator) == (3, 4)
    assert row.value == pytest.approx(75.0)
    assert row.norm == 100 and row.met is False
    with db.reading(engine) as s:
        certificate = _service(s, "certificate").id
        registration = _service(s, "registration").id
    alone = rows(engine, office_id, service_id=certificate)["1.2"]
    assert (alone.numerator, alone.denominator) == (0, 1)
    assert dict(alone.parts)["called late"] == 1
    same = rows(engine, office_id, service_id=registration)["1.2"]
    assert (same.numerator, same.denominator) == (3, 4)


def test_feedback_denominators_count_answers_not_tickets(
    engine: Engine, clock: Clock, now: ManualClock, office_id: int
) -> None:
    ids = history(engine, clock, now)
    yes, no, skip = True, False, None
    answers = {
        "А-001": dict(
            process_ok=yes,
            info_ok=yes,
            polite_ok=yes,
            complaint_procedure_ok=skip,
            complaint_timing_ok=skip,
        ),
        "Г-001": dict(
            process_ok=no,
            info_ok=yes,
            polite_ok=yes,
            complaint_procedure_ok=no,
            complaint_timing_ok=yes,
        ),
        "А-002/2": dict(
            process_ok=yes,
            info_ok=skip,
            polite_ok=no,
            complaint_procedure_ok=skip,
            complaint_timing_ok=skip,
        ),
    }
    for code, given in answers.items():
        with db.transaction(engine) as s:
            feedback.submit(s, s.get_one(Ticket, ids[code]), given, "ru")
    # The same visit again, through either of its rows, and a no-show: refused.
    for code in ("А-002/2", "А-002", "А-003"):
        with pytest.raises(FeedbackError), db.transaction(engine) as s:
            feedback.submit(s, s.get_one(Ticket, ids[code]), {"process_ok": True}, "kk")
    got = rows(engine, office_id)
    # А-004 (closed) and А-003 (no-show) gave none: they are in no denominator.
    assert (got["2.1"].numerator, got["2.1"].denominator) == (2, 3)
    assert (got["3.1"].numerator, got["3.1"].denominator) == (2, 2)  # one skipped
    assert (got["5.1"].numerator, got["5.1"].denominator) == (2, 3)
    assert (got["4.3"].numerator, got["4.3"].denominator) == (0, 1)
    assert (got["4.4"].numerator, got["4.4"].denominator) == (1, 1)
    assert got["4.3"].value == 0.0 and got["4.4"].value == 100.0


def test_complaints_against_applicants_served(
    engine: Engine, clock: Clock, now: ManualClock, office_id: int
) -> None:
    history(engine, clock, now)
    at(now, 11, 0, DAY + timedelta(days=1))
    with db.transaction(engine) as s:
        new = [
            complaints.register(
                s,
                clock,
                office_id,
                5,
                complaints.NewComplaint(
                    "Complainant",
                    "8 777 000 00 00",
                    "long wait",
                    ticket_code="г-001",
                    received_on=DAY,
                ),
                None,
            )
            for _ in range(3)
        ]
        assert [c.label for c in new] == ["2026-001", "2026-002", "2026-003"]
        assert new[0].answer_due == date(2026, 11, 29)  # received + 5 calendar days
        assert new[0].ticket_id is not None and new[0].ticket_code == "Г-001"
        complaints.review(
            s, clock, new[0], True, "Apologised; the cabinet was reopened.", None, True
        )
        complaints.review(s, clock, new[1], True, None, None)  # justified, no answer yet
        complaints.review(
            s, clock, new[2], False, "Not justified: the office was open.", None, False
        )
    got = rows(engine, office_id)
    # 4.1 "of this type of service": 2 justified of the 2 registration visits served (А-001,
    # and А-002 served after its transfer); Г-001 is a certificate, not measured (issue 13).
    assert (got["4.1"].numerator, got["4.1"].denominator) == (2, 2)
    assert got["4.1"].indicator.at_most and got["4.1"].met is False  # 100 % > 5 %
    # On the 24th the second justified one is not due yet: only the answered one is known.
    assert (got["4.2"].numerator, got["4.2"].denominator) == (1, 1)
    late = rows(engine, office_id, as_of=date(2026, 12, 1))["4.2"]
    assert (late.numerator, late.denominator) == (1, 2)


def test_intake_indicators(engine: Engine, clock: Clock, now: ManualClock, office_id: int) -> None:
    """1.1, 2.2, 3.2 from applications (columns documented in kezek.intake)."""
    accepted = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)  # 10:00 in Almaty
    with db.transaction(engine) as s:
        card = Card(
            office_id=office_id,
            iin="900101300001",
            surname="S",
            name="N",
            birth_date=date(1990, 1, 1),
            sex="m",
            category="citizen",
            address="a",
            created_at=accepted,
        )
        s.add(card)
        s.flush()
        specs = [  # (decided_in_term, corrected, complete first time)
            (True, False, True),
            (True, True, True),
            (False, False, False),
            (None, False, True),
        ]
        for n, (in_term, corrected, first) in enumerate(specs):
            s.add(
                Application(
                    office_id=office_id,
                    card_id=card.id,
                    category="citizen",
                    status="registered" if in_term is not None else "accepted",
                    opened_at=accepted,
                    accepted_at=accepted,
                    number=f"2026-{n}",
                    deadline=DAY + timedelta(days=10),
                    decided_in_term=in_term,
                    complete_on_first_visit=first,
                    corrected_at=accepted if corrected else None,
                )
            )
        # Opened, first visit still going on: not yet in 3.2.
        s.add(
            Application(
                office_id=office_id, card_id=card.id, category="citizen", opened_at=accepted
            )
        )
    got = rows(engine, office_id)
    # One undecided, not yet due: 2 in term of 3 decided.
    assert (got["1.1"].numerator, got["1.1"].denominator) == (2, 3)
    # Past its deadline the undecided one is late: 2 of 4.
    late = rows(engine, office_id, as_of=date(2026, 12, 5))["1.1"]
    assert (late.numerator, late.denominator) == (2, 4)
    assert (got["2.2"].numerator, got["2.2"].denominator) == (3, 4)
    assert (got["3.2"].numerator, got["3.2"].denominator) == (3, 4)


def test_no_data_is_not_zero(engine: Engine, office_id: int) -> None:
    got = rows(engine, office_id, date(2026, 1, 1), date(2026, 1, 31))
    for code in (
        "1.1",
        "1.2",
        "2.1",
        "2.2",
        "3.1",
        "3.2",
        "3.3",
        "4.1",
        "4.2",
        "4.3",
        "4.4",
        "5.1",
    ):
        assert got[code].value is None and got[code].met is None, code
    assert got["3.3"].note is not None
    assert len(got) == 12


def with_contacts(profile: Profile) -> Profile:
    """The profile with the §24 contacts filled in."""
    return Profile.model_validate(
        {
            **profile.model_dump(),
            "contacts": {
                "head_point": "cab1",
                "email": "office@example.kz",
                "higher": {"name": {"kk": "Басқарма", "ru": "Управление", "en": "Directorate"}},
            },
        }
    )


def test_information_coverage_and_targets(engine: Engine, clock: Clock, office_id: int) -> None:
    shipped = load_profile("kyzylzhar")  # §24: the higher body's contacts are not in it
    assert info.coverage(shipped) == (len(info.INFO_ITEMS) - 1, len(info.INFO_ITEMS))
    profile = with_contacts(shipped)
    assert info.coverage(profile) == (len(info.INFO_ITEMS), len(info.INFO_ITEMS))
    no_phones = profile.model_copy(update={"phones": []})
    published, required = info.coverage(no_phones)
    assert published == required - 1
    with db.transaction(engine) as s:
        saved = targets.set_targets(s, clock, office_id, 2026, {"1.2": 97.5, "4.1": 3.0}, None)
    assert saved == {"1.2": 97.5, "4.1": 3.0}
    got = rows(engine, office_id, published=(published, required))
    assert got["3.3"].value == pytest.approx(100 * (required - 1) / required)
    assert got["1.2"].target == 97.5 and got["2.1"].target is None
    assert rows(engine, office_id, date(2025, 1, 1), date(2025, 12, 31))["1.2"].target is None


def test_periods() -> None:
    assert period_mod.Period.quarter(2026, 4) == period_mod.Period(
        date(2026, 10, 1), date(2026, 12, 31)
    )
    assert period_mod.Period.month(2028, 2).end == date(2028, 2, 29)
    assert len(period_mod.Period.year(2026).months()) == 12
    with pytest.raises(ValueError):
        period_mod.Period(date(2026, 2, 1), date(2026, 1, 1))


def test_chart_data(engine: Engine, clock: Clock, now: ManualClock, office_id: int) -> None:
    from kezek.indicators import charts, data

    history(engine, clock, now)
    with db.reading(engine) as s:
        bands = data.wait_histogram(s, office_id, DAY, DAY)
        heat = data.arrivals(s, office_id, DAY, DAY, ZoneInfo("Asia/Almaty"))
        daily = data.daily_share(s, office_id, DAY, DAY)
    # Bands are (5i, 5i + 5] minutes: 10 -> 1, exactly 40 -> 7 (within); А-002 waited
    # 20 + 20 minutes across its transfer: 40 -> 7; Г-001 (a certificate) is not measured.
    assert {i: n for i, n in enumerate(bands) if n} == {1: 1, 7: 2, 18: 1}
    assert heat == {(1, 10): 5}  # Tuesday, 10:00–11:00 local: five visits (not six rows)
    assert daily == [(DAY, 3, 4)]  # the measured services' visits (issue 13)
    svg = charts.draw_waits(bands, lambda m, **kw: m % kw if kw else m)
    assert "<title" in svg.markup and svg.markup.count("<rect") == 1 + len(bands)
