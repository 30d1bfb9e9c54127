"""Malformed Pol.is exports: each is refused with one clear line, never taken silently.

Every case here was once either a traceback (an out-of-range timestamp) or silently
accepted (a repeated column, an unterminated quote, NUL characters, an empty body).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stratstab.dialogue.polis import read_export
from stratstab.errors import InputError

from .test_cli_dialogue import _stratstab

COMMENTS_HEADER = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
)
VOTES_HEADER = "timestamp,datetime,comment-id,voter-id,vote\n"
GOOD_COMMENTS = (
    COMMENTS_HEADER
    + "1000,x,0,1,1,0,1,Keep the hotline open.\n"
    + "2000,x,1,2,0,1,1,No first use.\n"
)
GOOD_VOTES = VOTES_HEADER + "10,x,0,7,1\n11,x,1,7,-1\n"


def _export(folder: Path, comments: str = GOOD_COMMENTS, votes: str = GOOD_VOTES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "comments.csv").write_text(comments, encoding="utf-8")
    (folder / "votes.csv").write_text(votes, encoding="utf-8")
    return folder


MALFORMED = {
    "timestamp-year-10000": (
        GOOD_COMMENTS,
        VOTES_HEADER + "10,x,0,7,1\n253402300800000,x,1,7,-1\n",
        "votes.csv: line 3, column 'timestamp': timestamp 253402300800000 ms is outside",
    ),
    "negative-timestamp-comment": (
        GOOD_COMMENTS.replace("2000,x,1", "-99999999999999999,x,1"),
        GOOD_VOTES,
        "comments.csv: line 3, column 'timestamp'",
    ),
    "duplicated-comment-id-column": (
        COMMENTS_HEADER.replace("comment-body", "comment-body,comment-id")
        + "1000,x,0,1,1,0,1,Keep the hotline open.,5\n",
        GOOD_VOTES,
        "comments.csv: line 1: column 'comment-id' appears twice (columns 3 and 9)",
    ),
    "unterminated-quote": (
        COMMENTS_HEADER
        + '1000,x,0,1,1,0,1,"Keep the hotline open.\n'
        + "2000,x,1,2,0,1,1,No first use.\n",
        GOOD_VOTES,
        "comments.csv: line 2: a quoted field is never closed",
    ),
    "nul-byte": (
        GOOD_COMMENTS.replace("No first use.", "No first\x00use."),
        GOOD_VOTES,
        "comments.csv: line 3: NUL character",
    ),
    "nul-byte-votes": (
        GOOD_COMMENTS,
        GOOD_VOTES.replace("11,x", "1\x001,x"),
        "votes.csv: line 3: NUL character",
    ),
    "empty-comment-body": (
        GOOD_COMMENTS.replace("No first use.", "   "),
        GOOD_VOTES,
        "comments.csv: line 3, column 'comment-body': empty comment text",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_export_is_refused(tmp_path: Path, case: str) -> None:
    comments, votes, expected = MALFORMED[case]
    folder = _export(tmp_path / case, comments, votes)
    with pytest.raises(InputError) as caught:
        read_export(folder)
    assert expected in str(caught.value)


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_import_polis_gives_one_line_and_exit_2(tmp_path: Path, case: str) -> None:
    comments, votes, expected = MALFORMED[case]
    folder = _export(tmp_path / case, comments, votes)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    result = _stratstab("dialogue", "import-polis", str(folder), "--database-url", url)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert expected.split(": ", 1)[1][:30] in result.stderr.replace("\n", "")


def test_well_formed_export_still_reads(tmp_path: Path) -> None:
    export = read_export(_export(tmp_path / "good"))
    assert [c.text for c in export.comments] == ["Keep the hotline open.", "No first use."]
    assert len(export.votes) == 2
