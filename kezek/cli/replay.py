"""``kezek replay FILE``: carry out a scripted day into the configured database (the format
is in the README), with a progress bar for long files. Registered in ``kezek.cli.EXTENSIONS``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kezek.cli.common import add_office_option, engine, ensure_office, pick, progress_bar
from kezek.replay import ReplayError, replay
from kezek.settings import Settings


def add_replay_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser("replay", help="carry out a file of timed actions (JSON Lines)")
    command.add_argument("file", type=Path, help="the scripted day: JSON Lines (see the README)")
    command.add_argument("--quiet", action="store_true", help="no progress bar")
    add_office_option(command)
    command.set_defaults(handler=cmd_replay)


def cmd_replay(args: argparse.Namespace, settings: Settings) -> int:
    path: Path = args.file
    try:
        text = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"kezek: {path}: {exc}", file=sys.stderr)
        return 2
    office_id = ensure_office(settings, args.office)
    bar = None if args.quiet else progress_bar("replay")
    eng = engine(settings)
    try:
        done = replay(
            eng,
            pick(settings, args.office),
            office_id,
            text,
            (lambda n: bar(n, len(text)) if n % 50 == 0 else None) if bar else None,
        )
    except ReplayError as exc:
        if bar and len(text) >= 50:
            sys.stderr.write("\n")  # end the bar's line
        print(f"kezek: {path}: {exc}", file=sys.stderr)
        return 1
    finally:
        eng.dispose()
    if bar and text:
        bar(len(text), len(text))
    print(f"replayed {done} actions from {path}")
    return 0
