"""python-escpos's printer database is parsed once per user, not once per process, and no
process leaves a temporary directory behind (kezek/printing/escpos_cache.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PRINT_A_LINE = (
    "import kezek.printing, escpos.printer as p; d = p.Dummy(); d.text('A-001'); "
    "print(d.output.decode())"
)


def run(home: Path, tmp: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ESCPOS_", "XDG_"))}
    env.update(HOME=str(home), TMPDIR=str(tmp), **extra)
    return subprocess.run(
        [sys.executable, "-c", PRINT_A_LINE], env=env, capture_output=True, text=True, timeout=60
    )


def test_two_processes_share_one_cache_and_leave_no_temporary_directory(tmp_path: Path) -> None:
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    for _ in range(2):
        done = run(home, tmp)
        assert done.returncode == 0, done.stderr
        assert "A-001" in done.stdout
    assert list(tmp.iterdir()) == []
    cached = list((home / ".cache" / "kezek" / "escpos").iterdir())
    assert [p.suffix for p in cached] == [".pickle"]


def test_a_cache_others_can_write_to_is_never_read(tmp_path: Path) -> None:
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    folder = home / ".cache" / "kezek" / "escpos"
    folder.mkdir(parents=True)
    tmp.mkdir()
    folder.chmod(0o777)
    done = run(home, tmp)
    assert done.returncode == 0, done.stderr
    assert list(folder.iterdir()) == []  # escpos fell back to its own directory
