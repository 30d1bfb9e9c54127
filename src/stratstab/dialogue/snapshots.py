"""The stored consensus of each dialogue: version counter, dirty flag, result, lease.

Session-level operations on :class:`~stratstab.dialogue.models.ConsensusSnapshot`,
called inside the caller's transaction:

- every change of the public consensus input (a vote on an accepted, unsealed,
  non-meta statement; a statement entering or leaving that set) calls
  :func:`mark_changed` in the transaction that makes the change, so the dirty flag
  (``version > computed_version``) is persisted with it and survives a restart;
- the background recompute (``stratstab.web.dialogues.consensus_worker``) finds the
  dialogues that are due with :func:`due`, takes a lease with :func:`claim` (so two
  server processes never compute the same dialogue at once) and stores its result
  with :func:`store_result`;
- pages read the version alone with :func:`version_of` (a cheap check) and the
  stored result with :func:`snapshot_of`.

Only public changes raise the version: a party watching the number learns nothing
about another party's pending or sealed statements, nor about votes on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from stratstab.dialogue.models import ConsensusSnapshot, Dialogue, Statement


@dataclass(frozen=True)
class Snapshot:
    """A dialogue's stored consensus as pages read it.

    ``result`` is :meth:`ConsensusResult.to_dict` of the public statements (None while
    too few have voted or before the first computation); ``computed_version`` the
    version it reflects; ``version`` the newest version (larger: a newer analysis is
    on its way).
    """

    version: int
    computed_version: int
    result: dict[str, Any] | None
    computed_at: datetime | None
    compute_ms: float

    @property
    def current(self) -> bool:
        """Whether the stored result reflects every public change."""
        return self.computed_version >= self.version


@dataclass(frozen=True)
class DueDialogue:
    """A dialogue whose stored consensus is out of date, and the version to compute."""

    dialogue_id: int
    slug: str
    version: int


def is_public(statement: Statement) -> bool:
    """Whether a statement is part of the public consensus input."""
    return statement.moderation == "accepted" and not statement.sealed and not statement.is_meta


def _upsert(dialect: str) -> Any:
    module = sqlite if dialect == "sqlite" else postgresql
    statement = module.insert(ConsensusSnapshot.__table__).values(
        dialogue_id=bindparam("dialogue_id"), version=1, computed_version=0, compute_ms=0.0
    )
    return statement.on_conflict_do_update(
        index_elements=["dialogue_id"],
        set_={"version": ConsensusSnapshot.__table__.c.version + 1},
    )


# Built once per dialect: every vote on a public statement runs one.
_UPSERTS = {dialect: _upsert(dialect) for dialect in ("sqlite", "postgresql")}


def mark_changed(session: Session, dialogue_id: int) -> None:
    """Raise the dialogue's consensus version by one (creating its row on first use).

    One ``INSERT ... ON CONFLICT DO UPDATE``: safe against concurrent first changes on
    PostgreSQL, and a single statement inside SQLite's write transaction.
    """
    connection = session.connection()
    upsert = _UPSERTS.get(connection.dialect.name)
    if upsert is not None:
        connection.execute(upsert, {"dialogue_id": dialogue_id})
        return
    raised = session.execute(  # other databases: the caller's transaction serialises writers
        update(ConsensusSnapshot)
        .where(ConsensusSnapshot.dialogue_id == dialogue_id)
        .values(version=ConsensusSnapshot.version + 1)
    )
    if not raised.rowcount:
        session.add(ConsensusSnapshot(dialogue_id=dialogue_id, version=1, computed_version=0))


def mark_if_public_changed(session: Session, statement: Statement, *, was_public: bool) -> None:
    """Mark the consensus changed when ``statement`` entered or left the public set."""
    if was_public != is_public(statement):
        mark_changed(session, statement.dialogue_id)


def version_of(session: Session, slug: str) -> int | None:
    """The consensus version of dialogue ``slug`` (0 before any public change); None if unknown."""
    found = versions_of(session, slug)
    return None if found is None else found.version


def versions_of(session: Session, slug: str) -> Snapshot | None:
    """The versions of the stored consensus of ``slug``, without its result (a cheap
    check for open pages); None for an unknown dialogue."""
    row = session.execute(_VERSIONS, {"slug": slug}).first()
    if row is None:
        return None
    version, computed, computed_at, compute_ms = row[1:]
    if version is None:  # no public change yet
        return Snapshot(0, 0, None, None, 0.0)
    return Snapshot(int(version), int(computed), None, computed_at, float(compute_ms))


_VERSIONS = (
    select(
        Dialogue.id,
        ConsensusSnapshot.version,
        ConsensusSnapshot.computed_version,
        ConsensusSnapshot.computed_at,
        ConsensusSnapshot.compute_ms,
    )
    .outerjoin(ConsensusSnapshot, ConsensusSnapshot.dialogue_id == Dialogue.id)
    .where(Dialogue.slug == bindparam("slug"))
)


def snapshot_of(session: Session, dialogue_id: int) -> Snapshot:
    """The stored consensus of a dialogue (version 0 and no result before any change)."""
    row = session.scalar(
        select(ConsensusSnapshot).where(ConsensusSnapshot.dialogue_id == dialogue_id)
    )
    if row is None:
        return Snapshot(0, 0, None, None, 0.0)
    return Snapshot(
        version=row.version,
        computed_version=row.computed_version,
        result=row.result,
        computed_at=row.computed_at,
        compute_ms=row.compute_ms,
    )


def due(session: Session, *, now: datetime, debounce_s: float) -> list[DueDialogue]:
    """Dialogues whose consensus is out of date, last computed at least ``debounce_s``
    seconds before ``now`` (or never), and not leased by another process."""
    query = (
        select(ConsensusSnapshot.dialogue_id, Dialogue.slug, ConsensusSnapshot.version)
        .join(Dialogue, Dialogue.id == ConsensusSnapshot.dialogue_id)
        .where(ConsensusSnapshot.version > ConsensusSnapshot.computed_version)
        .where(
            (ConsensusSnapshot.computed_at.is_(None))
            | (ConsensusSnapshot.computed_at <= now - timedelta(seconds=debounce_s))
        )
        .where((ConsensusSnapshot.lease_until.is_(None)) | (ConsensusSnapshot.lease_until < now))
        .order_by(ConsensusSnapshot.dialogue_id)
    )
    return [DueDialogue(int(i), str(s), int(v)) for i, s, v in session.execute(query).all()]


def seconds_until_due(session: Session, *, now: datetime, debounce_s: float) -> float | None:
    """Seconds from ``now`` until the earliest out-of-date dialogue is due (0: now);
    None when every dialogue's consensus is current."""
    rows = session.execute(
        select(ConsensusSnapshot.computed_at).where(
            ConsensusSnapshot.version > ConsensusSnapshot.computed_version
        )
    ).all()
    if not rows:
        return None
    if any(at is None for (at,) in rows):
        return 0.0
    earliest = min(at for (at,) in rows) + timedelta(seconds=debounce_s)
    return max(0.0, (earliest - now).total_seconds())


