"""The baseline: a bare Starlette endpoint that inserts one SQLite row (same pragmas as Kezek)."""

from __future__ import annotations

import os
import sqlite3
import threading

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

PATH = os.environ.get("BARE_DB", "/tmp/kezek-bare.sqlite3")
_local = threading.local()


def connection() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(PATH, isolation_level=None, timeout=10)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, service TEXT, at TEXT)"
        )
        _local.conn = conn
    return conn


def insert(request: Request) -> JSONResponse:
    conn = connection()
    conn.execute("BEGIN IMMEDIATE")
    cur = conn.execute("INSERT INTO rows (service, at) VALUES ('registration', datetime('now'))")
    conn.execute("COMMIT")
    return JSONResponse({"id": cur.lastrowid}, status_code=201)


def home(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def create_app() -> Starlette:
    return Starlette(routes=[Route("/", home), Route("/insert", insert, methods=["POST"])])
