"""Copy the pinned front-end assets from node_modules into kezek/static/vendor.

The version goes into each file name, so a browser cache never mixes releases. The versions
are package-lock.json's; ``ensure()`` (the build backend calls it before an sdist or a wheel)
runs ``npm ci`` first when node_modules does not hold them, and does nothing when the vendor
folder already has them (a wheel built from an sdist needs no Node).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
VENDOR = ROOT / "kezek" / "static" / "vendor"
FILES = {  # package -> file inside it, copied as <stem>-<version>.js
    "htmx.org": ("dist/htmx.min.js", "htmx"),
    "htmx-ext-sse": ("dist/sse.min.js", "htmx-sse"),
    # A boosted click swaps the body; this merges the new page's <head> (its stylesheets).
    "htmx-ext-head-support": ("dist/head-support.min.js", "htmx-head-support"),
}


def pinned(package: str) -> str:
    """The version package-lock.json pins."""
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    return str(lock["packages"][f"node_modules/{package}"]["version"])


def installed(package: str) -> str | None:
    """The version in node_modules, or None."""
    manifest = MODULES / package / "package.json"
    if not manifest.is_file():
        return None
    return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])


def targets() -> list[Path]:
    return [VENDOR / f"{stem}-{pinned(package)}.js" for package, (_, stem) in FILES.items()]


def main() -> None:
    VENDOR.mkdir(parents=True, exist_ok=True)
    for old in VENDOR.glob("*.js"):
        old.unlink()
    for package, (path, stem) in FILES.items():
        version = installed(package)
        if version is None:
            raise SystemExit(f"vendor: {package} is not in node_modules: run npm ci first")
        target = VENDOR / f"{stem}-{version}.js"
        shutil.copyfile(MODULES / package / path, target)
        print(f"vendor: {target.relative_to(ROOT)}")


def ensure() -> None:
    """The pinned assets in kezek/static/vendor, fetched from the npm registry if need be."""
    if all(path.is_file() for path in targets()):
        return
    if any(installed(package) != pinned(package) for package in FILES):
        if shutil.which("npm") is None:
            raise SystemExit(
                "vendor: building Kezek from source needs Node.js with npm (the pinned htmx "
                "comes from the npm registry); a built wheel or sdist needs neither"
            )
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT, check=True
        )
    main()


if __name__ == "__main__":
    main()
