"""summary_stale() holds the day's lock on PostgreSQL (issue 20: a write during a refresh)

Revision ID: f3b8d2a6c4e1
Revises: d9a3e7c1f5b8
Create Date: 2026-12-03 15:00:00

A write to a day's tickets holds an advisory lock on (office, day) shared until it commits;
``summary.refresh`` takes it exclusively before it counts the day, so a refresh never marks a
day current without a write that committed while it counted. SQLite has one writer at a time
and needs nothing.
"""

from collections.abc import Sequence

from alembic import op

from kezek.indicators.summary_tables import POSTGRES_FUNCTION

revision: str = "f3b8d2a6c4e1"
down_revision: str | None = "d9a3e7c1f5b8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_GONE = (
    "DELETE FROM summary_days WHERE office_id = {r}.office_id AND business_day = {r}.business_day;"
)
BEFORE = (
    "CREATE OR REPLACE FUNCTION summary_stale() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    f" IF TG_OP <> 'INSERT' THEN {_GONE.format(r='OLD')} END IF;"
    f" IF TG_OP <> 'DELETE' THEN {_GONE.format(r='NEW')} END IF;"
    " RETURN NULL; END $$"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(BEFORE)
