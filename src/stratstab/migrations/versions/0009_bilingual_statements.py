"""Bilingual statements: original language, translator, machine suggestion

Revision ID: 0009_bilingual_statements
Revises: 0008_polis_grouping_state
Create Date: 2026-12-03 08:45:00

Existing statements get an original language: the language of their only text, or
English where both texts exist.  A text stored as English that is written in Chinese
(a Pol.is import of a Chinese conversation) moves to the Chinese column first.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from stratstab.dialogue.language import detect_language, original_of
from stratstab.dialogue.models import UTCDateTime

revision: str = "0009_bilingual_statements"
down_revision: str | Sequence[str] | None = "0008_polis_grouping_state"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("statement") as batch:
        batch.add_column(
            sa.Column("original_language", sa.String(2), nullable=False, server_default="en")
        )
        batch.add_column(
            sa.Column("translated_by", sa.String(200), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("translated_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("suggestion_text", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("suggestion_language", sa.String(2), nullable=True))
        batch.add_column(
            sa.Column("suggestion_source", sa.String(300), nullable=False, server_default="")
        )
        batch.create_check_constraint("original", "original_language IN ('en', 'zh')")
    _detect_originals()


def _detect_originals() -> None:
    statement = sa.table(
        "statement",
        sa.column("id", sa.Integer),
        sa.column("text_en", sa.Text),
        sa.column("text_zh", sa.Text),
        sa.column("original_language", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(statement.c.id, statement.c.text_en, statement.c.text_zh))
    for row_id, text_en, text_zh in rows.all():
        text_en, text_zh = text_en or "", text_zh or ""
        if text_en.strip() and not text_zh.strip() and detect_language(text_en) == "zh":
            text_en, text_zh = "", text_en
        connection.execute(
            statement.update()
            .where(statement.c.id == row_id)
            .values(
                text_en=text_en, text_zh=text_zh, original_language=original_of(text_en, text_zh)
            )
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("statement") as batch:
        batch.drop_constraint("original", type_="check")
        for column in (
            "suggestion_source",
            "suggestion_language",
            "suggestion_text",
            "translated_at",
            "translated_by",
            "original_language",
        ):
            batch.drop_column(column)
