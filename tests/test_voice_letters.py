"""The call says each ticket letter by its name, so А-017, Б-017 and В-017 sound apart."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kezek.display import letters, voice
from kezek.settings import PROFILES_DIR, ProfileError, load_profile

SHIPPED = sorted(
    {s.letter for p in PROFILES_DIR.glob("*.toml") for s in load_profile(p.stem).services}
)

# What a listener hears for the shipped letters: the phrase, then espeak-ng's phonemes
# for the letter (measured with `espeak-ng -v <lang> -x`).
HEARD = {
    ("kk", "А"): ("Талон а-017, бірінші кабинет", "'A"),
    ("kk", "Б"): ("Талон бэ-017, бірінші кабинет", "b'e"),
    ("kk", "В"): ("Талон вэ-017, бірінші кабинет", "v'e"),
    ("kk", "Г"): ("Талон гэ-017, бірінші кабинет", "g'e"),
    ("ru", "А"): ("Талон а-017, кабинет номер один", "'A"),
    ("ru", "Б"): ("Талон бэ-017, кабинет номер один", "b'E"),
    ("ru", "В"): ("Талон вэ-017, кабинет номер один", "v'E"),
    ("ru", "Г"): ("Талон гэ-017, кабинет номер один", "g'E"),
}
PLACE = {"kk": "№1 кабинет", "ru": "Кабинет №1"}


def test_the_shipped_profiles_use_the_letters_checked_here() -> None:
    assert SHIPPED == ["А", "Б", "В", "Г"]


def _phonemes(lang: str, text: str) -> list[str]:
    done = subprocess.run(
        ["espeak-ng", "-v", lang, "-q", "-x", "--stdin"],
        input=text.encode(),
        capture_output=True,
        check=True,
    )
    return done.stdout.decode().split()


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("letter", SHIPPED)
def test_every_shipped_letter_is_said_by_its_name(lang: str, letter: str) -> None:
    said, sound = HEARD[(lang, letter)]
    assert voice.phrase(lang, f"{letter}-017", PLACE[lang]) == said
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    # The second word of the call is the letter: its name, not "в" / "бы".
    assert _phonemes(lang, said)[1] == sound


def test_every_russian_letter_name_is_voiced_as_a_stressed_word() -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    for letter in "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЫЭЮЯ":
        name = letters.letter_name("ru", letter)
        assert name is not None
        heard = _phonemes("ru", f"Талон {name}-017")[1]
        assert "'" in heard, f"{letter} ({name}) is heard as {heard!r}"


def test_two_letters_are_each_named() -> None:
    assert voice.spoken_code("ru", "АБ-105") == "а бэ-105"


def _profile_with_letter(tmp_path: Path, letter: str) -> Path:
    text = (PROFILES_DIR / "demo.toml").read_text(encoding="utf-8")
    path = tmp_path / "office.toml"
    path.write_text(text.replace('letter = "В"', f'letter = "{letter}"'), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("letter", "lang"),
    [("B", "kk"), ("Q", "kk"), ("W", "kk"), ("Ә", "ru"), ("Қ", "ru"), ("Ь", "kk")],
)
def test_the_profile_refuses_a_letter_the_call_cannot_say(
    tmp_path: Path, letter: str, lang: str
) -> None:
    with pytest.raises(ProfileError) as refused:
        load_profile(str(_profile_with_letter(tmp_path, letter)))
    message = str(refused.value)
    assert "services.training.letter" in message
    assert f"{letter!r} has no spoken name in {lang!r}" in message


def test_the_profile_accepts_a_letter_with_names_in_both_voices(tmp_path: Path) -> None:
    profile = load_profile(str(_profile_with_letter(tmp_path, "Д")))
    assert [s.letter for s in profile.services if s.code == "training"] == ["Д"]
