"""HTML pages of the dialogue rooms (htmx for voting and the live consensus view).

Every form is validated by the same schema as the matching JSON route
(``FORM_SCHEMAS``), through :func:`stratstab.web.forms.FormBody`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from stratstab.dialogue.catalogue import load_catalogue
from stratstab.web.deps import CurrentUser, SessionDep, TranslatorDep
from stratstab.web.dialogues import scope_service, service, views
from stratstab.web.dialogues.access import Viewer
from stratstab.web.dialogues.common import audit, store_of
from stratstab.web.dialogues.schemas import (
    LedgerItemCreate,
    LedgerKey,
    LedgerStatusUpdate,
    ModerationUpdate,
    RoundClose,
    ScopePositionUpdate,
    StatementCreate,
    StatementId,
    TopicId,
    VoteCreate,
)
from stratstab.web.forms import FormBody
from stratstab.web.params import RoundNumber
from stratstab.web.templating import render

pages = APIRouter(prefix="/dialogues", include_in_schema=False)

# The schemas the page forms share with the JSON API.
FORM_SCHEMAS = (
    VoteCreate,
    StatementCreate,
    ModerationUpdate,
    ScopePositionUpdate,
    LedgerItemCreate,
    LedgerStatusUpdate,
    RoundClose,
)


def _room(request: Request, user, slug: str, tab: str, **context) -> HTMLResponse:
    dialogue, codes = service.enter(store_of(request), Viewer.of(user), slug)
    base = {
        "dialogue": dialogue,
        "delegations": codes,
        "tab": tab,
        "viewer": Viewer.of(user),
        "catalogue": load_catalogue(),
        "views": views,
    }
    return render(request, f"dialogues/{tab}.html", {**base, **context})


def _back(slug: str, tab: str) -> Response:
    return RedirectResponse(f"/dialogues/{slug}/{tab}", status_code=303)


@pages.get("", response_class=HTMLResponse)
def dialogue_list(request: Request, user: CurrentUser) -> HTMLResponse:
    """The dialogues the user may enter."""
    found = service.list_dialogues(store_of(request), Viewer.of(user))
    return render(request, "dialogues/list.html", {"dialogues": found})


@pages.get("/{slug}")
def dialogue_home(slug: str, request: Request, user: CurrentUser) -> Response:
    """A room opens on its voting tab."""
    service.enter(store_of(request), Viewer.of(user), slug)
    return _back(slug, "vote")


def _vote_card(request: Request, user, slug: str) -> dict:
    item, voted, votable = service.next_statement(store_of(request), Viewer.of(user), slug)
    return {"item": item, "voted": voted, "votable": votable}


@pages.get("/{slug}/vote", response_class=HTMLResponse)
def vote_page(slug: str, request: Request, user: CurrentUser) -> HTMLResponse:
    """One statement at a time, plus the form to submit a statement."""
    mine = [
        s
        for s in service.statements(store_of(request), Viewer.of(user), slug)
        if s.info.author == Viewer.of(user).participant_id
    ]
    return _room(request, user, slug, "vote", mine=mine, **_vote_card(request, user, slug))


@pages.post("/{slug}/vote", response_class=HTMLResponse)
def vote_submit(
    slug: str,
    request: Request,
    user: CurrentUser,
    body: Annotated[VoteCreate, FormBody(VoteCreate)],
    idempotency_key: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    """Record a vote and answer with the next statement card (htmx swap).

    The card's hidden idempotency key makes a double click or a resent form count once.
    """
    service.cast_vote(
        store_of(request),
        Viewer.of(user),
        slug,
        statement=body.statement,
        value=body.value,
        importance=body.importance,
        idempotency_key=idempotency_key or None,
    )
    context = {
        "dialogue": service.enter(store_of(request), Viewer.of(user), slug)[0],
        **_vote_card(request, user, slug),
    }
    return render(request, "dialogues/_vote_card.html", context)


@pages.post("/{slug}/statements")
def statement_submit(
    slug: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    body: Annotated[StatementCreate, FormBody(StatementCreate)],
    idempotency_key: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Submit a statement (pending until the facilitator accepts it); a resent form adds none."""
    info, replayed = service.submit_statement(
        store_of(request),
        Viewer.of(user),
        slug,
        text_en=body.text_en,
        text_zh=body.text_zh,
        topics=body.topics,
        sealed=body.sealed,
        idempotency_key=idempotency_key or None,
    )
    if not replayed:
        audit(
            db, user, "statement.submit", f"{slug}/{info.external_id}", moderation=info.moderation
        )
    return _back(slug, "statements" if Viewer.of(user).runs_dialogues else "vote")


@pages.get("/{slug}/statements", response_class=HTMLResponse)
def statements_page(slug: str, request: Request, user: CurrentUser) -> HTMLResponse:
    """Every statement the user may see; moderation controls for facilitators."""
    items = service.statements(store_of(request), Viewer.of(user), slug)
    return _room(request, user, slug, "statements", items=items)


