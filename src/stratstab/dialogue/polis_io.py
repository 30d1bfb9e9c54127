"""Import and export of Pol.is conversations (``comments.csv``, ``votes.csv``) to the store.

Parsing and writing the CSV files is :mod:`stratstab.dialogue.polis`'s job; this module
maps a parsed export onto the dialogue tables and back.  The import runs inside the
caller's single transaction and inserts votes in chunks, so a failure or a killed
process at any point leaves nothing of the import behind.

Mapping: a Pol.is comment is a statement with the comment id as external id and its
text as ``text_en``; ``moderated`` 1 / 0 / -1 is accepted / pending / rejected; ``is-meta`` (newer
exports) marks a meta statement, which the analysis leaves out; voter and
author ids become participants (no delegation); every vote row is kept as history.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from stratstab.dialogue import queries
from stratstab.dialogue.models import Dialogue, Participant, Round, Statement, Vote
from stratstab.dialogue.polis import PolisComment, PolisExport, PolisVote, read_export, write_export
from stratstab.dialogue.records import ImportSummary
from stratstab.errors import InputError, NotFoundError

VOTE_CHUNK_ROWS = 5000
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


def insert_vote_chunk(session: Session, rows: list[dict]) -> None:
    """Insert one chunk of vote rows (a separate function so tests can interrupt it)."""
    session.execute(insert(Vote), rows)


def import_export(session: Session, dialogue: Dialogue, export: PolisExport) -> ImportSummary:
    """Add a parsed Pol.is export to ``dialogue`` (inside the caller's transaction)."""
    voters = {str(v.voter_id) for v in export.votes}
    authors = {str(c.author_id) for c in export.comments if c.author_id >= 0}
    before = len(
        session.scalars(select(Participant.id).where(Participant.dialogue_id == dialogue.id)).all()
    )
    people = _participants(session, dialogue, voters | authors)
    statement_of = _statements(session, dialogue, export, people)
    in_round = queries.current_round(session, dialogue)
    round_id = in_round.id if in_round else None
    chunk: list[dict] = []
    for vote in export.votes:
        chunk.append(
            {
                "participant_id": people[str(vote.voter_id)],
                "statement_id": statement_of[vote.comment_id],
                "value": vote.vote,
                "importance": None,
                "cast_at": moment(vote.timestamp),
                "round_id": round_id,
            }
        )
        if len(chunk) >= VOTE_CHUNK_ROWS:
            insert_vote_chunk(session, chunk)
            chunk = []
    if chunk:
        insert_vote_chunk(session, chunk)
    return ImportSummary(
        dialogue=dialogue.slug,
        directory=export.directory,
        participants=len(people) - before,
        statements=len(statement_of),
        votes=len(export.votes),
    )


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
