"""The kiosk in real Chromium: language, tap, code; double tap; closed office; network drop;
idle return; the phone page. Screenshots of every screen go to the artifacts directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from kezek import db
from kezek.kiosk.limits import RateLimiter
from kezek.queue.clock import ManualClock
from kezek.queue.models import Ticket
from kezek.settings import PROFILES_DIR
from tests.conftest import LiveServer, axe_violations, enrol_browser

pytestmark = pytest.mark.browser

KIOSK_VIEWPORT = {"width": 1280, "height": 900}
WAIT_MS = 10_000  # every wait in the page is bounded (generous: CI machines are shared)


@pytest.fixture
def profile_name(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Kyzylzhar; with ``dead-printer``, its lobby printer at a port where nobody listens."""
    if getattr(request, "param", None) != "dead-printer":
        return "kyzylzhar"
    text = (PROFILES_DIR / "kyzylzhar.toml").read_text(encoding="utf-8")
    path = tmp_path / "dead-printer.toml"
    path.write_text(
        text.replace('lobby = "spool://var/spool/kiosk"', 'lobby = "tcp://127.0.0.1:1"'),
        encoding="utf-8",
    )
    return str(path)


def ticket_count(engine: Engine) -> int:
    with db.reading(engine) as session:
        return int(session.exec(select(func.count()).select_from(Ticket)).one())


def open_kiosk(page, live_server: LiveServer, lang: str = "kk") -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size(KIOSK_VIEWPORT)
    page.goto(f"{live_server.url}/kiosk/?lang={lang}")
    page.wait_for_selector("#kiosk.kiosk-start, #kiosk.kiosk-closed", timeout=WAIT_MS)


