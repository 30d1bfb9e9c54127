"""JSON API of the dialogue rooms (everything the pages do)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated, Literal

import anyio
import anyio.to_thread
from fastapi import APIRouter, Header, Path, Query, Request, Response

from stratstab.accounts.models import User
from stratstab.accounts.service import Principal
from stratstab.dialogue.records import DialogueInfo, RoundInfo, VoteRecord
from stratstab.dialogue.scope import ScopePositionData
from stratstab.web.deps import CurrentUser, SessionDep
from stratstab.web.dialogues import actions, members, scope_service, service
from stratstab.web.dialogues import report as reports
from stratstab.web.dialogues.common import audit, statement_public, store_of, viewer_of
from stratstab.web.dialogues.schemas import (
    CompletionPublic,
    CompletionUpdate,
    Confirm,
    ConsensusVersionPublic,
    DialoguePublic,
    LedgerItemCreate,
    LedgerKey,
    LedgerStatusUpdate,
    ModerationUpdate,
    NextStatement,
    RevealResult,
    RoundClose,
    RoundOpen,
    RoundPublic,
    RoundUpdate,
    ScopePositionPublic,
    ScopePositionUpdate,
    ScopePublic,
    StatementCreate,
    StatementId,
    StatementPublic,
    TopicId,
    TranslationUpdate,
    VoteCreate,
    VotePublic,
)
from stratstab.web.params import RoundNumber, Seed

#: Worker threads that votes may occupy at once (see :func:`_vote_threads`).
VOTE_THREADS = 4

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


def _dialogue(info: DialogueInfo) -> DialoguePublic:
    return DialoguePublic(**{**info.to_dict(), "parties": list(info.parties)})


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
        version=p.version,
    )


@api.get("", response_model=list[DialoguePublic], summary="Dialogues you may enter")
def list_dialogues(request: Request, user: CurrentUser) -> list[DialoguePublic]:
    """The dialogues you are a member of (admins: all); archived ones included."""
    found = members.list_dialogues(store_of(request), user)
    return [_dialogue(d) for d in found]


@api.get("/{slug}", response_model=DialoguePublic, summary="One dialogue")
def get_dialogue(slug: str, request: Request, user: CurrentUser) -> DialoguePublic:
    """A dialogue with its counts (404 when you may not enter it)."""
    dialogue, _ = service.enter(store_of(request), viewer_of(request, user, slug), slug)
    return _dialogue(dialogue)


@api.get("/{slug}/statements", response_model=list[StatementPublic], summary="Statements")
def list_statements(slug: str, request: Request, user: CurrentUser) -> list[StatementPublic]:
    """The statements you may see (sealed ones of other delegations are left out)."""
    viewer = viewer_of(request, user, slug)
    items = service.statements(store_of(request), viewer, slug)
    return [statement_public(s, translator=viewer.translates) for s in items]


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
    store, viewer = store_of(request), viewer_of(request, user, slug)
    info, replayed = service.submit_statement(
        store,
        viewer,
        slug,
        text_en=body.text_en,
        text_zh=body.text_zh,
        topics=body.topics,
        sealed=body.sealed,
        idempotency_key=idempotency_key,
        original_language=body.original_language,
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
    actions.moderate(request, db, user, slug, statement_id, body)
    store, viewer = store_of(request), viewer_of(request, user, slug)
    return statement_public(
        service.find_statement(store, viewer, slug, statement_id), translator=viewer.translates
    )


def _translated(request: Request, user, slug: str, statement_id: str) -> StatementPublic:
    store, viewer = store_of(request), viewer_of(request, user, slug)
    return statement_public(
        service.find_statement(store, viewer, slug, statement_id), translator=True
    )


@api.put(
    "/{slug}/statements/{statement_id}/translation",
    response_model=StatementPublic,
    summary="Write a statement's translation",
)
def put_translation(
    slug: str,
    statement_id: StatementId,
    body: TranslationUpdate,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
) -> StatementPublic:
    """Translators and facilitators write the language the author did not use."""
    actions.save_translation(request, db, user, slug, statement_id, body)
    return _translated(request, user, slug, statement_id)


#: The machine-suggestion routes: (method, path suffix, action, route name, summary,
#: description).  One body serves the three; only the action passed to ``actions`` differs.
_SUGGESTION_ROUTES = (
    ("post", "", "suggest", "suggest_translation", "Ask the configured model for a translation",
     "Stores a machine suggestion (409 when no endpoint is configured, 502 when it fails)."),
    ("post", "/accept", "accept", "accept_suggestion", "Accept the machine suggestion",
     "The suggestion becomes the statement's translation, credited to you."),
    ("delete", "", "discard", "discard_suggestion", "Discard the machine suggestion",
     "Drop a machine suggestion nobody wants."),
)  # fmt: skip


def _suggestion_route(action: str, name: str, description: str) -> Callable[..., StatementPublic]:
    """The route body for one machine-suggestion action."""

    def route(
        slug: str, statement_id: StatementId, request: Request, db: SessionDep, user: CurrentUser
    ) -> StatementPublic:
        actions.machine_suggestion(request, db, user, slug, statement_id, action)
        return _translated(request, user, slug, statement_id)

    route.__name__ = route.__qualname__ = name
    route.__doc__ = description
    return route


for _method, _suffix, _action, _name, _summary, _description in _SUGGESTION_ROUTES:
    getattr(api, _method)(
        "/{slug}/statements/{statement_id}/translation/suggestion" + _suffix,
        response_model=StatementPublic,
        summary=_summary,
    )(_suggestion_route(_action, _name, _description))


@api.get("/{slug}/next-statement", response_model=NextStatement, summary="Next to vote on")
def next_statement(slug: str, request: Request, user: CurrentUser) -> NextStatement:
    """The first statement you can vote on and have not voted on yet."""
    item, voted, votable = service.next_statement(
        store_of(request), viewer_of(request, user, slug), slug
    )
    return NextStatement(
        statement=statement_public(item) if item else None, voted=voted, votable=votable
    )


@api.post("/{slug}/votes", response_model=VotePublic, status_code=201, summary="Vote")
async def cast_vote(
    slug: str,
    body: VoteCreate,
    request: Request,
    response: Response,
    user: CurrentUser,
    idempotency_key: IdempotencyKeyHeader = None,
) -> VotePublic:
    """Agree (1), disagree (-1) or pass (0); a new vote replaces your earlier one."""
    # Well-formed votes are usually answered by :mod:`~stratstab.web.dialogues.vote_route`
    # ahead of this route, through the same :func:`record_vote`; this one answers the rest.
    vote, replayed = await record_vote(request, lambda: user, slug, body, idempotency_key)
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return vote


async def record_vote(
    request: Request,
    voter: Callable[[], User | Principal],
    slug: str,
    body: VoteCreate,
    idempotency_key: str | None,
) -> tuple[VotePublic, bool]:
    """Cast ``voter()``'s vote in ``slug``: the vote as answered, and whether it was replayed.

    ``voter`` is called in the worker thread, before the write transaction: the lean
    route reads and checks the login there, so that no database call runs on the event
    loop, and a refused login never waits for (or holds) the write lock.  Every rule
    (membership, visibility, sealed material, idempotency) is the service's.
    """

    def cast() -> tuple[VoteRecord, bool]:
        store = store_of(request)
        person = voter()
        # The membership, the entry check and the write in one write transaction.
        with store.unit(write=True):
            return service.cast_vote(
                store,
                viewer_of(request, person, slug),
                slug,
                statement=body.statement,
                value=body.value,
                importance=body.importance,
                idempotency_key=idempotency_key,
            )

    # One hop to a worker thread for the reads and the write (which may wait for the
    # write lock); the answer is then built on the event loop, with no second hop.
    record, replayed = await anyio.to_thread.run_sync(cast, limiter=_vote_threads(request))
    return VotePublic(**record.to_dict()), replayed


def _vote_threads(request: Request) -> anyio.CapacityLimiter:
    """The worker threads votes may occupy at once (a limiter per app and event loop).

    Votes write one after another anyway (SQLite has one writer), so a few threads keep
    the writer busy; the rest of a burst waits in the limiter's first-come queue on the
    event loop instead of in the shared thread pool, where it would hold every thread a
    page needs and then contend for the write lock in no particular order.
    """
    loop = asyncio.get_running_loop()
    held = getattr(request.app.state, "vote_threads", None)
    if held is None or held[0] is not loop:
        held = request.app.state.vote_threads = (loop, anyio.CapacityLimiter(VOTE_THREADS))
    return held[1]


@api.get("/{slug}/consensus", summary="Consensus analysis")
def consensus(
    slug: str, request: Request, user: CurrentUser, seed: Annotated[Seed, Query()] = 0
) -> dict:
    """Opinion groups, bridging statements, cruxes, per-delegation agreement (public statements).

    The stored analysis, recomputed in the background after votes (see
    ``/consensus/version``); ``seed`` other than 0 computes a fresh one with that seed.
    """
    result = service.consensus(store_of(request), viewer_of(request, user, slug), slug, seed=seed)
    return result or {
        "participants": [],
        "statements": [],
        "groups": [],
        "bridging": [],
        "cruxes": [],
        "n_groups": 0,
        "notes": ["not enough votes yet"],
    }


@api.get(
    "/{slug}/consensus/version", response_model=ConsensusVersionPublic, summary="Consensus version"
)
def consensus_version(slug: str, request: Request, user: CurrentUser) -> ConsensusVersionPublic:
    """A cheap check: fetch ``/consensus`` again only when ``version`` changed.

    The analysis is recomputed in the background a few seconds after public votes;
    counts only public changes, never anything sealed or pending.
    """
    found = service.consensus_versions(store_of(request), viewer_of(request, user, slug), slug)
    return ConsensusVersionPublic(
        version=found.computed_version, pending=not found.current, computed_at=found.computed_at
    )


@api.get("/{slug}/scope", response_model=ScopePublic, summary="Scope matrix")
def scope(slug: str, request: Request, user: CurrentUser) -> ScopePublic:
    """Positions you may read; other delegations' stay hidden until the reveal."""
    view = scope_service.scope_view(store_of(request), viewer_of(request, user, slug), slug)
    positions = [
        _position(cell) for row in view.cells.values() for cell in row.values() if cell is not None
    ]
    return ScopePublic(
        delegations=view.delegations,
        positions=positions,
        hidden=view.hidden,
        complete=view.complete,
        revealed=view.revealed,
        may_declare=view.may_declare,
        may_reveal=view.may_reveal,
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
    position = actions.set_scope_position(request, db, user, slug, topic, body)
    return _position(position)


@api.post("/{slug}/scope/complete", response_model=CompletionPublic, summary="Declare complete")
def declare_complete(
    slug: str, body: CompletionUpdate, request: Request, db: SessionDep, user: CurrentUser
) -> CompletionPublic:
    """The head of delegation (any delegate where there is none) declares the
    delegation's positions complete (``confirm: true``), or withdraws before the reveal."""
    viewer = viewer_of(request, user, slug)
    complete = scope_service.declare_complete(
        store_of(request), viewer, slug, complete=body.complete, confirm=body.confirm
    )
    audit(db, user, "scope.complete", slug, party=viewer.delegation, complete=body.complete)
    return CompletionPublic(complete=complete, revealed=False)


@api.get(
    "/{slug}/scope/{delegation}/{topic}/history",
    summary="Earlier versions of a position",
)
def position_history(
    slug: str, delegation: str, topic: str, request: Request, user: CurrentUser
) -> list[dict]:
    """Versions a position had before its latest change (public after the reveal)."""
    return scope_service.position_history(
        store_of(request), viewer_of(request, user, slug), slug, delegation=delegation, topic=topic
    )


@api.post("/{slug}/scope/reveal", response_model=RevealResult, summary="Reveal sealed items")
def reveal(
    slug: str, body: Confirm, request: Request, db: SessionDep, user: CurrentUser
) -> RevealResult:
    """Facilitators open every sealed item once every delegation declared its positions
    complete; irreversible, so it needs ``confirm: true``."""
    count = scope_service.reveal(
        store_of(request), viewer_of(request, user, slug), slug, confirm=body.confirm
    )
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
        store_of(request), viewer_of(request, user, slug), slug, round_number=round_number
    )
    return {"rounds": [r.to_dict() for r in rounds], "items": [r.to_dict() for r in rows]}


