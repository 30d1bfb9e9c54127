"""Failed-login counters of the login throttle (fixed windows, digested keys)

Revision ID: 0010_login_throttle
Revises: 0009_bilingual_statements
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_login_throttle"
down_revision: str | Sequence[str] | None = "0009_bilingual_statements"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "login_throttle_counters",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle_counters")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("login_throttle_counters")
