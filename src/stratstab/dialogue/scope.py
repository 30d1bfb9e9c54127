"""Scope negotiation analysis over Warner's levels and the topic catalogue (pure).

Each delegation states, per topic, a *stance* -- ``include``, ``exclude`` or
``only-if-linked`` (discuss it only together with the listed topics) -- and a
priority from 1 (low) to 5 (high).  A topic a delegation did not mention counts as
excluded with priority 1.  From these positions this module derives:

* shared topics (every delegation includes them) and contested topics (at least one
  delegation includes or conditionally includes them, not all include them);
* the Warner level each delegation's position implies: the widest ``min_level`` among
  the topics it includes (conditional topics are reported, not counted);
* a distance between two positions in [0, 1] (see :func:`position_distance`);
* a staged agenda: stage 1 holds the shared topics by summed priority; later stages
  hold contested topics from the nearest to the farthest, never placing a conditional
  topic before the topics it is linked to.

No I/O here: the catalogue comes from :mod:`stratstab.dialogue.catalogue`.

References: Warner's three levels (New START remarks, 2011) as summarised in the seed
text ``strategic-stability-dialogues.txt``; the distance is a priority-weighted mean
absolute difference of stance scores, stratstab's own construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

#: Numeric score of a stance, used by the distance: willingness to put a topic on the table.
STANCE_SCORE = {"include": 1.0, "only-if-linked": 0.5, "exclude": 0.0}
UNSTATED_PRIORITY = 1


@dataclass(frozen=True)
class WarnerLevel:
    """One of Warner's three levels; ``rank`` 1 is the narrowest."""

    id: str
    rank: int
    name_en: str
    name_zh: str
    definition_en: str
    definition_zh: str


@dataclass(frozen=True)
class Topic:
    """A catalogue topic and the narrowest Warner level whose scope covers it."""

    id: str
    name_en: str
    name_zh: str
    definition_en: str
    definition_zh: str
    min_level: str


@dataclass(frozen=True)
class Catalogue:
    """Warner's levels (narrow first) and the topics (in catalogue order)."""

    levels: tuple[WarnerLevel, ...]
    topics: tuple[Topic, ...]

    def level(self, level_id: str) -> WarnerLevel:
        """The level called ``level_id``."""
        return next(level for level in self.levels if level.id == level_id)

    def topic(self, topic_id: str) -> Topic:
        """The topic called ``topic_id``."""
        return next(topic for topic in self.topics if topic.id == topic_id)

    @property
    def topic_ids(self) -> tuple[str, ...]:
        """Topic ids in catalogue order."""
        return tuple(topic.id for topic in self.topics)


@dataclass(frozen=True)
class ScopePositionData:
    """A delegation's stance on one topic (``round`` None: dialogue-wide)."""

    delegation: str
    topic: str
    stance: str
    priority: int = 3
    linked_topics: tuple[str, ...] = ()
    note: str = ""
    sealed: bool = False
    revealed: bool = False
    round: int | None = None
    version: int = 1


@dataclass(frozen=True)
class AgendaItem:
    """One topic on the staged agenda.

    ``disagreement`` is the largest stance-score gap between two delegations (0 shared,
    0.5 one side conditional, 1 include against exclude); ``requires`` the topics it is
    linked to by an only-if-linked condition.
    """

    topic: str
    priority_sum: int
    disagreement: float
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgendaStage:
    """A stage of the agenda; stage 1 holds the topics every delegation includes."""

    number: int
    kind: str  # "shared" or "contested"
    items: tuple[AgendaItem, ...]


@dataclass(frozen=True)
class ScopeAnalysis:
    """Everything the scope memo shows."""

    delegations: tuple[str, ...]
    shared: tuple[str, ...]
    contested: tuple[str, ...]
    out_of_scope: tuple[str, ...]
    conditions: tuple[tuple[str, str, tuple[str, ...]], ...]
    implied_levels: Mapping[str, str]
    distances: Mapping[tuple[str, str], float]
    stages: tuple[AgendaStage, ...]
    deferred: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        """A JSON-ready mapping."""
        return {
            "delegations": list(self.delegations),
            "shared": list(self.shared),
            "contested": list(self.contested),
            "out_of_scope": list(self.out_of_scope),
            "conditions": [
                {"delegation": d, "topic": t, "linked_to": list(links)}
                for d, t, links in self.conditions
            ],
            "implied_levels": dict(self.implied_levels),
            "distances": [
                {"a": a, "b": b, "distance": round(value, 6)}
                for (a, b), value in self.distances.items()
            ],
            "stages": [
                {
                    "stage": stage.number,
                    "kind": stage.kind,
                    "topics": [
                        {
                            "topic": item.topic,
                            "priority_sum": item.priority_sum,
                            "disagreement": item.disagreement,
                            "requires": list(item.requires),
                        }
                        for item in stage.items
                    ],
                }
                for stage in self.stages
            ],
            "deferred": [{"topic": t, "reason": r} for t, r in self.deferred],
        }


