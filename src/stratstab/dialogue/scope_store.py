"""Scope positions in the database: record, list (respecting seals) and reveal."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from stratstab.dialogue import queries
from stratstab.dialogue.catalogue import load_catalogue
from stratstab.dialogue.membership import ScopePositionVersion
from stratstab.dialogue.models import STANCES, Delegation, Dialogue, Round, ScopePosition, utc_now
from stratstab.dialogue.scope import ScopePositionData
from stratstab.dialogue.validate import choice, priority_value
from stratstab.errors import InputError


def check_topics(topics: Iterable[str], *, field: str) -> list[str]:
    """The topic ids, each checked against the catalogue."""
    known = load_catalogue().topic_ids
    checked = []
    for topic in topics:
        if topic not in known:
            raise InputError(f"unknown topic {topic!r} (known: {', '.join(known)})", field=field)
        checked.append(topic)
    return checked


def _data(row: ScopePosition) -> ScopePositionData:
    return ScopePositionData(
        delegation=row.delegation.code,
        topic=row.topic,
        stance=row.stance,
        priority=row.priority,
        linked_topics=tuple(row.linked_topics or ()),
        note=row.note or "",
        sealed=bool(row.sealed),
        revealed=row.revealed_at is not None,
        round=None,
        version=row.version or 1,
    )


def set_position(
    session: Session,
    dialogue: Dialogue,
    *,
    delegation: str,
    topic: str,
    stance: str,
    priority: int = 3,
    linked_topics: Iterable[str] = (),
    note: str = "",
    sealed: bool = False,
    round_number: int | None = None,
) -> ScopePositionData:
    """Record a delegation's stance on a topic, replacing its earlier one.

    ``only-if-linked`` needs at least one linked topic (not the topic itself); other
    stances take none.  ``round_number`` None records a dialogue-wide position.
    """
    choice(stance, STANCES, field="stance")
    priority_value(priority)
    topic = check_topics([topic], field="topic")[0]
    links = check_topics(dict.fromkeys(linked_topics), field="linked_topics")
    if stance == "only-if-linked" and not links:
        raise InputError("only-if-linked needs at least one linked topic", field="linked_topics")
    if stance != "only-if-linked" and links:
        raise InputError(f"linked topics only go with only-if-linked, not {stance}", field="stance")
    if topic in links:
        raise InputError(f"topic {topic!r} cannot be linked to itself", field="linked_topics")
    owner = queries.delegation_by_code(session, dialogue, delegation.upper())
    in_round = queries.round_by_number(session, dialogue, round_number) if round_number else None
    query = select(ScopePosition).where(
        ScopePosition.delegation_id == owner.id,
        ScopePosition.topic == topic,
        ScopePosition.round_id == in_round.id if in_round else ScopePosition.round_id.is_(None),
    )
    row = session.scalar(query) or ScopePosition(delegation=owner, topic=topic, version=1)
    now = utc_now()
    public_before = row.id is not None and (not row.sealed or row.revealed_at is not None)
    if public_before:
        # Everyone has read this version: keep it, so the change shows with its history.
        session.add(
            ScopePositionVersion(
                position_id=row.id,
                version=row.version or 1,
                stance=row.stance,
                linked_topics=list(row.linked_topics or ()),
                priority=row.priority,
                note=row.note or "",
                recorded_at=row.submitted_at,
                superseded_at=now,
            )
        )
        row.version = (row.version or 1) + 1
    row.round_id = in_round.id if in_round else None
    row.stance, row.priority, row.linked_topics, row.note = stance, priority, links, note
    row.sealed, row.submitted_at, row.revealed_at = sealed, now, None
    session.add(row)
    session.flush()
    return _with_round(_data(row), in_round)


def history(session: Session, dialogue: Dialogue, *, delegation: str, topic: str) -> list[dict]:
    """Earlier public versions of a dialogue-wide position, oldest first."""
    owner = queries.delegation_by_code(session, dialogue, delegation.upper())
    row = session.scalar(
        select(ScopePosition).where(
            ScopePosition.delegation_id == owner.id,
            ScopePosition.topic == topic,
            ScopePosition.round_id.is_(None),
        )
    )
    if row is None:
        return []
    versions = session.scalars(
        select(ScopePositionVersion)
        .where(ScopePositionVersion.position_id == row.id)
        .order_by(ScopePositionVersion.version)
    ).all()
    return [
        {
            "version": v.version,
            "stance": v.stance,
            "priority": v.priority,
            "linked_topics": list(v.linked_topics or ()),
            "note": v.note,
            "recorded_at": v.recorded_at,
            "superseded_at": v.superseded_at,
        }
        for v in versions
    ]


def _with_round(data: ScopePositionData, in_round: Round | None) -> ScopePositionData:
    if in_round is None:
        return data
    return ScopePositionData(**{**data.__dict__, "round": in_round.number})


def positions(
    session: Session, dialogue: Dialogue, *, round_number: int | None, viewer: str | None
) -> list[ScopePositionData]:
    """Positions of a round (or dialogue-wide ones when ``round_number`` is None).

    With a ``viewer`` delegation, other delegations' sealed positions that were not
    revealed are left out; without one, everything is returned (moderator view).
    """
    in_round = queries.round_by_number(session, dialogue, round_number) if round_number else None
    query = (
        select(ScopePosition)
        .join(Delegation, Delegation.id == ScopePosition.delegation_id)
        .where(Delegation.dialogue_id == dialogue.id)
        .where(
            ScopePosition.round_id == in_round.id if in_round else ScopePosition.round_id.is_(None)
        )
        .order_by(Delegation.code, ScopePosition.topic)
    )
    rows = session.scalars(query).all()
    visible = [
        row
        for row in rows
        if viewer is None
        or row.delegation.code == viewer.upper()
        or not row.sealed
        or row.revealed_at is not None
    ]
    return [_with_round(_data(row), in_round) for row in visible]


def reveal(session: Session, dialogue: Dialogue, *, round_number: int | None) -> int:
    """Mark every sealed, unrevealed position of the round (or dialogue-wide) revealed."""
    now = utc_now()
    count = 0
    for row in positions_rows(session, dialogue, round_number=round_number):
        if row.sealed and row.revealed_at is None:
            row.revealed_at = now
            count += 1
    session.flush()
    return count


def positions_rows(
    session: Session, dialogue: Dialogue, *, round_number: int | None
) -> list[ScopePosition]:
    """The raw rows behind :func:`positions` (no seal filtering)."""
    in_round = queries.round_by_number(session, dialogue, round_number) if round_number else None
    query = (
        select(ScopePosition)
        .join(Delegation, Delegation.id == ScopePosition.delegation_id)
        .where(Delegation.dialogue_id == dialogue.id)
        .where(
            ScopePosition.round_id == in_round.id if in_round else ScopePosition.round_id.is_(None)
        )
    )
    return list(session.scalars(query).all())
