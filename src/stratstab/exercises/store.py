"""Exercise runs in the database: set-up, every move people made, and the control log.

A run is stored as what is needed to rebuild it from its seed (the engine is
deterministic): the exercise, who plays each side, the seed, and every decision that
did not come from a doctrine — a head of delegation's move, each delegate's vote, a
language-model player's reply, or the default move a side got when its deadline passed.
The control cell's actions (events it injected, pauses, deadline changes) are logged
beside them.  Nothing of a run lives only in a server's memory, so runs survive a
restart and several servers can serve one run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from stratstab.db import Base


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class ExerciseRunRow(Base):
    """One exercise run: the scenario, who plays each side, seed, clock and status."""

    __tablename__ = "exercise_runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("account_users.id", ondelete="CASCADE"), index=True
    )
    exercise_id: Mapped[str] = mapped_column(String(100))
    players: Mapped[dict[str, Any]] = mapped_column(JSON)  # side -> player kind
    modes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # side -> head | vote
    seed: Mapped[int] = mapped_column(Integer)
    turns: Mapped[int | None] = mapped_column(Integer, nullable=True)
    human_name: Mapped[str] = mapped_column(String(200), default="")
    turn_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    deadline_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    deadline_turn: Mapped[int | None] = mapped_column(Integer, nullable=True)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_remaining_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ExerciseSeatRow(Base):
    """A person who plays a side of a run: its head of delegation or one of its delegates."""

    __tablename__ = "exercise_seats"
    __table_args__ = (UniqueConstraint("run_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(
        ForeignKey("exercise_runs.id", ondelete="CASCADE"), index=True
    )
    side: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("account_users.id", ondelete="CASCADE"), index=True
    )
    is_head: Mapped[bool] = mapped_column(Boolean, default=False)


class ExerciseMoveRow(Base):
    """A decision that is not a doctrine's: a person's move or vote, an LLM's, a default."""

    __tablename__ = "exercise_moves"
    __table_args__ = (UniqueConstraint("run_id", "turn", "side", "kind", "user_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(
        ForeignKey("exercise_runs.id", ondelete="CASCADE"), index=True
    )
    turn: Mapped[int] = mapped_column(Integer)
    side: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))  # decision | vote | default | llm
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    user_key: Mapped[str] = mapped_column(String(32))  # user id as text, "-" for none
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ExerciseControlRow(Base):
    """One action of the control cell: an injected event, a pause, a deadline change."""

    __tablename__ = "exercise_controls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(
        ForeignKey("exercise_runs.id", ondelete="CASCADE"), index=True
    )
    turn: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # inject | pause | resume | extend | close
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DuplicateMove(Exception):  # noqa: N818 - a signal, handled by the caller
    """The same person (or default) already has a move of this kind for the turn."""


class RunRepository:
    """Reads and writes runs, moves and control actions through one session factory."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._sessions = session_factory

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def add_run(
        self, row: ExerciseRunRow, seats: list[tuple[str, int, bool]] = ()
    ) -> ExerciseRunRow:
        """Store a new run with its seats ``(side, user id, is head)``."""
        with self._session() as session:
            session.add(row)
            session.flush()
            for side, user_id, is_head in seats:
                session.add(
                    ExerciseSeatRow(run_id=row.id, side=side, user_id=user_id, is_head=is_head)
                )
            session.commit()
            session.refresh(row)
            session.expunge(row)
        return row

    def seats(self, run_id: str) -> list[ExerciseSeatRow]:
        """The people who play the run's sides."""
        with self._session() as session:
            rows = session.scalars(
                select(ExerciseSeatRow)
                .where(ExerciseSeatRow.run_id == run_id)
                .order_by(ExerciseSeatRow.id)
            ).all()
            for row in rows:
                session.expunge(row)
            return list(rows)

    def run(self, run_id: str) -> ExerciseRunRow | None:
        """The run with this id, or ``None``."""
        with self._session() as session:
            row = session.get(ExerciseRunRow, run_id)
            if row is not None:
                session.expunge(row)
            return row

    def runs_of(self, user_id: int, *, limit: int = 100) -> list[ExerciseRunRow]:
        """Runs the user controls or has a seat in, newest first."""
        seated = select(ExerciseSeatRow.run_id).where(ExerciseSeatRow.user_id == user_id)
        with self._session() as session:
            rows = session.scalars(
                select(ExerciseRunRow)
                .where((ExerciseRunRow.owner_id == user_id) | ExerciseRunRow.id.in_(seated))
                .order_by(ExerciseRunRow.created_at.desc())
                .limit(limit)
            ).all()
            for row in rows:
                session.expunge(row)
            return list(rows)

    def count_owned(self, user_id: int) -> int:
        """How many runs the user has started."""
        with self._session() as session:
            return len(
                session.scalars(
                    select(ExerciseRunRow.id).where(ExerciseRunRow.owner_id == user_id)
                ).all()
            )

    def update_run(self, run_id: str, **fields: Any) -> None:
        """Change a run's clock or status fields."""
        with self._session() as session:
            row = session.get(ExerciseRunRow, run_id)
            if row is None:
                return
            for key, value in fields.items():
                setattr(row, key, value)
            session.commit()

    def add_move(
        self,
        run_id: str,
        *,
        turn: int,
        side: str,
        kind: str,
        user_id: int | None,
        payload: dict[str, Any],
    ) -> None:
        """Store a move; :class:`DuplicateMove` if this person already moved (or voted)."""
        row = ExerciseMoveRow(
            run_id=run_id,
            turn=turn,
            side=side,
            kind=kind,
            user_id=user_id,
            user_key="-" if user_id is None else str(user_id),
            payload=payload,
        )
        with self._session() as session:
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                raise DuplicateMove(f"{side} already has a {kind} for turn {turn}") from None

    def moves(self, run_id: str) -> list[ExerciseMoveRow]:
        """Every stored move of a run, oldest first."""
        with self._session() as session:
            rows = session.scalars(
                select(ExerciseMoveRow)
                .where(ExerciseMoveRow.run_id == run_id)
                .order_by(ExerciseMoveRow.id)
            ).all()
            for row in rows:
                session.expunge(row)
            return list(rows)

    def add_control(
        self,
        run_id: str,
        *,
        turn: int,
        kind: str,
        user_id: int | None,
        payload: dict[str, Any] | None = None,
    ) -> None:
        """Log an action of the control cell."""
        with self._session() as session:
            session.add(
                ExerciseControlRow(
                    run_id=run_id, turn=turn, kind=kind, user_id=user_id, payload=payload or {}
                )
            )
            session.commit()

    def controls(self, run_id: str) -> list[ExerciseControlRow]:
        """The control log of a run, oldest first."""
        with self._session() as session:
            rows = session.scalars(
                select(ExerciseControlRow)
                .where(ExerciseControlRow.run_id == run_id)
                .order_by(ExerciseControlRow.id)
            ).all()
            for row in rows:
                session.expunge(row)
            return list(rows)
