"""The baseline: a bare Starlette endpoint that inserts one SQLite row (same pragmas as Kezek).

WAL is a property of the database file: it is set once, when the app is made, before any
request thread opens a connection. Setting it again on every thread's new connection needs
a lock that a writer in another thread may hold, and ``PRAGMA journal_mode`` does not wait
for it: ``make bench`` crashed here with "database is locked". Each connection only sets its
busy timeout (per connection in SQLite) and ``synchronous``.
"""

from __future__ import annotations

import os
import sqlite3
import threading

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from kezek import db

PATH = os.environ.get("BARE_DB", "/tmp/kezek-bare.sqlite3")
BUSY_MS = 10_000
_local = threading.local()


def prepare(path: str = PATH) -> None:
    """The file, its table and WAL mode, once, while nothing else has it open."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_MS / 1000)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, service TEXT, at TEXT)"
        )
    finally:
        conn.close()


def connection() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(PATH, isolation_level=None, timeout=BUSY_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        conn.execute("PRAGMA synchronous=NORMAL")
        _local.conn = conn
    return conn


def insert(request: Request) -> JSONResponse:
    conn = connection()
    conn.execute("BEGIN IMMEDIATE")
    cur = conn.execute("INSERT INTO rows (service, at) VALUES ('registration', datetime('now'))")
    conn.execute("COMMIT")
    return JSONResponse({"id": cur.lastrowid}, status_code=201)


_ROWS = sa.table("rows", sa.column("id"), sa.column("service"), sa.column("at"))
_INSERT = (
    _ROWS.insert().values(service="registration", at=sa.func.datetime("now")).returning(_ROWS.c.id)
)
_engines: list[sa.Engine] = []


def insert_through_sqlalchemy(request: Request) -> JSONResponse:
    """The same insert through Kezek's ``db.transaction`` (an ORM session, its write lock and
    ``BEGIN IMMEDIATE``, one core statement): the floor of any Kezek write (issue 20)."""
    with db.transaction(_engines[0]) as session:
        inserted = session.connection().execute(_INSERT).scalar_one()
    return JSONResponse({"id": inserted}, status_code=201)


def home(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def create_app() -> Starlette:
    prepare()
    _engines[:] = [db.make_engine(f"sqlite:///{PATH}")]
    routes = [
        Route("/", home),
        Route("/insert", insert, methods=["POST"]),
        Route("/insert-sa", insert_through_sqlalchemy, methods=["POST"]),
    ]
    return Starlette(routes=routes)
