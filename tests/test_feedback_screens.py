"""Feedback after service: five questions, one tap each, in the visitor's language, once per
visit — from the phone page (/feedback/t/{token}) and the tablet by the cabinet door."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from kezek import db
from kezek.indicators.models import Feedback, FeedbackMark
from kezek.queue import tickets
from kezek.queue.clock import Clock, ManualClock
from kezek.queue.models import ServicePoint, Ticket, table_of
from tests.conftest import enrol_device


def served_ticket(
    client: TestClient,
    engine: Engine,
    clock: Clock,
    now: ManualClock,
    lang: str = "ru",
    point: str = "cab1",
) -> Ticket:
    taken = client.post("/api/tickets", json={"service": "registration", "lang": lang}).json()
    now.advance(minutes=3)
    with db.transaction(engine) as s:
        where = s.exec(select(ServicePoint).where(ServicePoint.code == point)).one()
        ticket = tickets.call_next(s, clock, where, None)
        assert ticket is not None and ticket.id == taken["id"]
    now.advance(minutes=7)
    with db.transaction(engine) as s:
        return tickets.finish(s, clock, s.get_one(Ticket, taken["id"]), None)


def page(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html.parser")


def tap_through(client: TestClient, url: str, taps: list[str], visit: str | None = None):  # type: ignore[no-untyped-def]
    response = client.get(url)
    for index, tap in enumerate(taps):
        soup = page(response)
        assert soup.select_one(".fb-step") is not None, response.text
        given = soup.select_one("input[name=given]")["value"]
        assert len(given) == index
        data = {"given": given, "answer": tap}
        if visit is not None:
            data["visit"] = soup.select_one("input[name=visit]")["value"]
        response = client.post(url, data=data)
    return response


def test_phone_page_feedback_in_the_visitors_language(
    client: TestClient, engine: Engine, clock: Clock, now: ManualClock
) -> None:
    ticket = served_ticket(client, engine, clock, now, lang="ru")
    url = f"/feedback/t/{ticket.public_token}"
    first = page(client.get(url))
    question = first.select_one("h1").get_text(strip=True)
    assert question == "Довольны ли вы тем, как прошло обслуживание?"
    assert [b.get_text(strip=True) for b in first.select(".fb-answers button")] == [
        "Да",
        "Нет",
        "Пропустить",
    ]
    assert "Вопрос 1 из 5" in first.get_text()
    done = tap_through(client, url, ["yes", "skip", "no", "skip", "yes"])
    assert done.status_code == 200
    assert "Спасибо" in page(done).select_one("h1").get_text()
    with db.reading(engine) as s:
        rows = s.exec(select(Feedback)).all()
        assert [
            (
                r.process_ok,
                r.info_ok,
                r.polite_ok,
                r.complaint_procedure_ok,
                r.complaint_timing_ok,
                r.lang,
            )
            for r in rows
        ] == [(True, None, False, None, True, "ru")]
        assert s.exec(select(FeedbackMark.ticket_id)).all() == [ticket.id]
    # Once per visit: the second try is refused and writes nothing.
    again = client.get(url)
    assert again.status_code == 409 and "нельзя оценить" in again.text
    refused = client.post(url, data={"given": "yyyy", "answer": "yes"})
    assert refused.status_code == 409
    with db.reading(engine) as s:
        assert len(s.exec(select(Feedback)).all()) == 1


def test_a_waiting_ticket_cannot_rate_and_bad_input_is_refused(client: TestClient) -> None:
    taken = client.post("/api/tickets", json={"service": "registration", "lang": "kk"}).json()
    token = taken["status_url"].rsplit("/", 1)[1]
    assert client.get(f"/feedback/t/{token}").status_code == 409
    assert client.get("/feedback/t/nope").status_code == 404


def test_tablet_by_the_cabinet_door(
    client: TestClient, engine: Engine, clock: Clock, now: ManualClock, office_id: int
) -> None:
    enrol_device(engine, office_id, "tablet", client)  # issue 14 §1: an enrolled tablet
    url = "/feedback/point/cab1"
    waiting = client.get(url)
    assert waiting.status_code == 200 and page(waiting).select_one("#fb-waiting") is not None
    # The polling fragment is the waiting block alone.
    fragment = client.get(url, headers={"hx-request": "true", "hx-target": "fb-waiting"})
    assert fragment.text.lstrip().startswith('<div id="fb-waiting"')
    ticket = served_ticket(client, engine, clock, now, lang="kk", point="cab1")
    assert (
        client.get(url, headers={"hx-request": "true", "hx-target": "fb-waiting"}).headers.get(
            "hx-refresh"
        )
        == "true"
    )
    ask = page(client.get(url))
    question = ask.select_one("h1").get_text(strip=True)
    assert question == "Қызмет көрсету барысына көңіліңіз толды ма?"
    assert ask.select_one("input[name=visit]")["value"] == str(ticket.id)
    assert ticket.code in ask.get_text()
    # Another cabinet's tablet does not offer this visit.
    assert page(client.get("/feedback/point/cab4")).select_one("#fb-waiting") is not None
    done = tap_through(client, url, ["yes"] * 5, visit=str(ticket.id))
    assert "Рахмет" in page(done).get_text()
    assert page(done).select_one("#fb-back")["href"].endswith(url)
    # Rated: the tablet waits for the next visit again.
    assert page(client.get(url)).select_one("#fb-waiting") is not None
    assert client.get("/feedback/point/nope").status_code == 404


def test_the_tablet_forgets_a_visit_after_its_window(
    client: TestClient, engine: Engine, clock: Clock, now: ManualClock, office_id: int
) -> None:
    enrol_device(engine, office_id, "tablet", client)
    served_ticket(client, engine, clock, now, point="cab4")
    assert page(client.get("/feedback/point/cab4")).select_one("input[name=visit]") is not None
    now.advance(minutes=16)
    assert page(client.get("/feedback/point/cab4")).select_one("#fb-waiting") is not None


def test_no_personal_data_in_feedback_rows() -> None:
    columns = set(table_of(Feedback).columns.keys())
    assert not columns & {"ticket_id", "clerk_id", "service_point_id", "at", "created_at"}
    assert re.search("ticket", " ".join(columns)) is None


def test_the_phone_page_link_partial(
    client: TestClient, engine: Engine, clock: Clock, now: ManualClock
) -> None:
    """The fragment the phone page includes once the visit is served leads to the questions."""
    import jinja2

    ticket = served_ticket(client, engine, clock, now, lang="ru")
    env: jinja2.Environment = client.app.state.templates
    html = env.get_template("feedback/_phone_link.html").render(
        ticket=ticket,
        _=lambda m, **kw: m,
        url_for=lambda name, **p: client.app.url_path_for(name, **p),
    )
    href = page_of(html).select_one("a")["href"]
    assert href == f"/feedback/t/{ticket.public_token}"
    assert client.get(href).status_code == 200


def page_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")
