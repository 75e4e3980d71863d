"""PostgreSQL restarted and stopped under a burst through ``kezek serve --workers 2``: no
acknowledged ticket lost or numbered twice, only 503s with Retry-After while it is down,
back within a second, and every call reaches every display stream exactly once — also the
streams held by the other worker (slow: a PostgreSQL of its own, about 15 s)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from kezek import auth, db
from kezek.queue.models import User
from tests.conftest import PASSWORD, free_port, wait_until
from tests.test_db_faults import ScratchPostgres, scratch_pg  # noqa: F401 (a fixture)
from tests.test_event_resume import messages

DISPLAYS = 4


@pytest.fixture
def served(scratch_pg: ScratchPostgres, tmp_path: Path) -> Iterator[tuple[str, str]]:  # noqa: F811
    port = free_port()
    env = {
        **os.environ,
        "KEZEK_DATABASE_URL": scratch_pg.url,
        "KEZEK_PROFILE": "demo",
        "KEZEK_SPOOL_DIR": str(tmp_path / "spool"),
        "KEZEK_VOICE_ENGINE": "off",
    }
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kezek",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 25
    while True:
        try:
            if httpx.get(f"{base}/api/queue", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            log.close()
            os.killpg(proc.pid, signal.SIGKILL)
            raise AssertionError((tmp_path / "serve.log").read_text()[-3000:])
        time.sleep(0.1)
    engine = db.make_engine(scratch_pg.url, poolclass=sa.pool.NullPool)
    with db.transaction(engine) as session:
        office_id = int(session.execute(sa.text("SELECT min(id) FROM offices")).scalar_one())
        user = auth.create_user(session, office_id, "clerk1", PASSWORD, "clerk", "Clerk")
        session.flush()
        token = auth.create_token(session, session.get_one(User, user.id))
    engine.dispose()
    yield base, token
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    log.close()


def _display(base: str, heard: list[int], codes: list[str], ready: threading.Event) -> None:
    try:
        with httpx.stream("GET", f"{base}/display/events", timeout=30) as response:
            for msg in messages(response):
                if msg["event"] == "board":
                    ready.set()
                elif msg["event"] == "announce":
                    said = json.loads(msg["data"])
                    heard.append(int(said["id"]))
                    codes.append(str(said["code"]))
    except httpx.HTTPError:
        pass  # the server stopped


@pytest.mark.slow
def test_postgres_restart_and_stop_under_a_burst_with_two_workers(  # noqa: C901
    served: tuple[str, str],
    scratch_pg: ScratchPostgres,  # noqa: F811
) -> None:
    base, token = served
    heard: list[list[int]] = [[] for _ in range(DISPLAYS)]
    heard_codes: list[list[str]] = [[] for _ in range(DISPLAYS)]
    readies = [threading.Event() for _ in range(DISPLAYS)]
    threads = [
        threading.Thread(
            target=_display, args=(base, heard[i], heard_codes[i], readies[i]), daemon=True
        )
        for i in range(DISPLAYS)
    ]
    for thread in threads:
        thread.start()
    assert all(ready.wait(10) for ready in readies)

    acknowledged: list[str] = []
    called: list[str] = []
    refused: list[httpx.Response] = []
    down = threading.Event()
    back_at: list[float] = []
    first_ok_after: list[float] = []
    stop = threading.Event()

    def burst() -> None:
        staff = {"authorization": f"Bearer {token}"}
        in_hand: int | None = None
        with httpx.Client(base_url=base, timeout=10) as client:
            n = 0
            while not stop.is_set():
                n += 1
                body = {"service": "registration", "request_id": uuid.uuid4().hex}
                answer = client.post("/api/tickets", json=body)
                if answer.status_code == 201:
                    acknowledged.append(answer.json()["code"])
                    if back_at and not first_ok_after:
                        first_ok_after.append(time.monotonic())
                else:
                    refused.append(answer)
                if n % 3:
                    continue
                if in_hand is not None:
                    gone = client.post(f"/api/tickets/{in_hand}/no-show", headers=staff)
                    if gone.status_code != 200:
                        refused.append(gone)
                        continue
                    in_hand = None
                call = client.post("/api/service-points/cab1/call-next", headers=staff)
                if call.status_code == 200:
                    called.append(call.json()["code"])
                    in_hand = call.json()["id"]
                elif call.status_code != 204:
                    refused.append(call)

    worker = threading.Thread(target=burst)
    worker.start()
    time.sleep(1.5)
    scratch_pg.stop("fast")  # a restart ...
    scratch_pg.start()
    time.sleep(1.5)
    scratch_pg.stop("fast")  # ... and an outage of two seconds
    down.set()
    time.sleep(2.0)
    scratch_pg.start()
    back_at.append(time.monotonic())
    time.sleep(2.5)
    stop.set()
    worker.join(timeout=20)
    wait_until(  # the last calls on their way to the displays
        lambda: all(set(called) <= set(codes) for codes in heard_codes), seconds=5
    )

    for answer in refused:
        assert answer.status_code == 503, answer.text
        assert answer.headers["retry-after"] == "2"
    assert len(acknowledged) > 10 and len(called) > 3, (len(acknowledged), len(called))
    print(f"{len(acknowledged)} tickets, {len(called)} calls, {len(refused)} answered 503")
    assert first_ok_after and first_ok_after[0] - back_at[0] < 1.0, "not back within a second"
    engine = db.make_engine(scratch_pg.url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        stored = [r[0] for r in conn.execute(sa.text("SELECT code FROM tickets"))]
    engine.dispose()
    assert not [c for c, n in Counter(stored).items() if n > 1], "a number given twice"
    assert set(acknowledged) <= set(stored), "an acknowledged ticket is missing"
    for i in range(DISPLAYS):
        assert len(heard[i]) == len(set(heard[i])), f"display {i} heard a call twice"
        counts = Counter(heard_codes[i])
        missing = [code for code in called if counts[code] != 1]
        assert not missing, f"display {i} did not hear {missing} exactly once"
