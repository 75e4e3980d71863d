"""The display's pages, fragments and sound files, read as the hall would see and hear them."""

from __future__ import annotations

import io
import math
import wave
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek.app import create_app
from kezek.display import voice
from kezek.queue.clock import Clock, ManualClock
from kezek.settings import Settings
from tests.conftest import make_token, make_user


def issue(client: TestClient, service: str = "registration") -> dict[str, object]:
    response = client.post("/api/tickets", json={"service": service})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def call(client: TestClient, token: str, point: str = "cab1") -> dict[str, object]:
    response = client.post(
        f"/api/service-points/{point}/call-next", headers={"authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def finish(client: TestClient, token: str, ticket_id: object) -> None:
    response = client.post(
        f"/api/tickets/{ticket_id}/finish", headers={"authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text


def board(client: TestClient, path: str = "/display/") -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


def texts(soup: BeautifulSoup, selector: str) -> list[str]:
    return [" ".join(el.get_text(" ", strip=True).split()) for el in soup.select(selector)]


def test_the_board_shows_calls_waiting_and_the_average_wait(
    client: TestClient, clerk_token: str, now: ManualClock
) -> None:
    for service in ("registration", "registration", "registration", "vacancies"):
        issue(client, service)
    now.advance(minutes=10)
    call(client, clerk_token, "cab1")  # А-001 waited 10 minutes
    now.advance(minutes=20)
    call(client, clerk_token, "cab4")  # А-002 waited 30 minutes
    soup = board(client)
    assert texts(soup, "#board .calls .code") == ["А-002", "А-001"]  # the newest first
    assert texts(soup, "#board .calls .place") == ["№4 кабинет Кабинет №4", "№1 кабинет Кабинет №1"]
    counts = {
        li["data-service"]: li.select_one(".count").get_text()
        for li in soup.select("#board .services li")
    }
    assert counts == {"registration": "1", "vacancies": "1", "training": "0", "certificate": "0"}
    assert texts(soup, "#board .average .minutes") == ["20 мин"]
    assert texts(soup, "#board .calling .title") == ["Шақырылады Приглашаются"]
    assert soup.select_one("#board .clock time").get_text() == "10:30"  # the office's time
    # Kazakh and Russian side by side, each marked with its language.
    assert {span["lang"] for span in soup.select("#board .lang")} == {"kk", "ru"}


def test_recent_calls_are_few_and_newest_first(
    client: TestClient, clerk_token: str, now: ManualClock
) -> None:
    for _ in range(9):
        issue(client)
    for _ in range(8):
        now.advance(minutes=3)
        finish(client, clerk_token, call(client, clerk_token)["id"])
    now.advance(minutes=3)
    call(client, clerk_token)  # А-009 is in hand: it stands in "now calling", not in the list
    soup = board(client)
    assert texts(soup, "#board .calls .code") == ["А-009"]
    assert texts(soup, "#board .recent-calls .code") == [
        "А-008",
        "А-007",
        "А-006",
        "А-005",
        "А-004",
    ]


def test_an_idle_board_asks_people_to_wait(client: TestClient) -> None:
    soup = board(client)
    assert soup.select("#board .calls") == []
    assert texts(soup, "#board .idle") == [
        "Нөміріңіз шақырылғанша күте тұрыңыз Ожидайте вызова своего номера"
    ]
    assert soup.select_one("#board .average .none") is not None


def test_the_fragment_is_the_board_alone(client: TestClient, clerk_token: str) -> None:
    issue(client)
    call(client, clerk_token)
    response = client.get("/display/", headers={"hx-request": "true", "hx-target": "board"})
    assert response.headers["cache-control"] == "no-store"
    assert "<html" not in response.text and "<main" not in response.text
    soup = BeautifulSoup(response.text, "html.parser")
    assert texts(soup, ".calls .code") == ["А-001"]


def test_the_page_is_wired_for_the_stream_and_sound(client: TestClient) -> None:
    soup = board(client)
    live = soup.select_one("main#display")
    assert live["hx-ext"] == "sse" and live["sse-connect"] == "/display/events"
    assert live["data-poll-url"] == "/display/" and live["data-zone"] == "Asia/Almaty"
    assert soup.select_one("#board")["sse-swap"] == "board"
    assert soup.select_one("#signals")["sse-swap"] == "announce,tick"
    assert texts(soup, "#enable-sound") == ["Дыбысты қосу Включить звук"]
    scripts = [s["src"] for s in soup.select("script[src]")]
    assert any("htmx-sse" in src for src in scripts) and scripts[-1].endswith("/js/display.js")
    assert not soup.select("[style]") and not soup.select("script:not([src])")


def test_the_screen_over_a_door_shows_its_cabinet_only(
    client: TestClient, clerk_token: str
) -> None:
    issue(client)
    issue(client)
    call(client, clerk_token, "cab1")
    soup = board(client, "/display/point/cab4")
    assert soup.select("#board .current") == []
    assert soup.select_one("main#display")["sse-connect"] == "/display/point/cab4/events"
    assert texts(soup, "#board .point-name") == ["№4 кабинет Кабинет №4"]
    # Cabinet 4 serves registration, vacancies and training; certificates are cabinet 1's.
    assert [li["data-service"] for li in soup.select("#board .services li")] == [
        "registration",
        "vacancies",
        "training",
    ]
    call(client, clerk_token, "cab4")
    soup = board(client, "/display/point/cab4")
    assert texts(soup, "#board .current .code") == ["А-002"]
    assert client.get("/display/point/nope").status_code == 404


def test_another_office_in_the_same_database_is_not_shown(
    client: TestClient, engine: Engine, settings: Settings, clock: Clock
) -> None:
    other = create_app(
        Settings(
            profile="demo",
            database_url=settings.database_url,
            spool_dir=settings.spool_dir,
        ),
        engine=engine,
        clock=clock,
    )
    with TestClient(other) as demo:
        demo_office = demo.app.state.kezek.office_id  # type: ignore[attr-defined]
        make_user(engine, demo_office, "democlerk", "clerk")
        for _ in range(3):
            issue(demo)
        call(demo, make_token(engine, "democlerk"))
        assert texts(board(demo), "#board .calls .code") == ["А-001"]
    soup = board(client)
    assert soup.select("#board .calls") == []
    assert {li.select_one(".count").get_text() for li in soup.select("#board .services li")} == {
        "0"
    }


# --- sound -------------------------------------------------------------------------------


def read_wav(data: bytes) -> tuple[int, list[int]]:
    with wave.open(io.BytesIO(data)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        frames = wav.readframes(wav.getnframes())
        rate = wav.getframerate()
    samples = [
        int.from_bytes(frames[i : i + 2], "little", signed=True) for i in range(0, len(frames), 2)
    ]
    return rate, samples


def power(samples: list[int], rate: int, freq: float) -> float:
    """Goertzel: how much of one frequency a stretch of sound holds."""
    coeff = 2 * math.cos(2 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + coeff * s1 - s2, s1
    return s1 * s1 + s2 * s2 - coeff * s1 * s2


def test_the_chime_is_a_two_tone_ding_dong(client: TestClient) -> None:
    response = client.get("/display/chime.wav")
    assert response.headers["content-type"] == "audio/wav"
    rate, samples = read_wav(response.content)
    assert 1.0 < len(samples) / rate < 2.0
    ding, dong = samples[: rate // 4], samples[int(rate * 0.6) : int(rate * 0.85)]
    assert power(ding, rate, 659.25) > 10 * power(ding, rate, 523.25)
    assert power(dong, rate, 523.25) > 10 * power(dong, rate, 659.25)
    assert max(abs(x) for x in samples) < 32767  # no clipping


def test_a_call_is_spoken_in_kazakh_and_russian(client: TestClient) -> None:
    engine: voice.Voice | None = client.app.state.kezek.voice  # type: ignore[attr-defined]
    assert engine is not None
    if not engine.available:
        pytest.skip("espeak-ng is not installed")
    for lang in ("kk", "ru"):
        response = client.get(f"/display/voice/{lang}/cab1/А-017")
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=86400"
        rate, samples = read_wav(response.content)
        assert 1.0 < len(samples) / rate < 6.0  # the true length: the header was fixed
        assert max(abs(x) for x in samples) > 1000  # not silence
    hits = engine.hits
    assert client.get("/display/voice/kk/cab1/А-017").status_code == 200
    assert engine.hits == hits + 1  # the second display in the hall gets the cached clip


@pytest.mark.parametrize(
    "path",
    [
        "/display/voice/en/cab1/А-017",
        "/display/voice/kk/cab9/А-017",
        "/display/voice/kk/cab1/Z-017",
        "/display/voice/kk/cab1/А-17",
        "/display/voice/kk/cab1/А-017x",
        "/display/voice/kk/cab1/%2e%2e",
    ],
)
def test_only_this_offices_codes_and_cabinets_are_spoken(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("seams", [{"voice": voice.Voice("/nonexistent/espeak-ng")}], indirect=True)
def test_without_a_voice_engine_only_the_chime_sounds(client: TestClient) -> None:
    response = client.get("/display/voice/kk/cab1/А-017")
    assert response.status_code == 503
    assert client.get("/display/chime.wav").status_code == 200


@pytest.mark.parametrize(
    ("lang", "place", "said"),
    [
        ("kk", "№1 кабинет", "Талон а-017, бірінші кабинет"),
        ("ru", "Кабинет №1", "Талон а-017, кабинет номер один"),
        ("kk", "№4 кабинет", "Талон а-017, төртінші кабинет"),
        ("ru", "Кабинет №14", "Талон а-017, кабинет номер четырнадцать"),
        ("kk", "Терезе 2", "Талон а-017, терезе 2"),
    ],
)
def test_what_is_said(lang: str, place: str, said: str) -> None:
    assert voice.phrase(lang, "А-017", place) == said


def test_numbers_as_words() -> None:
    assert [voice.ordinal_kk(n) for n in (1, 2, 6, 9, 10, 14, 20, 21, 40, 50, 100, 105, 240)] == [
        "бірінші",
        "екінші",
        "алтыншы",
        "тоғызыншы",
        "оныншы",
        "он төртінші",
        "жиырмасыншы",
        "жиырма бірінші",
        "қырқыншы",
        "елуінші",
        "жүзінші",
        "жүз бесінші",
        "екі жүз қырқыншы",
    ]
    assert [voice.cardinal_ru(n) for n in (1, 4, 11, 20, 42, 100, 215)] == [
        "один",
        "четыре",
        "одиннадцать",
        "двадцать",
        "сорок два",
        "сто",
        "двести пятнадцать",
    ]
    assert voice.ordinal_kk(1000) == "1000"
    # Each letter is said by its name (tests/test_voice_letters.py).
    assert voice.spoken_code("ru", "В-017") == "вэ-017"


def test_the_voice_cache_is_bounded(tmp_path: Path) -> None:
    engine = voice.Voice(max_entries=3)
    if not engine.available:
        pytest.skip("espeak-ng is not installed")
    for n in range(1, 6):
        engine.wav("kk", voice.phrase("kk", f"А-{n:03d}", "№1 кабинет"))
    assert engine.cached()[0] == 3
    small = voice.Voice(max_bytes=300_000)
    for n in range(1, 6):
        small.wav("ru", voice.phrase("ru", f"А-{n:03d}", "Кабинет №1"))
    assert 0 < small.cached()[1] <= 300_000


def test_a_broken_voice_engine_is_an_error_not_a_crash(tmp_path: Path) -> None:
    fake = tmp_path / "espeak-ng"
    fake.write_text("#!/bin/sh\necho not a wav\n")
    fake.chmod(0o755)
    with pytest.raises(voice.VoiceError):
        voice.Voice(str(fake)).wav("kk", "Кезек А-001")
