"""The kiosk screens and the phone page through the TestClient: what a visitor reads, and the
rows behind it. The browser tests (test_kiosk_browser.py) drive the same pages in Chromium."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from sqlmodel import func, select
from starlette.testclient import TestClient

from kezek import db
from kezek.app import create_app
from kezek.kiosk import issuing
from kezek.kiosk.limits import RateLimiter
from kezek.printing.talons import qr_matrix
from kezek.queue.clock import Clock, ManualClock
from kezek.queue.models import Ticket, TicketEvent
from kezek.settings import Settings
from tests.conftest import LiveServer, wait_until


def soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def text(page: BeautifulSoup, selector: str) -> str:
    found = page.select_one(selector)
    assert found is not None, selector
    return " ".join(found.get_text(" ", strip=True).split())


def start(client: TestClient, lang: str = "kk") -> tuple[BeautifulSoup, str]:
    response = client.get(f"/kiosk/?lang={lang}")
    assert response.status_code == 200
    page = soup(response)
    field = page.select_one("input[name=request_id]")
    return page, str(field["value"]) if field else ""


def take(
    client: TestClient,
    service: str = "registration",
    lang: str = "kk",
    request_id: str | None = None,
    **extra: str,
) -> httpx.Response:
    if request_id is None:
        request_id = start(client, lang)[1]
    return client.post(
        "/kiosk/ticket", data={"service": service, "lang": lang, "request_id": request_id, **extra}
    )


def count(engine: Engine) -> int:
    with db.reading(engine) as session:
        return int(session.exec(select(func.count()).select_from(Ticket)).one())


# --- the start screen -----------------------------------------------------------------------


def test_start_screen_has_every_service_the_priority_choice_and_languages(
    enrolled_kiosk: TestClient,
) -> None:
    client = enrolled_kiosk  # an enrolled kiosk offers the priority choice (issue 14 §2)
    page, request_id = start(client)
    buttons = page.select("button.kiosk-service")
    names = [text(button, ".kiosk-service-name") for button in buttons]
    assert names == [
        "Жұмыссыз ретінде тіркеу",
        "Бос жұмыс орындары",
        "Кәсіптік оқыту",
        "Анықтама алу",
    ]
    assert (
        text(buttons[0], ".kiosk-service-desc") == "Жеке есеп карточкасын ашу, құжаттарды тапсыру"
    )
    # Nobody waits: no "about 0 min" promise (issue 15, defect 11).
    assert text(buttons[0], ".kiosk-service-queue") == "Кезек жоқ"
    priority = page.select_one("input#kiosk-priority[type=checkbox][name=priority]")
    assert priority is not None
    assert "мүмкіндігі шектеулі" in text(page, "label[for=kiosk-priority]")  # §11
    assert [a.get_text(strip=True) for a in page.select(".kiosk-lang")] == [
        "Қазақша",
        "Русский",
        "English",
    ]
    assert page.select_one(".kiosk-lang[aria-current]").get_text(strip=True) == "Қазақша"
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,64}", request_id)
    assert start(client)[1] != request_id  # fresh for every start screen


def test_start_screen_in_russian_is_not_cached(client: TestClient) -> None:
    response = client.get("/kiosk/?lang=ru")
    assert response.headers["cache-control"] == "no-store"
    page = soup(response)
    assert page.html["lang"] == "ru"
    assert text(page, ".kiosk-prompt") == "Выберите услугу, чтобы взять талон"
    assert "Регистрация в качестве безработного" in text(page, ".kiosk-services")


def test_htmx_gets_only_the_screen(client: TestClient) -> None:
    response = client.get("/kiosk/?lang=en", headers={"hx-request": "true", "hx-target": "kiosk"})
    assert response.text.lstrip().startswith('<main id="kiosk"')
    assert "<html" not in response.text


# --- taking a ticket ---------------------------------------------------------------------------


def test_ticket_screen_shows_code_service_cabinets_place_wait_and_qr(client: TestClient) -> None:
    first = take(client)
    assert first.status_code == 201
    page = soup(take(client, lang="ru"))
    assert text(page, ".kiosk-code") == "А-002"
    facts = {text(div, "dt"): text(div, "dd") for div in page.select(".kiosk-facts > div")}
    assert facts == {
        "Услуга": "Регистрация в качестве безработного",
        "Место приёма": "Кабинет №1, Кабинет №4",
        "Ваше место в очереди": "2",
        "Примерное время ожидания": "0–10 мин",
    }  # issue 19: 1 ahead × 10 ± 5 min / 2 cabinets = 5 ± 3.2, rounded out to fives
    qr = page.select_one("svg.qr[role=img]")
    assert qr is not None and "QR" in qr["aria-label"]
    assert text(page, ".kiosk-watch").startswith("Следите за экраном в зале")
    assert page.select_one(".kiosk-done")["href"].endswith("/kiosk/?lang=kk")


def qr_cells(svg: BeautifulSoup) -> set[tuple[int, int]]:
    """The dark modules drawn by the kiosk's QR path (``M x y h w v1 h-w z`` per run)."""
    cells = set()
    for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg.select_one("path")["d"]):
        cells |= {(int(x) + i, int(y)) for i in range(int(w))}
    return cells


