"""JSON API of the dialogue rooms (everything the pages do)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response

from stratstab.dialogue.scope import ScopePositionData
from stratstab.web.deps import CurrentUser, SessionDep
from stratstab.web.dialogues import scope_service, service
from stratstab.web.dialogues.access import Viewer
from stratstab.web.dialogues.common import audit, statement_public, store_of
from stratstab.web.dialogues.schemas import (
    DialoguePublic,
    LedgerItemCreate,
    LedgerKey,
    LedgerStatusUpdate,
    ModerationUpdate,
    NextStatement,
    RevealResult,
    RoundClose,
    ScopePositionPublic,
    ScopePositionUpdate,
    ScopePublic,
    StatementCreate,
    StatementId,
    StatementPublic,
    TopicId,
    VoteCreate,
    VotePublic,
)
from stratstab.web.params import RoundNumber, Seed

api = APIRouter(prefix="/dialogues", tags=["dialogues"])

# A client's key for one write; a retry with the same key adds nothing and gets the
# first answer again (marked by the ``Idempotent-Replayed: true`` header).
IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=200,
        description="Your key for this write (e.g. a UUID): a retry with the same key "
        "is stored once and answered as the first time. Kept 24 hours.",
    ),
]
REPLAYED_HEADER = "Idempotent-Replayed"


def _position(p: ScopePositionData) -> ScopePositionPublic:
    return ScopePositionPublic(
        delegation=p.delegation,
        topic=p.topic,
        stance=p.stance,
        priority=p.priority,
        linked_topics=list(p.linked_topics),
        note=p.note,
        sealed=p.sealed,
        revealed=p.revealed,
    )


@api.get("", response_model=list[DialoguePublic], summary="Dialogues you may enter")
def list_dialogues(request: Request, user: CurrentUser) -> list[DialoguePublic]:
    """Delegates see the dialogues of their delegation; other roles see all."""
    found = service.list_dialogues(store_of(request), Viewer.of(user))
    return [DialoguePublic(**{**d.to_dict(), "parties": list(d.parties)}) for d in found]


@api.get("/{slug}", response_model=DialoguePublic, summary="One dialogue")
def get_dialogue(slug: str, request: Request, user: CurrentUser) -> DialoguePublic:
    """A dialogue with its counts (404 when you may not enter it)."""
    dialogue, _ = service.enter(store_of(request), Viewer.of(user), slug)
    return DialoguePublic(**{**dialogue.to_dict(), "parties": list(dialogue.parties)})


@api.get("/{slug}/statements", response_model=list[StatementPublic], summary="Statements")
def list_statements(slug: str, request: Request, user: CurrentUser) -> list[StatementPublic]:
    """The statements you may see (sealed ones of other delegations are left out)."""
    items = service.statements(store_of(request), Viewer.of(user), slug)
    return [statement_public(s) for s in items]


@api.post(
    "/{slug}/statements",
    response_model=StatementPublic,
    status_code=201,
    summary="Submit a statement",
)
def create_statement(
    slug: str,
    body: StatementCreate,
    request: Request,
    response: Response,
    db: SessionDep,
    user: CurrentUser,
    idempotency_key: IdempotencyKeyHeader = None,
) -> StatementPublic:
    """Delegates' statements wait for the facilitator; facilitators' are accepted."""
    store, viewer = store_of(request), Viewer.of(user)
    info, replayed = service.submit_statement(
        store,
        viewer,
        slug,
        text_en=body.text_en,
        text_zh=body.text_zh,
        topics=body.topics,
        sealed=body.sealed,
        idempotency_key=idempotency_key,
    )
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    else:
        audit(
            db, user, "statement.submit", f"{slug}/{info.external_id}", moderation=info.moderation
        )
    return statement_public(service.find_statement(store, viewer, slug, info.external_id))


@api.patch(
    "/{slug}/statements/{statement_id}",
    response_model=StatementPublic,
    summary="Moderate or seal a statement",
)
def moderate_statement(
    slug: str,
    statement_id: StatementId,
    body: ModerationUpdate,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
) -> StatementPublic:
    """Facilitators accept / reject and seal / unseal statements."""
    store, viewer = store_of(request), Viewer.of(user)
    service.moderate(store, viewer, slug, statement_id, state=body.moderation, sealed=body.sealed)
    audit(
        db,
        user,
        "statement.moderate",
        f"{slug}/{statement_id}",
        moderation=body.moderation,
        sealed=body.sealed,
    )
    return statement_public(service.find_statement(store, viewer, slug, statement_id))


@api.get("/{slug}/next-statement", response_model=NextStatement, summary="Next to vote on")
def next_statement(slug: str, request: Request, user: CurrentUser) -> NextStatement:
    """The first statement you can vote on and have not voted on yet."""
    item, voted, votable = service.next_statement(store_of(request), Viewer.of(user), slug)
    return NextStatement(
        statement=statement_public(item) if item else None, voted=voted, votable=votable
    )


@api.post("/{slug}/votes", response_model=VotePublic, status_code=201, summary="Vote")
def cast_vote(
    slug: str,
    body: VoteCreate,
    request: Request,
    response: Response,
    user: CurrentUser,
    idempotency_key: IdempotencyKeyHeader = None,
) -> VotePublic:
    """Agree (1), disagree (-1) or pass (0); a new vote replaces your earlier one."""
    record, replayed = service.cast_vote(
        store_of(request),
        Viewer.of(user),
        slug,
        statement=body.statement,
        value=body.value,
        importance=body.importance,
        idempotency_key=idempotency_key,
    )
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return VotePublic(**record.to_dict())


@api.get("/{slug}/consensus", summary="Consensus analysis")
def consensus(
    slug: str, request: Request, user: CurrentUser, seed: Annotated[Seed, Query()] = 0
) -> dict:
    """Opinion groups, bridging statements, cruxes, per-delegation agreement (public statements)."""
    result = service.consensus(store_of(request), Viewer.of(user), slug, seed=seed)
    return result or {
        "participants": [],
        "statements": [],
        "groups": [],
        "bridging": [],
        "cruxes": [],
        "n_groups": 0,
        "notes": ["not enough votes yet"],
    }


@api.get("/{slug}/scope", response_model=ScopePublic, summary="Scope matrix")
def scope(slug: str, request: Request, user: CurrentUser) -> ScopePublic:
    """Positions you may read; others' sealed ones appear only as 'sealed'."""
    view = scope_service.scope_view(store_of(request), Viewer.of(user), slug)
    positions, sealed = [], []
    for topic, row in view.cells.items():
        for code, cell in row.items():
            if cell == "sealed":
                sealed.append({"topic": topic, "delegation": code})
            elif cell is not None:
                positions.append(_position(cell))
    return ScopePublic(
        delegations=view.delegations,
        positions=positions,
        sealed=sealed,
        submitted=view.submitted,
        all_submitted=view.all_submitted,
        sealed_pending=view.sealed_pending,
        analysis=view.analysis,
    )