@api.post("/{slug}/ledger", status_code=201, summary="Open a ledger item")
def add_ledger_item(
    slug: str, body: LedgerItemCreate, request: Request, db: SessionDep, user: CurrentUser
) -> dict:
    """Facilitators add an item in the current round."""
    return actions.add_ledger_item(request, db, user, slug, body).to_dict()


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
    return actions.set_ledger_status(request, db, user, slug, key, body).to_dict()


def _round(info: RoundInfo) -> RoundPublic:
    return RoundPublic(
        number=info.number,
        date=info.date,
        place=info.place,
        agenda=list(info.agenda),
        outcome=info.outcome,
        status=info.status,
    )


@api.get("/{slug}/rounds", response_model=list[RoundPublic], summary="Round record")
def list_rounds(slug: str, request: Request, user: CurrentUser) -> list[RoundPublic]:
    """Every round: date, place, agenda, status and outcome."""
    found = scope_service.rounds(store_of(request), viewer_of(request, user, slug), slug)
    return [_round(r) for r in found]


@api.post("/{slug}/rounds/close", response_model=RoundPublic, summary="Close the round")
def close_round(
    slug: str, body: RoundClose, request: Request, db: SessionDep, user: CurrentUser
) -> RoundPublic:
    """Facilitators close the round under way (``confirm: true``); no round opens by itself."""
    closed = scope_service.close_round(
        store_of(request),
        viewer_of(request, user, slug),
        slug,
        outcome=body.outcome,
        confirm=body.confirm,
    )
    audit(db, user, "round.close", slug, round=closed.number)
    return _round(closed)


