"""Import and export of Pol.is conversations (``comments.csv``, ``votes.csv``) to the store.

Parsing and writing the CSV files is :mod:`stratstab.dialogue.polis`'s job; this module
maps a parsed export onto the dialogue tables and back.

A large export (a million votes and more) must not hold the database's write lock
for minutes: web users keep voting while it is imported.  So the import is a short
transaction that adds the statements and participants and a :class:`PolisImport`
row (:func:`begin_import`), then one transaction per batch of votes
(:func:`insert_vote_chunk`, :data:`VOTE_CHUNK_ROWS` rows), with a pause between
batches for other writers, then :func:`finish_import`.  The row records what the
import added, so an import that fails is undone (:func:`delete_vote_batch`,
:func:`remove_import`), and one whose process died is undone when the store is
next opened (:func:`interrupted_imports`).

Mapping: a Pol.is comment is a statement with the comment id as external id and its
text as ``text_en``; ``moderated`` 1 / 0 / -1 is accepted / pending / rejected; ``is-meta`` (newer
exports) marks a meta statement, which the analysis leaves out; voter and
author ids become participants (no delegation); every vote row is kept as history.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from stratstab.dialogue import queries, snapshots
from stratstab.dialogue.models import (
    Dialogue,
    Participant,
    PolisImport,
    Round,
    Statement,
    Vote,
    utc_now,
)
from stratstab.dialogue.polis import PolisComment, PolisExport, PolisVote, read_export, write_export
from stratstab.dialogue.records import ImportSummary
from stratstab.errors import InputError, NotFoundError

# Votes per committed batch: about 20-50 ms of write lock on SQLite.
VOTE_CHUNK_ROWS = 5000
# Pause after each batch, as a share of the batch's own time (at least the minimum):
# other processes' writers, polling the lock, get their turn.
PAUSE_SHARE = 0.25
PAUSE_MIN_S = 0.01
MODERATION_OF = {1: "accepted", 0: "pending", -1: "rejected"}
POLIS_MODERATED = {state: code for code, state in MODERATION_OF.items()}


def read(directory: str | os.PathLike[str]) -> PolisExport:
    """Parse a Pol.is export directory (errors name file, line and column)."""
    return read_export(directory)


def write(
    directory: str | os.PathLike[str], comments: Sequence[PolisComment], votes: Sequence[PolisVote]
) -> list[Path]:
    """Write a Pol.is export directory."""
    return write_export(directory, comments, votes)


def moment(timestamp_ms: int) -> datetime:
    """A Pol.is millisecond timestamp as an aware UTC datetime."""
    return datetime.fromtimestamp(timestamp_ms / 1000.0, tz=UTC)


def milliseconds(when: datetime) -> int:
    """An aware datetime as Pol.is milliseconds since 1970 UTC."""
    return int(round(when.timestamp() * 1000.0))


def target_dialogue(session: Session, slug: str, *, create: bool) -> Dialogue:
    """The dialogue to import into; created (track II, round 1 open) when asked."""
    try:
        return queries.dialogue_by_slug(session, slug)
    except NotFoundError:
        if not create:
            raise
    from stratstab.dialogue.validate import slug_text

    dialogue = Dialogue(slug=slug_text(slug, field="dialogue"), title=f"Pol.is import {slug}")
    dialogue.track, dialogue.parties, dialogue.description = "II", [], ""
    session.add(dialogue)
    session.flush()
    opening = Round(dialogue_id=dialogue.id, number=1, status="open")
    opening.agenda, opening.participants = [], []
    session.add(opening)
    session.flush()
    return dialogue


def _participants(session: Session, dialogue: Dialogue, ids: set[str]) -> dict[str, int]:
    existing = dict(
        session.execute(
            select(Participant.external_id, Participant.id).where(
                Participant.dialogue_id == dialogue.id
            )
        ).all()
    )
    missing = [
        {"dialogue_id": dialogue.id, "external_id": pid, "display_name": "", "role": ""}
        for pid in queries.natural_order(sorted(ids - set(existing)))
    ]
    if missing:
        session.execute(insert(Participant), missing)
    return dict(
        session.execute(
            select(Participant.external_id, Participant.id).where(
                Participant.dialogue_id == dialogue.id
            )
        ).all()
    )


def _statements(
    session: Session, dialogue: Dialogue, export: PolisExport, people: dict[str, int]
) -> dict[int, int]:
    taken = set(
        session.scalars(select(Statement.external_id).where(Statement.dialogue_id == dialogue.id))
    )
    rows = []
    for comment in export.comments:
        if str(comment.comment_id) in taken:
            raise InputError(
                f"statement {comment.comment_id} already exists in dialogue {dialogue.slug!r}",
                source=export.directory,
                field="comments.csv comment-id",
            )
        author = people.get(str(comment.author_id)) if comment.author_id >= 0 else None
        rows.append(
            {
                "dialogue_id": dialogue.id,
                "external_id": str(comment.comment_id),
                "text_en": comment.text,
                "text_zh": "",
                "author_id": author,
                "topics": [],
                "moderation": MODERATION_OF[comment.moderated],
                "is_meta": comment.is_meta,
                "sealed": False,
                "created_at": moment(comment.timestamp),
            }
        )
    if rows:
        session.execute(insert(Statement), rows)
    found = session.execute(
        select(Statement.external_id, Statement.id).where(Statement.dialogue_id == dialogue.id)
    ).all()
    wanted = {str(c.comment_id) for c in export.comments}
    return {int(external): sid for external, sid in found if external in wanted}


@dataclass(frozen=True)
class ImportPlan:
    """What :func:`begin_import` set up: database ids the vote rows refer to."""

    import_id: int
    dialogue: str
    people: dict[str, int]
    statement_of: dict[int, int]
    round_id: int | None
    new_participants: int


def begin_import(session: Session, slug: str, export: PolisExport, *, create: bool) -> ImportPlan:
    """Add the export's participants and statements and record the import as running."""
    existed = session.scalar(select(Dialogue.id).where(Dialogue.slug == slug)) is not None
    dialogue = target_dialogue(session, slug, create=create)
    voters = {str(v.voter_id) for v in export.votes}
    authors = {str(c.author_id) for c in export.comments if c.author_id >= 0}
    before = set(
        session.scalars(select(Participant.id).where(Participant.dialogue_id == dialogue.id))
    )
    people = _participants(session, dialogue, voters | authors)
    statement_of = _statements(session, dialogue, export, people)
    in_round = queries.current_round(session, dialogue)
    added = sorted(set(people.values()) - before)
    run = PolisImport(dialogue_id=dialogue.id, status="running", created_dialogue=not existed)
    run.statement_ids, run.participant_ids = sorted(statement_of.values()), added
    run.votes_total, run.votes_done = len(export.votes), 0
    run.host, run.pid, run.started_at = socket.gethostname(), os.getpid(), utc_now()
    session.add(run)
    session.flush()
    return ImportPlan(
        import_id=run.id,
        dialogue=dialogue.slug,
        people=people,
        statement_of=statement_of,
        round_id=in_round.id if in_round else None,
        new_participants=len(added),
    )