def test_the_qr_code_leads_to_the_phone_page(client: TestClient, engine: Engine) -> None:
    screen = soup(take(client, lang="ru"))
    with db.reading(engine) as session:
        ticket = session.exec(select(Ticket)).one()
    url = f"http://testserver/t/{ticket.public_token}?lang=ru"
    matrix = qr_matrix(url)  # the same modules the printed talon carries
    border = 2
    assert qr_cells(screen.select_one("svg.qr")) == {
        (x + border, y + border)
        for y, row in enumerate(matrix)
        for x, dark in enumerate(row)
        if dark
    }
    assert screen.select_one("svg.qr")["viewbox"] == f"0 0 {len(matrix) + 4} {len(matrix) + 4}"
    page = soup(client.get(url.removeprefix("http://testserver")))
    assert text(page, ".phone-code") == "А-001"


@pytest.mark.parametrize("profile_name", ["kyzylzhar,demo"])
def test_the_qr_code_uses_the_public_address(
    settings: Settings, engine: Engine, clock: Clock
) -> None:
    """The kiosk reaches the server as 127.0.0.1; a phone needs the public name."""
    app = create_app(
        settings.model_copy(update={"public_url": "https://kezek.example.kz"}), engine, clock
    )
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        screen = soup(take(client, lang="ru"))
        with db.reading(engine) as session:
            token = session.exec(select(Ticket.public_token)).one()
        url = f"https://kezek.example.kz/t/{token}?lang=ru"
        assert qr_cells(screen.select_one("svg.qr")) == {
            (x + 2, y + 2)
            for y, row in enumerate(qr_matrix(url))
            for x, dark in enumerate(row)
            if dark
        }
        api = client.post("/o/demo/api/tickets", json={"service": "registration"}).json()
        assert api["status_url"].startswith("https://kezek.example.kz/o/demo/t/")


def test_a_repeated_request_id_gives_the_same_ticket(client: TestClient, engine: Engine) -> None:
    _, request_id = start(client)
    one = take(client, request_id=request_id)
    two = take(client, "certificate", request_id=request_id)  # a retry, even with another button
    assert one.status_code == 201 and two.status_code == 200
    assert text(soup(one), ".kiosk-code") == text(soup(two), ".kiosk-code") == "А-001"
    assert count(engine) == 1


def test_simultaneous_retries_make_one_ticket(live_server: LiveServer, engine: Engine) -> None:
    with httpx.Client(base_url=live_server.url) as http:
        request_id = re.search(
            r'name="request_id" value="([^"]+)"', http.get("/kiosk/").text
        ).group(1)  # type: ignore[union-attr]

        def post(_: int) -> str:
            response = http.post(
                "/kiosk/ticket",
                data={"service": "registration", "lang": "kk", "request_id": request_id},
            )
            return text(soup(response), ".kiosk-code")

        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(post, range(8)))
    assert codes == ["А-001"] * 8
    assert count(engine) == 1


