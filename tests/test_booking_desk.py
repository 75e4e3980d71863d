"""The booking desk (issue 18): check-in at the kiosk (early, late with a walk-in offer,
unknown, on time with the booked talon read back from the printer's bytes), the console's
list of the day's bookings, a clerk booking for a caller, the supervisor's figures."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from escpos.printer import Dummy
from PIL import Image
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from kezek import db
from kezek.bookings import book, checkin
from kezek.bookings.models import Booking
from kezek.kiosk import talon_content
from kezek.printing.decode import decode_image
from kezek.printing.talons import queue_talon_lines, render_queue_talon
from kezek.printing.text_talons import text_talon_bytes
from kezek.queue.clock import ManualClock
from kezek.queue.models import Ticket
from kezek.web import State
from tests.booking_helpers import iin_number, make_booking, service
from tests.conftest import wait_until
from tests.test_staff_flow import login, post
from tests.test_talons import same_image

TUESDAY = date(2026, 11, 24)  # the clock stands at 10:00 on it
BOOKED = {"kk": "Жазылу бойынша", "ru": "По записи", "en": "Booked"}


@pytest.fixture
def st(client: TestClient) -> State:
    found: State = client.app.state.kezek  # type: ignore[attr-defined]
    return found


def soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html.parser")


def said(response) -> str:  # type: ignore[no-untyped-def]
    found = soup(response).select_one("#booking-said")
    return found.get_text(" ", strip=True) if found else ""


def check_in(client: TestClient, typed: str, lang: str) -> object:
    return client.post("/kiosk/booking", data={"code": typed, "lang": lang})


def test_the_start_page_offers_check_in_only_at_an_enrolled_kiosk(
    client: TestClient, enrolled_kiosk: TestClient
) -> None:
    page = soup(client.get("/kiosk/?lang=ru"))
    link = page.select_one("a.kiosk-has-booking")
    assert link is not None and "У меня есть запись" in link.get_text(" ", strip=True)
    form = soup(client.get(str(link["href"]) + "?lang=ru"))
    assert len(form.select(".kiosk-keypad button[data-keypad]")) == 12
    client.cookies.clear()
    assert soup(client.get("/kiosk/")).select_one("a.kiosk-has-booking") is None
    refused = check_in(client, "00000000", "en")
    assert refused.status_code == 403 and "kiosk" in said(refused)


@pytest.mark.parametrize(
    ("lang", "early", "late"),
    [
        ("kk", "10:30", "тіркелу уақыты өтті"),
        ("ru", "10:30", "время регистрации прошло"),
        ("en", "10:30\u202fAM", "check-in time has passed"),
    ],
)
def test_early_late_and_unknown_in_each_language(
    st: State, enrolled_kiosk: TestClient, now: ManualClock, lang: str, early: str, late: str
) -> None:
    client = enrolled_kiosk
    soon = make_booking(st, "registration", TUESDAY, "11:00", iin_number(1))
    gone = make_booking(st, "registration", TUESDAY, "10:15", iin_number(2))
    answer = check_in(client, soon.booking.code, lang)
    assert answer.status_code == 409 and early in said(answer)
    unknown = check_in(client, "0000-0000", lang)
    assert unknown.status_code == 404 and said(unknown)
    by_iin = check_in(client, iin_number(3), lang)  # a valid IIN with no booking today
    assert by_iin.status_code == 404 and iin_number(3) not in by_iin.text
    now.advance(minutes=31)  # 10:31: 10:15's grace ended at 10:30
    answer = check_in(client, gone.booking.code, lang)
    assert answer.status_code == 409 and late in said(answer)
    offer = soup(answer).select_one("#walk-in")
    assert offer is not None and offer["value"] == "registration"
    walk_in = client.post(
        "/kiosk/ticket",
        data={"service": "registration", "request_id": "x" * 16, "lang": lang},
    )
    assert walk_in.status_code == 201 and soup(walk_in).select_one(".kiosk-booked") is None


def _spooled(settings_dir: Path, name: str) -> bytes:
    path = settings_dir / "kiosk" / f"{name}.bin"
    assert wait_until(path.exists)
    return path.read_bytes()


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_on_time_the_talon_is_marked_booked_with_its_slot(
    st: State, enrolled_kiosk: TestClient, engine: Engine, now: ManualClock, lang: str
) -> None:
    client = enrolled_kiosk
    made = make_booking(st, "registration", TUESDAY, "10:30", iin_number(4), lang=lang)
    answer = check_in(client, iin_number(4), lang)  # by the IIN
    assert answer.status_code == 201, said(answer)
    page = soup(answer)
    assert page.select_one(".kiosk-booked").get_text(strip=True).startswith(BOOKED[lang])  # type: ignore[union-attr]
    assert iin_number(4) not in answer.text
    code = page.select_one(".kiosk-code").get_text(strip=True)  # type: ignore[union-attr]
    with db.reading(engine) as session:
        ticket = session.exec(select(Ticket).where(Ticket.code == code)).one()
        talon = talon_content.queue_talon(session, st, ticket, "")
    assert talon.booked_at == "10:30"
    words = queue_talon_lines(talon)
    assert words.booked[0] == f"{BOOKED[lang]} 10:30"
    # The real bytes the kiosk's (spool) printer got, decoded: the booked talon, not a
    # walk-in's; and the PNG preview written from them shows the same.
    spool = Path(st.settings.spool_dir)
    data = _spooled(spool, f"{code}-{ticket.id}")
    decoded = decode_image(data)
    assert decoded is not None
    with_link = dataclasses.replace(talon, status_url=talon_status_url(st, ticket))
    rendered = render_queue_talon(with_link, st.profile.printers.paper_width)
    walk_in = render_queue_talon(dataclasses.replace(with_link, booked_at=""))
    assert same_image(decoded, rendered) and not same_image(decoded, walk_in)
    preview = spool / "kiosk" / f"{code}-{ticket.id}.png"
    assert wait_until(preview.exists)
    assert same_image(Image.open(preview).convert("1"), rendered)
    # python-escpos's own encoder and the text mode say it too.
    printer = Dummy(profile="TM-T20II")
    printer.image(rendered)
    assert same_image(decode_image(printer.output), rendered)  # type: ignore[arg-type]
    text = text_talon_bytes(talon).decode("kz1048", errors="replace")
    assert f"{BOOKED['kk'] if lang != 'ru' else BOOKED['ru']} 10:30" in text
    phone = soup(client.get(f"/t/{ticket.public_token}?lang={lang}"))
    assert phone.select_one(".phone-booked").get_text(strip=True) == f"{BOOKED[lang]} 10:30"  # type: ignore[union-attr]
    again = check_in(client, made.booking.code, lang)
    assert again.status_code == 409 and code in said(again)


def talon_status_url(st: State, ticket: Ticket) -> str:
    return f"{st.status_url.replace('{token}', ticket.public_token)}?lang={ticket.lang}"


def _console_rows(client: TestClient) -> dict[str, list[str]]:
    page = soup(client.get("/staff/"))
    return {
        str(tr["data-code"]): [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in page.select("#todays-bookings tbody tr")
    }


def test_the_console_lists_the_days_bookings_with_their_status(
    st: State, client: TestClient, engine: Engine, office_id: int, now: ManualClock
) -> None:
    came = make_booking(st, "registration", TUESDAY, "10:30", iin_number(5))
    missed = make_booking(st, "registration", TUESDAY, "10:15", iin_number(6))
    dropped = make_booking(st, "vacancies", TUESDAY, "11:00", iin_number(7))
    with db.transaction(engine) as session:
        row = session.get_one(Booking, dropped.booking.id)
        book.cancel(session, st.clock, st.booking_rules, row)
    with db.transaction(engine) as session:
        row = session.get_one(Booking, came.booking.id)
        ticket = checkin.check_in(
            session, st.clock, st.booking_rules, row, service(st, "registration")
        )
        ticket_code = ticket.code
    now.advance(minutes=31)
    with db.transaction(engine) as session:
        checkin.settle_no_shows(session, st.booking_rules, st.office_id, st.clock.now())
    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab1"})
    rows = _console_rows(client)
    assert rows[came.booking.code] == [
        "10:30",
        came.booking.code,
        "Registration as unemployed",
        "••••••••" + iin_number(5)[-4:],
        f"checked in: ticket {ticket_code}",
    ]
    assert rows[missed.booking.code][-1] == "did not come"
    assert rows[dropped.booking.code][-1] == "cancelled"
    assert iin_number(5) not in client.get("/staff/").text


def test_a_clerk_books_for_a_caller_with_the_same_limits(
    st: State, client: TestClient, engine: Engine, office_id: int
) -> None:
    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab1"})
    page = soup(client.get("/staff/book?service=registration&date=2026-11-25"))
    slots = [str(i["value"]) for i in page.select("input[name=start]")]
    assert slots[0] == "09:00"
    fields = {
        "service": "registration",
        "date": "2026-11-25",
        "start": "09:00",
        "iin": iin_number(8),
        "lang": "ru",
    }
    assert client.post("/staff/book", data=fields).status_code == 403  # no CSRF token
    made = post(client, "/staff/book", token, fields)
    assert made.status_code == 201, made.text
    code = soup(made).select_one("#booking-code").get_text(strip=True)  # type: ignore[union-attr]
    assert iin_number(8) not in made.text
    with db.reading(engine) as session:
        row = session.exec(select(Booking).where(Booking.code == code)).one()
    assert row.clerk_id is not None and row.lang == "ru" and row.day == date(2026, 11, 25)
    again = post(client, "/staff/book", token, {**fields, "start": "09:15"})
    assert again.status_code == 409
    assert "already has an open booking" in soup(again).select_one("#booking-error").get_text()  # type: ignore[union-attr]
    bad = post(client, "/staff/book", token, {**fields, "iin": "123"})
    assert bad.status_code == 422
    odd = post(
        client,
        "/staff/book",
        token,
        {**fields, "iin": iin_number(9), "start": "10:00", "lang": "zz"},
    )
    assert odd.status_code == 201  # a language the office has not: the state language
    odd_code = soup(odd).select_one("#booking-code").get_text(strip=True)  # type: ignore[union-attr]
    with db.reading(engine) as session:
        assert session.exec(select(Booking).where(Booking.code == odd_code)).one().lang == "kk"


def test_supervisor_figures_equal_a_hand_count(
    st: State, client: TestClient, engine: Engine, office_id: int, now: ManualClock
) -> None:
    wednesday = TUESDAY + timedelta(days=1)
    script = [  # (day, service, time, serial, what becomes of it)
        (TUESDAY, "registration", "10:30", 20, "check_in"),
        (TUESDAY, "registration", "10:15", 21, "no_show"),
        (TUESDAY, "registration", "11:00", 22, "cancel"),
        (TUESDAY, "vacancies", "11:15", 23, "open"),
        (wednesday, "registration", "09:00", 24, "open"),
        (wednesday, "registration", "09:15", 25, "cancel"),
    ]
    made = {
        serial: make_booking(st, code, day, hh, iin_number(serial))
        for day, code, hh, serial, _ in script
    }
    for _day, code, _hh, serial, fate in script:
        with db.transaction(engine) as session:
            row = session.get_one(Booking, made[serial].booking.id)
            if fate == "cancel":
                book.cancel(session, st.clock, st.booking_rules, row)
            if fate == "check_in":
                checkin.check_in(session, st.clock, st.booking_rules, row, service(st, code))
    now.advance(minutes=31)  # 10:15's grace is over: a no-show when the page is read
    login(client, engine, office_id, "boss", "supervisor")
    page = soup(client.get("/staff/supervisor/bookings?from=2026-11-24&to=2026-11-25"))
    cells = {
        (str(tr["data-day"]), str(tr["data-service"])): [
            tr.select_one(f".{c}").get_text(strip=True)
            for c in ("booked", "checked-in", "no-shows", "cancelled", "capacity")
        ]
        for tr in page.select("#booking-figures tbody tr")
    }
    # By hand: registration's 15-minute slots from 09:00 to 18:00 less lunch (8 hours, 32
    # slots); each cabinet holds half of each hour, so every slot has one cabinet: 32 seats.
    assert cells[("2026-11-24", "registration")] == ["3", "1", "1", "1", "32"]
    assert cells[("2026-11-24", "vacancies")][:4] == ["1", "0", "0", "0"]
    assert cells[("2026-11-25", "registration")] == ["2", "0", "0", "1", "32"]
    share = page.select_one("tr[data-day='2026-11-24'][data-service='registration'] .share")
    assert (
        share is not None and share.get_text(strip=True) == "6.2%"
    )  # 2 of 32 (6.25, Babel rounds half to even)
    chart = page.select_one("svg.chart")
    assert chart is not None and chart.select_one("title").get_text() == "Bookings by day"  # type: ignore[union-attr]
    bars = [t.get_text() for t in chart.select("text") if "booked" in t.get_text()]
    assert bars == ["4 booked · 1 came · 1 no-shows", "2 booked · 0 came · 0 no-shows"]
    csv = client.get("/staff/supervisor/bookings.csv?from=2026-11-24&to=2026-11-25")
    assert csv.status_code == 200 and "2026-11-24,Registration as unemployed,3,1,1,1,32" in csv.text
    assert (
        client.get("/staff/supervisor/bookings.csv?from=2026-11-25&to=2020-01-01").status_code
        == 422
    )
