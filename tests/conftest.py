"""Shared test configuration."""

import os

import pytest
from hypothesis import settings

os.environ.setdefault("MPLBACKEND", "Agg")

# Property tests draw the same examples on every run: a suite that passes must pass
# again on the next clean clone, so no example is drawn at random and no failure is
# replayed from a local example database.  Raise the counts locally to hunt for bugs.
settings.register_profile("stratstab", derandomize=True, database=None, deadline=None)
settings.load_profile("stratstab")


@pytest.fixture()
def tmp_workdir(tmp_path, monkeypatch):
    """Run a test inside its own empty working directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ---------------------------------------------------------------- databases
# ``database_url`` runs a test once on an SQLite file and once on PostgreSQL (when
# STRATSTAB_TEST_POSTGRES_URL is set, as scripts/test.sh does).  Each PostgreSQL test
# gets a schema of its own (selected through the connection's search_path) that is
# dropped afterwards, so tests never see each other's tables, even under xdist.


def _postgres_schema_url(base_url: str, schema: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def database_url(request, tmp_path):
    """A fresh, empty database URL: an SQLite file, or a private PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'stratstab-test.sqlite'}"
        return
    base = os.environ.get("STRATSTAB_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("PostgreSQL not available: STRATSTAB_TEST_POSTGRES_URL is not set")
    import uuid

    from sqlalchemy import create_engine, text

    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _postgres_schema_url(base, schema)
    finally:
        with admin.connect() as connection:
            # A test that left a transaction open would block the drop; fail fast.
            connection.execute(text("SET lock_timeout = '10s'"))
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
