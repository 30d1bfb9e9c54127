"""Dialogue rooms: statements, votes, moderation, consensus, on the dialogue store.

Every function takes the :class:`~stratstab.dialogue.store.DialogueStore`, the
:class:`~stratstab.web.dialogues.access.Viewer` and the dialogue slug, applies the
rules of :mod:`stratstab.web.dialogues.access` and returns only what the viewer may
see.  Scope and ledger operations live in :mod:`stratstab.web.dialogues.scope_service`.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from stratstab.dialogue import snapshots
from stratstab.dialogue import store as store_records
from stratstab.dialogue.clusters import PolisState
from stratstab.dialogue.consensus import ConsensusResult, VoteMatrix, analyze
from stratstab.dialogue.idempotency import IdempotencyKey, make_key
from stratstab.dialogue.queries import VoteTarget, no_statement
from stratstab.dialogue.records import DialogueInfo, ParticipantInfo, StatementInfo, VoteRecord
from stratstab.dialogue.store import DialogueStore
from stratstab.errors import InputError, NotFoundError
from stratstab.web.dialogues.access import (
    Viewer,
    can_enter,
    require,
    statement_visible,
    statement_votable,
)

# Pol.is needs a few voters per statement before groups mean anything.
MIN_PARTICIPANTS_FOR_ANALYSIS = 4


@dataclass(frozen=True)
class VisibleStatement:
    """A statement the viewer may see, with the author's delegation."""

    info: StatementInfo
    author_delegation: str | None
    votable: bool


def enter(store: DialogueStore, viewer: Viewer, slug: str) -> tuple[DialogueInfo, list[str]]:
    """The dialogue and its delegation codes; 404 for a dialogue the viewer may not enter.

    The statement count is the number of statements the viewer may see: counting
    every statement would tell a delegation how many pending or sealed ones others hold.
    """
    dialogue = store.get_dialogue(slug)
    codes = delegation_codes(store, slug)
    if not can_enter(viewer, delegations=codes):
        raise NotFoundError(f"no dialogue {slug!r}").with_key(
            "dlgerr.no_dialogue", slug=slug
        )  # do not reveal that it exists
    return visible_counts(store, viewer, dialogue), codes


def visible_counts(store: DialogueStore, viewer: Viewer, dialogue: DialogueInfo) -> DialogueInfo:
    """``dialogue`` with the counts the viewer may know: the statements they may see, and
    the participants who voted on public statements (a raw count would grow when another
    delegation's member writes a statement still pending or sealed)."""
    return replace(
        dialogue,
        statements=visible_statement_count(store, viewer, dialogue.slug),
        participants=public_voter_count(store, dialogue.slug),
    )


def public_voter_count(store: DialogueStore, slug: str) -> int:
    """Participants with a vote on an accepted, unsealed statement."""
    return store.public_voter_count(slug)


def visible_statement_count(store: DialogueStore, viewer: Viewer, slug: str) -> int:
    """How many statements of ``slug`` the viewer may see."""
    return len(_visible(store, viewer, slug))


def new_statement_id() -> str:
    """An opaque statement id: random, so the ids a delegation sees tell nothing of how
    many statements others wrote in between (sequential numbers would, by their gaps)."""
    return "s" + secrets.token_hex(5)


def delegation_codes(store: DialogueStore, slug: str) -> list[str]:
    """Delegation codes of a dialogue in one query; NotFoundError for an unknown slug."""
    return store.delegation_codes(slug)


def check_entry(store: DialogueStore, viewer: Viewer, slug: str) -> list[str]:
    """Like :func:`enter` without loading the dialogue's counts (the hot path of voting)."""
    codes = delegation_codes(store, slug)
    if not can_enter(viewer, delegations=codes):
        raise NotFoundError(f"no dialogue {slug!r}").with_key("dlgerr.no_dialogue", slug=slug)
    return codes


def _authors(store: DialogueStore, slug: str) -> dict[str, ParticipantInfo]:
    return {p.external_id: p for p in store.participants(slug)}


def statements(store: DialogueStore, viewer: Viewer, slug: str) -> list[VisibleStatement]:
    """The statements of the dialogue that the viewer may see."""
    enter(store, viewer, slug)
    return _visible(store, viewer, slug)


def _visible(store: DialogueStore, viewer: Viewer, slug: str) -> list[VisibleStatement]:
    people = _authors(store, slug)
    out = []
    for info in store.statements(slug):
        author = people.get(info.author) if info.author else None
        delegation = author.delegation if author else None
        if statement_visible(viewer, info, author_delegation=delegation):
            votable = statement_votable(viewer, info, author_delegation=delegation)
            out.append(VisibleStatement(info, delegation, votable))
    return out


def my_votes(store: DialogueStore, viewer: Viewer, slug: str) -> dict[str, VoteRecord]:
    """The viewer's current vote per statement id."""
    if not store.has_participant(slug, viewer.participant_id):
        return {}
    history = store.vote_history(slug, participant=viewer.participant_id)
    return {v.statement: v for v in history}  # oldest first, so the latest wins


