"""Helpers shared by the dialogue pages and API: store access, audit, conversions."""

from __future__ import annotations

from fastapi import Request

from stratstab.accounts import service as accounts
from stratstab.accounts.models import User
from stratstab.dialogue.store import DialogueStore
from stratstab.web.deps import SessionDep
from stratstab.web.dialogues import members
from stratstab.web.dialogues.access import Viewer
from stratstab.web.dialogues.schemas import MachineSuggestion, StatementPublic
from stratstab.web.dialogues.service import VisibleStatement


def store_of(request: Request) -> DialogueStore:
    """The app's dialogue store."""
    return request.app.state.store


def viewer_of(request: Request, user: User | accounts.Principal, slug: str) -> Viewer:
    """The user's viewer in dialogue ``slug``: their role there."""
    return members.viewer_for(store_of(request), user, slug)


def audit(db: SessionDep, user: User, action: str, target: str, **detail: object) -> None:
    """Record and commit an audit event about a dialogue object."""
    accounts.record(
        db, actor=user, action=action, target_type="dialogue", target_id=target, detail=dict(detail)
    )
    db.commit()


def statement_public(item: VisibleStatement, *, translator: bool = False) -> StatementPublic:
    """API form of a visible statement; the machine suggestion only for ``translator``."""
    info = item.info
    suggestion = None
    if translator and info.suggestion_text and info.suggestion_language:
        suggestion = MachineSuggestion(
            language=info.suggestion_language,
            text=info.suggestion_text,
            source=info.suggestion_source,
        )
    return StatementPublic(
        id=info.external_id,
        text_en=info.text_en,
        text_zh=info.text_zh,
        author=info.author,
        author_delegation=item.author_delegation,
        topics=list(info.topics),
        moderation=info.moderation,
        sealed=info.sealed,
        is_meta=info.is_meta,
        votable=item.votable,
        created_at=info.created_at,
        original_language=info.original_language,
        translated_by=info.translated_by,
        suggestion=suggestion,
    )
