"""A message to the hall (issue 17): a supervisor's notice on the hall displays, in Kazakh
and Russian, until it expires or is withdrawn; said once; posted from the API or the
supervisor's "Hall notice" tab."""

from __future__ import annotations

import json

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek.queue.clock import ManualClock
from tests.conftest import LiveServer, make_token, make_user
from tests.test_display_stream import kezek, messages, until
from tests.test_staff_flow import login, post, soup

MSG = "/api/displays/message"
KK, RU = "№3 кабинет 12:00-ге дейін жабық", "Кабинет №3 закрыт до 12:00"
NOTICE = {"text": {"kk": KK, "ru": RU}, "minutes": 30}


@pytest.fixture
def head(client: TestClient, engine: Engine, office_id: int) -> dict[str, str]:
    make_user(engine, office_id, "head", "supervisor")
    return {"authorization": f"Bearer {make_token(engine, 'head')}"}


def shown(client: TestClient, path: str = "/display/") -> list[tuple[str, str]]:
    """The notice on the board as the hall reads it: (language, text) per line."""
    page = BeautifulSoup(client.get(path).text, "html.parser")
    return [(p["lang"], p.get_text()) for p in page.select("#board .notice .lang")]


def test_a_notice_is_shown_in_both_languages_until_it_expires(
    client: TestClient, head: dict[str, str], now: ManualClock
) -> None:
    assert shown(client) == []
    posted = client.post(MSG, json=NOTICE, headers=head)
    assert posted.status_code == 201, posted.text
    answer = posted.json()
    assert answer["text"] == {"kk": KK, "ru": RU}
    assert answer["expires_at"] > answer["posted_at"]
    assert shown(client) == [("kk", KK), ("ru", RU)]
    now.advance(minutes=29)
    assert shown(client) == [("kk", KK), ("ru", RU)]  # a display opened now gets it too
    now.advance(minutes=1)
    assert shown(client) == []  # expired
    assert shown(client, "/display/point/cab1") == []  # the screen over a door: never


def test_a_new_notice_replaces_the_old_and_withdrawal_takes_it_off(
    client: TestClient, head: dict[str, str]
) -> None:
    client.post(MSG, json=NOTICE, headers=head)
    later = {"text": {"kk": "Кідіріс 15 минут", "ru": "Задержка 15 минут", "en": "Delay"}}
    assert client.post(MSG, json={**later, "minutes": 15}, headers=head).status_code == 201
    assert shown(client) == [("kk", "Кідіріс 15 минут"), ("ru", "Задержка 15 минут")]
    assert client.delete(MSG, headers=head).status_code == 204
    assert shown(client) == []
    again = client.delete(MSG, headers={**head, "accept-language": "ru"})
    assert again.status_code == 409
    assert again.json()["message"] == "Сейчас в зале нет объявления."


def test_the_text_is_plain_text_escaped(client: TestClient, head: dict[str, str]) -> None:
    evil = "<script>alert(1)</script> <b>жабық</b>"
    body = {"text": {"kk": evil, "ru": "Закрыт\n\tсегодня"}, "minutes": 5}
    assert client.post(MSG, json=body, headers=head).status_code == 201
    html = client.get("/display/").text
    assert "<script>alert(1)" not in html and "<b>жабық" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert shown(client) == [("kk", evil), ("ru", "Закрыт сегодня")]  # one line


def test_only_a_supervisors_token_posts(
    client: TestClient, head: dict[str, str], clerk_token: str
) -> None:
    anonymous = client.post(MSG, json=NOTICE)
    assert anonymous.status_code == 401
    as_clerk = {"authorization": f"Bearer {clerk_token}", "accept-language": "en"}
    clerk = client.post(MSG, json=NOTICE, headers=as_clerk)
    assert clerk.status_code == 403
    assert clerk.json()["message"] == "This needs a supervisor's token."
    assert client.delete(MSG).status_code == 401
    assert shown(client) == []


@pytest.mark.parametrize(
    "body",
    [
        {"text": {"kk": KK}, "minutes": 30},  # no Russian
        {"text": {"kk": "", "ru": RU}, "minutes": 30},
        {"text": {"kk": "а" * 201, "ru": RU}, "minutes": 30},
        {"text": {"kk": KK, "ru": RU, "en": "e" * 201}, "minutes": 30},
        {"text": {"kk": KK, "ru": RU, "de": "x"}, "minutes": 30},
        {"text": {"kk": KK, "ru": RU}, "minutes": 0},
        {"text": {"kk": KK, "ru": RU}, "minutes": 481},
        {"text": {"kk": KK, "ru": RU}, "minutes": "30"},
        {"text": {"kk": KK, "ru": RU}},
        {"text": {"kk": "   ", "ru": RU}, "minutes": 30},  # blank once trimmed
    ],
)
def test_bad_notices_are_refused(
    client: TestClient, head: dict[str, str], body: dict[str, object]
) -> None:
    refused = client.post(MSG, json=body, headers={**head, "accept-language": "ru"})
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"] == "invalid"
    assert shown(client) == []


