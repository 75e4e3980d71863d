"""Alembic environment: the engine comes from ``kezek.migrate.config``."""

from alembic import context
from sqlmodel import SQLModel

import kezek.models  # noqa: F401  (registers every table)

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
