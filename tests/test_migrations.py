"""The migrations and the models say the same: a database upgraded to the head revision
needs no further revision (what ``alembic revision --autogenerate`` would write is empty)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import kezek.models  # noqa: F401 (every table registers on the metadata)

# Alembic cannot compare an index on an expression (``priority DESC``): it reports each as
# removed and added again. Their definitions are checked by the queue's own tests (the plan).
EXPRESSION_INDEXES = {"ix_tickets_call", "ix_tickets_order"}


def _expression_index(change: tuple[object, ...]) -> bool:
    return change[0] in ("add_index", "remove_index") and (
        getattr(change[1], "name", None) in EXPRESSION_INDEXES
    )


def test_the_head_revision_matches_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    diff = [change for change in diff if not _expression_index(change)]
    assert diff == [], "the models and the migrations differ: write a revision"
