"""Fixtures of the dialogue store tests (each runs on SQLite and on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stratstab.dialogue.store import DialogueStore

POLIS_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "polis-open-data"


@pytest.fixture()
def polis_folder():
    """Finder of a real Pol.is export shipped with the project's shared data."""

    def find(name: str) -> Path:
        for root in (POLIS_DATA, Path("/work/shared/data/polis-open-data")):
            if (root / name).is_dir():
                return (root / name).resolve()
        pytest.skip(f"Pol.is open data {name!r} not found")

    return find


@pytest.fixture()
def store(database_url):
    """An empty, migrated store."""
    with DialogueStore(database_url) as opened:
        yield opened


@pytest.fixture()
def cnus(store):
    """A CN–US Track II dialogue with two people per delegation and three statements."""
    store.create_dialogue(slug="cnus", title="CN–US Track II", track="II", parties=["CN", "US"])
    for person, delegation in (("c1", "CN"), ("c2", "CN"), ("u1", "US"), ("u2", "US")):
        store.add_participant("cnus", external_id=person, delegation=delegation)
    store.add_statement("cnus", external_id="s1", text_en="Keep a hotline open.",
                        text_zh="保持热线畅通。", moderation="accepted")  # fmt: skip
    store.add_statement("cnus", external_id="s2", text_en="Missile defense is destabilising.",
                        moderation="accepted")  # fmt: skip
    store.add_statement("cnus", external_id="s3", text_en="Off topic.", moderation="pending")
    return store