@api.post(
    "/{slug}/rounds/open", response_model=RoundPublic, status_code=201, summary="Open next round"
)
def open_round(
    slug: str, body: RoundOpen, request: Request, db: SessionDep, user: CurrentUser
) -> RoundPublic:
    """Facilitators open the next round, with its date, place and agenda (typed, or
    ``use_staged_agenda`` for the staged agenda of the revealed scope positions)."""
    store, viewer = store_of(request), viewer_of(request, user, slug)
    agenda = body.agenda
    if body.use_staged_agenda:
        agenda = scope_service.staged_agenda(store, viewer, slug) + list(agenda or [])
    opened = scope_service.open_round(
        store, viewer, slug, on_date=body.date, place=body.place, agenda=agenda
    )
    audit(db, user, "round.open", slug, round=opened.number)
    return _round(opened)


@api.patch("/{slug}/rounds/{number}", response_model=RoundPublic, summary="Plan a round")
def update_round(
    slug: str,
    number: Annotated[int, Path(ge=1, le=10_000)],
    body: RoundUpdate,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
) -> RoundPublic:
    """Facilitators set a planned or open round's date, place and agenda."""
    changed = body.model_dump(exclude_unset=True)
    updated = scope_service.update_round(
        store_of(request),
        viewer_of(request, user, slug),
        slug,
        number,
        on_date=body.date,
        clear_date="date" in changed and body.date is None,
        place=body.place,
        agenda=body.agenda,
    )
    audit(db, user, "round.edit", f"{slug}/{number}", fields=sorted(changed))
    return _round(updated)


@api.get(
    "/{slug}/report",
    summary="Outcome report (HTML, PDF or JSON)",
    responses={200: {"content": {m: {} for m in reports.MEDIA_TYPES.values()}}},
)
def outcome_report(
    slug: str,
    request: Request,
    user: CurrentUser,
    report_format: Annotated[Literal["html", "pdf", "json"], Query(alias="format")] = "html",
    lang: Annotated[Literal["en", "zh"], Query()] = "en",
    chatham_house: Annotated[bool, Query()] = False,
) -> Response:
    """Parties, rounds, consensus in plain words, bridging statements and cruxes, scope
    and agenda, ledger with history, provenance — only what you may see (503 for PDF
    when chromium is missing)."""
    made = reports.outcome_report(
        store_of(request),
        viewer_of(request, user, slug),
        slug,
        fmt=report_format,
        lang=lang,
        chatham_house=chatham_house,
    )
    return reports.file_response(made)
