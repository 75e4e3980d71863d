"""The acceptance talon (§15) and the missing-documents slip (§12) as they reach the desk
printer: the ESC/POS bytes decoded back into the image, compared with the rendered talon."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from PIL import Image, ImageChops
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek.i18n import gettext
from kezek.printing.decode import decode_image
from kezek.printing.desk_talons import (
    AcceptanceTalon,
    MissingDocumentsSlip,
    render_acceptance_talon,
    render_missing_documents,
)
from kezek.printing.talons import LocalizedText
from kezek.settings import load_profile
from tests.test_staff_flow import current_app, flash, good_iin, login, new_card, post, start_app

OFFICE = load_profile("kyzylzhar").name
ALL = ["identity", "work_history", "income"]


def same(a: Image.Image, b: Image.Image) -> bool:
    diff = ImageChops.difference(a.convert("L"), b.convert("L"))
    return a.size == b.size and diff.getbbox() is None


def printed(spool: Path) -> list[Image.Image]:
    images = [decode_image(path.read_bytes()) for path in sorted(spool.glob("*.bin"))]
    assert all(image is not None for image in images)
    return images  # type: ignore[return-value]


def test_acceptance_talon_bytes_match_the_rendered_talon(
    client: TestClient, engine: Engine, office_id: int, settings
) -> None:  # type: ignore[no-untyped-def]
    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab4"})
    card_id = new_card(client, token, good_iin(date(1990, 3, 15), "f"))
    app = start_app(client, engine, token, card_id)
    post(
        client, f"/staff/applications/{app.id}/documents", token, {"documents": ALL, "do": "accept"}
    )
    [image] = printed(Path(settings.spool_dir) / "cab4")
    expected = AcceptanceTalon(
        number="2026-0001",
        accepted_on=date(2026, 11, 24),
        deadline=date(2026, 12, 4),  # §7: Tuesday 24 November + 10 calendar days
        cabinet="№4",
        phones=("2-16-50", "2-16-84"),
        office=LocalizedText(kk=OFFICE.kk, ru=OFFICE.ru, en=OFFICE.en),
    )
    assert same(image, render_acceptance_talon(expected, 576))
    # The comparison sees the deadline: a talon one day off does not match.
    wrong = dataclasses.replace(expected, deadline=date(2026, 12, 5))
    assert not same(image, render_acceptance_talon(wrong, 576))


def test_missing_documents_slip_lists_what_to_bring(
    client: TestClient, engine: Engine, office_id: int, settings
) -> None:  # type: ignore[no-untyped-def]
    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab1"})
    card_id = new_card(client, token, good_iin(date(1990, 3, 15), "f"), category="kandas")
    app = start_app(client, engine, token, card_id)
    post(
        client,
        f"/staff/applications/{app.id}/documents",
        token,
        {"documents": ["identity", "income"], "do": "missing"},
    )
    [image] = printed(Path(settings.spool_dir) / "cab1")
    names = ("Document confirming work history", "Oralman (kandas) certificate")
    expected = MissingDocumentsSlip(
        office=LocalizedText(kk=OFFICE.kk, ru=OFFICE.ru, en=OFFICE.en),
        issued_on=date(2026, 11, 24),
        cabinet="№1",
        documents=tuple(
            LocalizedText(kk=gettext("kk", n), ru=gettext("ru", n), en=n) for n in names
        ),
    )
    assert same(image, render_missing_documents(expected, 576))


def test_a_failed_print_is_kept_and_retried(
    client: TestClient, engine: Engine, office_id: int, settings
) -> None:  # type: ignore[no-untyped-def]
    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab1"})
    spool = Path(settings.spool_dir) / "cab1"
    spool.parent.mkdir(parents=True, exist_ok=True)
    spool.write_text("a file where the printer's directory should be")  # the printer is broken
    card_id = new_card(client, token, good_iin(date(1990, 3, 15), "f"))
    app = start_app(client, engine, token, card_id)
    page = post(
        client, f"/staff/applications/{app.id}/documents", token, {"documents": ALL, "do": "accept"}
    )
    # Saved first: the application is accepted although the talon did not print.
    saved = current_app(engine, card_id)
    assert saved is not None and saved.number == "2026-0001" and saved.print_status == "failed"
    assert "did not print" in flash(page)
    spool.unlink()  # the printer is fixed
    again = post(client, f"/staff/applications/{app.id}/reprint", token)
    assert "Printed at the desk" in flash(again)
    assert len(printed(spool)) == 1
    assert current_app(engine, card_id).print_status == "printed"  # type: ignore[union-attr]
