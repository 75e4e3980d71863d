"""The environment (``KEZEK_*``) through one pydantic-settings model: a bad value stops the
start with one line that names the variable; nothing is read that nothing uses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from kezek.settings import Settings, SettingsError


def test_every_kezek_variable_is_a_field_of_one_pydantic_settings_model() -> None:
    assert issubclass(Settings, BaseSettings)
    names = {f.validation_alias for f in Settings.model_fields.values()}
    assert names == {
        "KEZEK_PROFILE",
        "KEZEK_DATABASE_URL",
        "KEZEK_SPOOL_DIR",
        "KEZEK_SECURE_COOKIES",
        "KEZEK_BUSY_TIMEOUT_MS",
        "KEZEK_PUBLIC_URL",
        "KEZEK_VOICE_ENGINE",
        "KEZEK_TELEGRAM_TOKEN",
        "KEZEK_TELEGRAM_API_URL",
        "KEZEK_BOOKING_KEY",
    }


def test_the_process_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEZEK_PROFILE", "kyzylzhar,demo")
    monkeypatch.setenv("KEZEK_SECURE_COOKIES", "1")
    monkeypatch.setenv("KEZEK_BUSY_TIMEOUT_MS", "2500")
    settings = Settings.from_env()
    assert settings.profiles == ("kyzylzhar", "demo")
    assert settings.secure_cookies is True
    assert settings.busy_timeout_ms == 2500


@pytest.mark.parametrize(
    ("name", "raw", "line"),
    [
        ("KEZEK_SECURE_COOKIES", "maybe", "KEZEK_SECURE_COOKIES='maybe': expected 1 or 0"),
        (
            "KEZEK_DATABASE_URL",
            "kezek.sqlite3",
            "KEZEK_DATABASE_URL='kezek.sqlite3': expected a database URL "
            "(sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/NAME)",
        ),
        (
            "KEZEK_DATABASE_URL",
            "mysql://x@h/k",
            "KEZEK_DATABASE_URL='mysql://x@h/k': expected a database URL "
            "(sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/NAME)",
        ),
        (
            "KEZEK_PROFILE",
            " , ",
            "KEZEK_PROFILE=' , ': expected a profile name or a path, or several with commas",
        ),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(name: str, raw: str, line: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({name: raw})
    assert str(caught.value) == line


def test_no_secret_key_is_asked_for_or_written(tmp_path: Path) -> None:
    """Sessions are random ids in the database; nothing is signed, so no key is kept."""
    assert not hasattr(Settings(), "secret_key")
    done = subprocess.run(
        [sys.executable, "-m", "kezek", "user", "list"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
            "KEZEK_PROFILE": "demo",
            "KEZEK_DATABASE_URL": f"sqlite:///{tmp_path / 'k.sqlite3'}",
        },
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "var" / "secret.key").exists()


def test_unused_dependencies_are_not_pinned() -> None:
    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    assert "itsdangerous" not in pyproject
    assert '"pydantic-settings==' in pyproject
