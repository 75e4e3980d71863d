"""The environment: every ``KEZEK_*`` variable, through pydantic-settings.

The office profile (``kezek.profile``) is re-exported here for the modules that take both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from kezek.profile import PROFILES_DIR, WEEKDAYS, Profile, ProfileError, load_profile

__all__ = [
    "PROFILES_DIR",
    "WEEKDAYS",
    "Profile",
    "ProfileError",
    "Settings",
    "SettingsError",
    "load_profile",
    "public_url",
]


class SettingsError(ValueError):
    """A ``KEZEK_*`` variable with a value that cannot work; the message names it."""


def _var(name: str, default: object) -> Any:
    return Field(default=default, validation_alias=f"KEZEK_{name.upper()}")


DATABASE_URL_FORMS = "sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/NAME"


class Settings(BaseSettings):
    """What the environment chooses: one field per ``KEZEK_*`` variable (the README's table).

    ``Settings(...)`` takes values by field name (tests); ``Settings.from_env()`` reads the
    environment and turns a bad value into one ``SettingsError`` line naming the variable."""

    model_config = SettingsConfigDict(
        frozen=True, extra="ignore", validate_by_name=True, env_ignore_empty=True
    )

    # One office, or several sharing the database ("kyzylzhar,demo"): the first is served at
    # /, every one at /o/<slug>/.
    profile: str = _var("profile", "kyzylzhar")
    database_url: str = _var("database_url", "sqlite:///var/kezek.sqlite3")
    spool_dir: str = _var("spool_dir", "var/spool")  # where spool:// printers without a path write
    secure_cookies: bool = _var("secure_cookies", False)  # behind HTTPS
    busy_timeout_ms: int = _var("busy_timeout_ms", 10_000)  # SQLite: how long a write waits
    # The scheme and host visitors' phones reach (the talon's QR code); empty: the host the
    # kiosk reached, which is no use to a phone when the kiosk talks to 127.0.0.1.
    public_url: str = _var("public_url", "")
    voice_engine: str = _var("voice_engine", "espeak-ng")  # the display's speech program, or "off"
    # The office's Telegram bot (issue 17): off while empty. The API's address is a setting so
    # tests run a fake Bot API on 127.0.0.1 (and an office can go through its own proxy).
    telegram_token: str = _var("telegram_token", "")
    telegram_api_url: str = _var("telegram_api_url", "https://api.telegram.org")
    # The key of the bookings' IIN hash (HMAC); empty: a key made once per office and kept in
    # the database. Set it (32+ characters) to keep the key out of the database's backups.
    booking_key: str = _var("booking_key", "")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings)  # no .env file, no secrets directory

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings from the process environment (or ``env``); a bad value raises
        ``SettingsError`` naming the variable."""
        try:
            if env is None:
                return cls()
            given = {k: v for k, v in env.items() if k.startswith("KEZEK_") and v.strip()}
            return cls.model_validate(given)
        except ValidationError as exc:
            first = exc.errors()[0]
            name = str(first["loc"][0]) if first["loc"] else "KEZEK_*"
            message = str(first["ctx"]["error"]) if "ctx" in first else _plain(first["type"])
            value = hide_password(str(first["input"]))  # an error line carries no password
            if name == "KEZEK_TELEGRAM_TOKEN":
                value = "***"  # nor the bot's token
            raise SettingsError(f"{name}={value!r}: {message}") from None

    @property
    def profiles(self) -> tuple[str, ...]:
        """The office profiles KEZEK_PROFILE names, the first one served at /."""
        return tuple(name.strip() for name in self.profile.split(",") if name.strip())

    @field_validator("profile")
    @classmethod
    def _profile(cls, raw: str) -> str:
        if not any(name.strip() for name in raw.split(",")):
            raise ValueError("expected a profile name or a path, or several with commas")
        return raw.strip()

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, raw: str) -> str:
        try:
            backend = make_url(raw.strip()).get_backend_name()
        except (ArgumentError, ValueError):  # ValueError: a port that is not a number
            backend = ""
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(f"expected a database URL ({DATABASE_URL_FORMS})")
        return raw.strip()

    @field_validator("busy_timeout_ms", mode="before")
    @classmethod
    def _milliseconds(cls, raw: object) -> object:
        text = str(raw).strip()
        if not text.isdigit() or not 0 < int(text) <= 600_000:
            raise ValueError("expected milliseconds, 1 to 600000")
        return int(text)

    @field_validator("secure_cookies", mode="before")
    @classmethod
    def _switch(cls, raw: object) -> object:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
            raise ValueError("expected 1 or 0")
        return text in ("1", "true", "yes", "on")

    @field_validator("booking_key")
    @classmethod
    def _booking_key(cls, raw: str) -> str:
        if raw and (len(raw.strip()) < 32 or not raw.strip().isascii()):
            raise ValueError("expected at least 32 ASCII characters")
        return raw.strip()

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, raw: str) -> str:
        return public_url(raw)

    @field_validator("telegram_token")
    @classmethod
    def _telegram_token(cls, raw: str) -> str:
        if raw.strip() and not re.fullmatch(r"[0-9]{1,20}:[A-Za-z0-9_-]{20,100}", raw.strip()):
            raise ValueError("expected a bot token from @BotFather (digits:letters)")
        return raw.strip()

    @field_validator("telegram_api_url")
    @classmethod
    def _telegram_api_url(cls, raw: str) -> str:
        return public_url(raw) or "https://api.telegram.org"


def hide_password(url: str) -> str:
    """``scheme://user:***@host``: a database URL fit for an error line."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def _plain(kind: str) -> str:
    return {"int_parsing": "expected a whole number"}.get(kind, kind.replace("_", " "))


def public_url(raw: str) -> str:
    """``KEZEK_PUBLIC_URL``: http(s), a host and maybe a port; no path (the office's own
    prefix, /o/<slug>, is added per request)."""
    raw = raw.strip().rstrip("/")
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("expected http(s)://host[:port]")
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError("only a scheme, a host and a port")
    try:
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        raise ValueError("the port is not valid") from None
    return raw