SECONDS = [1000.0]  # the limiter's clock in the next test


@pytest.mark.parametrize(
    "seams", [{"limiter": RateLimiter(monotonic=lambda: SECONDS[0])}], indirect=True
)
def test_fifty_taps_get_a_gentle_limit(enrolled_kiosk: TestClient, engine: Engine) -> None:
    client = enrolled_kiosk  # the kiosk's own limit, per enrolled kiosk
    seconds = SECONDS
    answers = [take(client, request_id=f"tap-{n:04d}-xyz") for n in range(50)]
    assert [a.status_code for a in answers].count(201) == 5
    limited = answers[-1]
    assert limited.status_code == 429
    assert text(soup(limited), ".kiosk-title") == "Сәл күте тұрыңыз"
    assert "60 секундтан кейін" in text(soup(limited), ".kiosk-big")
    assert count(engine) == 5
    # A retry of a ticket already made is answered, limit or not.
    assert text(soup(take(client, request_id="tap-0001-xyz")), ".kiosk-code") == "А-002"
    seconds[0] += 61
    assert take(client).status_code == 201


def test_priority_ticket_is_first_in_line(enrolled_kiosk: TestClient, engine: Engine) -> None:
    client = enrolled_kiosk  # §11: priority tickets come from an enrolled kiosk
    take(client)
    take(client)
    page = soup(take(client, priority="1"))
    assert text(page, ".kiosk-badge") == "Бірінші кезекте қызмет көрсету"
    assert text(page, ".kiosk-facts").count("Кезектегі орныңыз 1") == 1
    with db.reading(engine) as session:
        assert session.exec(select(Ticket.priority).where(Ticket.code == "А-003")).one() is True


def test_unknown_service_or_missing_request_id_issues_nothing(
    client: TestClient, engine: Engine
) -> None:
    for data in (
        {"service": "nope", "request_id": "abcdefgh12"},
        {"service": "registration"},
        {"service": "registration", "request_id": "short"},
        {"service": "registration", "request_id": "bad id with spaces"},
    ):
        response = client.post("/kiosk/ticket", data={"lang": "en", **data})
        assert response.status_code == 422
        assert text(soup(response), ".kiosk-warn[role=alert]") == "Please choose a service."
    assert count(engine) == 0


# --- office hours (§10) ----------------------------------------------------------------------


def test_closed_office_says_when_it_opens_and_issues_nothing(
    client: TestClient, engine: Engine, now: ManualClock
) -> None:
    _, request_id = start(client)
    now.advance(days=4)  # Saturday
    page, _ = start(client, "en")
    assert text(page, ".kiosk-closed-now") == "Tickets are not issued now."
    assert text(page, ".kiosk-opening") == "The office opens on Tuesday, 01.12 at 09:00."
    assert page.select("button:not(.kiosk-more)") == []  # only the hidden "More time"
    assert "Tuesday 09:00–18:00 · lunch 13:00–14:00" in text(page, ".kiosk-hours")
    refused = take(client, request_id=request_id)  # a start screen left open since Tuesday
    assert refused.status_code == 409
    assert text(soup(refused), ".kiosk-opening").startswith("Мекеме ашылады")
    assert count(engine) == 0


def test_lunch_break_is_closed_until_two(client: TestClient, now: ManualClock) -> None:
    now.advance(hours=3, minutes=30)  # 13:30
    page, _ = start(client, "en")
    assert text(page, ".kiosk-closed-now") == "Tickets are not issued now."
    assert text(page, ".kiosk-opening") == "The office opens today at 14:00."


def issue_api(client: TestClient, n: int, service: str = "registration") -> None:
    for _ in range(n):
        assert client.post("/api/tickets", json={"service": service}).status_code == 201


