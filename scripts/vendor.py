"""Copy the pinned front-end assets from node_modules into kezek/static/vendor.

The version goes into each file name, so a browser cache never mixes releases.
"""

import json
import shutil
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


def version(package: str) -> str:
    return json.loads((MODULES / package / "package.json").read_text())["version"]


def main() -> None:
    VENDOR.mkdir(parents=True, exist_ok=True)
    for old in VENDOR.glob("*.js"):
        old.unlink()
    for package, (path, stem) in FILES.items():
        target = VENDOR / f"{stem}-{version(package)}.js"
        shutil.copyfile(MODULES / package / path, target)
        print(f"vendor: {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