def vote_chunks(export: PolisExport, plan: ImportPlan) -> Iterator[list[dict]]:
    """The export's vote rows in chunks of :data:`VOTE_CHUNK_ROWS`."""
    chunk: list[dict] = []
    for vote in export.votes:
        chunk.append(
            {
                "participant_id": plan.people[str(vote.voter_id)],
                "statement_id": plan.statement_of[vote.comment_id],
                "value": vote.vote,
                "importance": None,
                "cast_at": moment(vote.timestamp),
                "round_id": plan.round_id,
            }
        )
        if len(chunk) >= VOTE_CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def insert_vote_chunk(session: Session, rows: list[dict]) -> None:
    """Insert one chunk of vote rows (a separate function so tests can interrupt it)."""
    session.execute(insert(Vote), rows)


def record_progress(session: Session, plan: ImportPlan, votes_done: int) -> None:
    """Note how many votes are in (in the batch's own transaction)."""
    session.execute(
        update(PolisImport).where(PolisImport.id == plan.import_id).values(votes_done=votes_done)
    )


def between_batches(batch_s: float) -> None:
    """Pause after a committed batch that took ``batch_s`` seconds, for other writers."""
    time.sleep(max(PAUSE_MIN_S, PAUSE_SHARE * batch_s))


def finish_import(session: Session, plan: ImportPlan, export: PolisExport) -> ImportSummary:
    """Mark the import done; what it added."""
    session.execute(
        update(PolisImport)
        .where(PolisImport.id == plan.import_id)
        .values(status="done", finished_at=utc_now(), votes_done=len(export.votes))
    )
    return ImportSummary(
        dialogue=plan.dialogue,
        directory=export.directory,
        participants=plan.new_participants,
        statements=len(plan.statement_of),
        votes=len(export.votes),
    )


