"""Stored consensus analysis per dialogue, with its version counter (dirty flag)

Revision ID: 0011_consensus_snapshot
Revises: 0010_login_throttle
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_consensus_snapshot"
down_revision: str | Sequence[str] | None = "0010_login_throttle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision; every existing dialogue starts dirty (version 1, nothing computed)."""
    op.create_table(
        "consensus_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("computed_version", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("compute_ms", sa.Float(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogue.id"],
            name=op.f("fk_consensus_snapshot_dialogue_id_dialogue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consensus_snapshot")),
        sa.UniqueConstraint("dialogue_id", name="uq_consensus_snapshot_dialogue"),
    )
    op.execute(
        "INSERT INTO consensus_snapshot (dialogue_id, version, computed_version, compute_ms) "
        "SELECT id, 1, 0, 0.0 FROM dialogue"
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("consensus_snapshot")
