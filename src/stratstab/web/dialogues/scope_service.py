"""Scope matrix, sealed positions, reveal, staged agenda and the round ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from stratstab.dialogue.agenda import analyze_scope
from stratstab.dialogue.catalogue import load_catalogue
from stratstab.dialogue.records import LedgerRow, RoundInfo
from stratstab.dialogue.scope import Catalogue, ScopePositionData
from stratstab.dialogue.store import DialogueStore
from stratstab.errors import InputError
from stratstab.web.dialogues import members
from stratstab.web.dialogues.access import (
    Viewer,
    all_complete,
    may_declare_complete,
    position_visible,
    require,
)
from stratstab.web.dialogues.service import enter


@dataclass(frozen=True)
class ScopeView:
    """What the viewer may see of the scope negotiation.

    ``cells[topic][delegation]`` is a visible position or None.  Before the reveal,
    every cell of another delegation is None whether or not it holds a sealed position,
    and that delegation is listed in ``hidden``: the viewer learns neither which topics
    it filed nor how many.  ``complete`` tells which delegations declared their
    positions complete (the one thing about others' sealed work everyone may know).
    """

    catalogue: Catalogue
    delegations: list[str]
    cells: dict[str, dict[str, ScopePositionData | None]]
    hidden: list[str]
    complete: dict[str, bool]
    revealed: bool
    may_declare: bool
    may_reveal: bool
    analysis: dict[str, Any] | None


def _hidden_delegations(viewer: Viewer, codes: list[str], revealed: bool) -> list[str]:
    if revealed:
        return []
    return [code for code in codes if not (viewer.is_delegate and viewer.delegation == code)]


def scope_view(store: DialogueStore, viewer: Viewer, slug: str) -> ScopeView:
    """The scope matrix (topics × delegations) filtered for ``viewer``, with the agenda."""
    dialogue, codes = enter(store, viewer, slug)
    catalogue = load_catalogue()
    revealed = dialogue.revealed_at is not None
    hidden = _hidden_delegations(viewer, codes, revealed)
    every = store.scope_positions(slug)  # unfiltered; filtered below, per viewer
    visible = [p for p in every if p.delegation not in hidden and position_visible(viewer, p)]
    cells: dict[str, dict[str, ScopePositionData | None]] = {
        topic: {code: None for code in codes} for topic in catalogue.topic_ids
    }
    for position in visible:
        cells.setdefault(position.topic, {})[position.delegation] = position
    complete = members.completion(store, slug)
    may_declare = (
        not revealed
        and dialogue.archived_at is None
        and may_declare_complete(viewer, heads=members.heads(store, slug))
    )
    may_reveal = (
        viewer.runs_dialogues and not revealed and all_complete(complete, delegations=codes)
    )
    # The staged agenda needs every delegation's positions: only once nothing is hidden.
    analysis = None
    if revealed and all(any(p.delegation == c for p in visible) for c in codes):
        analysis = analyze_scope(catalogue, visible, delegations=codes).to_dict()
    return ScopeView(
        catalogue, codes, cells, hidden, complete, revealed, may_declare, may_reveal, analysis
    )


def set_position(
    store: DialogueStore,
    viewer: Viewer,
    slug: str,
    *,
    topic: str,
    stance: str,
    priority: int,
    linked_topics: list[str],
    note: str,
) -> ScopePositionData:
    """A delegate records their delegation's stance.

    Before the reveal it is sealed, and a declaration that the delegation's positions
    were complete is withdrawn (the delegation declares again).  After the reveal the
    change is public at once, as a new version with the earlier ones kept.
    """
    dialogue, codes = enter(store, viewer, slug)
    require(viewer.is_delegate and viewer.delegation in codes, "only delegates set positions")
    members.require_active(store, slug)
    if len(note) > 2000:
        raise InputError("at most 2000 characters", field="note").with_key(
            "dlgerr.too_long", n=2000
        )
    revealed = dialogue.revealed_at is not None
    position = store.set_scope_position(
        slug,
        delegation=viewer.delegation,
        topic=topic,
        stance=stance,
        priority=priority,
        linked_topics=linked_topics,
        note=note,
        sealed=not revealed,
    )
    if not revealed:
        members.set_complete(store, slug, party=viewer.delegation, by=viewer.username, done=False)
    return position


def position_history(
    store: DialogueStore, viewer: Viewer, slug: str, *, delegation: str, topic: str
) -> list[dict[str, Any]]:
    """Earlier versions of a position; only once it is public (after the reveal)."""
    dialogue, codes = enter(store, viewer, slug)
    hidden = _hidden_delegations(viewer, codes, dialogue.revealed_at is not None)
    if delegation.upper() not in codes or delegation.upper() in hidden:
        return []
    return store.position_history(slug, delegation=delegation.upper(), topic=topic)


def declare_complete(
    store: DialogueStore, viewer: Viewer, slug: str, *, complete: bool, confirm: bool
) -> dict[str, bool]:
    """The head of delegation (any delegate where there is none) declares the
    delegation's positions complete, or withdraws the declaration before the reveal.
    Declaring seals the delegation's word, so it asks for confirmation."""
    dialogue, _ = enter(store, viewer, slug)
    require(
        may_declare_complete(viewer, heads=members.heads(store, slug)),
        "only the head of delegation declares (any delegate when there is no head)",
        key="dlgerr.declare_forbidden",
    )
    members.require_active(store, slug)
    if dialogue.revealed_at is not None:
        raise InputError("the positions were revealed already", field="complete").with_key(
            "dlgerr.revealed"
        )
    if complete and not confirm:
        raise InputError("declaring complete needs confirm: true", field="confirm").with_key(
            "dlgerr.confirm"
        )
    members.set_complete(store, slug, party=viewer.delegation, by=viewer.username, done=complete)
    return members.completion(store, slug)


def reveal(store: DialogueStore, viewer: Viewer, slug: str, *, confirm: bool) -> int:
    """Facilitators unseal every sealed position and statement: only once every
    delegation has declared its positions complete, and with explicit confirmation."""
    dialogue, codes = enter(store, viewer, slug)
    require(viewer.runs_dialogues, "only facilitators reveal")
    members.require_active(store, slug)
    if dialogue.revealed_at is not None:
        raise InputError("the positions were revealed already", field="scope").with_key(
            "dlgerr.revealed"
        )
    waiting = [code for code, done in members.completion(store, slug).items() if not done]
    if waiting:
        raise InputError(
            f"waiting for {', '.join(waiting)} to declare their positions complete; reveal refused",
            field="scope",
        ).with_key("dlgerr.waiting", parties=", ".join(waiting))
    if not confirm:
        raise InputError(
            "the reveal cannot be undone; send confirm: true", field="confirm"
        ).with_key("dlgerr.confirm")
    count = store.set_revealed(slug, by=viewer.username)
    from stratstab.web.dialogues.service import moderate, statements

    for item in statements(store, viewer, slug):
        if item.info.sealed and item.info.moderation == "accepted":
            moderate(store, viewer, slug, item.info.external_id, sealed=False)
            count += 1
    return count


def ledger(
    store: DialogueStore, viewer: Viewer, slug: str, *, round_number: int | None
) -> tuple[list[RoundInfo], list[LedgerRow]]:
    """The rounds and the ledger as it stands in a round (default: the latest)."""
    enter(store, viewer, slug)
    return store.rounds(slug), store.ledger(slug, round_number)


def add_ledger_item(
    store: DialogueStore,
    viewer: Viewer,
    slug: str,
    *,
    key: str,
    title_en: str,
    title_zh: str,
    topic: str | None,
    status: str,
) -> LedgerRow:
    """Facilitators open a ledger item."""
    enter(store, viewer, slug)
    require(viewer.runs_dialogues, "only facilitators keep the ledger")
    return store.add_ledger_item(
        slug, key=key, title_en=title_en, title_zh=title_zh, topic=topic or None, status=status
    )


def set_ledger_status(
    store: DialogueStore, viewer: Viewer, slug: str, *, key: str, status: str, note: str
) -> LedgerRow:
    """Facilitators record a ledger item's status in the current round."""
    enter(store, viewer, slug)
    require(viewer.runs_dialogues, "only facilitators keep the ledger")
    return store.set_ledger_status(slug, key=key, status=status, note=note)


def close_round(
    store: DialogueStore, viewer: Viewer, slug: str, *, outcome: str, confirm: bool
) -> RoundInfo:
    """Facilitators close the round under way (after confirmation); no round opens by
    itself: the facilitator opens the next with :func:`open_round`."""
    enter(store, viewer, slug)
    require(viewer.runs_dialogues, "only facilitators close rounds")
    members.require_active(store, slug)
    if len(outcome) > 5000:
        raise InputError("at most 5000 characters", field="outcome").with_key(
            "dlgerr.too_long", n=5000
        )
    if not confirm:
        raise InputError(
            "closing a round cannot be undone; send confirm: true", field="confirm"
        ).with_key("dlgerr.confirm")
    return store.close_round(slug, outcome=outcome)


def rounds(store: DialogueStore, viewer: Viewer, slug: str) -> list[RoundInfo]:
    """The round record (date, place, agenda, status, outcome) of the dialogue, for
    every member; the outcome report reads it from here."""
    enter(store, viewer, slug)
    return store.rounds(slug)


def staged_agenda(store: DialogueStore, viewer: Viewer, slug: str) -> list[str]:
    """Topic ids of the staged agenda, in order, once the positions are revealed."""
    view = scope_view(store, viewer, slug)
    if not view.analysis:
        return []
    return [item["topic"] for stage in view.analysis["stages"] for item in stage["topics"]]


def _agenda_items(agenda: list[str] | None) -> list[str] | None:
    if agenda is None:
        return None
    items = [a.strip() for a in agenda if a and a.strip()]
    if len(items) > 50 or any(len(a) > 300 for a in items):
        raise InputError("at most 50 agenda items of 300 characters", field="agenda").with_key(
            "dlgerr.agenda"
        )
    return items


def open_round(
    store: DialogueStore,
    viewer: Viewer,
    slug: str,
    *,
    on_date: date | None,
    place: str | None,
    agenda: list[str] | None,
) -> RoundInfo:
    """Facilitators open the next round; open and disputed ledger items carry into it."""
    enter(store, viewer, slug)
    require(viewer.runs_dialogues, "only facilitators open rounds")
    members.require_active(store, slug)
    if place is not None and len(place) > 200:
        raise InputError("at most 200 characters", field="place").with_key("dlgerr.too_long", n=200)
    return store.open_round(slug, on_date=on_date, place=place, agenda=_agenda_items(agenda))


def update_round(
    store: DialogueStore,
    viewer: Viewer,
    slug: str,
    number: int,
    *,
    on_date: date | None,
    clear_date: bool = False,
    place: str | None,
    agenda: list[str] | None,
) -> RoundInfo:
    """Facilitators set a planned or open round's date, place and agenda."""
    enter(store, viewer, slug)
    require(viewer.runs_dialogues, "only facilitators plan rounds")
    members.require_active(store, slug)
    if place is not None and len(place) > 200:
        raise InputError("at most 200 characters", field="place").with_key("dlgerr.too_long", n=200)
    return store.update_round(
        slug, number, on_date=on_date, clear_date=clear_date, place=place,
        agenda=_agenda_items(agenda),
    )  # fmt: skip
