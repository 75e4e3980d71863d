"""The language a visitor chooses on the survey holds for every question and the thanks,
on the phone (/feedback/t/<token>) and on the tablet by the cabinet door (issue 22.2)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek.queue.clock import Clock, ManualClock
from tests.conftest import enrol_device
from tests.test_feedback_screens import served_ticket

STEP = {"kk": "5 сұрақтың {n}-сі", "ru": "Вопрос {n} из 5", "en": "Question {n} of 5"}
THANKS = {"kk": "Рахмет", "ru": "Спасибо", "en": "Thank you"}


def _follow_the_form(client: TestClient, start: str, lang: str, with_visit: bool) -> None:
    """Tap "Skip" five times the way a browser does: each POST goes to the form's action."""
    response = client.get(start)
    for n in range(1, 6):
        soup = BeautifulSoup(response.text, "html.parser")
        assert soup.html is not None and soup.html["lang"] == lang, f"question {n}"
        assert STEP[lang].format(n=n) in soup.get_text(), f"question {n} not in {lang}"
        form = soup.select_one("form.fb-form")
        assert form is not None
        data = {"given": form.select_one("input[name=given]")["value"], "answer": "skip"}
        if with_visit:
            data["visit"] = form.select_one("input[name=visit]")["value"]
        response = client.post(str(form["action"]), data=data)
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.html is not None and soup.html["lang"] == lang
    assert THANKS[lang] in soup.get_text()


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_phone_survey_keeps_the_chosen_language(
    client: TestClient, engine: Engine, clock: Clock, now: ManualClock, lang: str
) -> None:
    ticket = served_ticket(client, engine, clock, now, lang="kk")
    _follow_the_form(client, f"/feedback/t/{ticket.public_token}?lang={lang}", lang, False)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_tablet_survey_keeps_the_chosen_language(
    client: TestClient, engine: Engine, clock: Clock, now: ManualClock, lang: str, office_id: int
) -> None:
    enrol_device(engine, office_id, "tablet", client)
    served_ticket(client, engine, clock, now, lang="kk", point="cab1")
    _follow_the_form(client, f"/feedback/point/cab1?lang={lang}", lang, True)


def test_without_a_choice_the_survey_speaks_the_tickets_language(
    client: TestClient, engine: Engine, clock: Clock, now: ManualClock
) -> None:
    ticket = served_ticket(client, engine, clock, now, lang="ru")
    _follow_the_form(client, f"/feedback/t/{ticket.public_token}", "ru", False)
