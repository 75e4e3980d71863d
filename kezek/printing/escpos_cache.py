"""One cache of python-escpos's printer database per user, filled atomically.

At import, python-escpos parses its printer database (``capabilities.json``) through YAML,
which takes about 0.4 s here, and caches the result as a pickle in a NEW temporary
directory unless ``ESCPOS_CAPABILITIES_PICKLE_DIR`` is set: every ``kezek`` command and
every worker paid the 0.4 s and left one directory behind in /tmp (python-escpos 3.1 even
makes that directory when the variable is set: ``environ.get(NAME, mkdtemp())``). This
points the variable at ``~/.cache/kezek/escpos`` (``$XDG_CACHE_HOME`` if set), writes the
pickle there with the JSON parser, whole or not at all, so two workers starting together
never read half a file, and removes the empty directory python-escpos made. Where that
cache cannot be used, python-escpos keeps its own way.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import platform
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

VARIABLE = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kezek" / "escpos"


def _owned(folder: Path) -> bool:
    """Ours and written by nobody else: a pickle is code, so a foreign one is never read."""
    info = folder.stat()
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def _fill(folder: Path) -> None:
    target = folder / f"{platform.python_version()}.capabilities.pickle"
    source = resources.files("escpos") / "capabilities.json"
    with resources.as_file(source) as path:
        if target.exists() and target.stat().st_mtime >= path.stat().st_mtime:
            return
        data = json.loads(path.read_text(encoding="utf-8"))
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        pickle.dump(data, out, protocol=2)
    os.replace(temporary, target)


def prepare() -> None:
    """Set the variable before python-escpos is first imported (this module's import does)."""
    if VARIABLE in os.environ:
        return
    folder = cache_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _owned(folder):
            return
        _fill(folder)
    except (OSError, ValueError):  # a read-only home, a broken file: escpos's own default
        return
    os.environ[VARIABLE] = str(folder)


def load() -> None:
    """Import python-escpos's database with the cache, and remove the empty temporary
    directory its import makes anyway."""
    prepare()
    made: list[str] = []
    original = tempfile.mkdtemp

    def recording(*args: Any, **kwargs: Any) -> Any:
        made.append(path := original(*args, **kwargs))
        return path

    tempfile.mkdtemp = recording
    try:
        import escpos.capabilities  # noqa: F401
    finally:
        tempfile.mkdtemp = original
    for path in made:
        with contextlib.suppress(OSError):  # not empty: escpos used it after all
            os.rmdir(path)


load()  # imported first by kezek.printing, before anything there imports python-escpos
