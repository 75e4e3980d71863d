"""The public information page (§9) publishes every item that appendix 3.3 counts."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from kezek.indicators import info


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_info_page_publishes_every_item(client: TestClient, lang: str) -> None:
    response = client.get(f"/info?lang={lang}")
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    sections = {s["id"] for s in soup.select("main section")}
    assert sections == {item.key for item in info.INFO_ITEMS}
    text = soup.get_text(" ", strip=True)
    assert "2-16-50" in text and "2-16-84" in text
    if lang == "ru":
        assert "не позднее 10 календарных дней" in text  # §7
        assert "бесплатно" in text  # §8
        assert "Кабинет №1" in text and "Кабинет №4" in text  # §12, §14
        assert "09:00–18:00, обед 13:00–14:00" in text  # §10
        assert "в течение 5 календарных дней" in text  # §21–23, the profile's term
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
