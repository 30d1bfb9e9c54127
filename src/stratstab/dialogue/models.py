"""Persistent domain of the dialogue pillar (SQLAlchemy 2 typed models).

A *dialogue* is a series of meetings (rounds) between delegations.  Participants post
statements and vote on them; votes are an append-only history whose latest row per
(participant, statement) is the vote that counts.  Delegations record scope positions
per topic, and a ledger tracks items agreed / disputed / open from round to round.

Choices worth knowing:

* Enumerations are short strings guarded by CHECK constraints rather than database
  ENUM types, so later migrations can add a value on SQLite and PostgreSQL alike.
* Timestamps are stored in UTC; :class:`UTCDateTime` re-attaches the zone that SQLite
  drops, so callers always get aware datetimes.
* Every "external" identifier (a Pol.is voter id, a statement id, a delegation code,
  a ledger key) is unique within its dialogue, enforced by the database.

References: Warner's levels and the topic catalogue are in ``dialogue/data/scope.yaml``;
the vote semantics follow the Pol.is export format (compdemocracy.org/polis).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stratstab.db import Base

TRACK_LEVELS = ("I", "1.5", "II")
ROUND_STATUSES = ("planned", "open", "closed")
MODERATION_STATES = ("pending", "accepted", "rejected")
VOTE_VALUES = (-1, 0, 1)
STANCES = ("include", "exclude", "only-if-linked")
LEDGER_STATUSES = ("agreed", "disputed", "open")
STATEMENT_LANGUAGES = ("en", "zh")


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def _in_list(column: str, values: tuple[Any, ...]) -> str:
    rendered = ", ".join(repr(v) if isinstance(v, str) else str(v) for v in values)
    return f"{column} IN ({rendered})"


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC (SQLite keeps no zone; we add it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Dialogue(Base):
    """A dialogue series between parties at one track level."""

    __tablename__ = "dialogue"
    __table_args__ = (CheckConstraint(_in_list("track", TRACK_LEVELS), name="track"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    title_zh: Mapped[str] = mapped_column(String(300), default="")
    track: Mapped[str] = mapped_column(String(8))
    parties: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Set when the facilitator reveals the sealed scope positions (after every party
    # declared its positions complete); later changes are public new versions.
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revealed_by: Mapped[str] = mapped_column(String(64), default="")

    rounds: Mapped[list[Round]] = relationship(
        back_populates="dialogue", order_by="Round.number", cascade="all, delete-orphan"
    )
    delegations: Mapped[list[Delegation]] = relationship(
        back_populates="dialogue", order_by="Delegation.code", cascade="all, delete-orphan"
    )


class Round(Base):
    """One meeting of a dialogue, numbered from 1."""

    __tablename__ = "dialogue_round"
    __table_args__ = (
        UniqueConstraint("dialogue_id", "number", name="uq_dialogue_round_number"),
        CheckConstraint(_in_list("status", ROUND_STATUSES), name="status"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    date: Mapped[date | None] = mapped_column(Date, nullable=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    agenda: Mapped[list[str]] = mapped_column(JSON, default=list)
    participants: Mapped[list[str]] = mapped_column(JSON, default=list)
    outcome: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")

    dialogue: Mapped[Dialogue] = relationship(back_populates="rounds")


class Delegation(Base):
    """A party's delegation to a dialogue, e.g. code ``CN`` or ``US``."""

    __tablename__ = "delegation"
    __table_args__ = (UniqueConstraint("dialogue_id", "code", name="uq_delegation_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(16))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    name_zh: Mapped[str] = mapped_column(String(200), default="")

    dialogue: Mapped[Dialogue] = relationship(back_populates="delegations")


class Participant(Base):
    """A person (or anonymous Pol.is voter) taking part in a dialogue."""

    __tablename__ = "participant"
    __table_args__ = (
        UniqueConstraint("dialogue_id", "external_id", name="uq_participant_external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(100))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    delegation_id: Mapped[int | None] = mapped_column(
        ForeignKey("delegation.id", ondelete="SET NULL"), nullable=True
    )
    role: Mapped[str] = mapped_column(String(100), default="")

    delegation: Mapped[Delegation | None] = relationship()


class Statement(Base):
    """A statement put to the vote, in English and/or Chinese.

    ``original_language`` names the text its author wrote; the other text is a
    translation by ``translated_by``.  A machine translation waits in ``suggestion_*``
    until a person accepts it (it is never shown to voters as a text of the statement).
    """

    __tablename__ = "statement"
    __table_args__ = (
        UniqueConstraint("dialogue_id", "external_id", name="uq_statement_external_id"),
        CheckConstraint(_in_list("moderation", MODERATION_STATES), name="moderation"),
        CheckConstraint(_in_list("original_language", STATEMENT_LANGUAGES), name="original"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(100))
    text_en: Mapped[str] = mapped_column(Text, default="")
    text_zh: Mapped[str] = mapped_column(Text, default="")
    original_language: Mapped[str] = mapped_column(String(2), default="en")
    translated_by: Mapped[str] = mapped_column(String(200), default="")
    translated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    suggestion_text: Mapped[str] = mapped_column(Text, default="")
    suggestion_language: Mapped[str | None] = mapped_column(String(2), nullable=True)
    suggestion_source: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), nullable=True
    )
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    moderation: Mapped[str] = mapped_column(String(16), default="pending")
    is_meta: Mapped[bool] = mapped_column(Boolean, default=False)
    sealed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    author: Mapped[Participant | None] = relationship()


class Vote(Base):
    """One cast vote; rows are never updated or deleted (append-only history).

    The vote that counts is the latest row per (participant, statement), ordered by
    ``cast_at`` and then by ``id`` to break ties between equal timestamps.
    """

    __tablename__ = "vote"
    __table_args__ = (
        CheckConstraint(_in_list("value", VOTE_VALUES), name="value"),
        CheckConstraint("importance IS NULL OR importance BETWEEN 1 AND 3", name="importance"),
        Index("ix_vote_latest", "participant_id", "statement_id", "cast_at", "id"),
        Index("ix_vote_statement_id", "statement_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(Integer)
    importance: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("dialogue_round.id", ondelete="SET NULL"), nullable=True
    )


class ScopePosition(Base):
    """A delegation's stance on one topic, for a whole dialogue or for one round.

    Sealed positions are kept from the other delegations until ``revealed_at`` is set.
    """

    __tablename__ = "scope_position"
    __table_args__ = (
        CheckConstraint(_in_list("stance", STANCES), name="stance"),
        CheckConstraint("priority BETWEEN 1 AND 5", name="priority"),
        # NULL never equals NULL in a unique constraint, so dialogue-wide positions
        # (round_id NULL) get their own partial unique index.
        Index(
            "uq_scope_position_round_topic",
            "delegation_id",
            "round_id",
            "topic",
            unique=True,
            sqlite_where="round_id IS NOT NULL",
            postgresql_where="round_id IS NOT NULL",
        ),
        Index(
            "uq_scope_position_dialogue_topic",
            "delegation_id",
            "topic",
            unique=True,
            sqlite_where="round_id IS NULL",
            postgresql_where="round_id IS NULL",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id", ondelete="CASCADE"))
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("dialogue_round.id", ondelete="CASCADE"), nullable=True
    )
    topic: Mapped[str] = mapped_column(String(64))
    stance: Mapped[str] = mapped_column(String(16))
    linked_topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    priority: Mapped[int] = mapped_column(Integer, default=3)
    note: Mapped[str] = mapped_column(Text, default="")
    sealed: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    delegation: Mapped[Delegation] = relationship()


class LedgerItem(Base):
    """An item on the round ledger; its status history lives in :class:`LedgerEntry`."""

    __tablename__ = "ledger_item"
    __table_args__ = (
        UniqueConstraint("dialogue_id", "key", name="uq_ledger_item_key"),
        CheckConstraint(_in_list("status", LEDGER_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    title_en: Mapped[str] = mapped_column(Text, default="")
    title_zh: Mapped[str] = mapped_column(Text, default="")
    # Current status (the latest entry's), kept here so listings need no subquery.
    status: Mapped[str] = mapped_column(String(16), default="open")
    topic: Mapped[str | None] = mapped_column(String(64), nullable=True)
    opened_in_round_id: Mapped[int] = mapped_column(
        ForeignKey("dialogue_round.id", ondelete="CASCADE")
    )

    entries: Mapped[list[LedgerEntry]] = relationship(
        back_populates="item", order_by="LedgerEntry.id", cascade="all, delete-orphan"
    )
    opened_in_round: Mapped[Round] = relationship()


class LedgerEntry(Base):
    """The status of a ledger item as recorded in one round (append-only)."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint(_in_list("status", LEDGER_STATUSES), name="status"),
        Index("ix_ledger_entry_item_round", "item_id", "round_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("ledger_item.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("dialogue_round.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    carried: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    item: Mapped[LedgerItem] = relationship(back_populates="entries")
    round: Mapped[Round] = relationship()


class IdempotentRequest(Base):
    """A write request's idempotency key and the result it produced.

    A client that sends the same key again (it retried after losing the reply) gets
    this result back and nothing is written twice.  Keys belong to one user
    (``owner``) and are forgotten after ``expires_at``.
    """

    __tablename__ = "idempotent_request"
    __table_args__ = (
        UniqueConstraint("owner", "key", name="uq_idempotent_request_owner_key"),
        Index("ix_idempotent_request_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    # SHA-256 (hex) of what the request asked for: the same key with other content is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PolisGroupingState(Base):
    """The last Pol.is-style grouping update of a dialogue (``analyze --kmeans polis``).

    ``state`` holds the participants ever grouped (they stay in) and the base-cluster
    and group centres k-means starts from at the next update, so groups evolve as in
    Pol.is (see :class:`stratstab.dialogue.clusters.PolisState`).
    """

    __tablename__ = "polis_grouping_state"
    __table_args__ = (UniqueConstraint("dialogue_id", name="uq_polis_grouping_state_dialogue"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"))
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class ConsensusSnapshot(Base):
    """The stored consensus analysis of a dialogue and how current it is.

    ``version`` counts the changes of the public consensus input (votes on accepted,
    unsealed, non-meta statements; statements entering or leaving that set); it is
    raised in the same transaction as the change.  ``computed_version`` is the
    version ``result`` was computed from: the analysis is out of date (dirty) while
    ``version > computed_version``.  Only public changes count, so the number tells no
    party anything about another's sealed or pending material.  ``lease_until``
    keeps two server processes from computing the same dialogue at once.
    """

    __tablename__ = "consensus_snapshot"
    __table_args__ = (UniqueConstraint("dialogue_id", name="uq_consensus_snapshot_dialogue"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer, default=0)
    computed_version: Mapped[int] = mapped_column(Integer, default=0)
    # The analysis as ConsensusResult.to_dict() gives it; JSON null while too few voted.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    compute_ms: Mapped[float] = mapped_column(Float, default=0.0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PolisImport(Base):
    """A Pol.is import under way or finished.

    The votes of a large export are written in batches that each commit, so web
    users keep writing during the import.  This row says what the import has added,
    so that an import that fails (or whose process dies) can be undone completely.
    """

    __tablename__ = "polis_import"
    __table_args__ = (CheckConstraint(_in_list("status", ("running", "done")), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="running")
    created_dialogue: Mapped[bool] = mapped_column(Boolean, default=False)
    # Database ids of the statements and participants this import added.
    statement_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    participant_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    votes_total: Mapped[int] = mapped_column(Integer, default=0)
    votes_done: Mapped[int] = mapped_column(Integer, default=0)
    # Which process runs it: an import whose process is gone is undone.
    host: Mapped[str] = mapped_column(String(255), default="")
    pid: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
