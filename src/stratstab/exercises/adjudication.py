"""Adjudication: actions and injects -> levers -> the assessment models -> crisis stability.

Every move changes the starting assessment scenario only through levers.  The
crisis-stability index is the Kent–Thaler first-strike stability index computed by
:class:`stratstab.analysis.assessment.assess.Assessment` from both sides' counterforce exchange
curves; the arms-race reaction functions that ``assess`` also computes are skipped
because no move in an exercise reads them and they cost about 95 % of the run time.
Results are cached by lever set: the same levers always give the same index.

With three or more sides the reading runs the exchange of every ordered pair (striker,
victim) with the third parties' reserves (:mod:`stratstab.analysis.reference.pairwise`);
the index is the system index, the lowest pair's index
(:func:`stratstab.models.trilateral.system_index`), and the reading names that weakest
pair and keeps every pair's index.

References: Kent & Thaler (1989), *First-Strike Stability: A Methodology for Evaluating
Strategic Forces*, RAND R-3765-AF, for the index (see ``models.crisis``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stratstab.analysis.assessment.assess import Assessment
from stratstab.analysis.reference.exchange_curves import exchange_curve
from stratstab.analysis.reference.inputs import Resolved, resolve
from stratstab.analysis.reference.pairwise import assess_sides
from stratstab.analysis.reference.values import lever_value
from stratstab.analysis.spec.lever_table import lever_table
from stratstab.analysis.spec.scenario import Scenario
from stratstab.exercises.schema import Effect

LeverKey = tuple[tuple[str, Any], ...]
_CACHE: dict[tuple[str, str, LeverKey], StabilityReading] = {}
_CACHE_LIMIT = 4096
#: The smallest value an ``add`` leaves on a lever whose minimum is excluded (> 0).
POSITIVE_FLOOR = 1e-6


@dataclass(frozen=True)
class StabilityReading:
    """What every player sees after a turn: the index and each side's first-strike costs."""

    crisis_stability_index: float
    c1: dict[str, float]  # cost to the side of striking first
    c2: dict[str, float]  # cost to the side of being struck first
    surviving_fraction: dict[str, float]  # share of own warheads surviving a first strike
    # Three or more sides: every pair's index keyed "A-B" (scenario order) and the pair
    # whose index is the system index.  Empty / () with two sides.  There c1 and c2 are
    # keyed "A>B": the cost to A of striking B first / of being struck first by B.
    pair_indices: dict[str, float] = field(default_factory=dict)
    weakest_pair: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form."""
        out: dict[str, Any] = {
            "crisis_stability_index": self.crisis_stability_index,
            "c1": dict(self.c1),
            "c2": dict(self.c2),
            "surviving_fraction": dict(self.surviving_fraction),
        }
        if self.pair_indices:
            out["pair_indices"] = dict(self.pair_indices)
            out["weakest_pair"] = list(self.weakest_pair)
        return out


def lever_key(levers: dict[str, Any]) -> LeverKey:
    """A hashable, order-free key for a lever set (floats rounded to 1e-9)."""
    return tuple(
        sorted((k, round(float(v), 9) if isinstance(v, float) else v) for k, v in levers.items())
    )


def crisis_reading(base: Scenario, levers: dict[str, Any]) -> StabilityReading:
    """The crisis-stability reading of ``base`` with ``levers`` applied (cached)."""
    key = (base.source or "", base.name, lever_key(levers))
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    resolved = resolve(base, None, levers)
    if len(resolved.scenario.sides) > 2:
        reading = _pairwise_reading(resolved)
    else:
        reading = _two_sided_reading(resolved)
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[key] = reading
    return reading


def _two_sided_reading(resolved: Resolved) -> StabilityReading:
    """The two-sided reading: the Kent–Thaler index of the one pair."""
    curves = {side: exchange_curve(resolved, side) for side in resolved.scenario.sides}
    assessment = Assessment(resolved=resolved, curves=curves, reactions={})
    return StabilityReading(
        crisis_stability_index=assessment.crisis_stability_index,
        c1={s: float(assessment.c1(s)) for s in assessment.sides},
        c2={s: float(assessment.c2(s)) for s in assessment.sides},
        surviving_fraction={s: _surviving_fraction(assessment, s) for s in assessment.sides},
    )


def _pairwise_reading(resolved: Resolved) -> StabilityReading:
    """The reading of three or more sides (the arms-race requirements are skipped)."""
    sides = resolved.scenario.sides
    # The race block is not read by any pair index; it is left out for speed.
    assessment = assess_sides(resolved, arms_race_too=False)
    curves = assessment.curves
    pairs = assessment.pair_indices
    surviving = {}
    for victim in sides:
        total = max(float(resolved.forces[victim].total_warheads), 1e-12)
        surviving[victim] = min(
            float(c.strike.total_surviving_warheads[c.choice.index]) / total
            for (striker, struck), c in curves.items()
            if struck == victim
        )
    return StabilityReading(
        crisis_stability_index=float(assessment.crisis_stability_index),
        c1={f"{a}>{b}": float(assessment.c1(a, b)) for a, b in curves},
        c2={f"{a}>{b}": float(assessment.c2(a, b)) for a, b in curves},
        surviving_fraction=surviving,
        pair_indices={f"{a}-{b}": float(v) for (a, b), v in pairs.items()},
        weakest_pair=tuple(assessment.weakest_pair),
    )


def _surviving_fraction(assessment: Assessment, side: str) -> float:
    struck = assessment.curves[assessment.resolved.scenario.other(side)]
    surviving = float(struck.strike.total_surviving_warheads[struck.choice.index])
    return surviving / max(float(assessment.resolved.forces[side].total_warheads), 1e-12)


def _clip(lever: str, value: float) -> float | int:
    """``value`` brought into the lever's bounds from the lever table."""
    spec = lever_table()[lever]
    if spec.integer:
        value = round(value)
    if spec.maximum is not None:
        value = min(value, spec.maximum)
    if spec.minimum is not None:
        floor = spec.minimum + POSITIVE_FLOOR if spec.exclusive_minimum else spec.minimum
        value = max(value, floor)
    return int(value) if spec.integer else float(value)


def apply_effects(
    base: Scenario,
    levers: dict[str, Any],
    effects: list[Effect],
    *,
    actor: str | None = None,
    targets: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """New lever set after ``effects``; ``self``/``other`` resolve against ``actor``.

    ``other`` means ``targets`` when given, else every side but ``actor`` (the one other
    side when there are two).  An ``add`` starts from the lever's value as
    :func:`~stratstab.analysis.reference.values.lever_value` reads it; it is skipped for
    a side where the lever has no value (a survivability lever for a side with no
    system of that basing).
    """
    out = dict(levers)
    resolved: Resolved | None = None
    for effect in effects:
        if effect.side in ("self", "other"):
            assert actor is not None, "relative effects need an actor"
            if effect.side == "self":
                sides: tuple[str, ...] = (actor,)
            else:
                sides = targets if targets is not None else base.opponents(actor)
        else:
            sides = (effect.side,)
        for side in sides:
            key = f"{side}.{effect.lever}"
            if effect.set is not None:
                out[key] = effect.set
                resolved = None
                continue
            if resolved is None:
                resolved = resolve(base, None, out)
            current = lever_value(resolved, side, effect.lever)
            if current is None:  # the lever acts on none of the side's systems
                continue
            out[key] = _clip(effect.lever, float(current) + float(effect.add or 0.0))
            resolved = None
    return out
