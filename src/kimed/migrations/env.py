"""Alembic environment: runs on the connection handed in by kimed.db.migrate, or on the URL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

import kimed.accounts.models  # noqa: F401
import kimed.catalog.algorithms.models  # noqa: F401
import kimed.catalog.models  # noqa: F401  (registers the tables on Base.metadata)
import kimed.catalog.suitability.saved  # noqa: F401
from kimed.db import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = sa.create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
