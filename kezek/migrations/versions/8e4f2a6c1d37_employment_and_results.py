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
    with op.batch_alter_table("applications") as batch_op:
        batch_op.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("end_kind", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("end_reason", sa.String(length=1000), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("end_referral_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("ended_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("result_prepared_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("result_collected_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("result_collected_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_applications_end_referral_id", "referrals", ["end_referral_id"], ["id"]
        )
        batch_op.create_foreign_key("fk_applications_ended_by", "users", ["ended_by"], ["id"])
        batch_op.create_foreign_key(
            "fk_applications_result_collected_by", "users", ["result_collected_by"], ["id"]
        )
    _backfill_prepared()


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
    with op.batch_alter_table("applications") as batch_op:
        batch_op.drop_constraint("fk_applications_result_collected_by", type_="foreignkey")
        batch_op.drop_constraint("fk_applications_ended_by", type_="foreignkey")
        batch_op.drop_constraint("fk_applications_end_referral_id", type_="foreignkey")
        for column in COLUMNS:
            batch_op.drop_column(column)
