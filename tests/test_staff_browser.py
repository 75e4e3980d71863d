"""The clerk's flow in real Chromium: log in, take the cabinet, see a new ticket arrive live,
call it with the N key, type a wrong IIN and see the error, fix it, open the card, tick the
documents, accept — and the acceptance talon lands in the desk's spool printer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PIL import ImageChops
from sqlalchemy.engine import Engine

from kezek.printing.decode import decode_image
from kezek.printing.desk_talons import AcceptanceTalon, render_acceptance_talon
from kezek.printing.talons import LocalizedText
from kezek.settings import load_profile
from tests.conftest import PASSWORD, Journey, LiveServer, make_user, wait_until
from tests.test_staff_flow import good_iin

pytestmark = pytest.mark.browser


def test_clerk_accepts_an_application_in_chromium(
    live_server: LiveServer,
    page,
    artifacts: Path,
    journey: Journey,
    engine: Engine,
    office_id: int,  # type: ignore[no-untyped-def]
    settings,
) -> None:  # type: ignore[no-untyped-def]
    make_user(engine, office_id, "clerk1", "clerk")
    api = page.request
    first = api.post(live_server.url + "/api/tickets", data={"service": "registration"}).json()

    page.goto(live_server.url + "/staff/?lang=ru")
    assert "/staff/login" in page.url
    journey.step("login")
    page.fill("#username", "clerk1")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(".points")
    journey.step("choose the cabinet")
    page.locator(".points button").first.click()  # Кабинет №1
    page.wait_for_selector("#queue-panel")
    assert page.locator("#point-title").inner_text() == "Кабинет №1"
    assert page.locator("table.queue tbody tr").count() == 1

    # Another visitor takes a ticket: the console shows it without a reload (SSE).
    second = api.post(live_server.url + "/api/tickets", data={"service": "vacancies"}).json()
    rows = page.locator("table.queue tbody tr")
    assert wait_until(
        lambda: rows.count() == 2, seconds=5
    )  # within 5 s; the fallback poll is every 30 s
    journey.step("console")

    page.keyboard.press("n")  # N alone does nothing (WCAG 2.1.4: no single-key shortcut)
    page.wait_for_timeout(500)
    assert page.locator(f'.in-hand .code[data-code="{first["code"]}"]').count() == 0
    page.keyboard.press("Alt+n")  # Call next from the keyboard
    page.wait_for_selector(f'.in-hand .code[data-code="{first["code"]}"]', timeout=5000)
    assert page.locator("table.queue tbody tr").count() == 1
    assert second["code"] in page.locator("table.queue").inner_text()

    page.click(".card-link a")
    page.wait_for_selector("#iin")
    journey.step("find the card")
    number = good_iin(date(1990, 3, 15), "f")
    wrong = number[:11] + str((int(number[11]) + 1) % 10)
    page.fill("#iin", wrong)
    journey.allow(422, "/staff/cards")
    page.click("form button[type=submit].primary")
    error = page.wait_for_selector("#iin-error", timeout=5000)
    assert "контрольная цифра" in error.inner_text()
    assert page.locator("#iin").get_attribute("aria-invalid") == "true"
    journey.step("wrong IIN")

    page.fill("#iin", number)
    page.click("form button[type=submit].primary")
    page.wait_for_selector("#surname")
    assert page.locator("#birth_date").input_value() == "1990-03-15"  # read off the IIN
    journey.step("new card")
    page.fill("#surname", "Әбілқасымова")
    page.fill("#name", "Гүлнұр")
    page.check('input[name="category"][value="citizen"]')
    page.fill("#address", "Қызылжар ауданы, Бесқөл ауылы, Мира к-сі 5")
    page.click(".card-form button[type=submit]")
    page.wait_for_selector(".checklist")
    journey.step("the card")
    for box in page.locator('input[name="documents"]').all():
        box.check()
    page.click('button[name="do"][value="accept"]')
    page.wait_for_selector(".app-number", timeout=5000)
    assert page.locator(".app-number").inner_text() == "2026-0001"
    assert page.locator(".deadline").inner_text().startswith("04.12.2026")
    journey.step("card accepted")

    spool = Path(settings.spool_dir) / "cab1"
    [talon] = wait_until(lambda: sorted(spool.glob("*.bin")), seconds=5)
    image = decode_image(talon.read_bytes())
    office = load_profile("kyzylzhar").name
    expected = render_acceptance_talon(
        AcceptanceTalon(
            number="2026-0001",
            accepted_on=date(2026, 11, 24),
            deadline=date(2026, 12, 4),
            cabinet="№1",
            phones=("2-16-50", "2-16-84"),
            office=LocalizedText(kk=office.kk, ru=office.ru, en=office.en),
        ),
        576,
    )
    assert image is not None and image.size == expected.size
    assert ImageChops.difference(image.convert("L"), expected.convert("L")).getbbox() is None
    image.save(artifacts / "staff-acceptance-talon.png")
