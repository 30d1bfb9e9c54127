"""Workspace: uploaded datasets and scenarios (stored parsed), background jobs

Revision ID: 0006_workspace
Revises: 0005_dialogue_setup
Create Date: 2026-12-03 09:08:31.443446
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_workspace"
down_revision: str | Sequence[str] | None = "0005_dialogue_setup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "job",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["account_users.id"],
            name=op.f("fk_job_owner_id_account_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index("ix_job_owner_state", ["owner_id", "state"], unique=False)

    op.create_table(
        "uploaded_dataset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["account_users.id"],
            name=op.f("fk_uploaded_dataset_owner_id_account_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uploaded_dataset")),
        sa.UniqueConstraint("owner_id", "dataset_id", name=op.f("uq_uploaded_dataset_owner_id")),
    )
    with op.batch_alter_table("uploaded_dataset", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_uploaded_dataset_owner_id"), ["owner_id"], unique=False
        )

    op.create_table(
        "uploaded_scenario",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["account_users.id"],
            name=op.f("fk_uploaded_scenario_owner_id_account_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uploaded_scenario")),
        sa.UniqueConstraint("owner_id", "public_id", name=op.f("uq_uploaded_scenario_owner_id")),
    )
    with op.batch_alter_table("uploaded_scenario", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_uploaded_scenario_owner_id"), ["owner_id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("uploaded_scenario", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_uploaded_scenario_owner_id"))

    op.drop_table("uploaded_scenario")
    with op.batch_alter_table("uploaded_dataset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_uploaded_dataset_owner_id"))

    op.drop_table("uploaded_dataset")
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index("ix_job_owner_state")

    op.drop_table("job")