Table = dict[str, dict[str, ScopePositionData]]


def position_table(positions: Iterable[ScopePositionData]) -> Table:
    """Positions as ``{delegation: {topic: position}}`` (a later duplicate wins)."""
    table: Table = {}
    for position in positions:
        table.setdefault(position.delegation, {})[position.topic] = position
    return table


def stance_of(table: Table, delegation: str, topic: str) -> str:
    found = table[delegation].get(topic)
    return found.stance if found else "exclude"


def priority_of(table: Table, delegation: str, topic: str) -> int:
    found = table[delegation].get(topic)
    return found.priority if found else UNSTATED_PRIORITY


def shared_topics(table: Table, topic_ids: Sequence[str]) -> list[str]:
    """Topics every delegation includes (catalogue order); none without delegations."""
    if not table:
        return []
    return [t for t in topic_ids if all(stance_of(table, d, t) == "include" for d in table)]


def contested_topics(table: Table, topic_ids: Sequence[str]) -> list[str]:
    """Topics some delegation wants (include or conditional) that not all include."""
    shared = set(shared_topics(table, topic_ids))
    return [
        t
        for t in topic_ids
        if t not in shared and any(stance_of(table, d, t) != "exclude" for d in table)
    ]


def conditions(table: Table) -> list[tuple[str, str, tuple[str, ...]]]:
    """Every only-if-linked condition as (delegation, topic, linked topics)."""
    return [
        (delegation, topic, position.linked_topics)
        for delegation in sorted(table)
        for topic, position in sorted(table[delegation].items())
        if position.stance == "only-if-linked"
    ]


def implied_level(catalogue: Catalogue, stances: Mapping[str, ScopePositionData]) -> str:
    """The Warner level a delegation's included topics imply (narrow when none)."""
    ranks = {level.id: level.rank for level in catalogue.levels}
    included = [catalogue.topic(t).min_level for t, p in stances.items() if p.stance == "include"]
    widest = max(included, key=lambda level: ranks[level], default=catalogue.levels[0].id)
    return widest


def position_distance(table: Table, a: str, b: str, topic_ids: Sequence[str]) -> float:
    """Distance in [0, 1] between delegations ``a`` and ``b``.

    ``sum_t w_t |s_a(t) - s_b(t)| / sum_t w_t`` over topics either delegation stated,
    with stance scores s (include 1, only-if-linked 0.5, exclude or unstated 0) and
    weight w_t the mean of the two priorities (unstated: 1).  0 means identical
    stances; 1 means every stated topic is included by one side and excluded by the
    other.  Zero when neither stated anything.

    References: stratstab's own construction (weighted mean absolute difference).
    """
    stated = [t for t in topic_ids if t in table[a] or t in table[b]]
    weights = [(priority_of(table, a, t) + priority_of(table, b, t)) / 2.0 for t in stated]
    if not stated:
        return 0.0
    gaps = [
        abs(STANCE_SCORE[stance_of(table, a, t)] - STANCE_SCORE[stance_of(table, b, t)])
        for t in stated
    ]
    return sum(w * g for w, g in zip(weights, gaps, strict=True)) / sum(weights)


def topic_disagreement(table: Table, topic: str) -> float:
    scores = [STANCE_SCORE[stance_of(table, d, topic)] for d in table]
    return max(scores) - min(scores) if scores else 0.0


def topic_requirements(table: Table, topic: str) -> tuple[str, ...]:
    linked = {
        link
        for d in table
        if stance_of(table, d, topic) == "only-if-linked"
        for link in table[d][topic].linked_topics
    }
    return tuple(sorted(linked))