def test_wait_past_lunch_is_said_before_issuing(
    client: TestClient, engine: Engine, now: ManualClock
) -> None:
    now.advance(hours=2, minutes=40)  # 12:40; lunch 13:00–14:00
    issue_api(client, 5)  # a new ticket waits 5 × 10 / 2 = 25 minutes
    _, request_id = start(client, "en")
    notice = take(client, lang="en", request_id=request_id)
    assert notice.status_code == 200
    page = soup(notice)
    assert text(page, ".kiosk-warn") == (
        "The lunch break is from 13:00 to 14:00: you may be called after it."
    )
    assert count(engine) == 5
    confirm = page.select_one("form.kiosk-actions")
    fields = {i["name"]: i["value"] for i in confirm.select("input[type=hidden]")}
    assert fields == {
        "request_id": request_id,
        "lang": "en",
        "service": "registration",
        "confirm": "1",
    }
    issued = client.post("/kiosk/ticket", data=fields)
    assert issued.status_code == 201
    assert text(soup(issued), ".kiosk-code") == "А-006"
    assert "13:00 to 14:00" in text(soup(issued), ".kiosk-warn")


def test_wait_past_closing_is_refused_by_this_office(
    client: TestClient, engine: Engine, now: ManualClock
) -> None:
    now.advance(hours=7, minutes=40)  # 17:40; the Kyzylzhar profile: issue_past_closing = false
    issue_api(client, 5)
    page = soup(take(client, lang="ru", confirm="1"))
    assert text(page, ".kiosk-warn") == (
        "Отдел закрывается в 18:00: возможно, вас не успеют принять сегодня."
    )
    assert "больше не выдаются" in text(page, "p.kiosk-big:last-of-type")
    assert page.select("button:not(.kiosk-more)") == []  # only the hidden "More time"
    assert count(engine) == 5


@pytest.mark.parametrize("profile_name", ["demo"])
def test_wait_past_closing_still_issues_where_the_profile_allows(
    client: TestClient, engine: Engine, now: ManualClock
) -> None:
    now.advance(hours=13, minutes=52)  # 23:52; the demo office closes at midnight, issues past it
    issue_api(client, 2)  # 2 × 10 / 2 = 10 minutes: past closing
    notice = soup(take(client, lang="en"))
    assert "closes at 23:59" in text(notice, ".kiosk-warn")
    fields = {i["name"]: i["value"] for i in notice.select("form input[type=hidden]")}
    assert client.post("/kiosk/ticket", data=fields).status_code == 201
    assert count(engine) == 3


def test_hours_notice_rules(clock: Clock, now: ManualClock) -> None:
    at = now.advance(hours=2, minutes=40)  # 12:40
    assert issuing.hours_notice(clock, at, 20, False) is None
    lunch = issuing.hours_notice(clock, at, 21, False)
    assert lunch is not None and lunch.kind == "lunch" and not lunch.refuse
    # 12:40 + 20 open minutes + lunch hour + 240 open minutes = 18:00: the last that fits.
    assert issuing.hours_notice(clock, at, 260, False).kind == "lunch"  # type: ignore[union-attr]
    closing = issuing.hours_notice(clock, at, 261, False)
    assert closing is not None and closing.kind == "closing" and closing.refuse
    assert issuing.hours_notice(clock, at, 261, True).refuse is False  # type: ignore[union-attr]


# --- the print status line ----------------------------------------------------------------------


def test_print_status_is_polled_until_known(client: TestClient, engine: Engine) -> None:
    page = soup(take(client, lang="en"))
    status = page.select_one("#talon-status")
    assert status is not None
    token = re.search(r"/kiosk/talon/([^?]+)\?n=1", status.get("hx-get", "")).group(1)  # type: ignore[union-attr]
    with db.reading(engine) as session:
        ticket = session.exec(select(Ticket)).one()
    assert token == ticket.public_token
    # The spool printer of the profile prints at once; bounded wait for the worker thread.
    polls = iter(range(2, 29))  # the page polls at most 30 times

    def printed() -> BeautifulSoup | None:
        n = next(polls)
        fragment = soup(client.get(f"/kiosk/talon/{token}?n={n}", headers={"hx-request": "true"}))
        return fragment if fragment.select_one(".kiosk-talon-printed") else None

    fragment = wait_until(printed, seconds=2.5, every=0.1)
    assert fragment is not None
    assert text(fragment, "#talon-status") == "Take your talon."
    assert fragment.select_one("#talon-status").get("hx-get") is None  # polling stops