def assert_targets_large(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    """§11: every touch target of the screen is at least 64 px high."""
    heights = page.eval_on_selector_all(
        selector, "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 64, heights


def test_choose_language_tap_a_service_see_the_code(
    live_server: LiveServer, page, artifacts: Path, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    enrol_browser(page, live_server.url, engine, "kiosk")  # the priority choice is shown
    open_kiosk(page, live_server)
    assert page.locator("html").get_attribute("lang") == "kk"
    page.screenshot(path=str(artifacts / "kiosk-start-kk.png"))
    page.get_by_role("link", name="Русский").click()
    page.wait_for_selector("#kiosk[lang=ru]", timeout=WAIT_MS)
    # kiosk.js sets <html lang> after the swap settles: wait for it rather than race it.
    page.wait_for_selector("html[lang=ru]", state="attached", timeout=WAIT_MS)
    assert page.get_by_text("Выберите услугу, чтобы взять талон").is_visible()
    assert_targets_large(page, ".kiosk-lang, .kiosk-service, .kiosk-priority label")
    page.screenshot(path=str(artifacts / "kiosk-start-ru.png"))
    assert axe_violations(page) == []

    page.get_by_role("button", name="Регистрация в качестве безработного").click()
    page.wait_for_selector("#kiosk.kiosk-ticket", timeout=WAIT_MS)
    assert page.locator(".kiosk-code").inner_text() == "А-001"
    facts = page.locator(".kiosk-facts").inner_text()
    assert "Кабинет №1, Кабинет №4" in facts and "Ваше место в очереди" in facts
    assert page.locator("svg.qr").is_visible()
    # The talon goes to the spool printer; the screen then says to take it.
    page.wait_for_selector(".kiosk-talon-printed", timeout=WAIT_MS)
    assert page.locator("#talon-status").inner_text() == "Возьмите талон."
    assert_targets_large(page, ".kiosk-done")
    page.screenshot(path=str(artifacts / "kiosk-ticket-ru.png"))
    assert axe_violations(page) == []
    assert ticket_count(engine) == 1


def test_priority_ticket_is_marked(
    live_server: LiveServer, page, artifacts: Path, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    enrol_browser(page, live_server.url, engine, "kiosk")  # §11: an enrolled kiosk
    open_kiosk(page, live_server, "en")
    page.get_by_text("Priority ticket").click()
    assert page.locator("#kiosk-priority").is_checked()
    page.screenshot(path=str(artifacts / "kiosk-start-priority-en.png"))
    page.get_by_role("button", name="Certificate").click()
    page.wait_for_selector("#kiosk.kiosk-ticket", timeout=WAIT_MS)
    assert page.locator(".kiosk-badge").inner_text() == "Priority ticket"
    assert page.locator(".kiosk-code").inner_text() == "Г-001"


def test_double_tap_makes_one_ticket(live_server: LiveServer, page, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    open_kiosk(page, live_server)
    button = page.get_by_role("button", name="Жұмыссыз ретінде тіркеу")
    button.dblclick()
    page.wait_for_selector("#kiosk.kiosk-ticket", timeout=WAIT_MS)
    page.wait_for_timeout(300)  # a second request, if any, would land now
    assert page.locator(".kiosk-code").inner_text() == "А-001"
    assert ticket_count(engine) == 1


def test_closed_office_says_when_it_opens(
    live_server: LiveServer, page, artifacts: Path, now: ManualClock, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    now.advance(days=4)  # Saturday 10:00 (§10: Tuesday–Friday)
    open_kiosk(page, live_server, "ru")
    assert page.locator(".kiosk-closed-now").inner_text() == "Сейчас талоны не выдаются."
    assert (
        page.locator(".kiosk-opening").inner_text() == "Отдел откроется: вторник, 01.12, в 09:00."
    )
    assert page.get_by_role("button").count() == 0  # nothing to tap that would issue
    page.screenshot(path=str(artifacts / "kiosk-closed-ru.png"))
    assert axe_violations(page) == []
    page.get_by_role("link", name="Қазақша").click()
    page.wait_for_selector("#kiosk[lang=kk]", timeout=WAIT_MS)
    assert "01.12" in page.locator(".kiosk-opening").inner_text()
    assert ticket_count(engine) == 0


def test_lunch_notice_before_issuing(
    live_server: LiveServer, page, artifacts: Path, now: ManualClock, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    import httpx

    now.advance(hours=2, minutes=40)  # 12:40: lunch at 13:00
    for _ in range(5):  # 5 ahead × 10 min / 2 cabinets = 25 min: past the lunch break
        assert (
            httpx.post(
                f"{live_server.url}/api/tickets", json={"service": "registration"}
            ).status_code
            == 201
        )
    open_kiosk(page, live_server, "kk")
    page.get_by_role("button", name="Жұмыссыз ретінде тіркеу").click()
    page.wait_for_selector("#kiosk.kiosk-notice", timeout=WAIT_MS)
    assert "13:00–14:00" in page.locator(".kiosk-warn").inner_text()
    assert ticket_count(engine) == 5  # said before issuing
    page.screenshot(path=str(artifacts / "kiosk-notice-lunch-kk.png"))
    assert axe_violations(page) == []
    page.get_by_role("button", name="Бәрібір талон алу").click()
    page.wait_for_selector("#kiosk.kiosk-ticket", timeout=WAIT_MS)
    assert page.locator(".kiosk-code").inner_text() == "А-006"
    assert ticket_count(engine) == 6


def test_network_drop_shows_a_banner_and_recovers(
    live_server: LiveServer, page, artifacts: Path, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    open_kiosk(page, live_server, "ru")
    live_server.stop()
    page.get_by_role("button", name="Вакансии").click()
    banner = page.locator("#kiosk .kiosk-offline")
    banner.wait_for(state="visible", timeout=WAIT_MS)
    assert banner.inner_text() == "Нет связи с сервером. Переподключение…"
    page.screenshot(path=str(artifacts / "kiosk-offline-ru.png"))
    live_server.start()
    # The tap is sent again with its request id: the ticket appears, exactly once.
    page.wait_for_selector("#kiosk.kiosk-ticket", timeout=15_000)
    assert page.locator(".kiosk-code").inner_text() == "Б-001"
    assert not page.locator("#kiosk .kiosk-offline").is_visible()
    assert ticket_count(engine) == 1


def test_ticket_screen_returns_to_the_start_when_idle(live_server: LiveServer, page) -> None:  # type: ignore[no-untyped-def]
    open_kiosk(page, live_server, "en")
    page.get_by_role("button", name="Job vacancies").click()
    page.wait_for_selector("#kiosk.kiosk-ticket", timeout=WAIT_MS)
    # The real idle time is 25 s; shorten it for the test and touch the screen once.
    page.eval_on_selector("#kiosk", "el => { el.dataset.idleSeconds = '1'; }")
    page.mouse.click(5, 5)
    page.wait_for_selector("#kiosk.kiosk-start[lang=kk]", timeout=WAIT_MS)
    page.wait_for_selector("html[lang=kk]", state="attached", timeout=WAIT_MS)


def test_phone_page(live_server: LiveServer, page, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    import httpx

    ticket = httpx.post(
        f"{live_server.url}/api/tickets", json={"service": "registration", "lang": "ru"}
    ).json()
    page.set_viewport_size({"width": 390, "height": 780})
    page.goto(ticket["status_url"] + "?lang=ru")
    assert page.locator(".phone-code").inner_text() == "А-001"
    assert page.locator(".phone-place").inner_text() == "Ваше место в очереди: 1"
    page.screenshot(path=str(artifacts / "phone-waiting-ru.png"), full_page=True)
    assert axe_violations(page) == []


@pytest.mark.parametrize("profile_name", ["dead-printer"], indirect=True)
@pytest.mark.parametrize("seams", [{"limiter": RateLimiter(per_minute=1)}], indirect=True)
def test_printer_problem_and_the_gentle_limit(
    live_server: LiveServer, page, artifacts: Path, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    enrol_browser(page, live_server.url, engine, "kiosk")  # the kiosk's own gentle limit
    open_kiosk(page, live_server, "kk")
    page.get_by_role("button", name="Анықтама алу").click()
    page.wait_for_selector("#kiosk.kiosk-ticket", timeout=WAIT_MS)
    page.wait_for_selector(".kiosk-talon-failed", timeout=WAIT_MS)  # the number stays on screen
    assert page.locator("#talon-status").inner_text() == (
        "Принтерде ақау бар. Нөміріңізді есте сақтаңыз: Г-001. Кезегіңіз сақталды."
    )
    page.screenshot(path=str(artifacts / "kiosk-ticket-printer-problem-kk.png"))
    assert axe_violations(page) == []
    page.get_by_role("link", name="Дайын").click()
    page.wait_for_selector("#kiosk.kiosk-start", timeout=WAIT_MS)
    page.get_by_role("button", name="Анықтама алу").click()
    page.wait_for_selector("#kiosk.kiosk-limited", timeout=WAIT_MS)
    assert page.locator(".kiosk-title").inner_text() == "Сәл күте тұрыңыз"
    page.screenshot(path=str(artifacts / "kiosk-limited-kk.png"))
    assert axe_violations(page) == []
    assert ticket_count(engine) == 1
