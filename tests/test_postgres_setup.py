"""The PostgreSQL test set-up leaves no ``kezek_template_<pid>`` database behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import POSTGRES, drop_stale_templates

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not POSTGRES, reason="needs KEZEK_TEST_DATABASE_URL")


def templates() -> set[str]:
    import sqlalchemy as sa

    admin = sa.create_engine(POSTGRES, poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        names = conn.execute(
            sa.text("SELECT datname FROM pg_database WHERE datname LIKE 'kezek_template_%'")
        ).scalars()
        found = set(names)
    admin.dispose()
    return found


def dead_pid() -> int:
    pid = 4_194_305  # above the largest pid_max
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid += 1


def test_a_run_drops_its_template_at_the_end() -> None:
    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_queue_core.py::test_priority_first_then_oldest",
        ],
        cwd=ROOT,
        env={**os.environ, "KEZEK_TEST_DATABASE_URL": POSTGRES},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    out, _ = run.communicate(timeout=300)
    assert run.returncode == 0, out
    assert f"kezek_template_{run.pid}" not in templates()


def test_left_over_templates_of_dead_runs_are_dropped(migrated_template: str) -> None:
    import sqlalchemy as sa

    stale = f"kezek_template_{dead_pid()}"
    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {stale}"))
    admin.dispose()
    mine = migrated_template
    drop_stale_templates()
    left = templates()
    assert stale not in left
    assert mine in left  # this run's own template stays until the session ends
