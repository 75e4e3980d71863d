"""complaints: whether the answer satisfied the complaint (4.2); amendments of answered
complaints, append-only; services: whether the appendix measures them, and the visits index
with the service (issue 13)

Revision ID: c4d1e8a2b7f3
Revises: 3b8e2f6a9c41
Create Date: 2026-12-02 00:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kezek.queue.models import UTCDateTime

revision: str = "c4d1e8a2b7f3"
down_revision: str | None = "3b8e2f6a9c41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "complaint_amendments"
VISITS = ["office_id", "business_day", "wait_seconds", "within_target", "issued_at"]


def _visits_index(columns: list[str]) -> None:
    op.drop_index("ix_tickets_visits", table_name="tickets")
    op.create_index(
        "ix_tickets_visits",
        "tickets",
        columns,
        unique=False,
        sqlite_where=sa.text("parent_id IS NULL"),
        postgresql_where=sa.text("parent_id IS NULL"),
    )


def upgrade() -> None:
    with op.batch_alter_table("services") as batch_op:
        batch_op.add_column(
            sa.Column("appendix", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    _visits_index([*VISITS, "service_id", "status"])
    with op.batch_alter_table("complaints") as batch_op:
        batch_op.add_column(sa.Column("satisfied", sa.Boolean(), nullable=True))
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("by", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("changes", sa.String(length=8000), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"]),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaints.id"]),
        sa.ForeignKeyConstraint(["by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(f"ix_{TABLE}_complaint_id", TABLE, ["complaint_id"], unique=False)
    # An amendment is evidence: the database refuses to change or remove one.
    if op.get_context().dialect.name == "postgresql":
        op.execute(f"""CREATE FUNCTION {TABLE}_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{TABLE} is append-only'; END $$ LANGUAGE plpgsql""")
        op.execute(f"""CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()""")
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"""CREATE TRIGGER {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE}
            BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END""")


def downgrade() -> None:
    _visits_index(VISITS)
    with op.batch_alter_table("services") as batch_op:
        batch_op.drop_column("appendix")
    if op.get_context().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        op.execute(f"DROP FUNCTION IF EXISTS {TABLE}_append_only()")
    op.drop_index(f"ix_{TABLE}_complaint_id", table_name=TABLE)
    op.drop_table(TABLE)
    with op.batch_alter_table("complaints") as batch_op:
        batch_op.drop_column("satisfied")