def print_status(engine: Engine) -> str:
    with db.reading(engine) as session:
        return session.exec(select(Ticket.print_status)).one()


def test_print_status_polling_is_bounded(client: TestClient, engine: Engine) -> None:
    take(client, lang="en")
    assert wait_until(lambda: print_status(engine) != "pending", seconds=5)  # the spool job
    with db.transaction(engine) as session:  # then: a job that never reports back
        ticket = session.exec(select(Ticket)).one()
        ticket.print_status = "pending"
        session.add(ticket)
    fragment = soup(client.get(f"/kiosk/talon/{ticket.public_token}?n=29"))
    assert fragment.select_one("#talon-status").get("hx-get") is not None
    last = soup(client.get(f"/kiosk/talon/{ticket.public_token}?n=30"))
    assert last.select_one("#talon-status").get("hx-get") is None
    assert text(last, "#talon-status").startswith(
        "The printer has a problem. Please remember your number: А-001."
    )


# --- the phone page -----------------------------------------------------------------------------


def test_phone_page_follows_the_ticket_to_the_cabinet(
    client: TestClient, clerk_token: str, engine: Engine
) -> None:
    auth = {"authorization": f"Bearer {clerk_token}"}
    first = client.post("/api/tickets", json={"service": "registration", "lang": "ru"}).json()
    mine = client.post("/api/tickets", json={"service": "registration", "lang": "ru"}).json()
    token = mine["status_url"].rsplit("/", 1)[1]
    page = soup(client.get(f"/t/{token}"))
    assert page.html["lang"] == "ru"  # the ticket's language, without a cookie or ?lang=
    assert text(page, ".phone-code") == "А-002"
    assert text(page, ".phone-place") == "Ваше место в очереди: 2"
    live = page.select_one("#ticket-live")
    assert live["hx-trigger"] == "every 10s" and live["hx-get"].endswith(f"/t/{token}?lang=ru")
    client.post("/api/service-points/cab1/call-next", headers=auth)
    client.post(f"/api/tickets/{first['id']}/finish", headers=auth)
    client.post("/api/service-points/cab1/call-next", headers=auth)
    fragment = soup(
        client.get(
            f"/t/{token}?lang=kk", headers={"hx-request": "true", "hx-target": "ticket-live"}
        )
    )
    assert text(fragment, ".phone-called") == "Сізді шақырып жатыр: №1 кабинет."
    assert text(fragment, ".phone-point") == "№1 кабинет"
    # In hand, then sent to another service: the same link follows the visitor there.
    moved = client.post(
        f"/api/tickets/{mine['id']}/transfer", json={"service": "certificate"}, headers=auth
    ).json()
    page = soup(client.get(f"/t/{token}?lang=en"))
    assert text(page, ".phone-service") == "Certificate"
    assert "sent to this service" in page.get_text()
    client.post("/api/service-points/cab1/call-next", headers=auth)
    client.post(f"/api/tickets/{moved['id']}/finish", headers=auth)
    page = soup(client.get(f"/t/{token}?lang=en"))
    assert text(page, ".phone-place") == "Your visit is over. Thank you!"
    assert page.select_one("#ticket-live").get("hx-get") is None  # nothing left to follow


def test_phone_page_shows_no_personal_data_and_unknown_tokens_are_404(
    client: TestClient, engine: Engine
) -> None:
    ticket = client.post("/api/tickets", json={"service": "registration"}).json()
    token = ticket["status_url"].rsplit("/", 1)[1]
    response = client.get(f"/t/{token}")
    assert response.headers["cache-control"] == "no-store"
    assert soup(response).select_one("meta[name=robots]")["content"] == "noindex"
    visible = soup(response).get_text(" ", strip=True)
    assert re.search(r"\d{12}", visible) is None  # no IIN
    missing = client.get("/t/" + "x" * 32)
    assert missing.status_code == 404
    assert text(soup(missing), "h1") == "Мұндай талон жоқ"
    assert client.get("/t/" + "x" * 500).status_code == 404


