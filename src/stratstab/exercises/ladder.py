"""The escalation ladder: every action in an exercise sits on one rung with a score.

Rungs run from de-escalation (score 0) to nuclear use (score 5).  The scores are
ordinal, not cardinal: they order moves for the escalation curve of the after-action
report and for the rule-based doctrines, and no arithmetic beyond comparison and
plotting should be read into them.

References: H. Kahn, *On Escalation: Metaphors and Scenarios* (1965), for the idea of an
ordered ladder with thresholds; the five bands follow issue 7 of stratstab.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RungId = Literal[
    "de-escalation",
    "communication",
    "posturing",
    "non-violent-escalation",
    "violent-escalation",
    "nuclear-use",
]


@dataclass(frozen=True)
class Rung:
    """One band of the ladder: id, ordinal score and a short label for reports."""

    id: RungId
    score: int
    label: str
    label_zh: str


LADDER: tuple[Rung, ...] = (
    Rung("de-escalation", 0, "De-escalation", "降级"),
    Rung("communication", 1, "Communication / hold", "沟通/维持"),
    Rung("posturing", 2, "Posturing", "姿态展示"),
    Rung("non-violent-escalation", 3, "Non-violent escalation", "非暴力升级"),
    Rung("violent-escalation", 4, "Violent escalation", "暴力升级"),
    Rung("nuclear-use", 5, "Nuclear use", "使用核武器"),
)
RUNGS: dict[str, Rung] = {rung.id: rung for rung in LADDER}
MAX_SCORE = LADDER[-1].score
NUCLEAR_USE_SCORE = RUNGS["nuclear-use"].score


def rung(rung_id: str) -> Rung:
    """The rung with id ``rung_id``; :class:`KeyError` for an unknown id."""
    return RUNGS[rung_id]


def score(rung_id: str) -> int:
    """The ordinal escalation score of a rung id (0 = de-escalation … 5 = nuclear use)."""
    return RUNGS[rung_id].score
