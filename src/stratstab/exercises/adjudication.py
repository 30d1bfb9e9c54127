"""Adjudication: actions and injects -> levers -> the assessment models -> crisis stability.

Every move changes the starting assessment scenario only through levers.  The
crisis-stability index is the Kent–Thaler first-strike stability index computed by
:class:`stratstab.analysis.assessment.assess.Assessment` from both sides' counterforce exchange
curves; the arms-race reaction functions that ``assess`` also computes are skipped
because no move in an exercise reads them and they cost about 95 % of the run time.
Results are cached by lever set: the same levers always give the same index.

References: Kent & Thaler (1989), *First-Strike Stability: A Methodology for Evaluating
Strategic Forces*, RAND R-3765-AF, for the index (see ``models.crisis``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from stratstab.analysis.assessment.assess import Assessment
from stratstab.analysis.reference.exchange_curves import exchange_curve
from stratstab.analysis.reference.inputs import Resolved, resolve
from stratstab.analysis.spec.lever_table import lever_table
from stratstab.analysis.spec.levers import SURVIVABILITY_LEVERS
from stratstab.analysis.spec.scenario import DefenseSpec, Scenario
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

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form."""
        return {
            "crisis_stability_index": self.crisis_stability_index,
            "c1": dict(self.c1),
            "c2": dict(self.c2),
            "surviving_fraction": dict(self.surviving_fraction),
        }


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
    curves = {side: exchange_curve(resolved, side) for side in resolved.scenario.sides}
    assessment = Assessment(resolved=resolved, curves=curves, reactions={})
    reading = StabilityReading(
        crisis_stability_index=assessment.crisis_stability_index,
        c1={s: float(assessment.c1(s)) for s in assessment.sides},
        c2={s: float(assessment.c2(s)) for s in assessment.sides},
        surviving_fraction={s: _surviving_fraction(assessment, s) for s in assessment.sides},
    )
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[key] = reading
    return reading


def _surviving_fraction(assessment: Assessment, side: str) -> float:
    struck = assessment.curves[assessment.resolved.scenario.other(side)]
    surviving = float(struck.strike.total_surviving_warheads[struck.choice.index])
    return surviving / max(float(assessment.resolved.forces[side].total_warheads), 1e-12)


def current_value(resolved: Resolved, side: str, lever: str) -> Any:
    """The value a lever has in a resolved scenario (for ``add`` effects)."""
    scenario = resolved.scenario
    if lever == "posture":
        return scenario.posture.get(side, "day-to-day")
    if lever == "launch_under_attack":
        return scenario.launch_under_attack.get(side, 0.0)
    if lever in SURVIVABILITY_LEVERS:
        forces = resolved.forces[side]
        mask = np.array([b in SURVIVABILITY_LEVERS[lever] for b in forces.basing])
        weights = forces.launchers[mask]
        if weights.sum() <= 0:
            return 0.0
        return float(np.average(forces.survivability[mask], weights=weights))
    if lever == "arsenal_scale":
        return 1.0
    if lever in ("w80",):
        return scenario.value_targets[side].w80 if side in scenario.value_targets else 300.0
    defense = scenario.defenses.get(side) or DefenseSpec()
    if lever in DefenseSpec.model_fields:
        return getattr(defense, lever)
    raise KeyError(f"lever {lever!r} has no readable current value; use set instead of add")


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
    base: Scenario, levers: dict[str, Any], effects: list[Effect], *, actor: str | None = None
) -> dict[str, Any]:
    """New lever set after ``effects``; ``self``/``other`` resolve against ``actor``."""
    out = dict(levers)
    resolved: Resolved | None = None
    for effect in effects:
        side = effect.side
        if side in ("self", "other"):
            assert actor is not None, "relative effects need an actor"
            side = actor if side == "self" else base.other(actor)
        key = f"{side}.{effect.lever}"
        if effect.set is not None:
            out[key] = effect.set
            resolved = None
            continue
        if resolved is None:
            resolved = resolve(base, None, out)
        current = float(current_value(resolved, side, effect.lever))
        out[key] = _clip(effect.lever, current + float(effect.add or 0.0))
        resolved = None
    return out