def test_events_record_the_kiosk_ticket(client: TestClient, engine: Engine) -> None:
    take(client)
    with db.reading(engine) as session:
        kinds = session.exec(select(TicketEvent.kind).order_by(TicketEvent.id)).all()
    assert kinds[0] == "issued"


@pytest.mark.parametrize("profile_name", ["kyzylzhar,demo"])
def test_each_office_has_its_own_kiosk(client: TestClient, engine: Engine) -> None:
    response = client.get("/o/demo/kiosk/?lang=en")
    page = soup(response)
    form = page.select_one("form.kiosk-form")
    assert form["hx-post"] == "http://testserver/o/demo/kiosk/ticket"
    request_id = page.select_one("input[name=request_id]")["value"]
    issued = soup(
        client.post(
            "/o/demo/kiosk/ticket",
            data={"service": "registration", "lang": "en", "request_id": request_id},
        )
    )
    assert text(issued, ".kiosk-code") == "А-001"
    assert text(soup(take(client)), ".kiosk-code") == "А-001"  # Kyzylzhar numbers its own day
    token = re.search(r"/kiosk/talon/([^?]+)", str(issued)).group(1)  # type: ignore[union-attr]
    assert client.get(f"/o/demo/t/{token}").status_code == 200
    assert client.get(f"/t/{token}").status_code == 404  # another office's ticket
    assert client.get(f"/kiosk/talon/{token}").status_code == 204


def test_the_first_in_line_is_told_they_are_next_and_the_phone_shows_priority(
    enrolled_kiosk: TestClient, engine: Engine
) -> None:
    """Issue 15, defect 11: no "about 0 min" to the first in line, on the kiosk screen or
    the phone page; the phone page of a priority ticket says so (the visitor's own page)."""
    client = enrolled_kiosk  # priority is given at the office's kiosk (issue 14 §2)
    page = soup(take(client, lang="ru", priority="1"))
    facts = {text(div, "dt"): text(div, "dd") for div in page.select(".kiosk-facts > div")}
    assert facts["Примерное время ожидания"] == "Вы следующий"
    with db.reading(engine) as session:
        ticket = session.exec(select(Ticket)).one()
    phone = soup(client.get(f"/t/{ticket.public_token}?lang=ru"))
    assert "Вы следующий" in text(phone, "#ticket-live")
    assert "0 мин" not in text(phone, "#ticket-live")
    assert text(phone, ".phone-priority") == "Первоочередное обслуживание"
    plain = soup(take(client, lang="ru"))
    with db.reading(engine) as session:
        second = session.exec(select(Ticket).where(Ticket.code == "А-002")).one()
    assert "0–10 мин" in text(plain, ".kiosk-facts")  # issue 19: 1 ahead × 10 ± 5 min / 2
    assert soup(client.get(f"/t/{second.public_token}")).select_one(".phone-priority") is None


def test_a_boosted_click_gets_each_public_page_whole(client: TestClient, engine: Engine) -> None:
    """Issue 15, defect 3: a boosted click (from / or another page) sends HX-Request too; the
    kiosk, the hall display and the phone page answer it with the whole page and its styles,
    a fragment only to the element that asks for it."""
    take(client)
    with db.reading(engine) as session:
        token = session.exec(select(Ticket.public_token)).one()
    boosted = {"hx-request": "true", "hx-boosted": "true"}
    for url, sheet in (
        ("/kiosk/", "kiosk.css"),
        ("/display/", "display.css"),
        (f"/t/{token}", "kiosk.css"),
    ):
        page = soup(client.get(url, headers=boosted))
        assert page.html is not None, url
        assert any(sheet in link["href"] for link in page.select("link[rel=stylesheet]")), url
