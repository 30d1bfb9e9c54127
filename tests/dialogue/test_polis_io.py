"""Pol.is export reading, writing and the errors a broken export must raise."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from stratstab.dialogue.polis import (
    PolisComment,
    PolisExport,
    PolisVote,
    read_export,
    vote_matrix,
    write_export,
)
from stratstab.errors import InputError

COMMENTS = [
    PolisComment(
        comment_id=0,
        author_id=1,
        text="Keep the hotline open.",
        moderated=1,
        agrees=2,
        disagrees=0,
        timestamp=1_000,
    ),
    PolisComment(
        comment_id=1,
        author_id=2,
        text='Line one,\nline two "quoted"',
        moderated=-1,
        agrees=0,
        disagrees=1,
        timestamp=2_000,
    ),
    PolisComment(comment_id=2, author_id=1, text="No first use.", moderated=0, timestamp=3_000),
]
VOTES = [
    PolisVote(timestamp=10, comment_id=0, voter_id=7, vote=1),
    PolisVote(timestamp=30, comment_id=0, voter_id=7, vote=-1),  # later vote replaces
    PolisVote(timestamp=20, comment_id=0, voter_id=7, vote=0),  # earlier, out of order
    PolisVote(timestamp=11, comment_id=1, voter_id=3, vote=0),
    PolisVote(timestamp=12, comment_id=0, voter_id=3, vote=1),
]


@pytest.fixture()
def export_dir(tmp_path: Path) -> Path:
    write_export(tmp_path, COMMENTS, VOTES)
    return tmp_path


def test_round_trip_keeps_every_field(export_dir: Path) -> None:
    export = read_export(export_dir)
    assert export.comments == COMMENTS
    assert export.votes == VOTES
    assert export.participants_group_ids == {}


def test_written_headers_are_polis_headers(export_dir: Path) -> None:
    with (export_dir / "votes.csv").open() as handle:
        assert next(csv.reader(handle)) == [
            "timestamp",
            "datetime",
            "comment-id",
            "voter-id",
            "vote",
        ]
    with (export_dir / "comments.csv").open() as handle:
        assert next(csv.reader(handle))[-2:] == ["comment-body", "is-meta"]


def test_vote_matrix_keeps_latest_vote_by_timestamp(export_dir: Path) -> None:
    matrix = vote_matrix(read_export(export_dir))
    assert matrix.participant_ids == ["3", "7"]
    assert matrix.statement_ids == ["0", "1", "2"]
    expected = np.array([[1.0, 0.0, np.nan], [-1.0, np.nan, np.nan]])
    np.testing.assert_array_equal(matrix.values, expected)
    assert matrix.moderated_out.tolist() == [False, True, False]
    assert matrix.statement_texts[1].startswith("Line one,\nline two")
    assert matrix.delegations == [None, None]


def _rewrite(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new, 1))


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("votes.csv", "voter-id", "voter", "missing column 'voter-id'"),
        ("votes.csv", "UTC 1970,0,7,1", "UTC 1970,0,seven,1", "line 2, column 'voter-id'"),
        ("votes.csv", "UTC 1970,0,7,1", "UTC 1970,0,7,2", "line 2, column 'vote'"),
        ("votes.csv", "UTC 1970,0,7,1", "UTC 1970,9,7,1", "unknown comment 9"),
        ("votes.csv", "UTC 1970,0,7,1", "UTC 1970,0,7", "line 2: expected 5 fields"),
        ("comments.csv", ",2,1,0,0,0,", ",0,1,0,0,0,", "duplicate comment id 0"),
        ("comments.csv", ",2,1,0,0,0,", ",2,1,0,0,5,", "moderated must be -1, 0 or 1"),
    ],
)
def test_broken_export_names_file_line_and_column(
    export_dir: Path, file: str, old: str, new: str, expected: str
) -> None:
    _rewrite(export_dir / file, old, new)
    with pytest.raises(InputError) as caught:
        read_export(export_dir)
    message = str(caught.value)
    assert file in message
    assert expected in message


def test_line_numbers_count_multiline_comment_bodies(export_dir: Path) -> None:
    # comment 1's body spans two physical lines, so comment 2 starts on line 5
    _rewrite(export_dir / "comments.csv", ",2,1,0,0,0,", ",2,1,x,0,0,")
    with pytest.raises(InputError, match=r"line 5, column 'agrees'"):
        read_export(export_dir)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a directory"):
        read_export(tmp_path / "absent")
    with pytest.raises(InputError, match="comments.csv: file is missing"):
        read_export(tmp_path)


def test_group_ids_are_read_for_comparison(export_dir: Path) -> None:
    (export_dir / "participants-votes.csv").write_text(
        "participant,group-id,n-comments,n-votes\n3,1,0,2\n7,,0,1\n"
    )
    assert read_export(export_dir).participants_group_ids == {3: 1, 7: None}


def test_write_export_leaves_no_temporary_files(export_dir: Path) -> None:
    assert sorted(p.name for p in export_dir.iterdir()) == ["comments.csv", "votes.csv"]


def test_vote_matrix_of_empty_export() -> None:
    matrix = vote_matrix(PolisExport(comments=list(COMMENTS), votes=[]))
    assert matrix.values.shape == (0, 3)


# ------------------------------------------------------------ newer export layout
NEWER_EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "polis" / "seattle-15-per-hour"


def test_newer_layout_without_datetime_is_read() -> None:
    """The newer comments.csv (no ``datetime``; ``is-meta``, ``is-seed``,
    ``group-informed-consensus``), made from the real "$15/hour" conversation."""
    with (NEWER_EXAMPLE / "comments.csv").open() as handle:
        header = next(csv.reader(handle))
    assert "datetime" not in header and {"is-meta", "is-seed"} <= set(header)
    export = read_export(NEWER_EXAMPLE)
    assert len(export.comments) == 54 and len(export.votes) > 2900
    assert not any(c.is_meta or c.is_seed for c in export.comments)
    matrix = vote_matrix(export)
    assert matrix.values.shape == (339, 54)


def _newer_copy(tmp_path: Path, meta: dict[str, str]) -> Path:
    """The newer example with ``is-meta`` set as given (comment id -> cell text)."""
    folder = tmp_path / "newer"
    folder.mkdir()
    (folder / "votes.csv").write_bytes((NEWER_EXAMPLE / "votes.csv").read_bytes())
    with (NEWER_EXAMPLE / "comments.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    with (folder / "comments.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            row["is-meta"] = meta.get(row["comment-id"], row["is-meta"])
            writer.writerow(row)
    return folder


def test_meta_statements_leave_the_math_like_moderated_out_ones(tmp_path: Path) -> None:
    export = read_export(_newer_copy(tmp_path, {"3": "1", "5": "true"}))
    matrix = vote_matrix(export)
    flagged = dict(zip(matrix.statement_ids, matrix.moderated_out, strict=True))
    assert flagged["3"] and flagged["5"]
    by_id = {str(c.comment_id): c for c in export.comments}
    assert by_id["3"].is_meta and by_id["5"].is_meta and by_id["3"].moderated == 1
    assert all(flagged[k] == (c.moderated == -1 or c.is_meta) for k, c in by_id.items())


def test_a_bad_meta_flag_names_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"line \d+, column 'is-meta'"):
        read_export(_newer_copy(tmp_path, {"3": "maybe"}))


def test_meta_marks_survive_a_round_trip(tmp_path: Path) -> None:
    comments = [PolisComment(comment_id=0, author_id=1, text="I live in a city.", moderated=1,
                             is_meta=True)]  # fmt: skip
    write_export(tmp_path, comments, [PolisVote(timestamp=1, comment_id=0, voter_id=3, vote=1)])
    assert read_export(tmp_path).comments[0].is_meta
