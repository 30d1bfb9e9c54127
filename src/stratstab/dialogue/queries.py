"""Lookups and read queries on an open session, shared by the store's parts.

Every lookup raises :class:`~stratstab.errors.NotFoundError` (an unknown dialogue) or
:class:`~stratstab.errors.InputError` (an unknown statement, participant ... named on
input) with the id that was not found, so callers never see ``None`` surprises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session, contains_eager

from stratstab.dialogue.consensus import VoteMatrix
from stratstab.dialogue.models import (
    Delegation,
    Dialogue,
    Participant,
    Round,
    Statement,
    Vote,
)
from stratstab.dialogue.records import VoteRecord
from stratstab.errors import InputError, NotFoundError


def dialogue_by_slug(session: Session, slug: str) -> Dialogue:
    """The dialogue called ``slug``."""
    found = session.scalar(select(Dialogue).where(Dialogue.slug == slug))
    if found is None:
        known = session.scalars(select(Dialogue.slug).order_by(Dialogue.slug)).all()
        hint = f"; known: {', '.join(known)}" if known else "; no dialogue exists yet"
        # The list helps at the command line; the web shows only the key's text, which
        # names no other dialogue.
        raise NotFoundError(f"unknown dialogue {slug!r}{hint}").with_key(
            "dlgerr.no_dialogue", slug=slug
        )
    return found


def _one(session: Session, query: Select, what: str, key: object, field: str) -> object:
    found = session.scalar(query)
    if found is None:
        raise InputError(f"unknown {what} {key!r}", field=field)
    return found


@dataclass(frozen=True)
class VoteTarget:
    """What a new vote refers to (see :func:`vote_target`): database ids, and the facts
    about the statement that the access rules need (``author`` is the author's
    participant id, ``author_delegation`` their delegation code)."""

    dialogue_id: int
    participant_id: int
    statement_id: int
    moderation: str
    sealed: bool
    is_meta: bool
    author: str | None
    author_delegation: str | None
    round_id: int | None
    round_number: int | None

    @property
    def public(self) -> bool:
        """Whether the statement is part of the public consensus (accepted, unsealed, not meta)."""
        return self.moderation == "accepted" and not self.sealed and not self.is_meta


def _vote_target_query(*, named_round: bool) -> Select:
    """The query behind :func:`vote_target`, built once with bound parameters."""
    dialogue_id = select(Dialogue.id).where(Dialogue.slug == bindparam("slug")).scalar_subquery()
    rounds = select(Round.id, Round.number).where(Round.dialogue_id == dialogue_id)
    rounds = (
        (
            rounds.where(Round.number == bindparam("round_number"))
            if named_round
            else rounds.where(Round.status == "open").order_by(Round.number)
        )
        .limit(1)
        .subquery()
    )
    voter = select(Participant.id).where(
        Participant.dialogue_id == dialogue_id,
        Participant.external_id == bindparam("participant"),
    )
    author = Participant.__table__.alias("author")
    return (
        select(
            Statement.dialogue_id,
            voter.scalar_subquery(),
            Statement.id,
            Statement.moderation,
            Statement.sealed,
            Statement.is_meta,
            author.c.external_id,
            Delegation.code,
            select(rounds.c.id).scalar_subquery(),
            select(rounds.c.number).scalar_subquery(),
        )
        .outerjoin(author, author.c.id == Statement.author_id)
        .outerjoin(Delegation, Delegation.id == author.c.delegation_id)
        .where(
            Statement.dialogue_id == dialogue_id, Statement.external_id == bindparam("statement")
        )
    )


# Built once: every vote runs one of them, and building a statement costs more than running it.
_VOTE_TARGET = {named: _vote_target_query(named_round=named) for named in (False, True)}


def vote_target(
    session: Session, slug: str, *, participant: str, statement: str, round_number: int | None
) -> VoteTarget | None:
    """Everything a vote needs in one query; None if the dialogue, participant, statement
    or the named round is unknown.

    The round is ``round_number`` or, without it, the current round (which may not
    exist: then the round fields are None).
    """
    parameters = {"slug": slug, "participant": participant, "statement": statement}
    if round_number is not None:
        parameters["round_number"] = round_number
    # Core execution on the session's connection: plain columns need no ORM layer, and
    # this is the busiest query of the workbench (one per vote).
    row = session.connection().execute(_VOTE_TARGET[round_number is not None], parameters).first()
    if row is None or row[1] is None or (round_number is not None and row[8] is None):
        return None
    return VoteTarget(*row)


def round_by_number(session: Session, dialogue: Dialogue, number: int) -> Round:
    """Round ``number`` of ``dialogue``."""
    query = select(Round).where(Round.dialogue_id == dialogue.id, Round.number == number)
    return _one(session, query, f"round of dialogue {dialogue.slug!r}:", number, "round")  # type: ignore[return-value]


def current_round(session: Session, dialogue: Dialogue) -> Round | None:
    """The round under way: the lowest-numbered open round, or ``None``."""
    query = (
        select(Round)
        .where(Round.dialogue_id == dialogue.id, Round.status == "open")
        .order_by(Round.number)
        .limit(1)
    )
    return session.scalar(query)


def delegation_by_code(session: Session, dialogue: Dialogue, code: str) -> Delegation:
    """Delegation ``code`` (e.g. ``CN``) of ``dialogue``."""
    query = select(Delegation).where(Delegation.dialogue_id == dialogue.id, Delegation.code == code)
    return _one(session, query, "delegation", code, "delegation")  # type: ignore[return-value]


def participant_by_id(session: Session, dialogue: Dialogue, external_id: str) -> Participant:
    """Participant with external id ``external_id`` in ``dialogue``."""
    query = select(Participant).where(
        Participant.dialogue_id == dialogue.id, Participant.external_id == external_id
    )
    return _one(session, query, "participant", external_id, "participant")  # type: ignore[return-value]


def statement_by_id(session: Session, dialogue: Dialogue, external_id: str) -> Statement:
    """Statement with external id ``external_id`` in ``dialogue``."""
    query = select(Statement).where(
        Statement.dialogue_id == dialogue.id, Statement.external_id == external_id
    )
    return _one(session, query, "statement", external_id, "statement")  # type: ignore[return-value]


def latest_votes_query(dialogue_id: int) -> Select:
    """Latest vote per (participant, statement) of a dialogue, as (participant external
    id, statement external id, value, importance, cast_at) rows.

    The latest row is the one with the greatest ``cast_at``, ties broken by the greater
    ``id`` (the later insert); the window runs over the ``ix_vote_latest`` index.
    """
    rank = (
        func.row_number()
        .over(
            partition_by=(Vote.participant_id, Vote.statement_id),
            order_by=(Vote.cast_at.desc(), Vote.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(Vote.participant_id, Vote.statement_id, Vote.value, Vote.importance, Vote.cast_at)
        .add_columns(rank)
        .join(Statement, Statement.id == Vote.statement_id)
        .where(Statement.dialogue_id == dialogue_id)
        .subquery()
    )
    return (
        select(
            Participant.external_id,
            Statement.external_id,
            ranked.c.value,
            ranked.c.importance,
            ranked.c.cast_at,
        )
        .join(Participant, Participant.id == ranked.c.participant_id)
        .join(Statement, Statement.id == ranked.c.statement_id)
        .where(ranked.c.rank == 1)
    )


def natural_order(ids: Sequence[str]) -> list[str]:
    """Ids sorted numerically when all are integers (Pol.is ids), else as text."""
    if all(i.lstrip("-").isdigit() for i in ids):
        return sorted(ids, key=int)
    return sorted(ids)


def build_vote_matrix(session: Session, dialogue: Dialogue) -> VoteMatrix:
    """The participants × statements matrix of latest votes of ``dialogue``.

    Rows: participants with at least one vote; columns: every statement.  Rejected
    and meta statements are flagged ``moderated_out`` (Pol.is leaves both out of the
    opinion space).  Values: 1 agree, -1 disagree, 0 pass, NaN not voted.
    """
    statements = session.scalars(
        select(Statement).where(Statement.dialogue_id == dialogue.id)
    ).all()
    by_id = {s.external_id: s for s in statements}
    statement_ids = natural_order(list(by_id))
    latest = session.execute(latest_votes_query(dialogue.id)).all()
    participant_ids = natural_order(sorted({row[0] for row in latest}))
    row_of = {pid: i for i, pid in enumerate(participant_ids)}
    column_of = {sid: j for j, sid in enumerate(statement_ids)}
    values = np.full((len(participant_ids), len(statement_ids)), np.nan)
    for participant, statement, value, _importance, _cast_at in latest:
        values[row_of[participant], column_of[statement]] = float(value)
    delegation_of = dict(
        session.execute(
            select(Participant.external_id, Delegation.code)
            .join(Delegation, Delegation.id == Participant.delegation_id)
            .where(Participant.dialogue_id == dialogue.id)
        ).all()
    )
    return VoteMatrix(
        participant_ids=participant_ids,
        statement_ids=statement_ids,
        values=values,
        moderated_out=np.array(
            [by_id[s].moderation == "rejected" or by_id[s].is_meta for s in statement_ids],
            dtype=bool,
        ),
        delegations=[delegation_of.get(p) for p in participant_ids],
        statement_texts=[by_id[s].text_en or by_id[s].text_zh for s in statement_ids],
    )


def vote_history(
    session: Session,
    dialogue: Dialogue,
    *,
    participant: str | None = None,
    statement: str | None = None,
) -> list[VoteRecord]:
    """Every vote row of a dialogue, oldest first (by ``cast_at``, then insertion)."""
    query = (
        select(
            Participant.external_id,
            Statement.external_id,
            Vote.value,
            Vote.importance,
            Vote.cast_at,
            Round.number,
        )
        .join(Participant, Participant.id == Vote.participant_id)
        .join(Statement, Statement.id == Vote.statement_id)
        .outerjoin(Round, Round.id == Vote.round_id)
        .where(Statement.dialogue_id == dialogue.id)
        .order_by(Vote.cast_at, Vote.id)
    )
    if participant is not None:
        query = query.where(Participant.external_id == participant)
    if statement is not None:
        query = query.where(Statement.external_id == statement)
    return [VoteRecord(*row) for row in session.execute(query).all()]


def no_statement(slug: str, statement: str) -> NotFoundError:
    """The error for a statement that does not exist or that the reader may not see
    (one message for both, so that existence is not revealed)."""
    return NotFoundError(f"no statement {statement!r} in {slug!r}").with_key(
        "dlgerr.no_statement", statement=statement
    )


def public_voter_count(session: Session, slug: str) -> int:
    """Participants of ``slug`` with a vote on an accepted, unsealed statement."""
    query = (
        select(func.count(func.distinct(Vote.participant_id)))
        .join(Statement, Statement.id == Vote.statement_id)
        .join(Dialogue, Dialogue.id == Statement.dialogue_id)
        .where(
            Dialogue.slug == slug,
            Statement.moderation == "accepted",
            Statement.sealed.is_(False),
        )
    )
    return int(session.scalar(query) or 0)


# Every request about a dialogue asks it: built once.
_DELEGATION_CODES = (
    select(Dialogue.id, Delegation.code)
    .outerjoin(Delegation, Delegation.dialogue_id == Dialogue.id)
    .where(Dialogue.slug == bindparam("slug"))
    .order_by(Delegation.code)
)


def delegation_codes(session: Session, slug: str) -> list[str]:
    """Delegation codes of a dialogue in one query; NotFoundError for an unknown slug
    (naming no other dialogue: the web shows it)."""
    rows = session.connection().execute(_DELEGATION_CODES, {"slug": slug}).all()
    if not rows:
        raise NotFoundError(f"no dialogue {slug!r}").with_key("dlgerr.no_dialogue", slug=slug)
    return [code for _, code in rows if code is not None]


def has_participant(session: Session, slug: str, external_id: str) -> bool:
    """Whether dialogue ``slug`` has a participant ``external_id``."""
    query = (
        select(Participant.id)
        .join(Dialogue, Dialogue.id == Participant.dialogue_id)
        .where(Dialogue.slug == slug, Participant.external_id == external_id)
    )
    return session.scalar(query) is not None


def statement_in(session: Session, slug: str, external_id: str) -> Statement:
    """Statement ``external_id`` of ``slug`` with its author loaded; :func:`no_statement`
    if there is none."""
    query = (
        select(Statement)
        .join(Dialogue, Dialogue.id == Statement.dialogue_id)
        .outerjoin(Statement.author)
        .options(contains_eager(Statement.author))
        .where(Dialogue.slug == slug, Statement.external_id == external_id)
    )
    found = session.scalars(query).first()
    if found is None:
        raise no_statement(slug, external_id)
    return found
