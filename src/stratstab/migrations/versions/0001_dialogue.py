"""Dialogue domain: dialogues, rounds, delegations, participants, statements, votes, scope, ledger

Revision ID: 0001_dialogue
Revises: (none, first revision)
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_dialogue"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "dialogue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("track", sa.String(length=8), nullable=False),
        sa.Column("parties", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("track IN ('I', '1.5', 'II')", name=op.f("ck_dialogue_track")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogue")),
        sa.UniqueConstraint("slug", name=op.f("uq_dialogue_slug")),
    )
    op.create_table(
        "delegation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogue.id"],
            name=op.f("fk_delegation_dialogue_id_dialogue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegation")),
        sa.UniqueConstraint("dialogue_id", "code", name="uq_delegation_code"),
    )
    op.create_table(
        "dialogue_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("agenda", sa.JSON(), nullable=False),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'open', 'closed')", name=op.f("ck_dialogue_round_status")
        ),
        sa.CheckConstraint("number >= 1", name=op.f("ck_dialogue_round_number_positive")),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogue.id"],
            name=op.f("fk_dialogue_round_dialogue_id_dialogue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogue_round")),
        sa.UniqueConstraint("dialogue_id", "number", name="uq_dialogue_round_number"),
    )
    op.create_table(
        "ledger_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("title_zh", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=True),
        sa.Column("opened_in_round_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('agreed', 'disputed', 'open')", name=op.f("ck_ledger_item_status")
        ),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogue.id"],
            name=op.f("fk_ledger_item_dialogue_id_dialogue"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opened_in_round_id"],
            ["dialogue_round.id"],
            name=op.f("fk_ledger_item_opened_in_round_id_dialogue_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_item")),
        sa.UniqueConstraint("dialogue_id", "key", name="uq_ledger_item_key"),
    )
    op.create_table(
        "participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("delegation_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegation.id"],
            name=op.f("fk_participant_delegation_id_delegation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogue.id"],
            name=op.f("fk_participant_dialogue_id_dialogue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant")),
        sa.UniqueConstraint("dialogue_id", "external_id", name="uq_participant_external_id"),
    )
    op.create_table(
        "scope_position",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delegation_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("stance", sa.String(length=16), nullable=False),
        sa.Column("linked_topics", sa.JSON(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("sealed", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revealed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "stance IN ('include', 'exclude', 'only-if-linked')",
            name=op.f("ck_scope_position_stance"),
        ),
        sa.CheckConstraint("priority BETWEEN 1 AND 5", name=op.f("ck_scope_position_priority")),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegation.id"],
            name=op.f("fk_scope_position_delegation_id_delegation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["dialogue_round.id"],
            name=op.f("fk_scope_position_round_id_dialogue_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scope_position")),
    )
    op.create_index(
        "uq_scope_position_dialogue_topic",
        "scope_position",
        ["delegation_id", "topic"],
        unique=True,
        sqlite_where=sa.text("round_id IS NULL"),
        postgresql_where=sa.text("round_id IS NULL"),
    )
    op.create_index(
        "uq_scope_position_round_topic",
        "scope_position",
        ["delegation_id", "round_id", "topic"],
        unique=True,
        sqlite_where=sa.text("round_id IS NOT NULL"),
        postgresql_where=sa.text("round_id IS NOT NULL"),
    )
    op.create_table(
        "ledger_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("carried", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('agreed', 'disputed', 'open')", name=op.f("ck_ledger_entry_status")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["ledger_item.id"],
            name=op.f("fk_ledger_entry_item_id_ledger_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["dialogue_round.id"],
            name=op.f("fk_ledger_entry_round_id_dialogue_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entry")),
    )
    op.create_index(
        "ix_ledger_entry_item_round", "ledger_entry", ["item_id", "round_id"], unique=False
    )
    op.create_table(
        "statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("text_zh", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("moderation", sa.String(length=16), nullable=False),
        sa.Column("is_meta", sa.Boolean(), nullable=False),
        sa.Column("sealed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "moderation IN ('pending', 'accepted', 'rejected')",
            name=op.f("ck_statement_moderation"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["participant.id"],
            name=op.f("fk_statement_author_id_participant"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogue.id"],
            name=op.f("fk_statement_dialogue_id_dialogue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement")),
        sa.UniqueConstraint("dialogue_id", "external_id", name="uq_statement_external_id"),
    )
    op.create_table(
        "vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("importance", sa.Integer(), nullable=True),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "importance IS NULL OR importance BETWEEN 1 AND 3", name=op.f("ck_vote_importance")
        ),
        sa.CheckConstraint("value IN (-1, 0, 1)", name=op.f("ck_vote_value")),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_vote_participant_id_participant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["dialogue_round.id"],
            name=op.f("fk_vote_round_id_dialogue_round"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statement.id"],
            name=op.f("fk_vote_statement_id_statement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote")),
    )
    op.create_index(
        "ix_vote_latest", "vote", ["participant_id", "statement_id", "cast_at", "id"], unique=False
    )
    op.create_index("ix_vote_statement_id", "vote", ["statement_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_vote_statement_id", table_name="vote")
    op.drop_index("ix_vote_latest", table_name="vote")
    op.drop_table("vote")
    op.drop_table("statement")
    op.drop_index("ix_ledger_entry_item_round", table_name="ledger_entry")
    op.drop_table("ledger_entry")
    op.drop_index("uq_scope_position_round_topic", table_name="scope_position")
    op.drop_index("uq_scope_position_dialogue_topic", table_name="scope_position")
    op.drop_table("scope_position")
    op.drop_table("participant")
    op.drop_table("ledger_item")
    op.drop_table("dialogue_round")
    op.drop_table("delegation")
    op.drop_table("dialogue")
