"""What the benchmarks share: a uvicorn server in a subprocess, a load loop, percentiles.

Every load talks only to 127.0.0.1, is bounded in count and time, and stops by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


SERVER_PIDS: dict[str, int] = {}  # a running server's URL -> its process (CPU, memory)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server(
    app: str,
    env: dict[str, str] | None = None,
    workers: int = 1,
    factory: bool = True,
    cwd: Path = ROOT,
) -> Iterator[str]:
    """Run ``uvicorn app`` (imported from ``cwd``) on a free loopback port; yields the URL."""
    port = free_port()
    args = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-server-header",
    ]
    if factory:
        args.append("--factory")
    proc = subprocess.Popen(args, cwd=cwd, env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    SERVER_PIDS[url] = proc.pid
    try:
        deadline = time.monotonic() + 90  # a start on a busy shared machine took over 30 s
        while True:
            try:
                httpx.get(url + "/", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"{app} did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        SERVER_PIDS.pop(url, None)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@dataclass
class Load:
    requests: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        return percentile(self.latencies, q)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


async def load(
    one: Callable[[httpx.AsyncClient, int], Awaitable[bool]],
    *,
    clients: int,
    seconds: float,
    max_requests: int = 200_000,
) -> Load:
    """``clients`` concurrent loops calling ``one(client, worker)`` until time or count is up."""
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def worker(index: int, client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < stop and len(latencies) < max_requests:
            began = time.perf_counter()
            ok = await one(client, index)
            latencies.append(time.perf_counter() - began)
            errors += 0 if ok else 1

    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        began = time.perf_counter()
        await asyncio.gather(*(worker(i, client) for i in range(clients)))
        elapsed = time.perf_counter() - began
    return Load(len(latencies), elapsed, latencies, errors)


def temp_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="kezek-bench-"))


def row(
    name: str,
    value: float,
    unit: str,
    baseline_name: str,
    baseline: float,
    target: str = "",
    higher_is_better: bool = True,
    **extra: object,
) -> dict[str, object]:
    ratio = value / baseline if baseline else float("nan")
    return {
        "benchmark": name,
        "value": value,
        "unit": unit,
        "baseline": baseline_name,
        "baseline_value": baseline,
        "ratio": ratio,
        "target": target,
        "higher_is_better": higher_is_better,
        **extra,
    }


def print_table(rows: list[dict[str, object]]) -> None:
    print(f"{'benchmark':38} {'value':>12} {'baseline':>30} {'ratio':>7}  target")
    for r in rows:
        value = f"{r['value']:.1f} {r['unit']}"
        base = f"{r['baseline']} {r['baseline_value']:.1f}"
        print(f"{r['benchmark']:38} {value:>12} {base:>30} {r['ratio']:>6.2f}×  {r['target']}")


def scratch_postgres(url: str, prefix: str) -> str:
    """A new, empty database on the server of ``url`` (dropped first if a run left it)."""
    import sqlalchemy as sa

    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    name = f"{prefix}_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return sa.make_url(url).set(database=name).render_as_string(hide_password=False)
