"""cards.search_key (the names folded for the search by name) and card_searches (every
search, append-only, without what was typed), issue 17

Revision ID: d17c5e4a9b21
Revises: e2a7c5f9b1d4
Create Date: 2026-12-02 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kezek.intake.names import search_key
from kezek.queue.models import UTCDateTime

revision: str = "d17c5e4a9b21"
down_revision: str | None = "e2a7c5f9b1d4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "card_searches"


def _fill_keys() -> None:
    """The cards there are get their key (the names folded as new cards will be)."""
    conn = op.get_bind()
    cards = sa.table(
        "cards",
        sa.column("id", sa.Integer),
        sa.column("surname", sa.String),
        sa.column("name", sa.String),
        sa.column("patronymic", sa.String),
        sa.column("search_key", sa.String),
    )
    rows = conn.execute(sa.select(cards.c.id, cards.c.surname, cards.c.name, cards.c.patronymic))
    for card_id, surname, name, patronymic in rows.all():
        conn.execute(
            cards.update()
            .where(cards.c.id == card_id)
            .values(search_key=search_key(surname, name, patronymic or ""))
        )


def upgrade() -> None:
    op.add_column(
        "cards", sa.Column("search_key", sa.String(length=400), nullable=False, server_default="")
    )
    _fill_keys()
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("results", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_card_searches_office_at", TABLE, ["office_id", "at"])
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
    if op.get_context().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        op.execute(f"DROP FUNCTION IF EXISTS {TABLE}_append_only()")
    op.drop_index("ix_card_searches_office_at", table_name=TABLE)
    op.drop_table(TABLE)
    # In place on SQLite too (3.35+: no key or index on it); a batch copy of the table would
    # fail while applications and audit entries refer to cards.
    op.drop_column("cards", "search_key")
