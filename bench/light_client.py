"""A light load client: raw asyncio keep-alive HTTP/1.1 connections to 127.0.0.1.

httpx costs the client more CPU per request than the bare endpoint costs the server, so on
2 cores an httpx load measures httpx (it capped the bare insert near 530 req/s, issue 20).
This client writes a request as bytes and reads the answer by its Content-Length; nothing
else. Bounded like bench.common.load: by time and count; loopback only; every read has a
timeout.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from bench.common import Load

READ_TIMEOUT = 30.0


class Connection:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str):
        self.reader, self.writer, self.host = reader, writer, host
        self.requests = 0

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        form: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        body = b""
        lines = [f"{method} {path} HTTP/1.1", f"host: {self.host}"]
        if json_body is not None:
            body = json.dumps(json_body).encode()
            lines.append("content-type: application/json")
        elif form is not None:
            body = form.encode()
            lines.append("content-type: application/x-www-form-urlencoded")
        lines.append(f"content-length: {len(body)}")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        self.requests += 1
        return await asyncio.wait_for(self._answer(), READ_TIMEOUT)

    async def _answer(self) -> tuple[int, bytes]:
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        length = 0
        chunked = False
        for line in header_lines:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
        if chunked:
            return status, await self._chunks()
        return status, await self.reader.readexactly(length) if length else b""

    async def _chunks(self) -> bytes:
        body = bytearray()
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            body += await self.reader.readexactly(size + 2)
            if size == 0:
                return bytes(body)
            del body[-2:]

    def close(self) -> None:
        self.writer.close()


async def connect(base: str) -> Connection:
    parts = urlsplit(base)
    assert parts.hostname == "127.0.0.1", "loopback only"
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    return Connection(reader, writer, parts.netloc)


async def load(
    base: str,
    one: Callable[[Connection, int], Awaitable[bool]],
    *,
    clients: int,
    seconds: float,
    max_requests: int = 200_000,
) -> Load:
    """``clients`` connections each calling ``one`` until time or count is up.

    The rate is counted per HTTP request (a call-next and its finish are two); the latencies
    are one per call of ``one``.
    """
    latencies: list[float] = []
    errors = 0
    connections = [await connect(base) for _ in range(clients)]
    stop = time.perf_counter() + seconds

    async def worker(index: int, conn: Connection) -> None:
        nonlocal errors
        while time.perf_counter() < stop and len(latencies) < max_requests:
            began = time.perf_counter()
            ok = await one(conn, index)
            latencies.append(time.perf_counter() - began)
            errors += 0 if ok else 1

    began = time.perf_counter()
    try:
        await asyncio.gather(*(worker(i, c) for i, c in enumerate(connections)))
    finally:
        elapsed = time.perf_counter() - began
        for conn in connections:
            conn.close()
    return Load(sum(c.requests for c in connections), elapsed, latencies, errors)
