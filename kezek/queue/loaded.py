"""Rows read or written with core SQL, kept in the session as the ORM keeps what it loads.

``adopt`` makes the object as the ORM makes what it loads, from values in hand (a row an
``UPDATE … RETURNING`` gave back), and the session holds it as if it had been read: later
ORM changes to it are flushed as usual. ``get`` reads one row by its key with a core
``SELECT`` built once per model: for a service point 0.067 ms against ``Session.get``'s
0.099 (in process, issue 20); for a ticket, whose many typed columns cost the same either
way, no faster, so tickets are still read with ``Session.get``."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, SQLModel

from kezek.queue.models import table_of

M = TypeVar("M", bound=SQLModel)


def attach(session: Session, row: M) -> M:
    """Keep an object whose row is written in the session, as if it had been read."""
    sa.orm.make_transient_to_detached(row)
    session.add(row)
    return row


def adopt(session: Session, model: type[M], values: Mapping[Any, Any]) -> M:
    """The session's ``model`` object for a row read or just written with core SQL (its
    values, the key among them), without reading it again."""
    known = session.identity_map.get(session.identity_key(model, values["id"]))
    if known is None:  # made as the ORM makes what it loads (a third of ``Model(...)``'s cost)
        sa.orm.configure_mappers()
        found = cast(M, sa.inspect(model).class_manager.new_instance())
    else:
        found = cast(M, known)
    for name, value in values.items():
        set_committed_value(found, name, value)
    return found if known is not None else attach(session, found)


@functools.cache
def _by_id(model: type[SQLModel], for_update: bool) -> sa.Select[Any]:
    table = table_of(model)
    query = sa.select(table).where(table.c.id == sa.bindparam("id"))
    return query.with_for_update() if for_update else query


def get(session: Session, model: type[M], key: int, for_update: bool = False) -> M | None:
    """``session.get(model, key)`` (``with_for_update`` on PostgreSQL) by one core
    ``SELECT``; always read, so an object the session holds gets the row's values."""
    session.flush()  # core SQL does not autoflush: pending ORM changes go first
    conn = session.connection()
    row = conn.execute(_by_id(model, for_update and conn.dialect.name != "sqlite"), {"id": key})
    found = row.mappings().first()
    return None if found is None else adopt(session, model, found)
