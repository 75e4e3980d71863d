"""Shared fixtures: a real SQLite file (migrated once, copied per test), a settable clock,
the app with its lifespan, and staff users. PostgreSQL: set KEZEK_TEST_DATABASE_URL."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import hypothesis
import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from kezek import auth, db, migrate, profile_sync
from kezek.app import create_app
from kezek.queue.clock import Clock, ManualClock
from kezek.settings import Settings, load_profile

# In CI, hypothesis draws the same examples every run, so a red run can be reproduced and a
# green one does not turn red by chance; locally it explores anew each time.
hypothesis.settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis.settings.load_profile("ci")

ALMATY = ZoneInfo("Asia/Almaty")
# A Tuesday, 10:00 in the office (§10: the office is open).
TUESDAY_10 = datetime(2026, 11, 24, 10, 0, tzinfo=ALMATY)
PASSWORD = "correct horse battery"


# With KEZEK_TEST_DATABASE_URL=postgresql+psycopg://user:pw@127.0.0.1/postgres every test gets
# its own database, copied from a migrated template; otherwise its own SQLite file.
POSTGRES = os.environ.get("KEZEK_TEST_DATABASE_URL", "")


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path | str]:
    if POSTGRES:
        drop_stale_templates()
        name = _postgres_template()
        yield name
        _drop_database(name)
        return
    path = tmp_path_factory.mktemp("template") / "kezek.sqlite3"
    engine = db.make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    yield path


def _postgres_admin():  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    return sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def _drop_database(name: str) -> None:
    import sqlalchemy as sa

    admin = _postgres_admin()
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def drop_stale_templates() -> None:
    """Drop the ``kezek_template_<pid>`` databases of runs that are gone (a killed run never
    reached its session's end); a live run's template is left to it."""
    import sqlalchemy as sa

    admin = _postgres_admin()
    with admin.connect() as conn:
        names = conn.execute(
            sa.text("SELECT datname FROM pg_database WHERE datname LIKE 'kezek\\_template\\_%'")
        ).scalars()
        stale = [n for n in names if n.rsplit("_", 1)[1].isdigit()]
    admin.dispose()
    for name in stale:
        if not _alive(int(name.rsplit("_", 1)[1])):
            _drop_database(name)


def _postgres_template() -> str:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    admin = _postgres_admin()
    name = f"kezek_template_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    engine = db.make_engine(
        make_url(POSTGRES).set(database=name).render_as_string(hide_password=False),
        poolclass=sa.pool.NullPool,
    )
    migrate.upgrade(engine)
    engine.dispose()
    admin.dispose()
    return name


@pytest.fixture
def database_url(tmp_path: Path, migrated_template: Path | str) -> Iterator[str]:
    if not POSTGRES:
        target = tmp_path / "kezek.sqlite3"
        shutil.copyfile(migrated_template, target)
        yield f"sqlite:///{target}"
        return
    import uuid

    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    name = f"kezek_test_{uuid.uuid4().hex[:12]}"
    admin = _postgres_admin()
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name} TEMPLATE {migrated_template}"))
    yield make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = db.make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def now() -> ManualClock:
    """The current moment; tests move it with ``now.advance(minutes=…)``."""
    return ManualClock(TUESDAY_10.astimezone(ZoneInfo("UTC")))


@pytest.fixture
def profile_name() -> str:
    return "kyzylzhar"


@pytest.fixture
def clock(now: ManualClock, profile_name: str) -> Clock:
    return Clock(profile_sync.schedule(load_profile(profile_name.split(",")[0])), now)


@pytest.fixture
def settings(database_url: str, profile_name: str, tmp_path: Path) -> Settings:
    return Settings(
        profile=profile_name,
        database_url=database_url,
        spool_dir=str(tmp_path / "spool"),
    )


T = TypeVar("T")


def wait_until(check: Callable[[], T], seconds: float = 8.0, every: float = 0.05) -> T:
    """Ask ``check`` until it answers something true, for at most ``seconds``; its last
    answer (the tests assert it). For what happens on another thread or process."""
    deadline = time.monotonic() + seconds
    while not (found := check()) and time.monotonic() < deadline:
        time.sleep(every)
    return found


@pytest.fixture
def seams(request: pytest.FixtureRequest) -> dict[str, Any]:
    """What a test passes to ``create_app`` besides the usual (printers, voice, limiter):
    ``@pytest.mark.parametrize("seams", [{"limiter": …}], indirect=True)``."""
    return dict(getattr(request, "param", {}))


def with_defaults(seams: dict[str, Any]) -> dict[str, Any]:
    """Tests issue many tickets from one address: the public limit (3 a minute, issue 14
    §2) is lifted unless a test asks for it with ``{"public_limiter": None}``."""
    from kezek.kiosk.limits import RateLimiter

    return {"public_limiter": RateLimiter(per_minute=100_000), **seams}


@pytest.fixture
def app(settings: Settings, engine: Engine, clock: Clock, seams: dict[str, Any]):  # type: ignore[no-untyped-def]
    return create_app(settings, engine=engine, clock=clock, **with_defaults(seams))


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        yield client


@pytest.fixture
def office_id(client: TestClient) -> int:
    return int(client.app.state.kezek.office_id)  # type: ignore[attr-defined]


def make_user(engine: Engine, office_id: int, username: str, role: str) -> int:
    with db.transaction(engine) as session:
        user = auth.create_user(session, office_id, username, PASSWORD, role, username.title())
        assert user.id is not None
        return user.id


def make_token(engine: Engine, username: str) -> str:
    from sqlmodel import select

    from kezek.queue.models import User

    with db.transaction(engine) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        return auth.create_token(session, user)


def enrol_device(
    engine: Engine, office_id: int, kind: str, client: TestClient | None = None
) -> str:
    """An enrolled device's cookie (set on ``client`` when given), as /device/enrol sets it."""
    from kezek.devices import enrolment, gate
    from kezek.queue.clock import utcnow

    with db.transaction(engine) as session:
        cookie = enrolment.enrol_directly(session, office_id, kind, f"test {kind}", utcnow())
    if client is not None:
        client.cookies.set(gate.COOKIE, cookie)
    return cookie


def enrol_browser(page, url: str, engine: Engine, kind: str) -> None:  # type: ignore[no-untyped-def]
    """Chromium's page as an enrolled device of the first office (issue 14 §2)."""
    from sqlmodel import select

    from kezek.devices import gate
    from kezek.queue.models import Office

    with db.reading(engine) as session:
        office = session.exec(select(Office).order_by(Office.id)).first()  # type: ignore[arg-type]
        assert office is not None and office.id is not None
    cookie = enrol_device(engine, office.id, kind)
    page.context.add_cookies([{"name": gate.COOKIE, "value": cookie, "url": url + "/"}])


@pytest.fixture
def enrolled_kiosk(client: TestClient, engine: Engine, office_id: int) -> TestClient:
    """The client as an enrolled kiosk."""
    enrol_device(engine, office_id, "kiosk", client)
    return client


@pytest.fixture
def clerk_token(client: TestClient, engine: Engine, office_id: int) -> str:
    make_user(engine, office_id, "clerk1", "clerk")
    return make_token(engine, "clerk1")


@pytest.fixture
def artifacts() -> Path:
    """Where screenshots and previews are kept (test-artifacts/, ignored by git)."""
    path = Path(os.environ.get("KEZEK_ARTIFACTS", "test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- a live server and real Chromium, for the browser tests -------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def spawn_server(env: dict[str, str], port: int):  # type: ignore[no-untyped-def]
    """``uvicorn kezek.app:create_app`` in a process of its own on 127.0.0.1 (not waited for)."""
    import subprocess
    import sys

    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "kezek.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def started_server(env: dict[str, str], port: int):  # type: ignore[no-untyped-def]
    """``spawn_server``, returned once it answers; killed if it does not within 30 s."""
    import time

    import httpx

    proc = spawn_server(env, port)
    deadline = time.monotonic() + 30
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
            return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    proc.wait()
    raise RuntimeError("the server did not start")


class LiveServer:
    """The app served by uvicorn on 127.0.0.1 in a thread; ``restart()`` stops and starts it."""

    def __init__(self, app_factory) -> None:  # type: ignore[no-untyped-def]
        self.app_factory = app_factory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = None
        self.thread = None

    def start(self) -> None:
        import threading
        import time

        import uvicorn

        config = uvicorn.Config(
            self.app_factory(),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
            server_header=False,
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the live server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(timeout=10)
            self.server = None

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def live_server(
    settings: Settings, engine: Engine, clock: Clock, seams: dict[str, Any]
) -> Iterator[LiveServer]:
    server = LiveServer(
        lambda: create_app(settings, engine=engine, clock=clock, **with_defaults(seams))
    )
    server.start()
    yield server
    server.stop()


CHROMIUM = os.environ.get("KEZEK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="kk-KZ")
    page = context.new_page()
    yield page
    context.close()


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:  # type: ignore[no-untyped-def]
    """Run axe-core (from the npm registry) in the page; the violations of these impacts."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in impacts]


class Journey:
    """One page watched through a journey (issue 15). Console errors, failed requests and
    answers >= 400 fail it, apart from those the coming step provokes on purpose
    (``allow``); ``step`` keeps a screenshot (``<artifacts>/<test>/NN-step.png``), runs
    axe-core and checks what was seen so far. At the end every address the page reached
    (loads and boosted clicks alike) must have had a step of its own."""

    def __init__(self, page: Any, folder: Path) -> None:
        self.page, self.folder = page, folder
        self.problems: list[str] = []
        self.aborted: list[str] = []
        self.allowed: list[tuple[int, str]] = []
        self.reached: list[str] = []
        self.checked: set[str] = set()
        self.steps = 0
        page.on("console", self._console)
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        page.on("framenavigated", self._navigated)

    def allow(self, status: int, path: str) -> None:
        """An answer ``status`` from an address containing ``path`` is what the next step
        provokes (a form sent with a wrong field): it does not fail the journey."""
        self.allowed.append((status, path))

    def _navigated(self, frame: Any) -> None:
        if frame != self.page.main_frame:
            return
        self.aborted = []  # what the page left behind was cut off by leaving it, not failed
        if frame.url not in self.reached:
            self.reached.append(frame.url)

    def _failed(self, request: Any) -> None:
        failure = f"failed: {request.url} {request.failure}"
        if "ERR_ABORTED" not in (request.failure or ""):
            self.problems.append(failure)
        elif not request.url.split("?")[0].endswith("/events"):  # a stream ends with its page
            self.aborted.append(failure)

    def _judged(self) -> list[str]:
        """The problems, with the aborted requests no navigation explained."""
        return self.problems + self.aborted

    def _console(self, message: Any) -> None:
        # "Failed to load resource" repeats an answer the two other listeners judge.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text} at {message.location}")

    def _response(self, response: Any) -> None:
        status, url = response.status, response.url
        if status >= 400 and not any(status == s and p in url for s, p in self.allowed):
            self.problems.append(f"{status}: {url}")

    def step(self, what: str) -> None:
        """The page as it is now: screenshot, axe-core, no unexpected error since the last."""
        self.page.wait_for_load_state("networkidle")
        self.steps += 1
        slug = re.sub(r"[^a-z0-9]+", "-", what.lower()).strip("-")
        self.page.screenshot(path=str(self.folder / f"{self.steps:02d}-{slug}.png"), full_page=True)
        found = axe_violations(self.page)
        assert found == [], (what, [(v["id"], v["nodes"][0]["target"]) for v in found])
        assert self._judged() == [], (what, self._judged())
        self.checked.add(self.page.url)
        self.allowed = []

    def finish(self) -> None:
        assert self._judged() == [], ("after the last step", self._judged())
        unseen = [url for url in self.reached if url not in self.checked and url != "about:blank"]
        assert unseen == [], ("pages reached without a step", unseen)

    def sheets(self) -> list[str]:
        """The file names of the stylesheets the page has now."""
        hrefs = self.page.evaluate(
            "() => [...document.styleSheets].map(s => s.href || '').filter(Boolean)"
        )
        return [href.rsplit("/", 1)[-1].split("?")[0] for href in hrefs]


@pytest.fixture
def journey(page: Any, artifacts: Path, request: pytest.FixtureRequest) -> Iterator[Journey]:
    """The test's page as a ``Journey``; its screenshots in test-artifacts/<test name>/."""
    folder = artifacts / re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    trip = Journey(page, folder)
    yield trip
    call = getattr(request.node, "rep_call", None)
    if call is not None and call.passed:  # a failed test has said what went wrong
        trip.finish()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Each phase's report on the test item (``item.rep_call``), for fixtures' teardown."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)


REPO = Path(__file__).resolve().parent.parent


def run_kezek(
    cwd: Path, *args: str, stdin: str = "", timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    """``python -m kezek ARGS`` as an operator runs it, with this checkout's kezek, the demo
    office on an SQLite file in ``cwd`` unless ``env`` says otherwise."""
    environ = {
        "KEZEK_PROFILE": "demo",
        "KEZEK_DATABASE_URL": f"sqlite:///{cwd / 'k.sqlite3'}",
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "kezek", *args],
        capture_output=True,
        text=True,
        env=environ,
        cwd=cwd,
        input=stdin,
        timeout=timeout,
    )
