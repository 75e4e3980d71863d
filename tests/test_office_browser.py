"""A second office under /o/<slug>/ in real Chromium (issue 16, finding 5): from its entry
page to its staff login by clicking, log in, take a cabinet and call its ticket; nothing of
the first office shows, and the session opens nothing of the first office."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from kezek import db
from kezek.queue.models import Office
from kezek.settings import PROFILES_DIR
from tests.conftest import PASSWORD, Journey, LiveServer, make_user

pytestmark = pytest.mark.browser

FIRST = "Отдел занятости и социальных программ Кызылжарского района"
SECOND = "Отдел занятости Бескольского сельского округа"


@pytest.fixture
def profile_name(tmp_path: Path) -> str:
    """Kyzylzhar first; Beskol (a copy with a name of its own) at /o/beskol/."""
    text = (PROFILES_DIR / "kyzylzhar.toml").read_text(encoding="utf-8")
    text = text.replace('slug = "kyzylzhar"', 'slug = "beskol"')
    text = text.replace(f'ru = "{FIRST}"', f'ru = "{SECOND}"')
    path = tmp_path / "beskol.toml"
    path.write_text(text, encoding="utf-8")
    return f"kyzylzhar,{path}"


def test_log_in_and_call_a_ticket_in_the_second_office(
    live_server: LiveServer,
    page,  # type: ignore[no-untyped-def]
    engine: Engine,
    journey: Journey,
) -> None:
    with db.reading(engine) as session:
        ids = {o.slug: o.id for o in session.exec(select(Office))}
    make_user(engine, ids["beskol"], "bclerk", "clerk")
    api = page.request
    ours = api.post(
        live_server.url + "/o/beskol/api/tickets", data={"service": "registration"}
    ).json()
    theirs = api.post(live_server.url + "/api/tickets", data={"service": "vacancies"}).json()
    assert ours["code"] == "А-001" and theirs["code"] == "Б-001"

    page.goto(live_server.url + "/o/beskol/?lang=ru")
    assert page.locator("h1").inner_text() == SECOND
    journey.step("home")
    page.click(".home-links a[href$='/staff/']")
    page.wait_for_selector("#username")
    journey.step("login")
    assert page.url.startswith(live_server.url + "/o/beskol/staff/login")
    page.fill("#username", "bclerk")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(".points")
    journey.step("choose the cabinet")
    page.locator(".points button").first.click()  # Кабинет №1
    page.wait_for_selector("#queue-panel")
    assert page.url.startswith(live_server.url + "/o/beskol/staff/")
    queue = page.locator("table.queue").inner_text()
    assert ours["code"] in queue and theirs["code"] not in queue

    page.click("#call-next")
    page.wait_for_selector(f'.in-hand .code[data-code="{ours["code"]}"]', timeout=5000)
    journey.step("called")
    assert FIRST not in page.content()
    waiting = {
        s["service"]: s["waiting"]
        for s in api.get(live_server.url + "/api/queue").json()["services"]
    }
    assert waiting["vacancies"] == 1  # the first office's visitor still waits
    assert api.get(live_server.url + f"/o/beskol/api/tickets/{ours['id']}").status == 401

    # The second office's session opens nothing of the first office's staff pages.
    page.goto(live_server.url + "/staff/?lang=ru")
    assert page.url.startswith(live_server.url + "/staff/login")
    assert SECOND not in page.content()
    journey.step("the first office's login")
