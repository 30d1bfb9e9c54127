"""Alembic migrations: head reached from code, models and migrations agree, down and up."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from stratstab.db import Base, make_engine
from stratstab.migrations import (
    alembic_config,
    current_revision,
    head_revision,
    import_models,
    upgrade_database,
)


def test_upgrade_downgrade_upgrade(database_url):
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) is None
        upgrade_database(engine)
        upgrade_database(engine)  # idempotent
        assert current_revision(engine) == head_revision()
        import_models()
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        assert {"dialogue", "vote", "ledger_entry"} <= set(inspect(engine).get_table_names())
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection=connection), "base")
        assert "vote" not in inspect(engine).get_table_names()
        upgrade_database(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
