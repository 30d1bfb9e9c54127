"""Alembic migrations of every stratstab table, run from code with the package's own config.

No ``alembic.ini`` is needed in the user's working directory: :func:`alembic_config`
builds the configuration in memory and points it at this folder, and
:func:`upgrade_database` brings any database to the newest revision inside one
connection (one transaction where the database supports transactional DDL).

Other parts of stratstab that own tables add their model module to
:data:`MODEL_MODULES` so ``alembic revision --autogenerate`` sees them, and add a
revision file under ``versions/`` whose ``down_revision`` is the current head.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent

# Modules whose import registers tables on stratstab.db.Base (for autogenerate).
MODEL_MODULES: tuple[str, ...] = (
    "stratstab.dialogue.models",
    "stratstab.dialogue.membership",
    "stratstab.accounts.models",
    "stratstab.workspace.models",
    "stratstab.exercises.store",
)


def import_models() -> None:
    """Import every module that declares tables; modules not written yet are skipped."""
    for name in MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # the module exists but one of its imports is missing
                raise


def alembic_config(*, connection: Connection | None = None, url: str | None = None) -> Config:
    """An in-memory Alembic configuration for this package's migrations.

    ``connection`` (preferred) is handed to ``env.py`` so the migration runs on it;
    ``url`` is used only when no connection is given (the ``alembic`` command line).
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision id shipped with this version of stratstab."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations folder holds no revision"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision a database is at, or ``None`` when it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_database(engine: Engine, *, revision: str = "head") -> None:
    """Migrate the database behind ``engine`` up to ``revision`` (default: newest)."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection=connection), revision)
