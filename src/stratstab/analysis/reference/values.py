"""The value each lever takes in a scenario: one reader, :func:`lever_value`.

Every place that asks what a lever currently is reads it here: the web explorer's form
(:func:`current_values`), transparency's and misperception's stand-in for the truth
(:func:`actual_values`), and exercise adjudication (``add`` effects, the consequences
of a move, the words that describe a lever change).  The definitions follow the models
that consume the levers, so a lever read here and then written back leaves every model
output as it was.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stratstab.analysis.reference.inputs import Resolved, load_side_dataset, resolve
from stratstab.analysis.spec.lever_table import decimals, lever_table
from stratstab.analysis.spec.levers import SURVIVABILITY_LEVERS
from stratstab.analysis.spec.scenario import DefenseSpec, Scenario
from stratstab.forces import apply_overrides


def _system_value(resolved: Resolved, side: str, rest: str) -> float:
    """A dataset field ``SYSTEM.field`` of the side's dataset with its overrides applied."""
    scenario = resolved.scenario
    dataset = apply_overrides(load_side_dataset(scenario, side), scenario.forces[side].overrides)
    matches = [s for s in dataset.systems if rest.startswith(s.name + ".")]
    if not matches:
        raise KeyError(f"no system of {side}'s dataset is named in {rest!r}")
    system = max(matches, key=lambda s: len(s.name))
    estimate = system.estimate(rest[len(system.name) + 1 :])
    return float("nan") if estimate is None else estimate.value(scenario.forces[side].estimate)


def _survivability(resolved: Resolved, side: str, name: str) -> float | None:
    """Warhead-weighted mean survivability of the side's systems the lever sets."""
    forces = resolved.forces[side]
    chosen = np.isin(np.asarray(forces.basing), SURVIVABILITY_LEVERS[name])
    if not chosen.any():
        return None
    values = forces.survivability[chosen]
    if np.all(values == values[0]):  # the usual case (a lever sets them all): exactly it
        return float(values[0])
    weights = forces.warheads[chosen]
    if weights.sum() <= 0:  # systems without warheads: every one counts the same
        return float(values.mean())
    return float(np.average(values, weights=weights))


def lever_value(resolved: Resolved, side: str, name: str) -> Any:
    """The value lever ``name`` (or dataset override ``SYSTEM.field``) has for ``side``.

    One definition per lever, each taken from where the models take it:

    - ``posture``: the side's posture, ``day-to-day`` unless the scenario sets it (the
      default :func:`~stratstab.analysis.reference.inputs.side_forces` uses).
    - ``arsenal_scale``: the multiple applied to the dataset's launchers, warheads and
      aim points (:meth:`Resolved.arsenal_scale`; 1.0 when no lever sets it).
    - ``survivability_mobile`` / ``_ssbn`` / ``_bomber``: the mean survivability of the
      side's systems of the lever's basings (lever table) in the active posture,
      weighted by deployed WARHEADS, because survivability acts on warheads in the
      exchange model (surviving warheads = warheads × survivability).  A lever sets
      every such system to one value, and then the mean is that value.  Systems that
      carry no warheads count equally.  ``None`` when the side has no such system (the
      lever acts on nothing).
    - ``launch_under_attack``: :meth:`Resolved.launch_under_attack` (share of silo
      warheads saved, 0 unless set).
    - ``w80``: :meth:`Resolved.w80` (warheads destroying 80 % of the side's value, the
      value-target default when not set).
    - ``retaliation_warheads``: :meth:`Resolved.retaliation_requirement` against each
      adversary; ``None`` among three or more sides when adversaries' requirements
      differ (their w80 differ), since the lever holds one number.
    - defense levers (``interceptors`` ... ``kill_assessment``): the field of
      :meth:`Resolved.defense` (the DefenseSpec defaults when the side has no defense).
    - ``SYSTEM.field``: the dataset value with the scenario's overrides, at the side's
      estimate choice (low/central/high); NaN where the dataset gives no estimate.

    Raises :class:`KeyError` for a name that is neither in the lever table nor an
    override.  Values are not rounded.
    """
    if "." in name:
        return _system_value(resolved, side, name)
    if name not in lever_table():
        raise KeyError(f"{name!r} is not a lever")
    scenario = resolved.scenario
    if name == "posture":
        return scenario.posture.get(side, "day-to-day")
    if name == "arsenal_scale":
        return resolved.arsenal_scale(side)
    if name in SURVIVABILITY_LEVERS:
        return _survivability(resolved, side, name)
    if name == "launch_under_attack":
        return resolved.launch_under_attack(side)
    if name == "w80":
        return resolved.w80(side)
    if name == "retaliation_warheads":
        requirements = {
            resolved.retaliation_requirement(side, other) for other in scenario.opponents(side)
        }
        return requirements.pop() if len(requirements) == 1 else None
    assert name in DefenseSpec.model_fields, f"lever {name!r} has no reader"
    return getattr(resolved.defense(side), name)


def actual_values(scenario: Scenario, keys: list[str]) -> dict[str, float]:
    """The value each lever ``SIDE.name`` takes in the scenario as written (the truth).

    Read through :func:`lever_value` with no view folded in; a lever without a value
    (a survivability lever for a side with no such system) reads 0.0.
    """
    resolved = resolve(scenario)
    out: dict[str, float] = {}
    for key in keys:
        side, _, name = key.partition(".")
        value = lever_value(resolved, side, name)
        out[key] = 0.0 if value is None else float(value)
    return out


def current_values(resolved: Resolved) -> dict[str, Any]:
    """What the web explorer's form shows: every table lever's value, by key ``SIDE.name``.

    Read through :func:`lever_value`; a lever without a value has no entry.  Numbers are
    rounded to the lever's form step (whole numbers for count levers).
    """
    out: dict[str, Any] = {}
    for side in resolved.scenario.sides:
        for name, spec in lever_table().items():
            value = lever_value(resolved, side, name)
            if value is None:
                continue
            if spec.numeric:
                value = round(float(value), decimals(spec.step))
                value = int(value) if spec.integer else value
            out[f"{side}.{name}"] = value
    return out
