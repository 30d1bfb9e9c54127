"""Staged agenda and the full scope analysis (pure).

Stage 1 holds the topics every delegation includes, highest summed priority first.
Later stages hold the contested topics grouped by how far apart the delegations are
on them (largest stance-score gap 0.5 before 1.0), nearest first; within a stage the
higher summed priority comes first.  An only-if-linked topic is never staged before the
topics it is linked to: it moves to their stage (and after them).  A topic linked to a
topic nobody puts on the table is deferred with the reason.

References: stratstab's own procedure, following the seed text's advice to start
where both sides already agree and widen step by step.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations

from stratstab.dialogue.scope import (
    AgendaItem,
    AgendaStage,
    Catalogue,
    ScopeAnalysis,
    ScopePositionData,
    Table,
    conditions,
    contested_topics,
    implied_level,
    position_distance,
    position_table,
    priority_of,
    shared_topics,
    topic_disagreement,
    topic_requirements,
)
from stratstab.errors import InputError


def _item(table: Table, topic: str) -> AgendaItem:
    return AgendaItem(
        topic=topic,
        priority_sum=sum(priority_of(table, d, topic) for d in table),
        disagreement=topic_disagreement(table, topic),
        requires=topic_requirements(table, topic),
    )


def _drop_unmet(stage_of: dict[str, int], items: dict[str, AgendaItem]) -> list[tuple[str, str]]:
    """Remove topics whose linked topics are off the table (repeat until stable)."""
    deferred: list[tuple[str, str]] = []
    changed = True
    while changed:
        changed = False
        for topic in list(stage_of):
            missing = [link for link in items[topic].requires if link not in stage_of]
            if missing:
                reason = f"only if linked to {', '.join(missing)}, which is not on the agenda"
                deferred.append((topic, reason))
                del stage_of[topic]
                changed = True
    return deferred


def _honour_links(stage_of: dict[str, int], items: dict[str, AgendaItem]) -> None:
    """Move each conditional topic to the latest stage among the topics it needs."""
    for _ in range(len(stage_of) + 1):
        moved = False
        for topic in stage_of:
            needed = max((stage_of[link] for link in items[topic].requires), default=0)
            if needed > stage_of[topic]:
                stage_of[topic] = needed
                moved = True
        if not moved:
            return


def _order_within(
    topics: list[str], items: dict[str, AgendaItem], rank: dict[str, int]
) -> list[str]:
    """Nearest, then highest priority, then catalogue order; linked topics first."""
    pending = sorted(topics, key=lambda t: (items[t].disagreement, -items[t].priority_sum, rank[t]))
    placed: list[str] = []
    while pending:
        ready = next(
            (t for t in pending if all(r in placed or r not in pending for r in items[t].requires)),
            pending[0],  # a cycle of links: take the best-ranked and go on
        )
        placed.append(ready)
        pending.remove(ready)
    return placed


def staged_agenda(
    table: Table, topic_ids: Sequence[str]
) -> tuple[tuple[AgendaStage, ...], tuple[tuple[str, str], ...]]:
    """Stages of the agenda and the deferred topics (see the module docstring)."""
    rank = {topic: i for i, topic in enumerate(topic_ids)}
    shared = shared_topics(table, topic_ids)
    contested = contested_topics(table, topic_ids)
    items = {t: _item(table, t) for t in shared + contested}
    gaps = sorted({items[t].disagreement for t in contested})
    stage_of = {t: 1 for t in shared} | {
        t: 2 + gaps.index(items[t].disagreement) for t in contested
    }
    deferred = _drop_unmet(stage_of, items)
    _honour_links(stage_of, items)
    stages: list[AgendaStage] = []
    for raw_stage in sorted(set(stage_of.values())):
        members = [t for t, s in stage_of.items() if s == raw_stage]
        ordered = _order_within(members, items, rank)
        kind = "shared" if raw_stage == 1 else "contested"
        stages.append(AgendaStage(len(stages) + 1, kind, tuple(items[t] for t in ordered)))
    return tuple(stages), tuple(deferred)


def analyze_scope(
    catalogue: Catalogue,
    positions: Iterable[ScopePositionData],
    *,
    delegations: Sequence[str] = (),
) -> ScopeAnalysis:
    """Shared and contested topics, conditions, implied levels, distances and agenda.

    ``delegations`` lists delegations to include even if they stated nothing (a silent
    delegation excludes every topic).  Positions on topics outside the catalogue raise
    :class:`~stratstab.errors.InputError`.
    """
    positions = list(positions)
    known = set(catalogue.topic_ids)
    for position in positions:
        for topic in (position.topic, *position.linked_topics):
            if topic not in known:
                raise InputError(
                    f"unknown topic {topic!r} (known: {', '.join(catalogue.topic_ids)})",
                    field=f"scope.{position.delegation}.{position.topic}",
                )
    table = position_table(positions)
    for delegation in delegations:
        table.setdefault(delegation, {})
    table = {d: table[d] for d in sorted(table)}
    topic_ids = catalogue.topic_ids
    shared = shared_topics(table, topic_ids)
    contested = contested_topics(table, topic_ids)
    stages, deferred = staged_agenda(table, topic_ids)
    return ScopeAnalysis(
        delegations=tuple(table),
        shared=tuple(shared),
        contested=tuple(contested),
        out_of_scope=tuple(t for t in topic_ids if t not in shared and t not in contested),
        conditions=tuple(conditions(table)),
        implied_levels={d: implied_level(catalogue, table[d]) for d in table},
        distances={
            (a, b): position_distance(table, a, b, topic_ids) for a, b in combinations(table, 2)
        },
        stages=stages,
        deferred=deferred,
    )