@api.put("/{slug}/scope/{topic}", response_model=ScopePositionPublic, summary="Set a position")
def set_scope(
    slug: str,
    topic: TopicId,
    body: ScopePositionUpdate,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
) -> ScopePositionPublic:
    """Your delegation's stance on a topic; sealed until the facilitator reveals."""
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
    return _position(position)


@api.post("/{slug}/scope/reveal", response_model=RevealResult, summary="Reveal sealed items")
def reveal(slug: str, request: Request, db: SessionDep, user: CurrentUser) -> RevealResult:
    """Facilitators open every sealed item once every delegation has submitted."""
    count = scope_service.reveal(store_of(request), Viewer.of(user), slug)
    audit(db, user, "scope.reveal", slug, revealed=count)
    return RevealResult(revealed=count)


@api.get("/{slug}/ledger", summary="Round ledger")
def ledger(
    slug: str,
    request: Request,
    user: CurrentUser,
    round_number: Annotated[RoundNumber | None, Query(alias="round")] = None,
) -> dict:
    """Rounds and the ledger as it stands in a round (default: the latest)."""
    rounds, rows = scope_service.ledger(
        store_of(request), Viewer.of(user), slug, round_number=round_number
    )
    return {"rounds": [r.to_dict() for r in rounds], "items": [r.to_dict() for r in rows]}


@api.post("/{slug}/ledger", status_code=201, summary="Open a ledger item")
def add_ledger_item(
    slug: str, body: LedgerItemCreate, request: Request, db: SessionDep, user: CurrentUser
) -> dict:
    """Facilitators add an item in the current round."""
    row = scope_service.add_ledger_item(
        store_of(request), Viewer.of(user), slug, **body.model_dump()
    )
    audit(db, user, "ledger.add", f"{slug}/{row.key}", status=row.status)
    return row.to_dict()


@api.put("/{slug}/ledger/{key}", summary="Set a ledger item's status")
def set_ledger_status(
    slug: str,
    key: LedgerKey,
    body: LedgerStatusUpdate,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
) -> dict:
    """Facilitators record agreed / disputed / open in the current round."""
    row = scope_service.set_ledger_status(
        store_of(request), Viewer.of(user), slug, key=key, status=body.status, note=body.note
    )
    audit(db, user, "ledger.status", f"{slug}/{key}", status=body.status)
    return row.to_dict()


@api.post("/{slug}/rounds/close", summary="Close the current round")
def close_round(
    slug: str, body: RoundClose, request: Request, db: SessionDep, user: CurrentUser
) -> dict:
    """Facilitators close the round; open and disputed items carry forward."""
    new_round = scope_service.close_round(
        store_of(request), Viewer.of(user), slug, outcome=body.outcome
    )
    audit(db, user, "round.close", slug, next_round=new_round.number)
    return new_round.to_dict()
