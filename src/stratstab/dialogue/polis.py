"""Read and write the Pol.is export format (``comments.csv``, ``votes.csv``).

The layout follows the public exports of compdemocracy.org: ``votes.csv`` has
``timestamp,datetime,comment-id,voter-id,vote`` (1 agree, -1 disagree, 0 pass) and may hold
several votes of one voter on one comment, of which the latest counts; ``comments.csv`` has
``timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body`` with
``moderated`` -1 (moderated out), 0 (not yet moderated) or 1 (accepted).  Newer exports
drop ``datetime`` from ``comments.csv`` and add ``is-meta`` (a statement about the
participants, left out of the math like a moderated-out one), ``is-seed`` (written by
the moderator) and ``group-informed-consensus``.  Both layouts are read: columns are
found by name, ``datetime`` (never used: ``timestamp`` is the time) may be absent, and
the newer flags are kept when present.  An optional
``participants-votes.csv`` carries the ``group-id`` Pol.is itself assigned; it is read only so
that an analysis can be *compared* with Pol.is, never as an input to one.

References: compdemocracy/openData (export format of public Pol.is conversations).
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score

from stratstab.dialogue.consensus import ConsensusResult, VoteMatrix, analyze
from stratstab.errors import InputError

COMMENTS_FILE, VOTES_FILE, PARTICIPANTS_FILE = "comments.csv", "votes.csv", "participants-votes.csv"
COMMENT_COLUMNS = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)
VOTE_COLUMNS = ("timestamp", "datetime", "comment-id", "voter-id", "vote")
#: Columns a file must have to be read, in either layout (``datetime`` is optional).
REQUIRED_COMMENT_COLUMNS = tuple(name for name in COMMENT_COLUMNS if name != "datetime")
REQUIRED_VOTE_COLUMNS = tuple(name for name in VOTE_COLUMNS if name != "datetime")
#: Flags of the newer layout, read when present (0/1, true/false; blank is 0).
COMMENT_FLAGS = ("is-meta", "is-seed")
FLAG_VALUES = {"": False, "0": False, "false": False, "1": True, "true": True}
# The last millisecond of 9999-12-31 UTC: the largest moment a Python datetime holds.
MAX_TIMESTAMP_MS = 253_402_300_799_999


@dataclass(frozen=True)
class PolisComment:
    """One statement of a Pol.is conversation (timestamp in milliseconds since 1970 UTC)."""

    comment_id: int
    author_id: int
    text: str
    moderated: int
    agrees: int = 0
    disagrees: int = 0
    timestamp: int = 0
    #: A statement about the participants or the process (newer exports' ``is-meta``).
    is_meta: bool = False
    #: Written by the moderator to start the conversation (newer exports' ``is-seed``).
    is_seed: bool = False


@dataclass(frozen=True)
class PolisVote:
    """One vote: 1 agree, -1 disagree, 0 pass (timestamp in milliseconds since 1970 UTC)."""

    timestamp: int
    comment_id: int
    voter_id: int
    vote: int


@dataclass(frozen=True)
class PolisExport:
    """A Pol.is conversation as read from an export directory."""

    comments: list[PolisComment]
    votes: list[PolisVote]
    #: voter id -> opinion group Pol.is assigned (None: not grouped); comparison only.
    participants_group_ids: dict[int, int | None] = field(default_factory=dict)
    directory: str = ""


def read_export(directory: str | os.PathLike[str]) -> PolisExport:
    """Read ``comments.csv``, ``votes.csv`` and (if present) ``participants-votes.csv``.

    Raises :class:`~stratstab.errors.InputError` naming the file, line and column of the
    first problem: a missing file or column, a malformed number, a vote outside
    {-1, 0, 1}, a vote on an unknown comment or a duplicate comment id.
    """
    root = Path(directory)
    if not root.is_dir():
        raise InputError("not a directory with a Pol.is export", source=str(root))
    comments = _read_comments(root / COMMENTS_FILE)
    known = {comment.comment_id for comment in comments}
    votes = _read_votes(root / VOTES_FILE, known_comment_ids=known)
    groups_path = root / PARTICIPANTS_FILE
    groups = _read_group_ids(groups_path) if groups_path.exists() else {}
    return PolisExport(
        comments=comments, votes=votes, participants_group_ids=groups, directory=str(root)
    )


def vote_matrix(export: PolisExport) -> VoteMatrix:
    """Build the participant × statement matrix of latest votes from an export.

    Rows are voter ids in ascending numeric order, columns comment ids in ascending order
    (every comment of ``comments.csv``, voted on or not).  For each (voter, comment) the
    vote with the largest timestamp counts; on equal timestamps the later line wins.
    Comments with ``moderated == -1`` and meta comments are flagged as moderated out
    (Pol.is leaves both out of the math).
    """
    comments = sorted(export.comments, key=lambda comment: comment.comment_id)
    voter_ids = sorted({vote.voter_id for vote in export.votes})
    row_of = {voter: row for row, voter in enumerate(voter_ids)}
    column_of = {comment.comment_id: column for column, comment in enumerate(comments)}
    values = np.full((len(voter_ids), len(comments)), np.nan)
    latest: dict[tuple[int, int], int] = {}
    for vote in export.votes:
        key = (vote.voter_id, vote.comment_id)
        if key in latest and latest[key] > vote.timestamp:
            continue
        latest[key] = vote.timestamp
        values[row_of[vote.voter_id], column_of[vote.comment_id]] = float(vote.vote)
    return VoteMatrix(
        participant_ids=[str(voter) for voter in voter_ids],
        statement_ids=[str(comment.comment_id) for comment in comments],
        values=values,
        moderated_out=np.array(
            [comment.moderated == -1 or comment.is_meta for comment in comments], dtype=bool
        ),
        delegations=[None] * len(voter_ids),
        statement_texts=[comment.text for comment in comments],
    )


def analyze_export(directory: str | os.PathLike[str], **options: Any) -> ConsensusResult:
    """Opinion groups and consensus of a Pol.is export folder, in one call.

    Reads the export (:func:`read_export`), builds its vote matrix (:func:`vote_matrix`)
    and runs :func:`~stratstab.dialogue.consensus.analyze` with ``options`` (``seed``,
    ``max_groups``, ``confidence`` ...).
    """
    return analyze(votes=vote_matrix(read_export(directory)), **options)


def write_export(
    directory: str | os.PathLike[str],
    comments: Sequence[PolisComment],
    votes: Sequence[PolisVote],
) -> list[Path]:
    """Write ``comments.csv`` and ``votes.csv`` with Pol.is's headers; return their paths.

    Each file is written to a temporary name and renamed into place, so a failure never
    leaves a half-written export behind.  ``datetime`` is rendered in UTC; ``is-meta``
    follows the older layout's columns, so meta marks survive a round trip.
    """
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    comment_rows = (
        [
            c.timestamp,
            _format_datetime(c.timestamp),
            c.comment_id,
            c.author_id,
            c.agrees,
            c.disagrees,
            c.moderated,
            c.text,
            int(c.is_meta),
        ]
        for c in comments
    )
    vote_rows = (
        [v.timestamp, _format_datetime(v.timestamp), v.comment_id, v.voter_id, v.vote]
        for v in votes
    )
    return [
        _write_csv_atomically(root / COMMENTS_FILE, (*COMMENT_COLUMNS, "is-meta"), comment_rows),
        _write_csv_atomically(root / VOTES_FILE, VOTE_COLUMNS, vote_rows),
    ]


# --------------------------------------------------------------------------- reading


def _records(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number where the record starts, row) after checking the header.

    This is the one place every Pol.is CSV goes through, so it refuses what the ``csv``
    module would otherwise take silently: a column named twice (the last would win), a
    quoted field never closed (it would swallow the rest of the file) and NUL characters.
    """
    if not path.is_file():
        raise InputError("file is missing from the Pol.is export", source=str(path))
    start = 1
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, strict=True)
            header = next(reader, None)
            if header is None:
                raise InputError("file is empty; expected a CSV header", source=str(path))
            header = [name.strip() for name in header]
            _check_header(header, required, path=path)
            start = reader.line_num + 1
            for row in reader:
                if row:
                    if any("\x00" in value for value in row):
                        raise InputError(
                            "NUL character in the record; expected plain text",
                            source=str(path),
                            field=f"line {start}",
                        )
                    if len(row) != len(header):
                        raise InputError(
                            f"expected {len(header)} fields, found {len(row)}",
                            source=str(path),
                            field=f"line {start}",
                        )
                    yield start, dict(zip(header, row, strict=True))
                start = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", source=str(path)) from exc
    except csv.Error as exc:
        problem = (
            "a quoted field is never closed (missing '\"')"
            if "unexpected end of data" in str(exc)
            else f"malformed CSV ({exc})"
        )
        raise InputError(problem, source=str(path), field=f"line {start}") from exc


