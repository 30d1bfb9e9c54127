"""Who takes part in a dialogue, in which role, and how they were invited.

Roles are held per dialogue, so one account can be a delegate in one dialogue and an
observer in another.  The account's own role (``account_users.role``) only says what
the person may do outside dialogues: administer accounts (admin) or set up new
dialogues (facilitator).

* :class:`DialogueMember` — one row per (dialogue, account): the role and, for heads of
  delegation and delegates, the party.
* :class:`Invitation` — a one-time, expiring, revocable link; only the SHA-256 hash of
  its secret token is stored.
* :class:`PartyCompletion` — a party's declaration that its scope positions are
  complete; the reveal waits for every party's declaration.
* :class:`ScopePositionVersion` — earlier versions of a scope position changed after
  the reveal, so everyone can read its history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from stratstab.db import Base
from stratstab.dialogue.models import UTCDateTime, _in_list, utc_now

MEMBER_ROLES = ("facilitator", "head", "delegate", "translator", "observer")
PARTY_ROLES = ("head", "delegate")


class DialogueMember(Base):
    """An account's role in one dialogue; ``party`` is set for heads and delegates only."""

    __tablename__ = "dialogue_member"
    __table_args__ = (
        UniqueConstraint("dialogue_id", "user_id", name="uq_dialogue_member_user"),
        CheckConstraint(_in_list("role", MEMBER_ROLES), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    party: Mapped[str | None] = mapped_column(String(16), nullable=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    invited_by: Mapped[str] = mapped_column(String(64), default="")


class Invitation(Base):
    """A one-time invitation link into a dialogue with a role (and party)."""

    __tablename__ = "dialogue_invitation"
    __table_args__ = (CheckConstraint(_in_list("role", MEMBER_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    party: Mapped[str | None] = mapped_column(String(16), nullable=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    used_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PartyCompletion(Base):
    """A party's declaration that its scope positions are complete (before the reveal)."""

    __tablename__ = "party_completion"
    __table_args__ = (UniqueConstraint("dialogue_id", "party", name="uq_party_completion_party"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"))
    party: Mapped[str] = mapped_column(String(16))
    declared_by: Mapped[str] = mapped_column(String(64))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class ScopePositionVersion(Base):
    """A superseded version of a revealed scope position (append-only)."""

    __tablename__ = "scope_position_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("scope_position.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    stance: Mapped[str] = mapped_column(String(16))
    linked_topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    priority: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    superseded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