@pages.post("/{slug}/statements/{statement_id}/moderate")
def moderate_submit(
    slug: str,
    statement_id: StatementId,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    body: Annotated[ModerationUpdate, FormBody(ModerationUpdate)],
) -> Response:
    """Accept / reject, seal / unseal a statement."""
    service.moderate(
        store_of(request),
        Viewer.of(user),
        slug,
        statement_id,
        state=body.moderation,
        sealed=body.sealed,
    )
    audit(
        db,
        user,
        "statement.moderate",
        f"{slug}/{statement_id}",
        moderation=body.moderation,
        sealed=body.sealed,
    )
    return _back(slug, "statements")


@pages.get("/{slug}/consensus", response_class=HTMLResponse)
def consensus_page(slug: str, request: Request, user: CurrentUser) -> HTMLResponse:
    """The live consensus view (the fragment below refreshes itself)."""
    result = service.consensus(store_of(request), Viewer.of(user), slug)
    return _room(request, user, slug, "consensus", result=result)


@pages.get("/{slug}/consensus/live", response_class=HTMLResponse)
def consensus_fragment(
    slug: str, request: Request, user: CurrentUser, t: TranslatorDep
) -> HTMLResponse:
    """The consensus fragment alone, for htmx polling."""
    dialogue, codes = service.enter(store_of(request), Viewer.of(user), slug)
    result = service.consensus(store_of(request), Viewer.of(user), slug)
    context = {"dialogue": dialogue, "delegations": codes, "result": result, "views": views}
    return render(request, "dialogues/_consensus.html", context)


@pages.get("/{slug}/scope", response_class=HTMLResponse)
def scope_page(slug: str, request: Request, user: CurrentUser) -> HTMLResponse:
    """Scope matrix (topics × delegations), sealed cells, staged agenda."""
    view = scope_service.scope_view(store_of(request), Viewer.of(user), slug)
    return _room(request, user, slug, "scope", scope=view)


@pages.post("/{slug}/scope")
def scope_submit(
    slug: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    topic: Annotated[TopicId, Form()],
    body: Annotated[ScopePositionUpdate, FormBody(ScopePositionUpdate)],
) -> Response:
    """Set the delegation's (sealed) position on one topic."""
    position = scope_service.set_position(
        store_of(request),
        Viewer.of(user),
        slug,
        topic=topic,
        stance=body.stance,
        priority=body.priority,
        linked_topics=body.linked_topics,
        note=body.note,
    )
    audit(db, user, "scope.set", f"{slug}/{topic}", delegation=position.delegation)
    return _back(slug, "scope")


@pages.post("/{slug}/reveal")
def reveal_submit(slug: str, request: Request, db: SessionDep, user: CurrentUser) -> Response:
    """Reveal every sealed item (refused until every delegation has submitted)."""
    count = scope_service.reveal(store_of(request), Viewer.of(user), slug)
    audit(db, user, "scope.reveal", slug, revealed=count)
    return _back(slug, "scope")


@pages.get("/{slug}/ledger", response_class=HTMLResponse)
def ledger_page(
    slug: str,
    request: Request,
    user: CurrentUser,
    round: Annotated[RoundNumber | None, Query()] = None,
) -> HTMLResponse:
    """The round ledger: agreed, disputed and open items, with history."""
    rounds, rows = scope_service.ledger(
        store_of(request), Viewer.of(user), slug, round_number=round
    )
    return _room(request, user, slug, "ledger", rounds=rounds, rows=rows, shown_round=round)


@pages.post("/{slug}/ledger")
def ledger_add(
    slug: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    body: Annotated[LedgerItemCreate, FormBody(LedgerItemCreate)],
) -> Response:
    """Open a ledger item."""
    row = scope_service.add_ledger_item(
        store_of(request), Viewer.of(user), slug, **body.model_dump()
    )
    audit(db, user, "ledger.add", f"{slug}/{row.key}", status=row.status)
    return _back(slug, "ledger")


@pages.post("/{slug}/ledger/{key}")
def ledger_status(
    slug: str,
    key: LedgerKey,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    body: Annotated[LedgerStatusUpdate, FormBody(LedgerStatusUpdate)],
) -> Response:
    """Record a ledger item's status in the current round."""
    scope_service.set_ledger_status(
        store_of(request), Viewer.of(user), slug, key=key, status=body.status, note=body.note
    )
    audit(db, user, "ledger.status", f"{slug}/{key}", status=body.status)
    return _back(slug, "ledger")


@pages.post("/{slug}/rounds/close")
def round_close(
    slug: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    body: Annotated[RoundClose, FormBody(RoundClose)],
) -> Response:
    """Close the current round and open the next."""
    new_round = scope_service.close_round(
        store_of(request), Viewer.of(user), slug, outcome=body.outcome
    )
    audit(db, user, "round.close", slug, next_round=new_round.number)
    return _back(slug, "ledger")
