"""For a screen reader, in real Chromium, reached by clicking (issue 22.3): the kiosk's ticket
screen moves focus to its heading and fills a live region that was in the page before; each
survey question updates (not replaces) its live region; the phone page says "you are
called" through a region that is not swapped every 10 s."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from kezek import db
from kezek.queue import tickets
from kezek.queue.clock import Clock, ManualClock
from kezek.queue.models import ServicePoint, Ticket
from tests.conftest import LiveServer, axe_violations

pytestmark = pytest.mark.browser

WAIT_MS = 10_000


def take(live_server: LiveServer, lang: str) -> dict:  # type: ignore[type-arg]
    response = httpx.post(
        f"{live_server.url}/api/tickets", json={"service": "registration", "lang": lang}
    )
    return dict(response.json())


def call(engine: Engine, clock: Clock, ticket_id: int, point: str = "cab1") -> None:
    with db.transaction(engine) as s:
        where = s.exec(select(ServicePoint).where(ServicePoint.code == point)).one()
        called = tickets.call_next(s, clock, where, None)
        assert called is not None and called.id == ticket_id


def serve(engine: Engine, clock: Clock, now: ManualClock, ticket_id: int) -> None:
    now.advance(minutes=3)
    call(engine, clock, ticket_id)
    now.advance(minutes=7)
    with db.transaction(engine) as s:
        tickets.finish(s, clock, s.get_one(Ticket, ticket_id), None)


def remember(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Keep a handle on the element as it is now, to check later it is the same one."""
    page.eval_on_selector(selector, "el => { window.__kept = el; }")


def still_the_same(page, selector: str) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate(f"() => window.__kept === document.querySelector('{selector}')"))


def test_the_ticket_screen_is_announced_and_takes_the_focus(live_server: LiveServer, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/kiosk/?lang=ru")
    page.wait_for_selector("#kiosk.kiosk-start", timeout=WAIT_MS)
    region = page.locator("#kiosk-announce")
    assert region.get_attribute("aria-live") == "polite" and region.text_content() == ""
    remember(page, "#kiosk-announce")
    page.get_by_role("button", name="Регистрация в качестве безработного").click()
    page.wait_for_selector("#kiosk.kiosk-ticket", timeout=WAIT_MS)
    page.wait_for_function(
        "() => document.getElementById('kiosk-announce').textContent.includes('А-001')",
        timeout=WAIT_MS,
    )
    assert still_the_same(page, "#kiosk-announce")
    assert region.text_content() == (
        "Ваш номер А-001. Место приёма: Кабинет №1, Кабинет №4. Ваше место в очереди: 1."
    )
    focused = page.evaluate("() => document.activeElement.className")
    assert focused == "kiosk-your"
    assert page.title().startswith("Талон А-001 · ")
    assert axe_violations(page) == []
    # Back at the start: the start screen's title again.
    page.get_by_role("link", name="Готово").click()
    page.wait_for_selector("#kiosk.kiosk-start", timeout=WAIT_MS)
    assert page.title().startswith("Взять талон · ") or "А-001" not in page.title()


def test_each_survey_question_updates_one_live_region(
    live_server: LiveServer, page, engine: Engine, clock: Clock, now: ManualClock
) -> None:  # type: ignore[no-untyped-def]
    taken = take(live_server, "kk")
    serve(engine, clock, now, taken["id"])
    token = taken["status_url"].rsplit("/", 1)[1]
    page.set_viewport_size({"width": 390, "height": 780})
    page.goto(f"{live_server.url}/feedback/t/{token}?lang=ru")
    assert page.locator("#fb-step").inner_text() == "Вопрос 1 из 5"
    remember(page, "#fb-step")
    for n in range(2, 6):
        page.locator(".fb-skip").click()
        page.wait_for_function(
            f"() => document.getElementById('fb-step').textContent.includes('{n} из 5')",
            timeout=WAIT_MS,
        )
        assert still_the_same(page, "#fb-step")
        assert page.locator("#fb-step").get_attribute("aria-live") == "polite"
        page.wait_for_function(
            "() => document.activeElement.className === 'fb-question'", timeout=WAIT_MS
        )
        assert page.locator("html").get_attribute("lang") == "ru"
        assert f"Вопрос {n} из 5" in page.title()
    assert axe_violations(page) == []
    page.locator(".fb-skip").click()
    page.wait_for_selector(".fb-thanks", timeout=WAIT_MS)
    assert "Спасибо" in page.locator(".fb-thanks").inner_text()
    page.wait_for_function(
        "() => document.activeElement.className === 'fb-thanks'", timeout=WAIT_MS
    )


def test_the_phone_page_says_you_are_called_once(
    live_server: LiveServer, page, engine: Engine, clock: Clock, now: ManualClock
) -> None:  # type: ignore[no-untyped-def]
    taken = take(live_server, "ru")
    page.set_viewport_size({"width": 390, "height": 780})
    page.goto(taken["status_url"] + "?lang=ru")
    region = page.locator("#phone-announce")
    assert region.get_attribute("aria-live") == "polite" and region.text_content() == ""
    remember(page, "#phone-announce")
    now.advance(minutes=2)
    call(engine, clock, taken["id"])
    page.wait_for_selector(".phone-called", timeout=15_000)  # the page polls every 10 s
    page.wait_for_function(
        "() => document.getElementById('phone-announce').textContent !== ''", timeout=WAIT_MS
    )
    assert still_the_same(page, "#phone-announce")
    assert region.text_content() == "Вас вызывают: Кабинет №1. Пожалуйста, пройдите туда сейчас."
    assert axe_violations(page) == []


COUNTDOWN = {
    "kk": ("с кейін бастапқы экранға оралады.", "Уақытты ұзарту"),
    "ru": ("Возврат на начальный экран через", "Продлить время"),
    "en": ("Back to the start screen in", "More time"),
}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_kiosk_warns_before_its_time_out_and_gives_more_time(
    live_server: LiveServer, page, lang: str
) -> None:  # type: ignore[no-untyped-def]
    """WCAG 2.2.1: the last seconds are counted down on screen, with a "more time" button."""
    page.goto(f"{live_server.url}/kiosk/?lang={lang}")
    page.wait_for_selector("#kiosk.kiosk-start", timeout=WAIT_MS)
    page.locator(".kiosk-service").first.click()
    page.wait_for_selector("#kiosk.kiosk-ticket", timeout=WAIT_MS)
    warning = page.locator(".kiosk-timeout")
    assert warning.is_hidden()
    # The real time-out is 25 s, the last 10 counted; make it 4 (2 counted) and touch once.
    page.eval_on_selector("#kiosk", "el => { el.dataset.idleSeconds = '4'; }")
    page.mouse.click(5, 5)
    warning.wait_for(state="visible", timeout=WAIT_MS)
    said, more = COUNTDOWN[lang]
    text = page.locator("#kiosk-timeout-text").inner_text()
    assert said in text and any(d in text for d in "12"), text
    assert axe_violations(page) == []
    page.get_by_role("button", name=more).click()
    assert warning.is_hidden()
    assert page.locator("#kiosk.kiosk-ticket").count() == 1
    # Left alone again, the count runs out and the start screen (in Kazakh) comes back.
    warning.wait_for(state="visible", timeout=WAIT_MS)
    page.wait_for_selector("#kiosk.kiosk-start[lang=kk]", timeout=WAIT_MS)
