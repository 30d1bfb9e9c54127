"""The value each lever takes in a scenario, read from its resolved arrays.

Two readers: :func:`actual_values` (the scenario as written stands for the truth that
transparency measures reveal) and :func:`current_values` (what the web explorer's
form shows before the user moves a control).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stratstab.analysis.reference.inputs import Resolved, load_side_dataset, resolve
from stratstab.analysis.spec.lever_table import decimals, lever_table
from stratstab.analysis.spec.levers import SURVIVABILITY_LEVERS
from stratstab.analysis.spec.scenario import Scenario
from stratstab.forces import apply_overrides


def _system_value(resolved: Resolved, side: str, rest: str) -> float:
    scenario = resolved.scenario
    dataset = apply_overrides(load_side_dataset(scenario, side), scenario.forces[side].overrides)
    matches = [s for s in dataset.systems if rest.startswith(s.name + ".")]
    system = max(matches, key=lambda s: len(s.name))
    estimate = system.estimate(rest[len(system.name) + 1 :])
    return float("nan") if estimate is None else estimate.value(scenario.forces[side].estimate)


def actual_values(scenario: Scenario, keys: list[str]) -> dict[str, float]:
    """The value each lever takes in the scenario as written (the stand-in for the truth).

    Survivability levers give the warhead-weighted mean over the systems they act on.
    """
    resolved = resolve(scenario)
    out: dict[str, float] = {}
    for key in keys:
        side, _, name = key.partition(".")
        forces = resolved.forces[side]
        if "." in name:
            out[key] = _system_value(resolved, side, name)
        elif name == "arsenal_scale":
            out[key] = float(scenario.levers.get(key, 1.0))
        elif name in SURVIVABILITY_LEVERS:
            chosen = np.isin(forces.basing, SURVIVABILITY_LEVERS[name])
            weights = forces.warheads[chosen]
            values = forces.survivability[chosen]
            out[key] = float(np.average(values, weights=weights)) if weights.sum() > 0 else 0.0
        elif name == "launch_under_attack":
            out[key] = resolved.launch_under_attack(side)
        elif name == "w80":
            out[key] = resolved.w80(side)
        elif name == "retaliation_warheads":
            out[key] = resolved.retaliation_requirement(side)
        else:
            out[key] = float(getattr(resolved.defense(side), name))
    return out


def current_values(resolved: Resolved) -> dict[str, Any]:
    """The value every table lever has in a resolved scenario, by key ``SIDE.name``.

    Survivability levers read the warhead-weighted mean over the side's systems of
    that basing (a lever sets them all to one value); a side with no such system has
    no entry, nor has a retaliation requirement that differs between adversaries.
    Values are rounded to the lever's form step.
    """
    scenario = resolved.scenario
    out: dict[str, Any] = {}
    for side in scenario.sides:
        forces = resolved.forces[side]
        defense = resolved.defense(side)
        values: dict[str, Any] = {
            "posture": scenario.posture.get(side, "day-to-day"),
            "arsenal_scale": 1.0,
            "launch_under_attack": resolved.launch_under_attack(side),
            "w80": resolved.w80(side),
            **defense.model_dump(),
        }
        # Among three sides the requirement may differ by adversary (their w80 differ):
        # the lever has one value only where every adversary gets the same.
        requirements = {
            resolved.retaliation_requirement(side, other) for other in scenario.opponents(side)
        }
        if len(requirements) == 1:
            values["retaliation_warheads"] = requirements.pop()
        for name, basings in SURVIVABILITY_LEVERS.items():
            weights = [
                (w, s)
                for w, s, b in zip(
                    forces.warheads, forces.survivability, forces.basing, strict=True
                )
                if b in basings
            ]
            total = sum(w for w, _ in weights)
            if weights:
                mean = sum(w * s for w, s in weights) / total if total > 0 else weights[0][1]
                values[name] = float(mean)
        for name, spec in lever_table().items():
            if name not in values:
                continue
            value = values[name]
            if spec.numeric:
                value = round(float(value), decimals(spec.step))
                value = int(value) if spec.integer else value
            out[f"{side}.{name}"] = value
    return out
