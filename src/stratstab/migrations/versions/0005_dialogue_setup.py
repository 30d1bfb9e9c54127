"""Dialogue set-up: per-dialogue members, invitations, completeness, reveal, versions

Roles move from the account to the dialogue.  Existing accounts keep exactly the
access they had: a delegate becomes a delegate of their party in every dialogue that
party takes part in; facilitators and observers become facilitators and observers of
every dialogue.  Admins need no membership (they may enter every dialogue).

Revision ID: 0005_dialogue_setup
Revises: 0004_exercise_runs
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0005_dialogue_setup"
down_revision: str | Sequence[str] | None = "0004_exercise_runs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLES = "role IN ('facilitator', 'head', 'delegate', 'translator', 'observer')"


def _dialogue_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["dialogue_id"],
        ["dialogue.id"],
        name=op.f(f"fk_{table}_dialogue_id_dialogue"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("dialogue") as batch:
        batch.add_column(sa.Column("title_zh", sa.String(300), nullable=False, server_default=""))
        batch.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revealed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revealed_by", sa.String(64), nullable=False, server_default=""))
    with op.batch_alter_table("scope_position") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.create_table(
        "dialogue_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("party", sa.String(16), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("invited_by", sa.String(64), nullable=False),
        sa.CheckConstraint(_ROLES, name=op.f("ck_dialogue_member_role")),
        _dialogue_fk("dialogue_member"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["account_users.id"],
            name=op.f("fk_dialogue_member_user_id_account_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogue_member")),
        sa.UniqueConstraint("dialogue_id", "user_id", name="uq_dialogue_member_user"),
    )
    op.create_table(
        "dialogue_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("party", sa.String(16), nullable=True),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by", sa.String(64), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(_ROLES, name=op.f("ck_dialogue_invitation_role")),
        _dialogue_fk("dialogue_invitation"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogue_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_dialogue_invitation_token_hash")),
    )
    op.create_table(
        "party_completion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(16), nullable=False),
        sa.Column("declared_by", sa.String(64), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        _dialogue_fk("party_completion"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_completion")),
        sa.UniqueConstraint("dialogue_id", "party", name="uq_party_completion_party"),
    )
    op.create_table(
        "scope_position_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("stance", sa.String(16), nullable=False),
        sa.Column("linked_topics", sa.JSON(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["position_id"],
            ["scope_position.id"],
            name=op.f("fk_scope_position_version_position_id_scope_position"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scope_position_version")),
    )
    op.create_table(
        "account_password_resets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["account_users.id"],
            name=op.f("fk_account_password_resets_user_id_account_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_password_resets")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_password_resets_token_hash")),
    )
    _migrate_global_roles()


def _migrate_global_roles() -> None:
    """Give every existing account the membership its global role implied."""
    bind = op.get_bind()
    dialogue = sa.table("dialogue", sa.column("id"), sa.column("parties", sa.JSON()))
    users = sa.table(
        "account_users",
        sa.column("id"),
        sa.column("role"),
        sa.column("delegation_code"),
    )
    member = sa.table(
        "dialogue_member",
        sa.column("dialogue_id"),
        sa.column("user_id"),
        sa.column("role"),
        sa.column("party"),
        sa.column("joined_at"),
        sa.column("invited_by"),
    )
    now = datetime.now(UTC)
    rows = []
    people = bind.execute(sa.select(users.c.id, users.c.role, users.c.delegation_code)).all()
    for dialogue_id, parties in bind.execute(sa.select(dialogue.c.id, dialogue.c.parties)).all():
        for user_id, role, code in people:
            if role == "delegate" and code and code in (parties or []):
                rows.append((dialogue_id, user_id, "delegate", code))
            elif role in ("facilitator", "observer"):
                rows.append((dialogue_id, user_id, role, None))
    if rows:
        op.bulk_insert(
            member,
            [
                {
                    "dialogue_id": d,
                    "user_id": u,
                    "role": r,
                    "party": p,
                    "joined_at": now,
                    "invited_by": "migration",
                }
                for d, u, r, p in rows
            ],
        )


def downgrade() -> None:
    """Revert this revision (per-dialogue memberships are dropped)."""
    op.drop_table("account_password_resets")
    op.drop_table("scope_position_version")
    op.drop_table("party_completion")
    op.drop_table("dialogue_invitation")
    op.drop_table("dialogue_member")
    with op.batch_alter_table("scope_position") as batch:
        batch.drop_column("version")
    with op.batch_alter_table("dialogue") as batch:
        batch.drop_column("revealed_by")
        batch.drop_column("revealed_at")
        batch.drop_column("archived_at")
        batch.drop_column("title_zh")
