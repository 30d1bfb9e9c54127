"""Pol.is imports in committed batches: what each import added, to undo an interrupted one

Revision ID: 0007_polis_import
Revises: 0006_workspace
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_polis_import"
down_revision: str | Sequence[str] | None = "0006_workspace"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "polis_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_dialogue", sa.Boolean(), nullable=False),
        sa.Column("statement_ids", sa.JSON(), nullable=False),
        sa.Column("participant_ids", sa.JSON(), nullable=False),
        sa.Column("votes_total", sa.Integer(), nullable=False),
        sa.Column("votes_done", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('running', 'done')", name=op.f("ck_polis_import_status")),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogue.id"],
            name=op.f("fk_polis_import_dialogue_id_dialogue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polis_import")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("polis_import")