def claim(session: Session, dialogue_id: int, *, now: datetime, lease_s: float) -> bool:
    """Take the dialogue's computation lease until ``now + lease_s``; False if another holds it."""
    taken = session.execute(
        update(ConsensusSnapshot)
        .where(ConsensusSnapshot.dialogue_id == dialogue_id)
        .where((ConsensusSnapshot.lease_until.is_(None)) | (ConsensusSnapshot.lease_until < now))
        .values(lease_until=now + timedelta(seconds=lease_s))
    )
    return bool(taken.rowcount)


def store_result(
    session: Session,
    dialogue_id: int,
    *,
    version: int,
    result: dict[str, Any] | None,
    now: datetime,
    compute_ms: float,
) -> bool:
    """Keep ``result`` as the analysis of ``version`` and release the lease.

    A result never replaces a newer one (computed from a larger version); returns
    whether it was stored.
    """
    stored = session.execute(
        update(ConsensusSnapshot)
        .where(ConsensusSnapshot.dialogue_id == dialogue_id)
        .where(ConsensusSnapshot.computed_version < version)
        .values(
            computed_version=version,
            result=result,
            computed_at=now,
            compute_ms=compute_ms,
            lease_until=None,
        )
    )
    if not stored.rowcount:
        release(session, dialogue_id)
    return bool(stored.rowcount)


def release(session: Session, dialogue_id: int) -> None:
    """Give the computation lease back (after a failure, or a result not stored)."""
    session.execute(
        update(ConsensusSnapshot)
        .where(ConsensusSnapshot.dialogue_id == dialogue_id)
        .values(lease_until=None)
    )