def _check_header(header: list[str], required: Sequence[str], *, path: Path) -> None:
    """Every required column present, and no column named twice."""
    for name in required:
        if name not in header:
            raise InputError(
                f"missing column {name!r} (expected columns: {', '.join(required)})",
                source=str(path),
                field="line 1",
            )
    for position, name in enumerate(header):
        if name in header[:position]:
            raise InputError(
                f"column {name!r} appears twice (columns {header.index(name) + 1} "
                f"and {position + 1})",
                source=str(path),
                field="line 1",
            )


def _integer(row: dict[str, str], column: str, *, path: Path, line: int) -> int:
    text = row[column].strip()
    try:
        return int(text)
    except ValueError:
        raise InputError(
            f"expected an integer, found {text!r}",
            source=str(path),
            field=f"line {line}, column {column!r}",
        ) from None


def _timestamp(row: dict[str, str], *, path: Path, line: int) -> int:
    """A Pol.is timestamp (milliseconds since 1970 UTC) that a calendar date can hold."""
    value = _integer(row, "timestamp", path=path, line=line)
    if not 0 <= value <= MAX_TIMESTAMP_MS:
        raise InputError(
            f"timestamp {value} ms is outside 1970-01-01 to 9999-12-31 (milliseconds since "
            "1970 UTC expected)",
            source=str(path),
            field=f"line {line}, column 'timestamp'",
        )
    return value


