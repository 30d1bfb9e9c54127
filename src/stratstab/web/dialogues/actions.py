"""Changes the dialogue pages and the JSON API both make, each with its audit record.

A page form and an API route that change the same thing call the same function here,
so the change, its checks and the audit record it leaves are written once; the routes
only differ in what they answer (a redirect or a JSON body).
"""

from __future__ import annotations

from typing import Literal

from fastapi import Request

from stratstab.accounts.models import User
from stratstab.dialogue.records import LedgerRow, StatementInfo
from stratstab.dialogue.scope import ScopePositionData
from stratstab.web.deps import SessionDep
from stratstab.web.dialogues import scope_service, service, translation
from stratstab.web.dialogues.common import audit, store_of, viewer_of
from stratstab.web.dialogues.schemas import (
    LedgerItemCreate,
    LedgerStatusUpdate,
    ModerationUpdate,
    ScopePositionUpdate,
    TranslationUpdate,
)

SuggestionAction = Literal["suggest", "accept", "discard"]


def moderate(
    request: Request,
    db: SessionDep,
    user: User,
    slug: str,
    statement_id: str,
    body: ModerationUpdate,
) -> None:
    """Accept / reject, seal / unseal or mark a statement as meta (facilitators)."""
    service.moderate(
        store_of(request),
        viewer_of(request, user, slug),
        slug,
        statement_id,
        state=body.moderation,
        sealed=body.sealed,
        confirm=body.confirm,
        meta=body.meta,
    )
    audit(
        db,
        user,
        "statement.moderate",
        f"{slug}/{statement_id}",
        moderation=body.moderation,
        sealed=body.sealed,
        meta=body.meta,
    )


def save_translation(
    request: Request,
    db: SessionDep,
    user: User,
    slug: str,
    statement_id: str,
    body: TranslationUpdate,
) -> None:
    """A person's translation of a statement (empty text removes it)."""
    translation.save_translation(
        store_of(request),
        viewer_of(request, user, slug),
        slug,
        statement_id,
        language=body.language,
        text=body.text,
    )
    audit(db, user, "statement.translate", f"{slug}/{statement_id}", language=body.language)


def machine_suggestion(
    request: Request,
    db: SessionDep,
    user: User,
    slug: str,
    statement_id: str,
    action: SuggestionAction,
) -> None:
    """Ask the configured model for a translation, accept its suggestion, or discard it.

    Accepting makes the suggestion the statement's translation, credited to the person
    who accepted it, and is audited as a translation.
    """
    store, viewer = store_of(request), viewer_of(request, user, slug)
    target = f"{slug}/{statement_id}"
    if action == "suggest":
        translation.suggest_translation(
            store, viewer, slug, statement_id, settings=request.app.state.settings
        )
        audit(db, user, "statement.suggest", target)
    elif action == "accept":
        info: StatementInfo = translation.accept_suggestion(store, viewer, slug, statement_id)
        language = "zh" if info.original_language == "en" else "en"
        audit(db, user, "statement.translate", target, machine_suggestion=True, language=language)
    else:
        translation.discard_suggestion(store, viewer, slug, statement_id)
        audit(db, user, "statement.suggestion_discard", target)


def add_ledger_item(
    request: Request, db: SessionDep, user: User, slug: str, body: LedgerItemCreate
) -> LedgerRow:
    """Open a ledger item in the current round (facilitators)."""
    row = scope_service.add_ledger_item(
        store_of(request), viewer_of(request, user, slug), slug, **body.model_dump()
    )
    audit(db, user, "ledger.add", f"{slug}/{row.key}", status=row.status)
    return row


def set_ledger_status(
    request: Request, db: SessionDep, user: User, slug: str, key: str, body: LedgerStatusUpdate
) -> LedgerRow:
    """Record a ledger item's status in the current round (facilitators)."""
    row = scope_service.set_ledger_status(
        store_of(request),
        viewer_of(request, user, slug),
        slug,
        key=key,
        status=body.status,
        note=body.note,
    )
    audit(db, user, "ledger.status", f"{slug}/{key}", status=body.status)
    return row


def set_scope_position(
    request: Request, db: SessionDep, user: User, slug: str, topic: str, body: ScopePositionUpdate
) -> ScopePositionData:
    """The viewer's delegation's position on a topic (sealed until the reveal)."""
    position = scope_service.set_position(
        store_of(request),
        viewer_of(request, user, slug),
        slug,
        topic=topic,
        stance=body.stance,
        priority=body.priority,
        linked_topics=body.linked_topics,
        note=body.note,
    )
    audit(db, user, "scope.set", f"{slug}/{topic}", delegation=position.delegation)
    return position
