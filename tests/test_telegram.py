"""Following a ticket in Telegram (issue 17), against a fake Bot API on 127.0.0.1: the phone
page's deep link, "3 ahead of you", "you are next", "called to cabinet №1" in order, "cancel",
and a blocked bot or a slow network that never delays a call."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from kezek import db
from kezek.notify import follow
from kezek.notify.models import Follower
from kezek.notify.service import follow_key
from kezek.queue.models import Status, Ticket
from kezek.settings import Settings, SettingsError
from tests.conftest import LiveServer, free_port, make_token, make_user, wait_until
from tests.fake_bot_api import FakeBotApi

BOT_TOKEN = "123456:" + "A" * 35


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    fake = FakeBotApi(free_port())
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def settings(database_url: str, tmp_path: Path, fake_api: FakeBotApi) -> Settings:
    return Settings(
        profile="kyzylzhar",
        database_url=database_url,
        spool_dir=str(tmp_path / "spool"),
        telegram_token=BOT_TOKEN,
        telegram_api_url=fake_api.url,
    )


@pytest.fixture
def api(live_server: LiveServer, engine: Engine) -> Iterator[httpx.Client]:
    # The office of the live server itself: the ``client`` fixture would start a second app,
    # and with it a second bot polling the same API.
    office_id = live_server.server.config.app.state.kezek.office_id  # type: ignore[union-attr]
    make_user(engine, office_id, "clerk1", "clerk")
    auth = {"authorization": f"Bearer {make_token(engine, 'clerk1')}"}
    with httpx.Client(base_url=live_server.url, headers=auth, timeout=10) as client:
        yield client


def _start_link(api: httpx.Client, status_url: str) -> str:
    """The phone page's "Follow in Telegram": the bot and what /start gets."""
    page = BeautifulSoup(httpx.get(status_url).text, "html.parser")
    link = page.select_one("a.phone-telegram")
    assert link is not None, "the phone page offers the bot"
    parts = urlsplit(str(link["href"]))
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "t.me", "/kezek_office_bot")
    start = parse_qs(parts.query)["start"][0]
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", start)  # Telegram's rule for the payload
    assert start not in status_url  # not the page's token: that stays off Telegram
    return start


def _turn(api: httpx.Client, ticket_id: int | None = None) -> dict[str, Any]:
    """The clerk at cabinet 1 finishes the visitor in hand and calls the next."""
    if ticket_id is not None:
        assert api.post(f"/api/tickets/{ticket_id}/finish").status_code == 200
    answer: dict[str, Any] = api.post("/api/service-points/cab1/call-next").json()
    return answer


def test_a_conversation_follows_the_turn_in_order_and_cancels(
    api: httpx.Client, fake_api: FakeBotApi, engine: Engine
) -> None:
    ahead = [api.post("/api/tickets", json={"service": "registration"}).json() for _ in range(4)]
    mine = api.post("/api/tickets", json={"service": "registration", "lang": "ru"}).json()
    start = _start_link(api, mine["status_url"])
    fake_api.say(42, f"/start {start}", language="en")  # the ticket's language wins: ru
    wait_until(lambda: fake_api.texts(42), seconds=10)
    assert fake_api.texts(42) == [
        "Вы следите за талоном А-005. Мы напишем, когда подойдёт ваша очередь. "
        "Ваше место в очереди: 5"
    ]
    called = _turn(api)  # 3 ahead now
    wait_until(lambda: len(fake_api.texts(42)) == 2, seconds=10)
    for _ in ahead[1:]:
        called = _turn(api, called["id"])
    wait_until(lambda: len(fake_api.texts(42)) == 3, seconds=10)
    _turn(api, called["id"])
    wait_until(lambda: len(fake_api.texts(42)) == 4, seconds=10)
    assert fake_api.texts(42)[1:] == [
        "А-005: перед вами 3.",
        "А-005: вы следующий.",
        "А-005: вас вызывают в Кабинет №1.",
    ]
    assert all(re.search(r"\d{12}", t) is None for t in fake_api.texts(42))  # no IIN, no name
    assert BOT_TOKEN in fake_api.tokens  # the library talked to this API with the bot's token

    # Another visitor, in Kazakh, cancels from the chat.
    other = api.post("/api/tickets", json={"service": "registration", "lang": "kk"}).json()
    fake_api.say(43, f"/start {_start_link(api, other['status_url'])}", language="kk")
    wait_until(lambda: fake_api.texts(43), seconds=10)
    assert fake_api.texts(43)[0].startswith("Сіз А-006 талонын бақылап отырсыз.")
    fake_api.say(43, "cancel", language="kk")
    wait_until(lambda: len(fake_api.texts(43)) == 2, seconds=10)
    assert fake_api.texts(43)[1] == "А-006 талоны жойылды."
    with db.reading(engine) as session:
        assert session.get_one(Ticket, other["id"]).status == Status.cancelled
        assert (
            session.exec(
                select(func.count()).select_from(Follower).where(Follower.address == "43")
            ).one()
            == 0
        )
    fake_api.say(43, "cancel", language="kk")
    wait_until(lambda: len(fake_api.texts(43)) == 3, seconds=10)
    assert fake_api.texts(43)[2] == "Бұл жерде ешбір талонды бақыламайсыз."


