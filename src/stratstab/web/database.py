"""Open the workbench's database and bring its schema up to date."""

from __future__ import annotations

from sqlalchemy import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from stratstab import db
from stratstab.errors import StoreError
from stratstab.migrations import upgrade_database


def open_database(url: str) -> Engine:
    """An engine on ``url`` whose schema has been migrated to the newest revision."""
    try:
        # Requests return their connection early (see deps.get_login), but up to the
        # thread pool's 40 workers may each need one at once.
        engine = db.make_engine(url, pool_size=10, max_overflow=40, pool_timeout=60)
        upgrade_database(engine)
    except SQLAlchemyError as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        raise StoreError(f"cannot open the database {shown!r}: {exc.__class__.__name__}") from exc
    return engine
