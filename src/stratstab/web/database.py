"""Open the workbench's database and bring its schema up to date."""

from __future__ import annotations

from sqlalchemy import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from stratstab import db
from stratstab.errors import StoreError
from stratstab.migrations import upgrade_database


def _pool_options(url: str) -> dict:
    """Connection pool settings for the web engine.

    A request may hold a connection while it waits for a worker thread, so a burst of
    requests can want more connections than there are threads.  SQLite connections are
    cheap file handles: ten are kept open (opening one and setting its pragmas costs
    more than a vote) and any number more are opened when needed, so the pool never
    runs dry.  A server database gets a bounded pool.
    """
    if url.startswith("sqlite"):
        return {"pool_size": 10, "max_overflow": -1}
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