def test_the_bounds_are_allowed(client: TestClient, head: dict[str, str], now: ManualClock) -> None:
    body = {"text": {"kk": "а" * 200, "ru": "б" * 200}, "minutes": 480}
    assert client.post(MSG, json=body, headers=head).status_code == 201
    now.advance(minutes=479)
    assert shown(client) == [("kk", "а" * 200), ("ru", "б" * 200)]


def test_the_supervisor_posts_and_withdraws_from_the_hall_tab(
    client: TestClient, engine: Engine, office_id: int, now: ManualClock
) -> None:
    login(client, engine, office_id, "head", "supervisor")
    today = soup(client.get("/staff/supervisor/"))
    link = today.select_one("nav.sv-nav").find("a", string="Hall notice")
    page = client.get(link["href"])
    assert page.status_code == 200
    form = soup(page).select_one("form.hall-form")
    assert "no names, IINs, phone numbers or other personal data" in form.get_text()
    assert "No notice is shown in the hall now." in page.text
    token = form.find("input", attrs={"name": "csrf_token"})["value"]

    missing = post(client, link["href"], token, {"kk": KK, "ru": "", "minutes": "30"})
    assert missing.status_code == 422
    assert "Write the notice in Kazakh and in Russian." in missing.text
    assert KK in missing.text  # what was typed stays
    long = post(client, link["href"], token, {"kk": KK, "ru": RU, "minutes": "600"})
    assert long.status_code == 422 and "from 1 to 480 minutes" in long.text
    assert shown(client) == []

    done = post(client, link["href"], token, {"kk": KK, "ru": RU, "en": "", "minutes": "20"})
    assert done.status_code == 200 and "The notice is on the displays." in done.text
    assert shown(client) == [("kk", KK), ("ru", RU)]
    current = soup(done).select_one(".hall-shown")
    assert [li.get_text() for li in current.select("li")] == [KK, RU]
    assert "Until 10:20" in current.get_text()  # the office's time
    withdraw = current.find("form")
    gone = post(client, withdraw["action"], token)
    assert gone.status_code == 200 and "The notice is withdrawn." in gone.text
    assert shown(client) == []
    assert post(client, withdraw["action"], token).status_code == 422  # nothing to withdraw


def test_a_clerk_has_no_hall_tab(client: TestClient, engine: Engine, office_id: int) -> None:
    login(client, engine, office_id, "clerk1", "clerk")
    assert client.get("/staff/supervisor/hall", follow_redirects=False).status_code == 403


def test_the_hall_hears_the_notice_once_and_a_later_display_sees_it(
    live_server: LiveServer, engine: Engine
) -> None:
    make_user(engine, kezek(live_server).office_id, "head", "supervisor")
    head = {"authorization": f"Bearer {make_token(engine, 'head')}"}
    with httpx.stream("GET", live_server.url + "/display/events", timeout=5) as response:
        stream = messages(response.iter_lines())
        until(stream, "board")
        posted = httpx.post(live_server.url + MSG, json=NOTICE, headers=head, timeout=10)
        assert posted.status_code == 201, posted.text
        said = json.loads(until(stream, "announce")["data"])
        assert said["kind"] == "notice" and said["id"] == f"notice-{posted.json()['id']}"
        board = BeautifulSoup(until(stream, "board")["data"], "html.parser")
        assert [p.get_text() for p in board.select(".notice .lang")] == [KK, RU]
    speaks = kezek(live_server).voice
    names = [clip["name"] for clip in said["clips"]]
    assert names == (["chime", "kk", "ru"] if speaks and speaks.available else ["chime"])
    for clip in said["clips"]:  # what the display will fetch
        sound = httpx.get(live_server.url + clip["url"], timeout=10)
        assert sound.status_code == 200 and sound.content[:4] == b"RIFF"
    # A display that connects later: the notice on its board, and nothing more to say.
    with httpx.stream("GET", live_server.url + "/display/events", timeout=5) as response:
        stream = messages(response.iter_lines())
        first = until(stream, "board")
        assert KK in first["data"] and RU in first["data"]
    assert httpx.delete(live_server.url + MSG, headers=head, timeout=10).status_code == 204
    if len(names) > 1:  # a withdrawn notice is no longer said
        assert httpx.get(live_server.url + said["clips"][1]["url"], timeout=10).status_code == 404