def next_statement(
    store: DialogueStore, viewer: Viewer, slug: str
) -> tuple[VisibleStatement | None, int, int]:
    """The first votable statement the viewer has not voted on, and (voted, votable) counts."""
    votable = [s for s in statements(store, viewer, slug) if s.votable]
    voted = my_votes(store, viewer, slug)
    remaining = [s for s in votable if s.info.external_id not in voted]
    return (remaining[0] if remaining else None), len(votable) - len(remaining), len(votable)


def ensure_participant(store: DialogueStore, viewer: Viewer, slug: str) -> str:
    """The viewer's participant id in this dialogue, created on first use."""
    return store.ensure_participant(
        slug,
        external_id=viewer.participant_id,
        display_name=viewer.username,
        delegation=viewer.delegation,
        role=viewer.role,
    )


def find_statement(
    store: DialogueStore, viewer: Viewer, slug: str, statement_id: str
) -> VisibleStatement:
    """The statement if the viewer may see it; 404 otherwise (existence not revealed)."""
    info, delegation = store.statement_with_delegation(slug, statement_id)
    if not statement_visible(viewer, info, author_delegation=delegation):
        raise no_statement(slug, statement_id)
    return VisibleStatement(
        info, delegation, statement_votable(viewer, info, author_delegation=delegation)
    )


def _claim(
    store: DialogueStore, viewer: Viewer, key: str | None, action: str, **fields: object
) -> tuple[IdempotencyKey | None, dict | None]:
    """The viewer's idempotency key for this request and what it recorded earlier, if any."""
    if not key:
        return None, None
    claim = make_key(viewer.participant_id, key, action, **fields)
    return claim, store.recorded(claim)


def cast_vote(
    store: DialogueStore,
    viewer: Viewer,
    slug: str,
    *,
    statement: str,
    value: int,
    importance: int | None,
    idempotency_key: str | None = None,
) -> tuple[VoteRecord, bool]:
    """Append the viewer's vote (1 agree, -1 disagree, 0 pass; importance 1..3).

    Returns the vote and whether it was replayed: a request repeating an earlier
    ``idempotency_key`` gets the vote that key recorded, and nothing is added.
    """
    check_entry(store, viewer, slug)
    fields = {"dialogue": slug, "statement": statement, "value": value, "importance": importance}
    if not viewer.is_delegate:
        # A retry of a vote cast while a delegate still gets its first answer.
        _, earlier = _claim(store, viewer, idempotency_key, "vote", **fields)
        if earlier is not None:
            return store_records.vote_record(earlier), True
        require(False, "only delegates vote")
    claim = (
        make_key(viewer.participant_id, idempotency_key, "vote", **fields)
        if idempotency_key
        else None
    )
    participant = ensure_participant(store, viewer, slug)

    def authorize(target: VoteTarget) -> None:
        # The rules of find_statement, on the facts the vote's one query read.
        delegation = target.author_delegation
        if not statement_visible(viewer, target, author_delegation=delegation):
            raise no_statement(slug, statement)
        votable = statement_votable(viewer, target, author_delegation=delegation)
        require(votable, "this statement is not open for voting", key="dlgerr.not_votable")

    try:
        return store.cast_vote_once(
            slug,
            participant=participant,
            statement=statement,
            value=value,
            importance=importance,
            idempotency=claim,
            authorize=authorize,
        )
    except InputError as exc:
        if exc.field == "statement":  # unknown: the same answer as for one not visible
            raise no_statement(slug, statement) from None
        raise


def submit_statement(
    store: DialogueStore,
    viewer: Viewer,
    slug: str,
    *,
    text_en: str,
    text_zh: str,
    topics: list[str],
    sealed: bool = False,
    idempotency_key: str | None = None,
    original_language: str | None = None,
) -> tuple[StatementInfo, bool]:
    """Delegates' statements wait for moderation; a facilitator's are accepted at once.

    Returns the statement and whether it was replayed (see :func:`cast_vote`).
    ``original_language`` names the text the author wrote; a second text given at the
    same time is the author's own translation.
    """
    enter(store, viewer, slug)
    claim, earlier = _claim(
        store,
        viewer,
        idempotency_key,
        "statement.submit",
        dialogue=slug,
        text_en=text_en,
        text_zh=text_zh,
        topics=sorted(topics),
        sealed=sealed,
        original_language=original_language,
    )
    if earlier is not None:
        return store_records.statement_record(earlier), True
    require(viewer.is_delegate or viewer.runs_dialogues, "only delegates and facilitators write")
    if len(text_en) > 2000 or len(text_zh) > 2000:
        raise InputError("at most 2000 characters per language", field="text").with_key(
            "dlgerr.too_long", n=2000
        )
    author = ensure_participant(store, viewer, slug)
    info = store.add_statement(
        slug,
        text_en=text_en.strip(),
        text_zh=text_zh.strip(),
        author=author,
        topics=topics,
        moderation="accepted" if viewer.runs_dialogues else "pending",
        sealed=sealed and viewer.runs_dialogues,
        external_id=new_statement_id(),
        idempotency=claim,
        original_language=original_language,
    )
    return info, False


