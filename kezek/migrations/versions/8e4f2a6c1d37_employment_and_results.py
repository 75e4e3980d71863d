"""applications: the end of a registration (placed into work or de-registered: date, kind,
reason, the vacancy referral) and the §18.2 result (prepared on, collected on, by whom);
the decided applications get their result's "prepared on" from the day of the decision
(issue 13)

Revision ID: 8e4f2a6c1d37
Revises: 5d1e7a2c9b60
Create Date: 2026-12-02 01:50:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "8e4f2a6c1d37"
down_revision: str | None = "5d1e7a2c9b60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = [
    "result_collected_by",
    "result_collected_on",
    "result_prepared_on",
    "ended_by",
    "end_referral_id",
    "end_reason",
    "end_kind",
    "ended_on",
]


def upgrade() -> None:
    # Plain ADD COLUMNs (a foreign key inline): SQLite keeps the table, so the rows that
    # refer to an application (documents, audit entries) never see it dropped and copied.
    fk = sa.ForeignKey
    for column in (
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_kind", sa.String(length=32), nullable=True),
        sa.Column("end_reason", sa.String(length=1000), nullable=False, server_default=""),
        sa.Column("end_referral_id", sa.Integer(), fk("referrals.id"), nullable=True),
        sa.Column("ended_by", sa.Integer(), fk("users.id"), nullable=True),
        sa.Column("result_prepared_on", sa.Date(), nullable=True),
        sa.Column("result_collected_on", sa.Date(), nullable=True),
        sa.Column("result_collected_by", sa.Integer(), fk("users.id"), nullable=True),
    ):
        _add(column)
    _backfill_prepared()


def _add(column: sa.Column[object]) -> None:
    """ADD COLUMN; on SQLite with its foreign key written inline, as SQLite allows (Alembic
    would copy the table, which fails while documents and audit entries refer to it)."""
    if column.name in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("applications")}:
        return  # kept by a SQLite downgrade (below)
    if op.get_context().dialect.name != "sqlite" or not column.foreign_keys:
        op.add_column("applications", column)
        return
    [key] = column.foreign_keys
    table, target = key.target_fullname.split(".")
    op.execute(
        f"ALTER TABLE applications ADD COLUMN {column.name} INTEGER REFERENCES {table}({target})"
    )


def _backfill_prepared() -> None:
    """A decided application's result was prepared on the day of its decision (office zone)."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT a.id, a.decided_at, o.timezone FROM applications a"
            " JOIN offices o ON o.id = a.office_id WHERE a.decided_at IS NOT NULL"
        )
    ).all()
    for app_id, decided_at, zone in rows:
        at = decided_at if isinstance(decided_at, datetime) else datetime.fromisoformat(decided_at)
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        bind.execute(
            sa.text("UPDATE applications SET result_prepared_on = :day WHERE id = :id"),
            {"day": at.astimezone(ZoneInfo(zone)).date(), "id": app_id},
        )


def downgrade() -> None:
    if op.get_context().dialect.name != "sqlite":
        for column in COLUMNS:
            op.drop_column("applications", column)
        return
    # SQLite drops a column in place unless a foreign key is on it, and copying the table
    # fails while documents and audit entries refer to it: the three columns with a foreign
    # key stay (nullable, unknown to the older code), and the upgrade keeps them.
    for column in COLUMNS:
        if column not in ("result_collected_by", "ended_by", "end_referral_id"):
            op.execute(f"ALTER TABLE applications DROP COLUMN {column}")
