"""ORM rows -> detached records (:mod:`stratstab.dialogue.records`)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stratstab.dialogue.models import Delegation, Dialogue, Participant, Round, Statement
from stratstab.dialogue.records import (
    DelegationInfo,
    DialogueInfo,
    ParticipantInfo,
    RoundInfo,
    StatementInfo,
)


def dialogue_info(session: Session, dialogue: Dialogue) -> DialogueInfo:
    """A dialogue with its numbers of rounds, statements and participants."""

    def count(column, owner) -> int:  # type: ignore[no-untyped-def]
        return int(session.scalar(select(func.count(column)).where(owner == dialogue.id)) or 0)

    return DialogueInfo(
        slug=dialogue.slug,
        title=dialogue.title,
        track=dialogue.track,
        parties=tuple(dialogue.parties or ()),
        description=dialogue.description or "",
        created_at=dialogue.created_at,
        rounds=count(Round.id, Round.dialogue_id),
        statements=count(Statement.id, Statement.dialogue_id),
        participants=count(Participant.id, Participant.dialogue_id),
        title_zh=dialogue.title_zh or "",
        archived_at=dialogue.archived_at,
        revealed_at=dialogue.revealed_at,
    )


def round_info(slug: str, row: Round) -> RoundInfo:
    """A round as a record."""
    return RoundInfo(
        dialogue=slug,
        number=row.number,
        date=row.date,
        place=row.place or "",
        agenda=tuple(row.agenda or ()),
        participants=tuple(row.participants or ()),
        outcome=row.outcome or "",
        status=row.status,
    )


def delegation_info(slug: str, row: Delegation) -> DelegationInfo:
    """A delegation as a record."""
    return DelegationInfo(dialogue=slug, code=row.code, name_en=row.name_en, name_zh=row.name_zh)


def participant_info(slug: str, row: Participant) -> ParticipantInfo:
    """A participant as a record (delegation by code)."""
    return ParticipantInfo(
        dialogue=slug,
        external_id=row.external_id,
        display_name=row.display_name or "",
        delegation=row.delegation.code if row.delegation else None,
        role=row.role or "",
    )


def statement_info(slug: str, row: Statement) -> StatementInfo:
    """A statement as a record (author by external id)."""
    return StatementInfo(
        dialogue=slug,
        external_id=row.external_id,
        text_en=row.text_en or "",
        text_zh=row.text_zh or "",
        author=row.author.external_id if row.author else None,
        topics=tuple(row.topics or ()),
        moderation=row.moderation,
        is_meta=bool(row.is_meta),
        sealed=bool(row.sealed),
        created_at=row.created_at,
        original_language=row.original_language or "en",
        translated_by=row.translated_by or "",
        translated_at=row.translated_at,
        suggestion_text=row.suggestion_text or "",
        suggestion_language=row.suggestion_language,
        suggestion_source=row.suggestion_source or "",
    )
