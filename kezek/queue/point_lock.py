"""The one lock a service point's moves take: call-next, next-in-one-action, pause, resume."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from kezek.queue.models import ServicePoint, table_of

_POINTS: sa.Table = table_of(ServicePoint)
_LOCK_POINT = (
    sa.select(_POINTS.c.id).where(_POINTS.c.id == sa.bindparam("point_id")).with_for_update()
)


def lock_point(session: Session, point: ServicePoint) -> sa.Connection:
    """Flush pending ORM changes (core SQL does not autoflush), then on PostgreSQL lock the
    point's row until the commit: two moves of one point at once (a double click, two tabs,
    a pause and a call) take turns and the second sees the first's result. SQLite writers
    take turns anyway. The connection the caller goes on with."""
    session.flush()
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(_LOCK_POINT, {"point_id": point.id})
    return conn
