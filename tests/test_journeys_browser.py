"""Each role's day in real Chromium, reached only by clicking and typing from an entry page
(issue 15): every page reached keeps its styles, files download as files, axe-core finds no
serious violation, and no console error or failed request goes unnoticed."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy.engine import Engine
from sqlmodel import select

from kezek import db
from kezek.queue.models import Ticket
from tests.conftest import PASSWORD, LiveServer, axe_violations, make_token, make_user, wait_until

pytestmark = pytest.mark.browser


class Journey:
    """Watches one page through a journey: console errors, failed requests and answers ≥ 400
    fail it (apart from those a step provokes on purpose); each step leaves a screenshot and
    is checked with axe-core."""

    def __init__(self, page: Any, artifacts: Path, name: str) -> None:
        self.page, self.artifacts, self.name = page, artifacts, name
        self.problems: list[str] = []
        self.expected: set[int] = set()
        self.steps = 0
        page.on("console", self._console)
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _failed(self, request: Any) -> None:
        # Leaving a page ends its live event stream: the browser aborts it, nothing failed.
        if request.url.endswith("/events") and "ERR_ABORTED" in (request.failure or ""):
            return
        self.problems.append(f"failed: {request.url} {request.failure}")

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text} at {message.location}")

    def _response(self, response: Any) -> None:
        if response.status >= 400 and response.status not in self.expected:
            self.problems.append(f"{response.status}: {response.url}")

    def step(self, what: str) -> None:
        self.page.wait_for_load_state("networkidle")
        self.steps += 1
        slug = re.sub(r"[^a-z0-9]+", "-", what.lower()).strip("-")
        self.page.screenshot(
            path=str(self.artifacts / f"journey-{self.name}-{self.steps:02d}-{slug}.png"),
            full_page=True,
        )
        found = axe_violations(self.page)
        assert found == [], (what, [(v["id"], v["nodes"][0]["target"]) for v in found])
        assert self.problems == [], (what, self.problems)

    def sheets(self) -> list[str]:
        """The file names of the stylesheets the page has now."""
        hrefs = self.page.evaluate(
            "() => [...document.styleSheets].map(s => s.href || '').filter(Boolean)"
        )
        return [href.rsplit("/", 1)[-1].split("?")[0] for href in hrefs]


@pytest.fixture
def journey(page: Any, artifacts: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    def start(name: str) -> Journey:
        return Journey(page, artifacts, name)

    yield start


def _serve(live_server: LiveServer, token: str, point: str = "cab1") -> dict[str, Any]:
    import httpx

    staff = {"authorization": f"Bearer {token}"}
    with httpx.Client(base_url=live_server.url, headers=staff) as api:
        called = api.post(f"/api/service-points/{point}/call-next").json()
        api.post(f"/api/tickets/{called['id']}/start")
        api.post(f"/api/tickets/{called['id']}/finish")
    return called


def test_the_visitor_from_the_kiosk_to_the_survey(
    live_server: LiveServer, page: Any, journey: Any, engine: Engine, office_id: int
) -> None:
    trip = journey("visitor")
    page.set_viewport_size({"width": 1080, "height": 1920})
    page.goto(live_server.url + "/?lang=ru")
    trip.step("home")
    page.get_by_role("link", name="Информация для посетителей").click()  # defect 14
    page.wait_for_selector("ol.toc")
    assert "indicators.css" in trip.sheets()
    trip.step("info")
    page.go_back()
    page.get_by_role("link", name=re.compile("Терминал")).click()
    page.wait_for_selector(".kiosk-service")
    assert "kiosk.css" in trip.sheets()  # reached by a boosted click: the whole page
    trip.step("kiosk")
    page.locator(".kiosk-service").first.click()
    code = page.wait_for_selector(".kiosk-code").inner_text()
    trip.step("talon")

    make_user(engine, office_id, "clerk1", "clerk")
    served = _serve(live_server, make_token(engine, "clerk1"))
    assert served["code"] in code
    # The phone is reached by the talon's QR code: its address is the visitor's entry page
    # (read from the database here: the test has no camera).
    with db.reading(engine) as session:
        token = session.exec(select(Ticket.public_token).where(Ticket.code == code)).one()
    url = f"{live_server.url}/t/{token}"
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    page.wait_for_selector(".phone-feedback a")
    trip.step("phone page, served")
    tops = {
        round(b["y"]) for b in (a.bounding_box() for a in page.locator(".languages a").all()) if b
    }
    assert len(tops) == 1, "the language buttons wrap at 390 px"  # defect 15
    assert "kiosk.css" in trip.sheets()
    page.click(".phone-feedback a")
    page.wait_for_selector(".fb-answers button")
    # Defect 3: the survey reached by a boosted click has its own stylesheet.
    assert "indicators.css" in trip.sheets()
    height = page.locator(".fb-yes").bounding_box()["height"]
    assert height >= 44, f"the survey's buttons are {height}px high"
    trip.step("survey")
    page.click(".fb-yes")
    wait_until(lambda: "2" in page.locator("#fb-step").inner_text(), seconds=5)
    trip.step("survey, second question")


def test_the_supervisor_from_the_console_to_the_exports(
    live_server: LiveServer, page: Any, journey: Any, engine: Engine, office_id: int
) -> None:
    make_user(engine, office_id, "head", "supervisor")
    trip = journey("supervisor")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + "/?lang=ru")
    page.get_by_role("link", name=re.compile("Пульт")).click()
    page.fill("#username", "head")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("nav")
    trip.step("after login")
    page.get_by_role("link", name="Руководитель").click()
    page.wait_for_selector(".kpi, #live")
    # Defect 1: a boosted click gets the whole page: the menu and the logout stay.
    assert page.locator("nav a").count() > 3
    trip.step("dashboard")
    # Defect 15: the supervisor's header is one line at 1366 px; the cards keep their gap.
    header = page.locator("header.staff-bar").bounding_box()
    assert header is not None and header["height"] < 70, header
    gap = page.evaluate(
        "() => { const t = document.querySelector('.tiles'); let n = t.nextElementSibling;"
        " while (n && !n.getBoundingClientRect().height) n = n.nextElementSibling;"
        " return n.getBoundingClientRect().top - t.getBoundingClientRect().bottom; }"
    )
    assert gap >= 8, gap
    # Defect 16: the dashboard is live: a new visitor shows within seconds, not at a poll.
    waiting = page.locator("#waiting tbody tr")
    before = waiting.count()
    page.request.post(live_server.url + "/api/tickets", data={"service": "registration"})
    assert wait_until(lambda: waiting.count() == before + 1, seconds=5)
    page.get_by_role("link", name="Показатели").click()
    page.wait_for_selector("table.grid")
    assert "indicators.css" in trip.sheets() and "staff.css" in trip.sheets()
    trip.step("indicators")

    # Defect 2: the exports download as files, and they open.
    with page.expect_download() as got:
        page.get_by_role("link", name=re.compile("Excel|XLSX")).click()
    xlsx = got.value
    assert xlsx.suggested_filename.endswith(".xlsx")
    saved = Path(str(xlsx.path()) + ".xlsx")  # openpyxl goes by the file's name
    xlsx.save_as(saved)
    book = openpyxl.load_workbook(saved)
    assert book.active is not None and book.active.max_row > 5
    with page.expect_download() as got:
        page.get_by_role("link", name=re.compile("CSV")).first.click()
    text = Path(got.value.path()).read_bytes().decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(text)))) > 5
    assert "/report" in page.url and page.locator("table.grid").count()
    trip.step("after the downloads")


def test_the_clerk_works_visits_with_the_keyboard_at_1366(
    live_server: LiveServer, page: Any, journey: Any, engine: Engine, office_id: int
) -> None:
    """Defects 5-7: every action has a key shown on its button, the focus stays where the
    work is, the main actions fit the first screen, and no-show and transfer ask first."""
    import httpx

    make_user(engine, office_id, "clerk1", "clerk")
    with httpx.Client(base_url=live_server.url) as api:
        codes = [api.post("/api/tickets", json={"service": "registration"}).json()["code"]]
        codes += [api.post("/api/tickets", json={"service": "registration"}).json()["code"]]
        codes += [api.post("/api/tickets", json={"service": "registration"}).json()["code"]]
    trip = journey("clerk")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + "/?lang=ru")
    page.get_by_role("link", name=re.compile("Пульт")).click()
    page.fill("#username", "clerk1")
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.locator(".points button").first.click()
    page.wait_for_selector("#call-next")
    trip.step("console")
    box = page.locator("#call-next").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768, "call next below the fold"

    def quietly(script: str) -> str:
        """Ask the page; while it is between two documents, it answers nothing yet."""
        try:
            return str(page.evaluate(script))
        except PlaywrightError:
            return ""

    def in_hand() -> str:
        return quietly("() => document.querySelector('.in-hand .code')?.textContent || ''")

    def focused() -> str:
        return quietly(
            "() => document.activeElement.closest('.in-hand, .call-next')"
            " ? 'work' : document.activeElement.tagName"
        )

    page.keyboard.press("Alt+n")
    assert wait_until(lambda: in_hand() == codes[0], seconds=5)
    assert "Alt+S" in page.locator("[data-key=KeyS]").inner_text()
    page.keyboard.press("Alt+s")
    assert wait_until(lambda: page.locator("[data-key=KeyS]").count() == 0, seconds=5)
    assert wait_until(lambda: focused() == "work", seconds=2)
    trip.step("serving")
    page.keyboard.press("Alt+f")
    assert wait_until(lambda: in_hand() == "", seconds=5)
    assert wait_until(lambda: focused() == "work", seconds=2)
    # No-show asks first: dismissed, nothing happens; accepted, the ticket is closed.
    page.keyboard.press("Alt+n")
    assert wait_until(lambda: in_hand() == codes[1], seconds=5)
    asked: list[str] = []
    page.wait_for_timeout(800)  # the live refresh that the call set off has come and gone
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.keyboard.press("Alt+d")
    assert wait_until(lambda: asked, seconds=5) and codes[1] in asked[0]
    page.wait_for_timeout(300)
    assert in_hand() == codes[1]
    page.once("dialog", lambda d: d.accept())
    page.keyboard.press("Alt+d")
    assert wait_until(lambda: in_hand() == "", seconds=5)
    # Transfer asks too, then the ticket leaves this cabinet's hand.
    page.keyboard.press("Alt+n")
    assert wait_until(lambda: in_hand() == codes[2], seconds=5)
    page.wait_for_timeout(800)
    page.once("dialog", lambda d: d.accept())
    page.focus("#transfer-service")
    page.keyboard.press("Alt+t")
    assert wait_until(lambda: in_hand() == "", seconds=5)
    trip.step("after a transfer")


def test_the_supervisor_registers_reviews_and_answers_a_complaint(
    live_server: LiveServer, page: Any, journey: Any, engine: Engine, office_id: int
) -> None:
    """The complaints journal from registration to answer, by clicking; defect 14: the
    yes/no choices are radio buttons beside their words, the text box is wide and tall."""
    make_user(engine, office_id, "head", "supervisor")
    trip = journey("complaint")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + "/?lang=en")
    page.get_by_role("link", name="Staff console").click()
    page.fill("#username", "head")
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Register a complaint").click()
    about = page.get_by_label("About what or whom")
    box = about.bounding_box()
    assert box is not None and box["width"] >= 500 and box["height"] >= 180, box
    page.get_by_label("Who complains").fill("A visitor")
    about.fill("Waited an hour without being called.")
    trip.step("complaint form")
    page.get_by_role("button", name="Register").click()
    page.wait_for_selector("legend")
    trip.step("complaint registered")
    yes = page.get_by_role("radio", name="yes").first
    radio, label = (
        yes.bounding_box(),
        page.locator("label:has(> input[name=justified])").first.bounding_box(),
    )
    assert radio is not None and label is not None and radio["width"] <= 28, radio
    assert label["y"] <= radio["y"] and radio["y"] + radio["height"] <= label["y"] + label["height"]
    yes.check()
    page.get_by_label("Answer (leave empty if not answered yet)").fill(
        "We apologise; a second cabinet opens at 9."
    )
    page.get_by_role("radio", name="no, rejected on the merits").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("#amend")
    assert "We apologise" in page.content()
    trip.step("complaint answered")


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_hall_display_and_the_kiosk_in_landscape_by_clicking(
    live_server: LiveServer, page: Any, journey: Any, engine: Engine, office_id: int, lang: str
) -> None:
    """The hall TV reached from / while a clerk calls; the kiosk at 1920×1080 in each language,
    a priority ticket from the enrolled kiosk."""
    import httpx

    from tests.conftest import enrol_browser

    make_user(engine, office_id, "clerk1", "clerk")
    token = make_token(engine, "clerk1")
    enrol_browser(page, live_server.url, engine, "kiosk")
    trip = journey(f"hall-{lang}")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{live_server.url}/?lang={lang}")
    page.locator(".home-links a").nth(0).click()  # the kiosk
    page.wait_for_selector(".kiosk-service")
    assert "kiosk.css" in trip.sheets()
    page.check("#kiosk-priority", force=True)
    page.locator(".kiosk-service").first.click()
    page.wait_for_selector(".kiosk-badge")
    code = page.locator(".kiosk-code").inner_text()
    trip.step("priority ticket")
    page.goto(f"{live_server.url}/?lang={lang}")
    page.locator(".home-links a").nth(1).click()  # the hall display
    page.wait_for_selector("body[data-link=live]", state="attached")
    assert "display.css" in trip.sheets()
    with httpx.Client(
        base_url=live_server.url, headers={"authorization": f"Bearer {token}"}
    ) as api:
        assert api.post("/api/service-points/cab1/call-next").json()["code"] == code
    page.wait_for_selector(f'#board .calls [data-call^="{code}@"]', timeout=3000)
    trip.step("the call on the hall display")
