"""Pol.is import/export through the store; failures midway leave the database unchanged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from stratstab.dialogue import polis, polis_io
from stratstab.dialogue.polis import PolisComment, PolisVote, write_export
from stratstab.dialogue.store import DialogueStore
from stratstab.errors import InputError


def test_import_matches_the_export_reader_and_round_trips(store, tmp_path, polis_folder):
    folder = polis_folder("brexit-consensus")
    summary = store.import_polis("brexit", folder)
    assert (summary.statements, summary.votes) == (50, 5312)
    expected = polis.vote_matrix(polis.read_export(folder))
    matrix = store.vote_matrix("brexit")
    assert matrix.participant_ids == expected.participant_ids
    assert matrix.statement_ids == expected.statement_ids
    np.testing.assert_array_equal(matrix.values, expected.values)
    np.testing.assert_array_equal(matrix.moderated_out, expected.moderated_out)
    # Export, re-import elsewhere: same history and same latest votes.
    store.export_polis("brexit", tmp_path / "out")
    store.import_polis("again", tmp_path / "out")
    assert len(store.vote_history("again")) == 5312
    np.testing.assert_array_equal(store.vote_matrix("again").values, expected.values)


def _small_export(folder, *, votes_text=None):
    comments = [PolisComment(i, 0, f"statement {i}", 1, timestamp=1_000 + i) for i in range(3)]
    votes = [PolisVote(2_000 + n, n % 3, n // 3, (n % 3) - 1) for n in range(30)]
    write_export(folder, comments, votes)
    if votes_text is not None:
        (folder / "votes.csv").write_text(votes_text)


def _state(store, slug):
    return (store.statements(slug), store.vote_history(slug), store.participants(slug))


@pytest.mark.parametrize(
    "votes_text, message",
    [
        ("timestamp,datetime,comment-id,voter-id,vote\n1,x,0,1,1\n2,x,99,1,1\n", "unknown comment"),
        ("timestamp,datetime,comment-id,voter-id,vote\n1,x,0,1,7\n", "vote must be"),
        ("timestamp,datetime,comment-id,voter-id\n1,x,0,1\n", "missing column"),
        ('timestamp,datetime,comment-id,voter-id,vote\n1,x,0,"1,1\n', "never closed"),
    ],
)
def test_broken_csv_is_refused_and_nothing_is_written(store, tmp_path, votes_text, message):
    _small_export(tmp_path / "good")
    store.import_polis("d", tmp_path / "good")
    before = _state(store, "d")
    _small_export(tmp_path / "bad", votes_text=votes_text)
    with pytest.raises(InputError, match=message):
        store.import_polis("d", tmp_path / "bad")
    with pytest.raises(InputError, match=message):
        store.import_polis("fresh", tmp_path / "bad")
    assert _state(store, "d") == before
    assert [d.slug for d in store.list_dialogues()] == ["d"]


def test_duplicate_import_is_refused(store, tmp_path):
    _small_export(tmp_path / "x")
    store.import_polis("d", tmp_path / "x")
    before = _state(store, "d")
    with pytest.raises(InputError, match="already exists"):
        store.import_polis("d", tmp_path / "x")
    assert _state(store, "d") == before


def test_failure_midway_rolls_back_everything(store, tmp_path, monkeypatch):
    _small_export(tmp_path / "x")
    store.import_polis("d", tmp_path / "x")
    before = _state(store, "d")
    comments = [PolisComment(i, 0, f"big {i}", 1) for i in range(10)]
    votes = [PolisVote(n, n % 10, n // 10, 1) for n in range(12_000)]
    write_export(tmp_path / "big", comments, votes)
    original, calls = polis_io.insert_vote_chunk, []

    def failing(session, rows):
        calls.append(len(rows))
        if len(calls) == 2:  # after one chunk of votes is already in
            raise RuntimeError("disk on fire")
        original(session, rows)

    monkeypatch.setattr(polis_io, "insert_vote_chunk", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.import_polis("new", tmp_path / "big")
    assert calls == [polis_io.VOTE_CHUNK_ROWS, polis_io.VOTE_CHUNK_ROWS]
    assert _state(store, "d") == before
    assert [d.slug for d in store.list_dialogues()] == ["d"]


CHILD = textwrap.dedent(
    """
    import sys, time
    from stratstab.dialogue import polis_io
    from stratstab.dialogue.store import DialogueStore

    original = polis_io.insert_vote_chunk
    def slow(session, rows):
        original(session, rows)
        session.flush()
        print("midway", flush=True)   # rows are written inside the open transaction
        time.sleep(3600)              # held open until the test kills this process
    polis_io.insert_vote_chunk = slow
    DialogueStore(sys.argv[1]).import_polis("big", sys.argv[2])
    """
)


def test_sigkill_during_import_leaves_database_consistent(database_url, tmp_path):
    with DialogueStore(database_url) as store:
        _small_export(tmp_path / "small")
        store.import_polis("d", tmp_path / "small")
        before = _state(store, "d")
    comments = [PolisComment(i, 0, f"big {i}", 1) for i in range(20)]
    votes = [PolisVote(n, n % 20, n // 20, 1) for n in range(6_000)]
    write_export(tmp_path / "big", comments, votes)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, database_url, str(tmp_path / "big")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "midway"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    # No wait for the server: reads see only committed rows, and the import below
    # blocks on the dead transaction's locks until PostgreSQL has rolled it back.
    with DialogueStore(database_url) as store:
        assert [d.slug for d in store.list_dialogues()] == ["d"]
        assert _state(store, "d") == before
        # The database still takes writes (no stale lock left behind).
        store.import_polis("big", tmp_path / "big")
        assert len(store.vote_history("big")) == 6_000


def test_newer_export_with_meta_statements_imports_and_they_leave_the_math(store, tmp_path):
    from tests.dialogue.test_polis_io import _newer_copy

    store.import_polis("seattle", _newer_copy(tmp_path, {"3": "1"}))
    by_id = {s.external_id: s for s in store.statements("seattle")}
    assert by_id["3"].is_meta and not by_id["4"].is_meta
    matrix = store.vote_matrix("seattle")
    flagged = dict(zip(matrix.statement_ids, matrix.moderated_out, strict=True))
    assert flagged["3"] and not flagged["4"]


def _left_out(store, slug):
    matrix = store.vote_matrix(slug)
    return dict(zip(matrix.statement_ids, matrix.moderated_out, strict=True))


def test_a_facilitator_marks_a_statement_meta_and_clears_it(store, tmp_path):
    from tests.dialogue.test_polis_io import NEWER_EXAMPLE

    store.import_polis("seattle", NEWER_EXAMPLE)
    assert store.mark_meta("seattle", "7").is_meta
    assert _left_out(store, "seattle")["7"]
    store.export_polis("seattle", tmp_path / "out")
    exported = polis.read_export(tmp_path / "out").comments
    assert [c.is_meta for c in exported if c.comment_id == 7] == [True]
    assert not store.mark_meta("seattle", "7", is_meta=False).is_meta
    assert not _left_out(store, "seattle")["7"]
