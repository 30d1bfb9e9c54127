"""Dialogue store: entities, vote history, latest-vote matrix, bad input (SQLite and PG)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from stratstab.dialogue.store import DialogueStore
from stratstab.errors import InputError, NotFoundError, StoreError

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _snapshot(store: DialogueStore, slug: str) -> tuple:
    """Everything a dialogue holds, to compare before and after a refused write."""
    return (
        store.get_dialogue(slug),
        store.participants(slug),
        store.statements(slug),
        store.vote_history(slug),
        store.ledger(slug),
        store.scope_positions(slug),
    )


def test_create_and_list(store):
    info = store.create_dialogue(slug="a", title="A", track="1.5", parties=["cn", "US"])
    assert info.parties == ("CN", "US") and info.rounds == 1
    assert [d.code for d in store.delegations("a")] == ["CN", "US"]
    assert [d.slug for d in store.list_dialogues()] == ["a"]
    assert store.rounds("a")[0].status == "open"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"slug": "Bad Slug", "title": "t", "track": "II", "parties": ["CN", "US"]}, "slug"),
        ({"slug": "ok", "title": "t", "track": "III", "parties": ["CN", "US"]}, "track"),
        ({"slug": "ok", "title": " ", "track": "II", "parties": ["CN", "US"]}, "title"),
        ({"slug": "ok", "title": "t", "track": "II", "parties": ["CN", "cn"]}, "parties"),
        ({"slug": "ok", "title": "t", "track": "II", "parties": ["CN"]}, "parties"),
        (
            {"slug": "ok", "title": "t", "track": "II", "parties": ["CN", "US", "RU", "FR", "UK"]},
            "parties",
        ),
        ({"slug": "ok", "title": "t", "track": "II", "parties": ["CN", "U S"]}, "parties"),
    ],
)
def test_create_rejects_bad_input(store, kwargs, field):
    with pytest.raises(InputError) as caught:
        store.create_dialogue(**kwargs)
    assert caught.value.field == field
    assert store.list_dialogues() == []


def test_duplicate_ids_are_refused_and_nothing_changes(cnus):
    before = _snapshot(cnus, "cnus")
    with pytest.raises(InputError, match="already exists"):
        cnus.create_dialogue(slug="cnus", title="again", track="II", parties=["CN", "US"])
    with pytest.raises(InputError, match="already exists"):
        cnus.add_participant("cnus", external_id="c1")
    with pytest.raises(InputError, match="already exists"):
        cnus.add_statement("cnus", external_id="s1", text_en="dup")
    with pytest.raises(InputError, match="already exists"):
        cnus.add_round("cnus", number=1)
    assert _snapshot(cnus, "cnus") == before


def test_vote_history_is_kept_and_latest_counts(cnus):
    cnus.cast_vote("cnus", participant="c1", statement="s1", value=1, cast_at=T0)
    cnus.cast_vote("cnus", participant="c1", statement="s1", value=-1, cast_at=T0 + timedelta(1))
    cnus.cast_vote("cnus", participant="c1", statement="s1", value=0, cast_at=T0 + timedelta(2))
    # An out-of-order vote with an older time does not replace the latest one.
    cnus.cast_vote("cnus", participant="c1", statement="s1", value=1, cast_at=T0 - timedelta(1))
    history = cnus.vote_history("cnus", participant="c1", statement="s1")
    assert [v.value for v in history] == [1, 1, -1, 0]  # ordered by time
    assert all(v.round == 1 for v in history)
    [current] = cnus.current_votes("cnus")
    assert (current.value, current.cast_at) == (0, T0 + timedelta(2))


def test_equal_timestamps_later_insert_wins(cnus):
    cnus.cast_vote("cnus", participant="u1", statement="s2", value=1, cast_at=T0)
    cnus.cast_vote("cnus", participant="u1", statement="s2", value=-1, cast_at=T0)
    assert [v.value for v in cnus.current_votes("cnus")] == [-1]


def test_vote_matrix_uses_latest_votes_and_flags_moderation(cnus):
    cnus.cast_vote("cnus", participant="c1", statement="s1", value=1, cast_at=T0)
    cnus.cast_vote("cnus", participant="c1", statement="s1", value=-1, cast_at=T0 + timedelta(1))
    cnus.cast_vote("cnus", participant="u2", statement="s2", value=0, cast_at=T0)
    cnus.cast_vote("cnus", participant="u2", statement="s3", value=1, cast_at=T0)
    cnus.moderate("cnus", "s3", state="rejected")
    matrix = cnus.vote_matrix("cnus")
    assert matrix.participant_ids == ["c1", "u2"]  # only people who voted
    assert matrix.statement_ids == ["s1", "s2", "s3"]
    assert matrix.delegations == ["CN", "US"]
    np.testing.assert_array_equal(
        matrix.values, np.array([[-1.0, np.nan, np.nan], [np.nan, 0.0, 1.0]])
    )
    assert matrix.moderated_out.tolist() == [False, False, True]
    assert matrix.statement_texts[0] == "Keep a hotline open."


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"participant": "c1", "statement": "nope", "value": 1}, "unknown statement"),
        ({"participant": "ghost", "statement": "s1", "value": 1}, "unknown participant"),
        ({"participant": "c1", "statement": "s1", "value": 2}, "agree"),
        ({"participant": "c1", "statement": "s1", "value": 1, "importance": 4}, "importance"),
        ({"participant": "c1", "statement": "s1", "value": 1, "round_number": 7}, "round"),
    ],
)
def test_bad_votes_are_refused(cnus, kwargs, message):
    with pytest.raises(InputError, match=message):
        cnus.cast_vote("cnus", **kwargs)
    assert cnus.vote_history("cnus") == []


def test_vote_on_rejected_statement_is_refused(cnus):
    cnus.moderate("cnus", "s3", state="rejected")
    with pytest.raises(InputError, match="moderated out"):
        cnus.cast_vote("cnus", participant="c1", statement="s3", value=1)


def test_unknown_dialogue_and_topic(cnus):
    with pytest.raises(NotFoundError, match="known: cnus"):
        cnus.statements("other")
    with pytest.raises(InputError, match="unknown topic 'space'"):
        cnus.add_statement("cnus", text_en="x", topics=["space"])
    with pytest.raises(InputError, match="needs text"):
        cnus.add_statement("cnus", text_en=" ")


def test_statement_fields_round_trip(cnus):
    cnus.add_statement("cnus", text_en="AI", text_zh="人工智能", author="u1",
                       topics=["ai-nc3", "cyber"], is_meta=True)  # fmt: skip
    [last] = [s for s in cnus.statements("cnus") if s.text_en == "AI"]
    assert (last.external_id, last.author, last.topics, last.is_meta) == (
        "0",
        "u1",
        ("ai-nc3", "cyber"),
        True,
    )
    assert last.text_zh == "人工智能" and last.created_at.tzinfo is not None


def test_store_reopens_existing_database(database_url, cnus):
    with DialogueStore(database_url) as again:
        assert [s.external_id for s in again.statements("cnus")] == ["s1", "s2", "s3"]


def test_unopenable_databases_raise_store_error(tmp_path):
    garbage = tmp_path / "not-a-db.sqlite"
    garbage.write_bytes(b"this is certainly not an SQLite database file" * 100)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    urls = [
        f"sqlite:///{garbage}",
        "nosuchdialect://x/y",
        "postgresql+psycopg://nobody@127.0.0.1:1/none",
        f"sqlite:///{tmp_path / 'a-file'}/sub/db.sqlite",
    ]
    (tmp_path / "a-file").write_text("x")
    for url in urls:
        with pytest.raises(StoreError, match="cannot open database"):
            DialogueStore(url)
    assert garbage.read_bytes().startswith(b"this is certainly")