def delete_vote_batch(session: Session, import_id: int, rows: int = VOTE_CHUNK_ROWS) -> int:
    """Delete up to ``rows`` votes on the statements an import added; return how many."""
    statement_ids = session.scalar(
        select(PolisImport.statement_ids).where(PolisImport.id == import_id)
    )
    if not statement_ids:
        return 0
    doomed = select(Vote.id).where(Vote.statement_id.in_(statement_ids)).limit(rows)
    ids = list(session.scalars(doomed))
    if ids:
        session.execute(
            delete(Vote).where(Vote.id.in_(ids)).execution_options(synchronize_session=False)
        )
    return len(ids)


def remove_import(session: Session, import_id: int) -> None:
    """Delete what an import added (its votes already gone) and its record."""
    run = session.get(PolisImport, import_id)
    if run is None:
        return
    gone = {"synchronize_session": False}
    if run.statement_ids:
        stmt = delete(Statement).where(Statement.id.in_(run.statement_ids))
        session.execute(stmt.execution_options(**gone))
    if run.participant_ids:
        stmt = delete(Participant).where(Participant.id.in_(run.participant_ids))
        session.execute(stmt.execution_options(**gone))
    if run.created_dialogue:
        session.execute(delete(Dialogue).where(Dialogue.id == run.dialogue_id))
    else:  # the dialogue stays, its votes changed
        snapshots.mark_changed(session, run.dialogue_id)
    session.execute(delete(PolisImport).where(PolisImport.id == import_id))


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


def interrupted_imports(session: Session) -> list[int]:
    """Imports still marked running whose process on this host no longer exists.

    Imports started on other hosts are left alone: whether their process lives
    cannot be told from here.
    """
    here = socket.gethostname()
    rows = session.execute(
        select(PolisImport.id, PolisImport.host, PolisImport.pid).where(
            PolisImport.status == "running"
        )
    ).all()
    return [
        i for i, host, pid in rows if host == here and pid != os.getpid() and _process_gone(pid)
    ]


def _integer_ids(ids: Sequence[str]) -> dict[str, int]:
    """Pol.is needs integer ids: keep integer ids, else number them in natural order."""
    ordered = queries.natural_order(list(ids))
    if all(i.isdigit() for i in ordered):
        return {i: int(i) for i in ordered}
    return {i: n for n, i in enumerate(ordered)}


def collect(
    session: Session, dialogue: Dialogue, *, public_only: bool = False
) -> tuple[list[PolisComment], list[PolisVote]]:
    """The dialogue's statements and full vote history as Pol.is records.

    With ``public_only``, only accepted statements that are not sealed are written,
    with the votes on them, numbered afresh so that no gap in the numbers tells that
    a pending or sealed statement exists.
    """
    statements = session.scalars(
        select(Statement).where(Statement.dialogue_id == dialogue.id)
    ).all()
    if public_only:
        statements = [s for s in statements if s.moderation == "accepted" and not s.sealed]
    people = session.scalars(
        select(Participant).where(Participant.dialogue_id == dialogue.id)
    ).all()
    person_no = _integer_ids([p.external_id for p in people])
    statement_no = _integer_ids([s.external_id for s in statements])
    if public_only:
        ordered = queries.natural_order([s.external_id for s in statements])
        statement_no = {external: number for number, external in enumerate(ordered)}
    history = [r for r in queries.vote_history(session, dialogue) if r.statement in statement_no]
    latest = {
        (r[0], r[1]): r[2]
        for r in session.execute(queries.latest_votes_query(dialogue.id))
        if r[1] in statement_no
    }
    comments = []
    for s in sorted(statements, key=lambda s: statement_no[s.external_id]):
        values = [v for (_, sid), v in latest.items() if sid == s.external_id]
        comments.append(
            PolisComment(
                comment_id=statement_no[s.external_id],
                author_id=person_no[s.author.external_id] if s.author else -1,
                text=s.text_en or s.text_zh,
                moderated=POLIS_MODERATED[s.moderation],
                agrees=sum(1 for v in values if v == 1),
                disagrees=sum(1 for v in values if v == -1),
                timestamp=milliseconds(s.created_at),
                is_meta=s.is_meta,
            )
        )
    votes = [
        PolisVote(
            timestamp=milliseconds(r.cast_at),
            comment_id=statement_no[r.statement],
            voter_id=person_no[r.participant],
            vote=r.value,
        )
        for r in history
    ]
    return comments, votes