def test_a_blocked_bot_or_a_slow_network_never_delays_a_call(
    api: httpx.Client, fake_api: FakeBotApi
) -> None:
    tickets = [api.post("/api/tickets", json={"service": "registration"}).json() for _ in range(3)]
    for chat, ticket in zip((50, 51, 52), tickets, strict=True):
        fake_api.say(chat, f"/start {_start_link(api, ticket['status_url'])}")
    wait_until(lambda: all(fake_api.texts(c) for c in (50, 51, 52)), seconds=10)
    fake_api.blocked.add(50)
    fake_api.slow = 3.0  # every message now takes three seconds to go
    began = time.monotonic()
    called = _turn(api)
    took = time.monotonic() - began
    assert called["id"] == tickets[0]["id"]
    assert took < 0.5, f"the call took {took:.2f} s"
    fake_api.slow = 0.0
    _turn(api, called["id"])
    wait_until(lambda: "А-003: вы следующий." in fake_api.texts(52), seconds=15)


def test_a_forged_follow_token_follows_nothing(fake_api: FakeBotApi, api: httpx.Client) -> None:
    key = follow_key(BOT_TOKEN)
    assert follow.ticket_of(key, follow.follow_token(key, 12345)) == 12345
    assert follow.ticket_of(key, follow.follow_token(b"other key", 1)) is None
    assert follow.ticket_of(key, "f1_" + "A" * 22) is None
    assert follow.ticket_of(key, "x" * 500) is None
    fake_api.say(60, "/start f1_" + "A" * 22, language="kk")
    wait_until(lambda: fake_api.texts(60), seconds=10)
    assert fake_api.texts(60) == ["Талоныңыздың бетіндегі сілтемені қайта ашыңыз."]


def test_a_bad_token_is_refused_without_showing_it() -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"KEZEK_TELEGRAM_TOKEN": "not-a-token-secret"})
    assert "KEZEK_TELEGRAM_TOKEN" in str(refused.value)
    assert "secret" not in str(refused.value)


def test_followers_are_forgotten_at_the_close_of_day(
    client: Any, engine: Engine, clock: Any
) -> None:
    from datetime import timedelta

    from kezek.queue import tickets
    from kezek.queue.models import Service

    with db.transaction(engine) as session:
        service = session.exec(select(Service).where(Service.code == "registration")).one()
        ticket = tickets.issue(session, clock, service, priority=False, lang="ru")
        assert follow.follow(session, ticket, "telegram", "77", "ru") is not None
        assert follow.sweep(session, clock.business_day()) == 0  # today's stay
        assert follow.sweep(session, clock.business_day() + timedelta(days=1)) == 1
        assert follow.followed(session, "telegram", "77") is None