def _read_comments(path: Path) -> list[PolisComment]:
    comments: list[PolisComment] = []
    seen: dict[int, int] = {}
    for line, row in _records(path, REQUIRED_COMMENT_COLUMNS):
        number = {
            name: _integer(row, name, path=path, line=line)
            for name in ("comment-id", "agrees", "disagrees", "moderated")
        }
        number["timestamp"] = _timestamp(row, path=path, line=line)
        where = f"line {line}, column "
        if number["moderated"] not in (-1, 0, 1):
            raise InputError(
                f"moderated must be -1, 0 or 1, found {number['moderated']}",
                source=str(path),
                field=where + "'moderated'",
            )
        comment_id = number["comment-id"]
        if comment_id in seen:
            raise InputError(
                f"duplicate comment id {comment_id} (first on line {seen[comment_id]})",
                source=str(path),
                field=where + "'comment-id'",
            )
        seen[comment_id] = line
        flags = {name: _flag(row, name, path=path, line=line) for name in COMMENT_FLAGS}
        if not row["comment-body"].strip():
            raise InputError(
                "empty comment text; every statement needs a body",
                source=str(path),
                field=where + "'comment-body'",
            )
        author = row["author-id"].strip()
        comments.append(
            PolisComment(
                comment_id=comment_id,
                author_id=_integer(row, "author-id", path=path, line=line) if author else -1,
                text=row["comment-body"],
                moderated=number["moderated"],
                agrees=number["agrees"],
                disagrees=number["disagrees"],
                timestamp=number["timestamp"],
                is_meta=flags["is-meta"],
                is_seed=flags["is-seed"],
            )
        )
    return comments


