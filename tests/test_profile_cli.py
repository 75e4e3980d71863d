"""The office profile is validated with an error naming the field; the CLI works end to end."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kezek.settings import ProfileError, Settings, SettingsError, load_profile
from tests.conftest import run_kezek

SHIPPED = Path(__file__).resolve().parent.parent / "kezek" / "profiles" / "kyzylzhar.toml"


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "office.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_shipped_profiles_follow_the_standard() -> None:
    profile = load_profile("kyzylzhar")
    assert sorted(profile.schedule) == ["fri", "thu", "tue", "wed"]  # §10
    assert [p.code for p in profile.points] == ["cab1", "cab4"]  # §12
    assert profile.phones == ["2-16-50", "2-16-84"]
    assert profile.services[0].target_wait_minutes == 40  # appendix 1.2
    assert len(load_profile("demo").schedule) == 7


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('timezone = "Asia/Almaty"', 'timezone = "Mars/Olympus"', "timezone"),
        ('points = ["cab1"]', 'points = ["cab9"]', "services.certificate.points"),
        ("open = 09:00:00\nclose = 18:00:00", "open = 19:00:00\nclose = 18:00:00", "schedule.tue"),
        ("target_wait_minutes = 40", "target_wait_minutes = -5", "services.0.target_wait_minutes"),
        ('letter = "Б"', 'letter = "А"', "services letter"),
        ("slug = ", "sluggg = ", "slug"),
    ],
)
def test_a_bad_profile_names_the_field(tmp_path: Path, old: str, new: str, field: str) -> None:
    with pytest.raises(ProfileError, match=field.replace(".", r"\.")):
        load_profile(str(broken(tmp_path, old, new)))


def test_unknown_profile_lists_the_shipped_ones() -> None:
    with pytest.raises(ProfileError, match="demo, kyzylzhar"):
        load_profile("nowhere")


def test_environment_chooses_profile_and_database() -> None:
    settings = Settings.from_env({"KEZEK_PROFILE": "demo", "KEZEK_DATABASE_URL": "sqlite:///x.db"})
    assert (settings.profile, settings.database_url) == ("demo", "sqlite:///x.db")


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("https://kezek.example.kz/", "https://kezek.example.kz"),
        ("http://10.0.0.5:8000", "http://10.0.0.5:8000"),
        ("", ""),
    ],
)
def test_the_public_url_is_a_scheme_and_a_host(raw: str, kept: str) -> None:
    assert Settings.from_env({"KEZEK_PUBLIC_URL": raw}).public_url == kept


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("KEZEK_PUBLIC_URL", "kezek.example.kz", "expected http"),
        ("KEZEK_PUBLIC_URL", "ftp://kezek.example.kz", "expected http"),
        ("KEZEK_PUBLIC_URL", "https://kezek.example.kz/o/demo", "only a scheme"),
        ("KEZEK_PUBLIC_URL", "https://kezek.example.kz:99999", "port"),
        ("KEZEK_BUSY_TIMEOUT_MS", "ten seconds", "milliseconds"),
        ("KEZEK_BUSY_TIMEOUT_MS", "0", "milliseconds"),
    ],
)
def test_a_bad_setting_is_named(name: str, raw: str, message: str) -> None:
    with pytest.raises(SettingsError, match=rf"^{name}=.*{message}"):
        Settings.from_env({name: raw})


def test_the_cli_says_which_setting_is_wrong(tmp_path: Path) -> None:
    done = kezek(tmp_path, "user", "list", KEZEK_PUBLIC_URL="kezek.kz")
    assert done.returncode == 2
    assert (
        done.stderr.strip() == "kezek: KEZEK_PUBLIC_URL='kezek.kz': expected http(s)://host[:port]"
    )


def kezek(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return run_kezek(tmp_path, *args, **extra)


def test_cli_users_tokens_and_demo(tmp_path: Path) -> None:
    assert kezek(tmp_path, "db", "upgrade").returncode == 0
    added = kezek(
        tmp_path, "user", "add", "aigerim", "--role", "supervisor", "--password", "long enough 1"
    )
    assert added.returncode == 0, added.stderr
    assert "aigerim" in kezek(tmp_path, "user", "list").stdout
    short = kezek(tmp_path, "user", "add", "bolat", "--password", "short")
    assert short.returncode == 2 and "at least 10" in short.stderr
    token = kezek(tmp_path, "token", "create", "aigerim").stdout.strip()
    assert token.startswith("kz_") and len(token) > 40
    refused = kezek(tmp_path, "demo", "--days", "5")  # aigerim is a user of its own
    assert refused.returncode == 2 and "users of its own (aigerim)" in refused.stderr
    demo = kezek(tmp_path, "demo", "--days", "5", "--force")
    assert demo.returncode == 0 and "tickets over 5 working days" in demo.stdout
    assert "5/5" in demo.stderr  # the progress bar
    again = kezek(tmp_path, "demo", "--if-empty")
    assert "already has its history" in again.stdout


def test_backup_and_restore(tmp_path: Path) -> None:
    assert kezek(tmp_path, "demo", "--days", "2", "--quiet").returncode == 0
    saved = kezek(tmp_path, "db", "backup", str(tmp_path / "saved.sqlite3"))
    assert saved.returncode == 0, saved.stderr
    count = int(saved.stdout.split("(")[1].split()[0])
    assert count > 10
    assert (
        kezek(tmp_path, "db", "backup", str(tmp_path / "saved.sqlite3")).returncode == 2
    )  # no overwrite
    assert kezek(tmp_path, "user", "add", "late", "--password", "added after").returncode == 0
    (tmp_path / "junk.sqlite3").write_bytes(b"not a database at all" * 100)
    junk = kezek(tmp_path, "db", "restore", str(tmp_path / "junk.sqlite3"))
    assert junk.returncode == 2 and "not a Kezek database" in junk.stderr
    restored = kezek(tmp_path, "db", "restore", str(tmp_path / "saved.sqlite3"))
    assert restored.returncode == 0 and f"({count} tickets)" in restored.stdout
    assert "late" not in kezek(tmp_path, "user", "list").stdout  # back to the saved state


def test_a_bad_printer_url_is_a_start_up_error(tmp_path: Path) -> None:
    path = broken(tmp_path, 'cab4 = "spool://var/spool/cab4"', 'cab4 = "lpt://somewhere"')
    with pytest.raises(ProfileError, match=r"printers\.desk\.cab4"):
        load_profile(str(path))
