"""Database plumbing shared by every persistent part of stratstab.

One declarative :class:`Base` holds the tables of the dialogue store and of the web
accounts, so a single Alembic history (``stratstab/migrations``) migrates them all.
The database is an embedded SQLite file by default; ``STRATSTAB_DATABASE_URL`` (or
an explicit ``url``) selects another server, PostgreSQL in particular.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, SessionTransactionOrigin, sessionmaker

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


# How long a writer waits for another process's write transaction (e.g. a batch of a
# long ``import-polis``) before giving up with "database is locked", in milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 30_000

# Execution option that makes a transaction on SQLite start with BEGIN IMMEDIATE.
WRITE_OPTION = "stratstab_write"

# One lock per SQLite file: writers of this process queue here (first come, first
# served) instead of polling the file lock, which SQLite does with growing sleeps.
_SQLITE_WRITE_LOCKS: dict[str, threading.RLock] = {}
_SQLITE_WRITE_LOCKS_GUARD = threading.Lock()


def _enable_sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - driver hook
    # Transactions are begun by _begin_sqlite below, not by the driver, so that a
    # write transaction takes the write lock at BEGIN (no lock upgrade that fails).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Write-ahead log: readers never block the writer nor the writer the readers.
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL syncs at checkpoints: a killed process loses nothing that
    # was committed; a power cut may lose the last transactions, never corrupt.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _begin_sqlite(connection) -> None:  # pragma: no cover - driver hook
    immediate = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def is_sqlite(engine: Engine) -> bool:
    """Whether ``engine`` talks to SQLite."""
    return engine.dialect.name == "sqlite"


def sqlite_write_lock(engine: Engine) -> threading.RLock | None:
    """The in-process lock shared by every writer of this SQLite file (None elsewhere)."""
    if not is_sqlite(engine):
        return None
    known = engine.__dict__.get("_stratstab_write_lock")
    if known is not None:
        return known
    key = str(engine.url.database or ":memory:")
    key = key if key == ":memory:" else str(Path(key).expanduser().resolve())
    with _SQLITE_WRITE_LOCKS_GUARD:
        lock = _SQLITE_WRITE_LOCKS.setdefault(key, threading.RLock())
    engine.__dict__["_stratstab_write_lock"] = lock
    return lock


def _create_private_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only (0600), in a 0700 folder if new.

    Delegations' positions live in this file; the default umask would leave it readable
    by every account on the machine.  SQLite gives its ``-wal`` and ``-shm`` files the
    mode of the database file.  Existing files and folders keep their modes.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """Create an engine; for SQLite, create the file privately, turn on foreign keys and WAL."""
    resolved = database_url(url)
    if resolved.startswith("sqlite"):
        path = resolved.split("///", 1)[-1]
        if path and path != ":memory:" and not path.startswith("file:") and "?" not in path:
            _create_private_file(Path(path).expanduser())
        kwargs.setdefault(
            "connect_args", {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        if "poolclass" not in kwargs and path and path != ":memory:":
            # Ten connections stay open; a burst opens more rather than wait for one.
            kwargs.setdefault("pool_size", 10)
            kwargs.setdefault("max_overflow", -1)
        engine = create_engine(resolved, **kwargs)
        event.listen(engine, "connect", _enable_sqlite_pragmas)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(resolved, **kwargs)


def begin_write(session: Session) -> None:
    """Make ``session``'s transaction a write transaction from here on.

    On SQLite a transaction begun by a read holds a snapshot; its first write must
    upgrade the lock, and if another connection committed since the snapshot was taken
    SQLite refuses at once ("database is locked": the busy timeout does not apply).
    So a caller that read, did slow work (a password hash) and now writes calls this
    first: a transaction the session began by itself (autobegin, as a request's session
    does) that did not begin as a write is committed -- it ends the snapshot; whatever
    the caller changed before is committed with it -- and the next one begins as a
    write (BEGIN IMMEDIATE on SQLite, waiting for other writers up to
    :data:`SQLITE_BUSY_TIMEOUT_MS`).  A transaction the caller began explicitly
    (``session.begin()``, :func:`transaction`) is theirs to end and is left as it is:
    begin it with ``write=True`` when it writes.  Objects stay loaded
    (``expire_on_commit=False``); re-read any fact the write depends on.
    """
    current = session.get_transaction()
    if current is not None:
        if session.connection().get_execution_options().get(WRITE_OPTION, False):
            return
        if current.origin is not SessionTransactionOrigin.AUTOBEGIN:
            return
        session.commit()
    session.connection(execution_options={WRITE_OPTION: True})


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose sessions do not expire objects on commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session], *, write: bool = False) -> Iterator[Session]:
    """A session inside one transaction: commit on success, roll back on any error.

    ``write`` marks a transaction that will write: on SQLite it waits for this
    process's other writers, then starts with BEGIN IMMEDIATE, so it holds the write
    lock from its first read and cannot fail half-way on a lock upgrade; another
    process's writer is waited for up to :data:`SQLITE_BUSY_TIMEOUT_MS`.
    Keep write transactions short: every other writer waits for them.
    """
    engine = factory.kw["bind"]
    lock = sqlite_write_lock(engine) if write else None
    with lock or nullcontext(), factory() as session, session.begin():
        if write:
            session.connection(execution_options={WRITE_OPTION: True})
        yield session
