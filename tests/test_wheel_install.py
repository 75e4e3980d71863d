"""A normal Python install works (issue 16, finding 1): the sdist and the wheel the build
makes carry the pinned htmx, the migrations, the catalogs, the templates and the profiles;
a fresh venv with only the wheel installed migrates and serves the kiosk with its htmx.

No network: the build uses node_modules (``npm ci``) where the checkout has it; the venv
borrows the project's installed dependencies through a .pth file, added only after the
wheel is installed (so pip never sees, nor touches, the project's own venv)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (ROOT / "node_modules" / "htmx.org").is_dir(), reason="needs npm ci (node_modules)"
    ),
]
CARRIED = [  # what an installed Kezek reads from its package folder
    r"kezek/static/vendor/htmx-[\d.]+\.js",
    r"kezek/static/vendor/htmx-sse-[\d.]+\.js",
    r"kezek/migrations/env\.py",
    r"kezek/migrations/versions/\w+\.py",
    r"kezek/locales/(kk|ru|en)/core\.po",
    r"kezek/templates/kiosk/\w+\.html",
    r"kezek/profiles/demo\.toml",
    r"kezek/static/css/kiosk\.css",
]


def fresh_clone(target: Path) -> Path:
    """The checkout's tracked files (as they are now), and its node_modules."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    (target / "node_modules").symlink_to((ROOT / "node_modules").resolve())
    assert not (target / "kezek" / "static" / "vendor").exists()  # never committed
    return target


def build(source: Path, out: Path) -> tuple[Path, Path]:
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return next(out.glob("kezek-*.tar.gz")), next(out.glob("kezek-*.whl"))


def venv_with(wheel: Path, target: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(target)], check=True)
    python = target / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps"]
        + ["--no-index", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(purelib) / "_kezek_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return target


def test_the_wheel_installs_migrates_and_serves_the_kiosk(tmp_path: Path) -> None:
    source = fresh_clone(tmp_path / "clone")
    sdist, wheel = build(source, tmp_path / "dist")
    with tarfile.open(sdist) as tar:
        in_sdist = [name.split("/", 1)[1] for name in tar.getnames() if "/" in name]
    with zipfile.ZipFile(wheel) as whl:
        in_wheel = whl.namelist()
    for pattern in CARRIED:
        assert any(re.fullmatch(pattern, name) for name in in_wheel), pattern
        assert any(re.fullmatch(pattern, name) for name in in_sdist), pattern

    env = venv_with(wheel, tmp_path / "venv")
    run = tmp_path / "run"
    run.mkdir()
    environ = {
        "PATH": f"{env / 'bin'}:/usr/bin:/bin",
        "KEZEK_PROFILE": "demo",
        "KEZEK_DATABASE_URL": f"sqlite:///{run / 'kezek.sqlite3'}",
        "KEZEK_VOICE_ENGINE": "off",
    }
    where = subprocess.run(
        [str(env / "bin" / "python"), "-c", "import kezek; print(kezek.__file__)"],
        capture_output=True,
        text=True,
        env=environ,
        cwd=run,
        check=True,
    ).stdout
    assert where.startswith(str(env)), where  # the wheel's kezek, not the checkout's
    upgraded = subprocess.run(
        [str(env / "bin" / "kezek"), "db", "upgrade"],
        capture_output=True,
        text=True,
        env=environ,
        cwd=run,
        timeout=120,
    )
    assert upgraded.returncode == 0, upgraded.stderr
    assert "created the schema" in upgraded.stdout

    port = free_port()
    with subprocess.Popen(
        [str(env / "bin" / "kezek"), "serve", "--port", str(port)],
        env=environ,
        cwd=run,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as server:
        try:
            kiosk = wait_for(f"http://127.0.0.1:{port}/kiosk/", server)
            assert kiosk.status_code == 200
            assert "<html" in kiosk.text and "kiosk" in kiosk.text
            src = re.search(r'<script[^>]+src="([^"]*/vendor/htmx-[\d.]+\.js)"', kiosk.text)
            assert src is not None, kiosk.text[:2000]
            script = httpx.get(kiosk.url.join(src.group(1)), timeout=10)
            assert script.status_code == 200
            pinned = json.loads((ROOT / "package-lock.json").read_text())["packages"]
            assert src.group(1).endswith(f"htmx-{pinned['node_modules/htmx.org']['version']}.js")
            original = ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"
            assert script.content == original.read_bytes()
        finally:
            server.terminate()
            server.wait(timeout=30)


def wait_for(url: str, server: subprocess.Popen[bytes]) -> httpx.Response:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            return httpx.get(url, timeout=10)
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"kezek serve did not answer (exit {server.poll()})")
