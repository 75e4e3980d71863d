"""The README and docs/ stand on their own (issue 16, finding 6): no path outside the
repository, the standard's clauses the code cites explained in docs/standard.md, and every
command and option of ``kezek`` in the README's command list."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from kezek.cli import parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
STANDARD = ROOT / "docs" / "standard.md"


def test_the_readme_points_inside_the_repository() -> None:
    assert "../" not in README and "shared/" not in README
    for target in re.findall(r"\]\(([^)#]+)\)", README):
        if not target.startswith("http"):
            assert (ROOT / target).exists(), target
    assert "](docs/standard.md)" in README
    assert "shared/" not in (ROOT / "docs" / "traceability.md").read_text(encoding="utf-8")


def test_every_clause_the_code_cites_is_in_docs_standard() -> None:
    cited: set[str] = set()
    for path in (ROOT / "kezek").rglob("*"):
        if path.suffix in (".py", ".html", ".toml") and "vendor" not in path.parts:
            cited |= set(re.findall(r"§(\d+(?:\.\d)?)", path.read_text(encoding="utf-8")))
    assert len(cited) > 20
    text = STANDARD.read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| §(\d+(?:\.\d)?) \|", text, flags=re.MULTILINE))
    assert sorted(cited - rows, key=float) == []
    indicators = set(re.findall(r"^\| (\d\.\d) \|", text, flags=re.MULTILINE))
    assert len(indicators) == 12
    assert "SERVICE-STANDARD" not in text


def test_the_readme_lists_every_command_and_option() -> None:
    listing = README[README.index("## Command line") : README.index("## Architecture")]

    def walk(p: argparse.ArgumentParser, path: str) -> None:
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    assert f"{path} {name}" in listing or f"kezek {name}" in listing, name
                    walk(child, f"{path} {name}")
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert option in listing, f"{path} {option}"

    walk(parser(), "kezek")
    for target in ("make dist", "make clean"):
        assert target in README
    assert "Node is needed\nonly to build from source" in README
