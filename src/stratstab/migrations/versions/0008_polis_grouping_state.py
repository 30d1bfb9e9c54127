"""Pol.is-style grouping state of a dialogue (participants ever grouped, last centres)

Revision ID: 0008_polis_grouping_state
Revises: 0007_polis_import
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_polis_grouping_state"
down_revision: str | Sequence[str] | None = "0007_polis_import"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "polis_grouping_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogue.id"],
            name=op.f("fk_polis_grouping_state_dialogue_id_dialogue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polis_grouping_state")),
        sa.UniqueConstraint("dialogue_id", name="uq_polis_grouping_state_dialogue"),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("polis_grouping_state")
