"""``make bench``: every benchmark in bench/, each beside its same-run baseline, as one table.

    python -m bench [--only NAME ...]

A module here that defines ``run() -> list[dict]`` is a benchmark (see bench/common.row).
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import platform
import time
from pathlib import Path

from bench.common import ROOT, print_table

SKIP = {"common", "bare_app"}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", nargs="*", help="module names, e.g. foundation")
    args = parser.parse_args()
    names = sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name not in SKIP and not m.name.startswith("_")
    )
    rows: list[dict[str, object]] = []
    for name in names:
        if args.only and name not in args.only:
            continue
        module = importlib.import_module(f"bench.{name}")
        if not hasattr(module, "run"):
            continue
        began = time.monotonic()
        print(f"== {name} …", flush=True)
        found = module.run()
        rows.extend(found)
        print_table(found)  # each module's figures as they come: a later crash keeps them
        print(f"   {time.monotonic() - began:.0f} s", flush=True)
        _save(rows)
    print(
        f"\nmachine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {Path('/proc/cpuinfo').read_text().count('processor')} cores"
    )
    print_table(rows)


def _save(rows: list[dict[str, object]]) -> None:
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(rows, indent=1, default=str))


if __name__ == "__main__":
    main()
