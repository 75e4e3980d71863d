"""day_summaries: the stored daily summary the reports sum, kept by a trigger (issue 20)

Revision ID: d9a3e7c1f5b8
Revises: b1e5c7a3d9f2
Create Date: 2026-12-02 16:40:00

The tables start empty: every day is counted live from the tickets until it is summarized
(``kezek db rebuild-summary``, or the server's closer, a month of days a round).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kezek.indicators.summary_tables import (
    FIGURES,
    POSTGRES_DROP,
    POSTGRES_TRIGGERS,
    SQLITE_DROP,
    SQLITE_TRIGGERS,
)

revision: str = "d9a3e7c1f5b8"
down_revision: str | None = "b1e5c7a3d9f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    op.create_table(
        "day_summaries",
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False, server_default="0") for name in FIGURES),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"]),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"]),
        sa.PrimaryKeyConstraint("office_id", "business_day", "service_id"),
    )
    op.create_table(
        "summary_days",
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"]),
        sa.PrimaryKeyConstraint("office_id", "business_day"),
    )
    for statement in SQLITE_TRIGGERS if _sqlite() else POSTGRES_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    for statement in SQLITE_DROP if _sqlite() else POSTGRES_DROP:
        op.execute(statement)
    op.drop_table("summary_days")
    op.drop_table("day_summaries")
