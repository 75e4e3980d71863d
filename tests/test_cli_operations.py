"""The command line as an IT person meets it: help, version, one-line mistakes (issue 16).

Every test runs ``python -m kezek`` in a process of its own, as the person would."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from kezek.settings import Settings
from tests.conftest import POSTGRES, free_port, run_kezek

ROOT = Path(__file__).resolve().parent.parent


def kezek(
    tmp_path: Path, *args: str, stdin: str = "", timeout: float = 120, **extra: str
) -> subprocess.CompletedProcess[str]:
    return run_kezek(tmp_path, *args, stdin=stdin, timeout=timeout, **extra)


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    """A mistake: exit status 2, nothing on stdout, one line on stderr, no traceback."""
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


# --- finding 3: database mistakes ------------------------------------------------------------

BAD_DATABASES = [
    ("sqlite:////dev/null/kezek.sqlite3", "cannot create /dev/null"),  # a file where a folder is
    ("sqlite:///{tmp}", "unable to open database file"),  # a folder where the file is
    ("postgresql+psycopg://kezek:secret@127.0.0.1:abc/kezek", "expected a database URL"),
    ("postgresql+nosuch://kezek:secret@127.0.0.1/kezek", "postgresql.nosuch"),
    ("postgresql+psycopg://kezek:secret@127.0.0.1:{closed}/kezek", "Connection refused"),
]
COMMANDS = [
    ("db", "upgrade"),
    ("serve", "--port", "{port}"),
    ("user", "list"),
    ("user", "add", "aigerim", "--password", "long enough 1"),
    ("token", "create", "admin"),
    ("demo", "--days", "1"),
    ("report", "--from", "2026-01-01", "--to", "2026-01-31"),
]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed as soon as it is returned


@pytest.mark.parametrize(("url", "reason"), BAD_DATABASES)
def test_a_database_mistake_is_one_line_naming_the_variable(
    tmp_path: Path, url: str, reason: str
) -> None:
    url = url.format(tmp=tmp_path, closed=closed_port())
    line = one_line(kezek(tmp_path, "db", "upgrade", KEZEK_DATABASE_URL=url))
    assert line.startswith("kezek: KEZEK_DATABASE_URL="), line
    assert reason in line, line
    assert "secret" not in line  # the password is not printed


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS[1:], ids=" ".join)
def test_every_command_says_it_in_one_line(tmp_path: Path, command: tuple[str, ...]) -> None:
    args = [arg.format(port=free_port()) for arg in command]
    for url, reason in (BAD_DATABASES[0], BAD_DATABASES[-1]):
        url = url.format(tmp=tmp_path, closed=closed_port())
        line = one_line(kezek(tmp_path, *args, KEZEK_DATABASE_URL=url))
        assert line.startswith("kezek: KEZEK_DATABASE_URL=") and reason in line, (command, line)


@pytest.mark.skipif(not POSTGRES, reason="needs KEZEK_TEST_DATABASE_URL")
def test_postgresql_refusing_the_password_is_one_line(tmp_path: Path) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES).set(password="wrong-password").render_as_string(False)
    line = one_line(kezek(tmp_path, "db", "upgrade", KEZEK_DATABASE_URL=url))
    assert "KEZEK_DATABASE_URL=" in line and "password authentication failed" in line
    assert "wrong-password" not in line


# --- finding 4: the command line ----------------------------------------------------------


def test_kezek_alone_prints_the_help_with_every_command(tmp_path: Path) -> None:
    done = kezek(tmp_path)
    assert done.returncode == 2
    for command in ("serve", "db", "user", "token", "demo", "report", "printer"):
        assert f"\n    {command} " in done.stdout, command


def test_the_help_names_every_environment_variable(tmp_path: Path) -> None:
    done = kezek(tmp_path, "--help")
    assert done.returncode == 0
    for field in Settings.model_fields.values():
        assert f"\n  {field.validation_alias} " in done.stdout, field.validation_alias


def test_every_option_and_argument_has_help() -> None:
    import argparse

    from kezek.cli import parser

    def walk(p: argparse.ArgumentParser, path: str) -> list[str]:
        bare: list[str] = []
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    bare += walk(child, f"{path} {name}")
            elif action.help is None:
                bare.append(f"{path} {'/'.join(action.option_strings) or action.dest}")
        return bare

    assert walk(parser(), "kezek") == []


def test_version(tmp_path: Path) -> None:
    done = kezek(tmp_path, "--version")
    assert done.returncode == 0 and done.stdout.startswith("kezek ")


@pytest.mark.parametrize(
    "args",
    [
        ("demo", "--days", "-5"),
        ("demo", "--days", "0"),
        ("demo", "--days", "100000"),
        ("serve", "--port", "70000"),
        ("serve", "--workers", "0"),
    ],
)
def test_out_of_range_numbers_are_refused(tmp_path: Path, args: tuple[str, ...]) -> None:
    done = kezek(tmp_path, *args)
    assert done.returncode == 2
    assert "expected a whole number from" in done.stderr
    assert not (tmp_path / "k.sqlite3").exists()  # refused before anything was done


def test_user_add_without_a_terminal_reads_standard_input_or_a_file(tmp_path: Path) -> None:
    from sqlmodel import select

    from kezek import auth, db
    from kezek.queue.models import User

    added = kezek(tmp_path, "user", "add", "aigerim", "--role", "admin", stdin="from stdin 123\n")
    assert added.returncode == 0, added.stderr
    assert "user aigerim (admin) added" in added.stdout
    secret = tmp_path / "pw.txt"
    secret.write_text("from a file 456\n", encoding="utf-8")
    filed = kezek(tmp_path, "user", "add", "bolat", "--password-file", str(secret))
    assert filed.returncode == 0, filed.stderr
    changed = kezek(tmp_path, "user", "passwd", "bolat", stdin="changed at 789\n")
    assert changed.returncode == 0, changed.stderr
    engine = db.make_engine(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    with db.reading(engine) as session:
        users = {u.username: u for u in session.exec(select(User))}
        assert auth.verify_password(users["aigerim"].password_hash, "from stdin 123")
        assert auth.verify_password(users["bolat"].password_hash, "changed at 789")
    engine.dispose()
    empty = kezek(tmp_path, "user", "add", "dana", stdin="")
    assert "at least 10" in one_line(empty)
    missing = kezek(tmp_path, "user", "add", "erlan", "--password-file", "nowhere.txt")
    assert "nowhere.txt" in one_line(missing)


def test_db_upgrade_says_what_it_did(tmp_path: Path) -> None:
    first = kezek(tmp_path, "db", "upgrade")
    assert first.returncode == 0 and "created the schema" in first.stdout
    again = kezek(tmp_path, "db", "upgrade")
    assert "up to date" in again.stdout and "created" not in again.stdout
    from kezek import db, migrate

    old = tmp_path / "old"  # a database left at the first release
    old.mkdir()
    fresh = db.make_engine(f"sqlite:///{old / 'k.sqlite3'}")
    migrate.upgrade(fresh, "15cdd7574036")
    fresh.dispose()
    upgraded = kezek(tmp_path, "db", "upgrade", KEZEK_DATABASE_URL=f"sqlite:///{old / 'k.sqlite3'}")
    assert f"upgraded from 15cdd7574036 to {migrate.head()}" in upgraded.stdout


def test_a_failed_bind_is_one_line_and_no_banner(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = kezek(tmp_path, "serve", "--port", str(port), timeout=60)
    line = one_line(done)
    assert f"cannot listen on 127.0.0.1:{port}" in line
    assert "serving" not in done.stdout


# --- finding 2: the demo's logins on a real office ------------------------------------------


def test_demo_refuses_a_real_office_and_a_database_with_its_own_users(tmp_path: Path) -> None:
    real = one_line(kezek(tmp_path, "demo", "--days", "1", KEZEK_PROFILE="kyzylzhar"))
    assert "not the demo profile" in real and "--force" in real
    assert kezek(tmp_path, "user", "add", "aigerim", "--password", "long enough 1").returncode == 0
    own = one_line(kezek(tmp_path, "demo", "--days", "1"))
    assert "users of its own (aigerim)" in own
    forced = kezek(tmp_path, "demo", "--days", "1", "--quiet", "--force")
    assert forced.returncode == 0, forced.stderr


def banner(tmp_path: Path, **extra: str) -> str:
    """What ``kezek serve`` prints before it serves (the process is stopped then)."""
    port = free_port()
    lines: list[str] = []
    with subprocess.Popen(
        [sys.executable, "-m", "kezek", "serve", "--port", str(port)],
        cwd=tmp_path,
        env={
            "KEZEK_PROFILE": "demo",
            "KEZEK_DATABASE_URL": f"sqlite:///{tmp_path / 'k.sqlite3'}",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            **extra,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                lines.append(line)
                if len(lines) > 2 and not line.strip():  # the banner ends with an empty line
                    break
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return "".join(lines)


def test_serve_prints_demo_logins_only_where_they_exist(tmp_path: Path) -> None:
    empty = banner(tmp_path, KEZEK_PROFILE="kyzylzhar")
    assert "kezek-demo" not in empty and "clerk1" not in empty
    assert "kezek user add NAME --role admin" in empty
    assert kezek(tmp_path, "user", "add", "aigerim", "--password", "long enough 1").returncode == 0
    staffed = banner(tmp_path, KEZEK_PROFILE="kyzylzhar")
    assert "kezek-demo" not in staffed and "user add" not in staffed
    demo_db = tmp_path / "demo"
    demo_db.mkdir()
    url = f"sqlite:///{demo_db / 'k.sqlite3'}"
    assert kezek(tmp_path, "demo", "--days", "1", "--quiet", KEZEK_DATABASE_URL=url).returncode == 0
    shown = banner(tmp_path, KEZEK_DATABASE_URL=url)
    assert "Demo logins (password 'kezek-demo'): admin, head, clerk1, clerk4" in shown


# --- finding 5: several offices -----------------------------------------------------------


def test_every_command_takes_the_profile_list_and_office(tmp_path: Path) -> None:
    both = {"KEZEK_PROFILE": "kyzylzhar,demo"}
    upgraded = kezek(tmp_path, "db", "upgrade", **both)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "offices: kyzylzhar, demo" in upgraded.stdout
    add = ("user", "add", "clerk9", "--password", "long enough 1", "--office", "demo")
    assert kezek(tmp_path, *add, **both).returncode == 0
    assert "clerk9" in kezek(tmp_path, "user", "list", "--office", "demo", **both).stdout
    assert "clerk9" not in kezek(tmp_path, "user", "list", **both).stdout  # the first: kyzylzhar
    wrong = one_line(kezek(tmp_path, "user", "list", "--office", "astana", **both))
    assert "kyzylzhar, demo" in wrong
    out = tmp_path / "t.csv"
    report = ("report", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "csv")
    done = kezek(tmp_path, *report, "--out", str(out), "--office", "demo", "--quiet", **both)
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8")
    shown = banner(tmp_path, **both)
    assert "/o/demo/" in shown


def test_serve_refuses_without_assets_migrations_or_catalogs(tmp_path: Path) -> None:
    for part, says in [
        ("static/vendor", "front-end assets"),
        ("migrations/versions", "database migrations"),
        ("locales/ru", "translation catalogs (ru)"),
    ]:
        copy = tmp_path / part.replace("/", "-")
        shutil.copytree(
            ROOT / "kezek", copy / "kezek", ignore=shutil.ignore_patterns("__pycache__")
        )
        shutil.rmtree(copy / "kezek" / part)
        done = kezek(tmp_path, "serve", "--port", str(free_port()), PYTHONPATH=str(copy))
        line = one_line(done)
        assert says in line and "make dist" in line, line
        assert "serving" not in done.stdout
    copy = tmp_path / "migrations-versions"
    upgraded = one_line(kezek(tmp_path, "db", "upgrade", PYTHONPATH=str(copy)))
    assert "database migrations are missing" in upgraded


def test_ctrl_c_at_the_password_prompt_ends_in_one_line(tmp_path: Path) -> None:
    """Issue 16: an interrupted command prints no traceback."""
    import signal
    import time

    env = {
        **os.environ,
        "KEZEK_DATABASE_URL": f"sqlite:///{tmp_path}/k.sqlite3",
        "KEZEK_PROFILE": "demo",
    }
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kezek", "user", "add", "head", "--role", "supervisor"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    # The schema is made, then the password is read from standard input: wait for the
    # database file (a busy machine takes seconds to start Python), then a moment more.
    deadline = time.monotonic() + 60
    while not (tmp_path / "k.sqlite3").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 130 and "Traceback" not in err and "kezek: interrupted" in err
