"""Scope matrix, sealed positions, reveal, staged agenda and the round ledger."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stratstab.dialogue.agenda import analyze_scope
from stratstab.dialogue.catalogue import load_catalogue
from stratstab.dialogue.records import LedgerRow, RoundInfo
from stratstab.dialogue.scope import Catalogue, ScopePositionData
from stratstab.dialogue.store import DialogueStore
from stratstab.errors import InputError
from stratstab.web.dialogues.access import (
    Viewer,
    all_submitted,
    position_visible,
    require,
)
from stratstab.web.dialogues.service import enter


@dataclass(frozen=True)
class ScopeView:
    """What the viewer may see of the scope negotiation.

    ``cells[topic][delegation]`` is a visible position, the string ``"sealed"`` for a
    submitted position the viewer may not read yet, or None for no position.
    """

    catalogue: Catalogue
    delegations: list[str]
    cells: dict[str, dict[str, ScopePositionData | str | None]]
    submitted: dict[str, int]
    all_submitted: bool
    sealed_pending: int
    analysis: dict[str, Any] | None


def scope_view(store: DialogueStore, viewer: Viewer, slug: str) -> ScopeView:
    """The scope matrix (topics × delegations) filtered for ``viewer``, with the agenda."""
    _, codes = enter(store, viewer, slug)
    catalogue = load_catalogue()
    every = store.scope_positions(slug)  # unfiltered; filtered below, per viewer
    visible = [p for p in every if position_visible(viewer, p)]
    hidden = {(p.topic, p.delegation) for p in every if not position_visible(viewer, p)}
    cells: dict[str, dict[str, ScopePositionData | str | None]] = {}
    for topic in catalogue.topic_ids:
        cells[topic] = {code: None for code in codes}
        for code in codes:
            if (topic, code) in hidden:
                cells[topic][code] = "sealed"
    for position in visible:
        cells.setdefault(position.topic, {})[position.delegation] = position
    submitted = {code: sum(1 for p in every if p.delegation == code) for code in codes}
    pending = sum(1 for p in every if p.sealed and not p.revealed)
    # The agenda needs every delegation's positions; shown only once nothing is hidden.
    analysis = None
    if not hidden and all_submitted(every, delegations=codes):
        analysis = analyze_scope(catalogue, visible, delegations=codes).to_dict()
    return ScopeView(
        catalogue,
        codes,
        cells,
        submitted,
        all_submitted(every, delegations=codes),
        pending,
        analysis,
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
    """A delegate records their delegation's stance; it is sealed until the next reveal."""
    _, codes = enter(store, viewer, slug)
    require(viewer.is_delegate and viewer.delegation in codes, "only delegates set positions")
    if len(note) > 2000:
        raise InputError("at most 2000 characters", field="note")
    return store.set_scope_position(
        slug,
        delegation=viewer.delegation,
        topic=topic,
        stance=stance,
        priority=priority,
        linked_topics=linked_topics,
        note=note,
        sealed=True,
    )


def reveal(store: DialogueStore, viewer: Viewer, slug: str) -> int:
    """Facilitators unseal every sealed position and statement, once all have submitted."""
    _, codes = enter(store, viewer, slug)
    require(viewer.runs_dialogues, "only facilitators reveal")
    if not all_submitted(store.scope_positions(slug), delegations=codes):
        raise InputError(
            "not every delegation has submitted a scope position yet; reveal refused",
            field="scope",
        )
    count = store.reveal_scope(slug)
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


def close_round(store: DialogueStore, viewer: Viewer, slug: str, *, outcome: str) -> RoundInfo:
    """Facilitators close the round; open and disputed items carry to the next."""
    enter(store, viewer, slug)
    require(viewer.runs_dialogues, "only facilitators close rounds")
    return store.close_round(slug, outcome=outcome)
