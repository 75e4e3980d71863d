"""The public information page (§9) publishes every item that appendix 3.3 counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek.app import create_app
from kezek.public import info
from kezek.queue.clock import Clock
from kezek.settings import PROFILES_DIR, ProfileError, Settings, load_profile


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_info_page_publishes_every_item(client: TestClient, lang: str) -> None:
    response = client.get(f"/info?lang={lang}")
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    sections = {s["id"] for s in soup.select("main section")}
    # §24: the shipped profile lacks the higher body's contacts, so that section is left out.
    assert sections == {item.key for item in info.INFO_ITEMS} - {"contacts"}
    text = soup.get_text(" ", strip=True)
    assert "2-16-50" in text and "2-16-84" in text
    if lang == "ru":
        assert "не позднее 10 календарных дней" in text  # §7
        assert "бесплатно" in text  # §8
        assert "Кабинет №1" in text and "Кабинет №4" in text  # §12, §14
        assert "09:00–18:00, обед 13:00–14:00" in text  # §10
        assert "в течение 5 рабочих дней" in text  # §21–23: the profile's term, by its act
        assert "Срок установлен: Закон Республики Казахстан от 15 апреля 2013 года № 88-V" in text
    else:
        assert "10 күнтізбелік күннен кешіктірілмей" in text
        assert "тегін" in text


def test_info_page_follows_the_profile(client: TestClient) -> None:
    soup = BeautifulSoup(client.get("/info?lang=ru").text, "html.parser")
    hours = {
        row.th.get_text(strip=True): row.td.get_text(strip=True) for row in soup.select("#hours tr")
    }
    assert len(hours) == 7 and list(hours.values()).count("закрыт") == 3  # §10
    assert sum(1 for v in hours.values() if v.startswith("09:00")) == 4  # Tuesday–Friday


CONTACTS = """
[contacts]
head_point = "cab1"
email = "office@example.kz"
reception = { kk = "сейсенбі 10:00–12:00", ru = "вторник 10:00–12:00", en = "Tuesday 10:00–12:00" }
[contacts.higher]
name = { kk = "Облыстық басқарма", ru = "Областное управление", en = "Regional directorate" }
phones = ["8-7152-00-00-00"]
site = "https://directorate.example.kz"
"""


def test_the_contacts_of_the_head_and_the_higher_body(
    settings: Settings, engine: Engine, clock: Clock, tmp_path: Path
) -> None:
    """§24, once the office has filled them in; then 3.3 counts every item published."""
    shipped = (PROFILES_DIR / "kyzylzhar.toml").read_text(encoding="utf-8")
    path = tmp_path / "office.toml"
    path.write_text(shipped.split("\n[contacts]\n")[0] + CONTACTS, encoding="utf-8")
    assert info.coverage(load_profile(str(path))) == (len(info.INFO_ITEMS),) * 2
    app = create_app(settings.model_copy(update={"profile": str(path)}), engine, clock)
    with TestClient(app) as client:
        page = BeautifulSoup(client.get("/info?lang=ru").text, "html.parser")
    section = page.select_one("section#contacts")
    assert section is not None
    text = section.get_text(" ", strip=True)
    for shown in ("Кабинет №1", "2-16-50", "office@example.kz", "вторник 10:00–12:00"):
        assert shown in text
    assert "Областное управление" in text and "8-7152-00-00-00" in text
    assert section.select_one("a[href='https://directorate.example.kz']") is not None


@pytest.mark.parametrize(
    ("good", "bad", "field"),
    [
        ("https://directorate.example.kz", "javascript:alert(1)", "contacts.higher.site"),
        ('head_point = "cab1"', 'head_point = "cab9"', "contacts.head_point"),
        ("office@example.kz", "office at example", "contacts.email"),
    ],
)
def test_bad_contacts_are_named(tmp_path: Path, good: str, bad: str, field: str) -> None:
    shipped = (PROFILES_DIR / "kyzylzhar.toml").read_text(encoding="utf-8")
    path = tmp_path / "office.toml"
    path.write_text(shipped.split("\n[contacts]\n")[0] + CONTACTS.replace(good, bad), "utf-8")
    with pytest.raises(ProfileError, match=field):
        load_profile(str(path))