def moderate(
    store: DialogueStore,
    viewer: Viewer,
    slug: str,
    statement_id: str,
    *,
    state: str | None = None,
    sealed: bool | None = None,
    confirm: bool = False,
    meta: bool | None = None,
) -> StatementInfo:
    """Facilitators accept or reject a statement, seal or unseal it, and mark it meta.

    Rejecting and sealing take a statement away from voters, so they need ``confirm``.
    """
    enter(store, viewer, slug)
    require(viewer.runs_dialogues, "only facilitators moderate")
    if (state == "rejected" or sealed is True) and not confirm:
        raise InputError("rejecting or sealing needs confirm: true", field="confirm").with_key(
            "dlgerr.confirm"
        )
    info = store.moderate(slug, statement_id, state=state) if state else None
    if meta is not None:
        info = store.mark_meta(slug, statement_id, is_meta=meta)
    if sealed is not None:
        info = store.set_sealed(slug, statement_id, sealed=sealed)
    return info if info is not None else store.statement_with_delegation(slug, statement_id)[0]


#: Bootstrap resamples behind the page's fragility sentence: fewer than the command line's
#: 20, as the analysis is recomputed after every burst of votes; enough to tell fragile
#: groups apart.
WEB_STABILITY_RESAMPLES = 10


def consensus(
    store: DialogueStore, viewer: Viewer, slug: str, *, seed: int = 0
) -> dict[str, Any] | None:
    """The stored consensus over the public (accepted, unsealed, non-meta) statements.

    Reading never computes: the analysis is recomputed in the background after votes
    (:mod:`stratstab.web.dialogues.consensus_worker`).  None while too few have voted
    or before the first computation.  A ``seed`` other than 0 asks for a fresh analysis
    with that seed (for checking how much the groups depend on it).
    """
    enter(store, viewer, slug)
    if seed:
        analysis = analyze_public(store, slug, seed=seed)
        return analysis.to_dict() if analysis is not None else None
    return consensus_snapshot(store, slug).result


def consensus_snapshot(store: DialogueStore, slug: str) -> snapshots.Snapshot:
    """The stored consensus of ``slug`` with its versions (callers check access first)."""
    return store.consensus_snapshot(slug)


def consensus_versions(store: DialogueStore, viewer: Viewer, slug: str) -> snapshots.Snapshot:
    """The versions of the stored consensus, without the analysis (the cheap check
    open pages poll).  The numbers count public changes only: they tell no party
    anything about another's pending or sealed statements or votes on them."""
    check_entry(store, viewer, slug)
    return store.consensus_versions(slug)


#: Runs one analysis (a call without arguments) somewhere and returns its result.
Runner = Callable[[Callable[[], ConsensusResult]], ConsensusResult]


def analyze_public(
    store: DialogueStore,
    slug: str,
    *,
    seed: int = 0,
    kmeans: Literal["default", "polis"] = "default",
    previous: PolisState | None = None,
    run: Runner | None = None,
) -> ConsensusResult | None:
    """Analyse the public statements' latest votes; None if too few participants voted.

    The same for every viewer (public statements only), so it is computed once per
    change and stored, never per page.  ``run`` calls the computation (a picklable
    call of :func:`~stratstab.dialogue.consensus.analyze`) where it should run, e.g.
    in another process; by default here.
    """
    votes = public_votes(store, slug)
    if votes is None:
        return None
    call = functools.partial(
        analyze,
        votes=votes,
        seed=seed,
        stability_resamples=WEB_STABILITY_RESAMPLES,
        kmeans=kmeans,
        previous=previous,
    )
    return call() if run is None else run(call)


def public_votes(store: DialogueStore, slug: str) -> VoteMatrix | None:
    """The latest votes on the public statements, or None when too few participants voted."""
    matrix = store.vote_matrix(slug)
    public = {
        s.external_id
        for s in store.statements(slug)
        if s.moderation == "accepted" and not s.sealed and not s.is_meta  # meta: outside the math
    }
    keep = [j for j, sid in enumerate(matrix.statement_ids) if sid in public]
    if not keep:
        return None
    values = np.asarray(matrix.values)[:, keep]
    voters = [i for i in range(values.shape[0]) if np.isfinite(values[i]).any()]
    if len(voters) < MIN_PARTICIPANTS_FOR_ANALYSIS:
        return None
    return VoteMatrix(
        participant_ids=[matrix.participant_ids[i] for i in voters],
        statement_ids=[matrix.statement_ids[j] for j in keep],
        values=values[voters],
        moderated_out=np.zeros(len(keep), dtype=bool),
        delegations=[matrix.delegations[i] for i in voters],
        statement_texts=[matrix.statement_texts[j] for j in keep],
    )
