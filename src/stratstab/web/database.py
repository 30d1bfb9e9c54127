"""Open the workbench's database and bring its schema up to date."""

from __future__ import annotations

from sqlalchemy import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from stratstab import db
from stratstab.errors import StoreError
from stratstab.migrations import upgrade_database


def _pool_options(url: str) -> dict:
    """Connection pool settings for the web engine.

    Up to the thread pool's 40 workers may need a connection at once, so the pool
    holds that many and lets a burst overflow rather than wait.  SQLite connections
    are pooled too: opening one (and setting its pragmas) costs more than a vote.
    """
    return {"pool_size": 10, "max_overflow": 40, "pool_timeout": 60}


def open_database(url: str) -> Engine:
    """An engine on ``url`` whose schema has been migrated to the newest revision."""
    try:
        engine = db.make_engine(url, **_pool_options(url))
        upgrade_database(engine)
    except SQLAlchemyError as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        raise StoreError(
            f"cannot open the database: {exc.__class__.__name__}", database=shown
        ) from exc
    return engine
