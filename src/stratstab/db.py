"""Database plumbing shared by every persistent part of stratstab.

One declarative :class:`Base` holds the tables of the dialogue store and of the web
accounts, so a single Alembic history (``stratstab/migrations``) migrates them all.
The database is an embedded SQLite file by default; ``STRATSTAB_DATABASE_URL`` (or
an explicit ``url``) selects another server, PostgreSQL in particular.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every stratstab table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def default_database_path() -> Path:
    """Where the embedded SQLite database lives unless told otherwise."""
    root = os.environ.get("STRATSTAB_HOME") or os.path.join(
        os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "stratstab"
    )
    return Path(root) / "stratstab.sqlite"


def database_url(url: str | None = None) -> str:
    """Resolve the database URL: explicit argument, then the environment, then SQLite."""
    if url:
        return url
    env = os.environ.get("STRATSTAB_DATABASE_URL")
    if env:
        return env
    return f"sqlite:///{default_database_path()}"


def _enable_sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - driver hook
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """Create an engine; for SQLite, create the folder and turn on foreign keys and WAL."""
    resolved = database_url(url)
    if resolved.startswith("sqlite"):
        path = resolved.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(resolved, **kwargs)
        event.listen(engine, "connect", _enable_sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(resolved, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose sessions do not expire objects on commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session inside one transaction: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session