def _flag(row: dict[str, str], column: str, *, path: Path, line: int) -> bool:
    """A 0/1 (or true/false) flag of the newer layout; False where the column is absent."""
    text = row.get(column, "").strip().lower()
    if text not in FLAG_VALUES:
        raise InputError(
            f"expected 0 or 1, found {text!r}",
            source=str(path),
            field=f"line {line}, column {column!r}",
        )
    return FLAG_VALUES[text]


def _read_votes(path: Path, *, known_comment_ids: set[int]) -> list[PolisVote]:
    votes: list[PolisVote] = []
    for line, row in _records(path, REQUIRED_VOTE_COLUMNS):
        number = {
            name: _integer(row, name, path=path, line=line)
            for name in ("comment-id", "voter-id", "vote")
        }
        number["timestamp"] = _timestamp(row, path=path, line=line)
        if number["vote"] not in (-1, 0, 1):
            raise InputError(
                f"vote must be 1 (agree), -1 (disagree) or 0 (pass), found {number['vote']}",
                source=str(path),
                field=f"line {line}, column 'vote'",
            )
        if number["comment-id"] not in known_comment_ids:
            raise InputError(
                f"vote on unknown comment {number['comment-id']} (not in {COMMENTS_FILE})",
                source=str(path),
                field=f"line {line}, column 'comment-id'",
            )
        votes.append(
            PolisVote(
                timestamp=number["timestamp"],
                comment_id=number["comment-id"],
                voter_id=number["voter-id"],
                vote=number["vote"],
            )
        )
    return votes


def _read_group_ids(path: Path) -> dict[int, int | None]:
    groups: dict[int, int | None] = {}
    for line, row in _records(path, ("participant", "group-id")):
        participant = _integer(row, "participant", path=path, line=line)
        text = row["group-id"].strip()
        groups[participant] = _integer(row, "group-id", path=path, line=line) if text else None
    return groups


# --------------------------------------------------------------------------- writing


def _format_datetime(timestamp_ms: int) -> str:
    moment = datetime.fromtimestamp(timestamp_ms / 1000.0, tz=UTC)
    return moment.strftime("%a %b %d %H:%M:%S UTC %Y")


def _write_csv_atomically(path: Path, header: Sequence[str], rows: Iterable[list]) -> Path:
    handle = tempfile.NamedTemporaryFile(
        "w", newline="", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
    )
    try:
        with handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return path


@dataclass(frozen=True)
class PolisComparison:
    """How an analysis's grouping compares with the ``group-id`` Pol.is assigned."""

    adjusted_rand_index: float
    n_compared: int
    n_groups_polis: int
    n_grouped_polis: int


def compare_with_polis(*, export: PolisExport, result: ConsensusResult) -> PolisComparison:
    """Adjusted Rand index between our groups and Pol.is's, over participants both grouped.

    References: Hubert & Arabie (1985), J. Classification 2:193–218 (adjusted Rand index).
    """
    ours, theirs = [], []
    for participant, group in zip(result.participant_ids, result.groups, strict=True):
        polis_group = export.participants_group_ids.get(int(participant))
        if group >= 0 and polis_group is not None:
            ours.append(int(group))
            theirs.append(polis_group)
    known = {g for g in export.participants_group_ids.values() if g is not None}
    return PolisComparison(
        adjusted_rand_index=float(adjusted_rand_score(theirs, ours)) if ours else float("nan"),
        n_compared=len(ours),
        n_groups_polis=len(known),
        n_grouped_polis=sum(g is not None for g in export.participants_group_ids.values()),
    )
