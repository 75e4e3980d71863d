"""The rules of intake (§3–§17, §18.2, §25) through TestClient on a real database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, ProgrammingError
from sqlmodel import select
from starlette.testclient import TestClient

from kezek import db
from kezek.intake import applications, iin
from kezek.intake.models import Application, AuditEntry, Card, Referral
from kezek.printing.decode import decode_image
from kezek.queue.clock import ManualClock
from tests.conftest import make_user
from tests.test_staff_flow import (
    current_app,
    flash,
    good_iin,
    issue,
    login,
    new_card,
    post,
    soup,
    start_app,
)

ALL = ["identity", "work_history", "income"]


# ------------------------------------------------------------------ the IIN


def test_check_digit_the_official_way() -> None:
    # Weights 1..11: 9·1+0·2+0·3+3·4+1·5+5·6+4·7+0·8+0·9+0·10+1·11 = 95, 95 mod 11 = 7.
    assert iin.check_digit("90031540001") == 7
    assert iin.validate("900315400017") == "900315400017"
    assert iin.validate(" 900315 40001-7 ") == "900315400017"  # typed with spaces or dashes


def test_second_weights_and_no_digit() -> None:
    second = none = None
    for n in range(10000):  # bounded: both cases occur within the first few hundred
        first = f"850101{3}{n:04d}"
        digits = [int(c) for c in first]
        if sum(d * w for d, w in zip(digits, range(1, 12), strict=True)) % 11 == 10:
            again = sum(d * w for d, w in zip(digits, iin.WEIGHTS_2, strict=True)) % 11
            if again == 10 and none is None:
                none = first
            elif again != 10 and second is None:
                second = (first, again)
        if second and none:
            break
    assert second is not None and none is not None
    assert iin.check_digit(second[0]) == second[1]
    assert iin.validate(second[0] + str(second[1]))
    assert iin.check_digit(none) is None
    for digit in "0123456789":  # no check digit is right for it
        with pytest.raises(iin.IINError):
            iin.validate(none + digit)


@pytest.mark.parametrize(
    "raw", ["", "12345", "9003154000170", "90031540001A", "９００３１５４０００１７"]
)  # full-width digits: not ASCII
def test_malformed_iins_are_refused(raw: str) -> None:
    with pytest.raises(iin.IINError):
        iin.validate(raw)


def test_century_and_sex_digit() -> None:
    assert iin.birth_date(good_iin(date(1990, 3, 15), "f")) == date(1990, 3, 15)
    assert iin.birth_date(good_iin(date(2003, 12, 31), "m")) == date(2003, 12, 31)
    assert iin.sex(good_iin(date(2003, 12, 31), "m")) == "m"
    bad_century = "9003150" + "0001"
    with pytest.raises(iin.IINError, match="7th digit"):
        iin.validate(bad_century + str(iin.check_digit(bad_century)))
    assert iin.mask("900315400017") == "••••••••0017"


def test_wrong_iin_is_refused_with_a_message_in_each_language(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    token = login(client, engine, office_id)
    for lang, words in (
        ("kk", "бақылау цифры"),
        ("ru", "контрольная цифра"),
        ("en", "check digit"),
    ):
        client.headers["accept-language"] = lang
        refused = post(client, "/staff/cards/find", token, {"iin": "900315400018"})
        assert refused.status_code == 422 and words in flash(refused)
        field = soup(refused).select_one("#iin")
        assert field["aria-invalid"] == "true" and field["value"] == "900315400018"


def test_birth_date_and_district_disagreements_warn_but_do_not_refuse(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    token = login(client, engine, office_id)
    number = good_iin(date(1990, 3, 15), "f")
    card_id = new_card(
        client, token, number, birth_date="1990-03-16", address="Петропавл қ., Абай к-сі 10"
    )
    page = client.get(f"/staff/cards/{card_id}")
    text = flash(page)
    assert "encodes the birth date 15.03.1990" in text and "16.03.1990" in text
    assert "does not name Қызылжар district" in text
    # An address in the district, in Russian spelling, gives no warning.
    post(
        client,
        f"/staff/cards/{card_id}",
        token,
        {
            **{k: v for k, v in _card_fields(page).items()},
            "birth_date": "1990-03-15",
            "address": "Кызылжарский район, с. Бесколь",
        },
    )
    assert flash(client.get(f"/staff/cards/{card_id}")) == ""


def _card_fields(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    form = soup(page).select_one("section.card-edit form")
    fields = {
        i["name"]: i.get("value", "")
        for i in form.select("input")
        if i.get("name") and i.get("type") not in ("radio", "checkbox")
    }
    for radio in form.select("input[type=radio][checked]"):
        fields[radio["name"]] = radio["value"]
    for select_ in form.select("select"):
        chosen = select_.select_one("option[selected]")
        fields[select_["name"]] = chosen["value"] if chosen else ""
    fields.pop("csrf_token", None)
    return fields


def test_required_fields_and_category(client: TestClient, engine: Engine, office_id: int) -> None:
    token = login(client, engine, office_id)
    number = good_iin(date(1985, 1, 2))
    post(client, "/staff/cards/find", token, {"iin": number})
    refused = post(
        client,
        "/staff/cards",
        token,
        {
            "iin": number,
            "surname": "",
            "name": "Асқар",
            "birth_date": "",
            "sex": "m",
            "category": "x",
            "address": "Бесқөл",
        },
    )
    assert refused.status_code == 422
    errors = {e["id"]: e.get_text() for e in soup(refused).select(".field-error")}
    assert set(errors) == {"surname-error", "birth_date-error", "category-error"}
    with db.reading(engine) as session:
        assert session.exec(select(Card)).all() == []
    new_card(client, token, number, sex="m")
    again = post(
        client,
        "/staff/cards",
        token,
        {
            "iin": number,
            "surname": "Ш",
            "name": "А",
            "birth_date": "1985-01-02",
            "sex": "m",
            "category": "citizen",
            "address": "Бесқөл",
        },
    )
    assert again.status_code == 409 and "already exists" in flash(again)


# ------------------------------------------------------------------ documents (§6, §12)


@pytest.mark.parametrize(
    ("category", "extra"),
    [("citizen", None), ("foreigner", "residence_permit"), ("kandas", "kandas_certificate")],
)
def test_each_category_has_its_documents(
    client: TestClient, engine: Engine, office_id: int, category: str, extra: str | None
) -> None:
    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab4"})
    card_id = new_card(client, token, good_iin(date(1979, 6, 1)), category=category)
    app = start_app(client, engine, token, card_id)
    boxes = [
        b["value"]
        for b in soup(client.get(f"/staff/cards/{card_id}")).select('input[name="documents"]')
    ]
    assert boxes == ALL + ([extra] if extra else [])
    url = f"/staff/applications/{app.id}/documents"
    if extra:  # the common three are not enough for this category
        refused = post(client, url, token, {"documents": ALL, "do": "accept"})
        assert refused.status_code == 409 and "not complete: 1 missing" in flash(refused)
        assert current_app(engine, card_id).status == "open"  # type: ignore[union-attr]
    accepted = post(
        client, url, token, {"documents": ALL + ([extra] if extra else []), "do": "accept"}
    )
    assert accepted.status_code == 200, flash(accepted)
    assert current_app(engine, card_id).status == "accepted"  # type: ignore[union-attr]


def test_missing_documents_slip_then_acceptance_on_a_second_visit(
    client: TestClient, engine: Engine, office_id: int, settings, now: ManualClock
) -> None:  # type: ignore[no-untyped-def]
    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab1"})
    card_id = new_card(client, token, good_iin(date(1970, 7, 7)), category="foreigner")
    app = start_app(client, engine, token, card_id)
    url = f"/staff/applications/{app.id}/documents"
    slip = post(client, url, token, {"documents": ["identity"], "do": "missing"})
    assert slip.status_code == 200 and "list of missing documents was given" in flash(slip)
    printed = sorted((Path(settings.spool_dir) / "cab1").glob("*.bin"))
    assert len(printed) == 1 and decode_image(printed[0].read_bytes()) is not None
    app = current_app(engine, card_id)
    assert app is not None and app.complete_on_first_visit is False  # indicator 3.2
    now.advance(days=1)  # Wednesday: the documents are brought
    token = login(client, engine, office_id, create=False)
    post(client, "/staff/point", token, {"point": "cab1"})  # a new day: sit down again
    post(client, url, token, {"documents": ALL + ["residence_permit"], "do": "accept"})
    app = current_app(engine, card_id)
    assert app is not None and app.status == "accepted"
    assert app.complete_on_first_visit is False  # still: not complete on the first visit
    assert app.deadline == date(2026, 12, 5)  # accepted Wednesday 25.11 -> Saturday 05.12


# ------------------------------------------------------------------ the deadline (§7)


@pytest.mark.parametrize(
    ("accepted", "due"),
    [
        (date(2026, 11, 24), date(2026, 12, 4)),  # across a month end
        (date(2026, 1, 25), date(2026, 2, 4)),
        (date(2026, 2, 25), date(2026, 3, 7)),  # February of a common year
        (date(2028, 2, 25), date(2028, 3, 6)),  # and of a leap year
        (date(2027, 12, 28), date(2028, 1, 7)),  # across a year end
        (date(2026, 12, 25), date(2027, 1, 4)),  # calendar days: weekends and holidays count
    ],
)
def test_deadline_is_ten_calendar_days(accepted: date, due: date) -> None:
    assert applications.deadline(accepted) == due


def test_deadline_uses_the_office_day_not_utc(
    client: TestClient, engine: Engine, office_id: int, now: ManualClock
) -> None:
    # 30 November 2026, 17:55 in Almaty is still 12:55 UTC; the office day decides (UTC+5).
    now.advance(days=6, hours=7, minutes=55)
    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab1"})
    card_id = new_card(client, token, good_iin(date(1990, 3, 15), "f"))
    app = start_app(client, engine, token, card_id)
    post(
        client, f"/staff/applications/{app.id}/documents", token, {"documents": ALL, "do": "accept"}
    )
    page = soup(client.get(f"/staff/cards/{card_id}"))
    assert page.select_one(".deadline").get_text(" ", strip=True).startswith("10.12.2026")


# ------------------------------------------------------------------ decisions (§17)


def _accepted(client: TestClient, engine: Engine, office_id: int) -> tuple[str, int, int]:
    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab1"})
    card_id = new_card(client, token, good_iin(date(1990, 3, 15), "f"))
    app = start_app(client, engine, token, card_id)
    post(
        client, f"/staff/applications/{app.id}/documents", token, {"documents": ALL, "do": "accept"}
    )
    assert app.id is not None
    return token, card_id, app.id


def test_a_refusal_needs_a_ground_and_a_comment(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    token, card_id, app_id = _accepted(client, engine, office_id)
    url = f"/staff/applications/{app_id}/decision"
    no_ground = post(client, url, token, {"outcome": "refused", "ground": "", "comment": "works"})
    assert no_ground.status_code == 409 and "grounds of §17" in flash(no_ground)
    made_up = post(client, url, token, {"outcome": "refused", "ground": "dislike", "comment": "x"})
    assert made_up.status_code == 409 and "A refusal needs one of the grounds of §17." in flash(
        made_up
    )
    no_comment = post(client, url, token, {"outcome": "refused", "ground": "employed"})
    assert no_comment.status_code == 409 and "comment" in flash(no_comment)
    # Issue 15, defect 4: the form keeps what the clerk chose and typed.
    kept = soup(no_ground).select_one("form.decision")
    assert kept.select_one("input[value=refused]").has_attr("checked")
    assert not kept.select_one("input[value=registered]").has_attr("checked")
    assert kept.select_one("#comment").get_text() == "works"
    again = soup(no_comment).select_one("form.decision")
    assert again.select_one("#ground option[selected]")["value"] == "employed"
    assert current_app(engine, card_id).status == "accepted"  # type: ignore[union-attr]
    done = post(
        client,
        url,
        token,
        {
            "outcome": "refused",
            "ground": "employed",
            "comment": "Works under a contract since October",
        },
    )
    assert done.status_code == 200
    app = current_app(engine, card_id)
    assert app is not None and (app.status, app.refusal_ground) == ("refused", "employed")
    history = soup(done).select_one("section.history").get_text(" ", strip=True)
    assert "Refused: The person is employed under Article 2" in history


def test_the_database_refuses_a_refusal_without_a_ground(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    _, card_id, app_id = _accepted(client, engine, office_id)
    with pytest.raises(IntegrityError), db.transaction(engine) as session:
        session.execute(
            sa.text("UPDATE applications SET status = 'refused' WHERE id = :id"), {"id": app_id}
        )


def test_decided_late_counts_against_indicator_1_1_and_shows_overdue(
    client: TestClient, engine: Engine, office_id: int, now: ManualClock
) -> None:
    token, card_id, app_id = _accepted(client, engine, office_id)
    make_user(engine, office_id, "head", "supervisor")
    now.advance(days=8)  # Wednesday 2 December: due Friday 4th -> due soon
    login(client, engine, office_id, "head", create=False)
    cases = soup(client.get("/staff/cases"))
    soon = cases.select("section")[1].get_text(" ", strip=True)
    assert "2026-0001" in soon and "••••••••" in soon
    number = good_iin(date(1990, 3, 15), "f")
    assert number not in client.get("/staff/cases").text  # masked in lists (§18.2)
    now.advance(days=3)  # Saturday 5th: overdue by a day
    login(client, engine, office_id, "head", create=False)
    cases = soup(client.get("/staff/cases"))
    overdue = cases.select("section")[0].get_text(" ", strip=True)
    assert "2026-0001" in overdue and "Overdue: 1" in overdue
    token = login(client, engine, office_id, "clerk1", create=False)
    post(
        client,
        f"/staff/applications/{app_id}/decision",
        token,
        {"outcome": "registered", "registered_on": "2026-12-05"},
    )
    app = current_app(engine, card_id)
    assert app is not None and app.status == "registered" and app.decided_in_term is False


def test_registration_date_must_be_between_acceptance_and_today(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    token, card_id, app_id = _accepted(client, engine, office_id)
    for day in ("2026-11-23", "2026-11-25"):
        refused = post(
            client,
            f"/staff/applications/{app_id}/decision",
            token,
            {"outcome": "registered", "registered_on": day},
        )
        assert refused.status_code == 409 and (
            "The date of registration must be between the acceptance and today." in flash(refused)
        )


def test_an_open_application_can_be_refused_for_missing_documents_only(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    token = login(client, engine, office_id)
    card_id = new_card(client, token, good_iin(date(1990, 3, 15), "f"))
    app = start_app(client, engine, token, card_id)
    url = f"/staff/applications/{app.id}/decision"
    assert (
        post(
            client, url, token, {"outcome": "refused", "ground": "employed", "comment": "x"}
        ).status_code
        == 409
    )
    assert post(client, url, token, {"outcome": "registered"}).status_code == 409
    done = post(
        client,
        url,
        token,
        {
            "outcome": "refused",
            "ground": "documents_missing",
            "comment": "Did not bring the work record",
        },
    )
    assert done.status_code == 200
    app = current_app(engine, card_id)
    assert app is not None and app.status == "refused" and app.decided_in_term is None


# ------------------------------------------------------------------ supervisors, audit (§18.2)


def test_audit_trail_is_for_supervisors_and_append_only(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    token, card_id, app_id = _accepted(client, engine, office_id)
    assert client.get("/staff/audit").status_code == 403
    assert flash(client.get("/staff/audit")) == "Your role does not allow this page or action."
    assert client.get(f"/staff/audit?card={card_id}").status_code == 403
    login(client, engine, office_id, "head", "supervisor")
    client.get(f"/staff/cards/{card_id}")  # the supervisor's view is recorded too
    trail = soup(client.get(f"/staff/audit?card={card_id}"))
    rows = [r.get_text(" ", strip=True) for r in trail.select("table.audit tbody tr")]
    assert rows[0].startswith("24.11.2026") and "Head" in rows[0] and "viewed the card" in rows[0]
    assert any("accepted the application" in r and "2026-0001" in r for r in rows)
    assert any("opened the card" in r and "Clerk1" in r for r in rows)
    number = good_iin(date(1990, 3, 15), "f")
    assert number not in " ".join(rows)  # the list masks the IIN, in changes too
    assert "IIN: ••••••••" + number[-4:] in " ".join(rows)
    # Issue 15, defect 8: field names and values in words, in the page's language.
    ru = " ".join(
        r.get_text(" ", strip=True)
        for r in soup(client.get(f"/staff/audit?card={card_id}&lang=ru")).select(".changes")
    )
    assert "Пол: женский" in ru and "Документы: " in ru
    for internal in ("identity", "None", "True", "sex:", "[", "'"):
        assert internal not in ru, internal
    # There is no route that edits it, and the database refuses an edit or a deletion.
    for statement in ("UPDATE card_audit SET action = 'view'", "DELETE FROM card_audit"):
        with pytest.raises((IntegrityError, ProgrammingError)), db.transaction(engine) as session:
            session.execute(sa.text(statement))
    with db.reading(engine) as session:
        assert len(session.exec(select(AuditEntry)).all()) >= 6


def test_marking_a_case_corrected_is_for_supervisors(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    token, card_id, app_id = _accepted(client, engine, office_id)
    assert (
        post(client, f"/staff/applications/{app_id}/corrected", token, {"reason": "x"}).status_code
        == 403
    )
    token = login(client, engine, office_id, "head", "supervisor")
    no_reason = post(client, f"/staff/applications/{app_id}/corrected", token, {"reason": ""})
    assert no_reason.status_code == 409 and "Write what was corrected." in flash(no_reason)
    done = post(
        client,
        f"/staff/applications/{app_id}/corrected",
        token,
        {"reason": "Income was not recorded"},
    )
    assert done.status_code == 200
    app = current_app(engine, card_id)
    assert app is not None and app.corrected_at is not None
    assert app.correction_reason == "Income was not recorded"


# ------------------------------------------------------------------ §25 and history


def test_referrals_need_consent_for_public_works(
    client: TestClient, engine: Engine, office_id: int
) -> None:
    token = login(client, engine, office_id)
    card_id = new_card(client, token, good_iin(date(1990, 3, 15), "f"))
    url = f"/staff/cards/{card_id}/referrals"
    refused = post(client, url, token, {"kind": "public_works", "detail": "Ауылды көгалдандыру"})
    assert refused.status_code == 422 and "consent" in flash(refused)
    post(
        client,
        url,
        token,
        {"kind": "public_works", "detail": "Ауылды көгалдандыру", "consent": "yes"},
    )
    post(client, url, token, {"kind": "training", "detail": "Тракторшы курсы"})
    post(client, url, token, {"kind": "vacancy", "detail": "Есепші, ЖШС Астық"})
    with db.reading(engine) as session:
        refs = session.exec(select(Referral).order_by(Referral.id)).all()
    assert [(r.kind, r.consent) for r in refs] == [
        ("public_works", True),
        ("training", False),
        ("vacancy", False),
    ]


def test_a_returning_applicant_sees_visits_tickets_and_decisions(
    client: TestClient, engine: Engine, office_id: int, now: ManualClock
) -> None:
    token = login(client, engine, office_id)
    post(client, "/staff/point", token, {"point": "cab1"})
    number = good_iin(date(1990, 3, 15), "f")
    first = issue(client)
    post(client, "/staff/call-next", token)
    card_id = new_card(client, token, number)
    app = current_app(engine, card_id)
    assert app is not None and app.ticket_id == first["id"]  # a registration ticket starts one
    post(
        client, f"/staff/applications/{app.id}/documents", token, {"documents": ALL, "do": "accept"}
    )
    post(client, f"/staff/applications/{app.id}/decision", token, {"outcome": "registered"})
    post(client, f"/staff/tickets/{first['id']}/finish", token)
    now.advance(days=7)  # next Tuesday: the same person comes for a certificate
    token = login(client, engine, office_id, create=False)
    post(client, "/staff/point", token, {"point": "cab1"})
    second = issue(client, "certificate")
    post(client, "/staff/call-next", token)
    found = post(client, "/staff/cards/find", token, {"iin": number})
    assert str(found.url).endswith(f"/staff/cards/{card_id}")
    assert number not in str(found.url)  # never in a URL (§18.2)
    history = soup(found).select_one("section.history")
    visits = [r.get_text(" ", strip=True) for r in history.select("table")[1].select("tbody tr")]
    assert [v.split()[2] for v in visits] == [second["code"], first["code"]]
    decisions = history.select("table")[0].get_text(" ", strip=True)
    assert "Registered as unemployed on 24.11.2026" in decisions
    assert soup(found).find("a", string=lambda s: s and "Certificate" in s)
    with db.reading(engine) as session:
        assert len(session.exec(select(Application)).all()) == 1  # no new application for it
