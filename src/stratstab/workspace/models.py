"""SQLAlchemy tables of the workspace: uploaded datasets and scenarios, background jobs.

Uploads are stored *parsed* (the validated JSON form), never as files and never
re-parsed from YAML: listing a user's uploads reads plain columns only.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from stratstab.accounts.models import utcnow
from stratstab.db import Base


def _plain(value: Any) -> Any:
    """NumPy scalars and arrays as plain Python values, for JSON."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"cannot store a {type(value).__name__} as JSON")


class JsonText(TypeDecorator):
    """JSON kept as text, so infinite values (``Infinity``) round-trip exactly.

    Model results may hold infinity (a ratio with nothing to divide by), which the
    databases' own JSON types refuse.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else json.dumps(value, default=_plain, ensure_ascii=False)

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        return None if value is None else json.loads(value)


class UploadedDataset(Base):
    """A force dataset a user uploaded; scenarios of that user may name it by its id."""

    __tablename__ = "uploaded_dataset"
    __table_args__ = (UniqueConstraint("owner_id", "dataset_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("account_users.id", ondelete="CASCADE"), index=True
    )
    dataset_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    filename: Mapped[str] = mapped_column(String(200))
    size_bytes: Mapped[int] = mapped_column(Integer)
    content: Mapped[Any] = mapped_column(JsonText)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class UploadedScenario(Base):
    """A scenario a user uploaded, validated and stored in its parsed form."""

    __tablename__ = "uploaded_scenario"
    __table_args__ = (UniqueConstraint("owner_id", "public_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("account_users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    filename: Mapped[str] = mapped_column(String(200))
    size_bytes: Mapped[int] = mapped_column(Integer)
    content: Mapped[Any] = mapped_column(JsonText)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Job(Base):
    """A long computation run in the background: what was asked, its state and result.

    ``state`` is queued, running, done, failed or interrupted (the workbench stopped
    before the job finished; marked so at the next start, never lost silently).
    """

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_owner_state", "owner_id", "state"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=1)
    note: Mapped[str] = mapped_column(Text, default="")
    request: Mapped[Any] = mapped_column(JsonText)
    result: Mapped[Any | None] = mapped_column(JsonText, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
