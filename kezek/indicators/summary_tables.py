"""The stored daily summary (issue 20, point 4): per office, service and closed day, the
figures the appendix table and the report page sum, so a period of years is a few thousand
rows instead of millions of tickets.

* ``day_summaries`` — one row per (office, business day, root service): the lines beside 1.2,
  the visits served (4.1), 1.2's share by day, the wait bands of the picture and the
  arrivals by UTC hour (the office's zone is applied when read, as ``data.arrivals`` does).
* ``summary_days`` — one row per (office, business day) that is summarized and current; a
  day without one is counted live from the tickets (``summed``).

A trigger on ``tickets`` deletes a day's ``summary_days`` row whenever one of that day's
tickets is inserted, deleted or has a column the figures read updated: every write path,
present or future, makes its day live again until the next refresh (``summary.refresh_due``).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

BANDS = 19  # waits.LAST_BUCKET + 1
HOURS = 24
LINES = ("in_time", "late", "closed_unserved", "left_after", "left_before", "served")
SHARE = ("within", "judged")  # 1.2 by day: within the target, out of those judged
BAND_COLUMNS = tuple(f"w{i:02d}" for i in range(BANDS))
HOUR_COLUMNS = tuple(f"a{i:02d}" for i in range(HOURS))
FIGURES = LINES + SHARE + BAND_COLUMNS + HOUR_COLUMNS

day_summaries = sa.Table(
    "day_summaries",
    SQLModel.metadata,
    sa.Column("office_id", sa.Integer, sa.ForeignKey("offices.id"), primary_key=True),
    sa.Column("business_day", sa.Date, primary_key=True),
    sa.Column("service_id", sa.Integer, sa.ForeignKey("services.id"), primary_key=True),
    *(sa.Column(name, sa.Integer, nullable=False, server_default="0") for name in FIGURES),
)

summary_days = sa.Table(
    "summary_days",
    SQLModel.metadata,
    sa.Column("office_id", sa.Integer, sa.ForeignKey("offices.id"), primary_key=True),
    sa.Column("business_day", sa.Date, primary_key=True),
)

# The ticket columns the figures read: an update of any other (printing, a "running late"
# flag…) leaves the day's summary alone.
WATCHED = (
    "office_id",
    "business_day",
    "service_id",
    "parent_id",
    "status",
    "issued_at",
    "called_at",
    "wait_seconds",
    "within_target",
)
_OF = ", ".join(WATCHED)
_GONE = (
    "DELETE FROM summary_days WHERE office_id = {r}.office_id AND business_day = {r}.business_day;"
)

SQLITE_TRIGGERS = (
    f"CREATE TRIGGER summary_stale_insert AFTER INSERT ON tickets"
    f" BEGIN {_GONE.format(r='NEW')} END",
    f"CREATE TRIGGER summary_stale_delete AFTER DELETE ON tickets"
    f" BEGIN {_GONE.format(r='OLD')} END",
    f"CREATE TRIGGER summary_stale_update AFTER UPDATE OF {_OF} ON tickets BEGIN"
    f" {_GONE.format(r='OLD')} {_GONE.format(r='NEW')} END",
)
SQLITE_DROP = tuple(
    f"DROP TRIGGER IF EXISTS summary_stale_{kind}" for kind in ("insert", "delete", "update")
)
# PostgreSQL: a write to a day's tickets also holds that day's lock shared until it commits,
# and ``summary.refresh`` takes it exclusively before counting the day. Without it a write that
# committed while a refresh was counting found no row to delete (the refresh's was not yet
# committed) and the refresh then marked the day current with the figures from before the
# write (tests/test_day_summary.py). The two-number key (office, day) is a space of its own:
# the other advisory locks take one number.
_HOLD = "PERFORM pg_advisory_xact_lock_shared({r}.office_id, {r}.business_day - DATE '2000-01-01');"
DAY_LOCK = "SELECT pg_advisory_xact_lock(:office_id, CAST(:day AS date) - DATE '2000-01-01')"
POSTGRES_FUNCTION = (
    "CREATE OR REPLACE FUNCTION summary_stale() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    f" IF TG_OP <> 'INSERT' THEN {_HOLD.format(r='OLD')} {_GONE.format(r='OLD')} END IF;"
    f" IF TG_OP <> 'DELETE' THEN {_HOLD.format(r='NEW')} {_GONE.format(r='NEW')} END IF;"
    " RETURN NULL; END $$"
)
POSTGRES_TRIGGERS = (
    POSTGRES_FUNCTION,
    f"CREATE TRIGGER summary_stale AFTER INSERT OR DELETE OR UPDATE OF {_OF} ON tickets"
    " FOR EACH ROW EXECUTE FUNCTION summary_stale()",
)
POSTGRES_DROP = (
    "DROP TRIGGER IF EXISTS summary_stale ON tickets",
    "DROP FUNCTION IF EXISTS summary_stale()",
)
