"""Headline outputs of many scenario variants at once, as array math.

:func:`evaluate_batch` is the fast path behind sweeps and Monte Carlo: it returns the
same outputs as :func:`stratstab.analysis.evaluate.evaluate_many` (the readable,
one-variant-at-a-time reference) for B variants given as lever arrays.  Numeric levers
(arsenal scale, survivability, defense numbers, launch under attack, ``w80``,
retaliation requirement) are pure array math over a leading batch axis; levers that
change the structure of the computation (dataset overrides, posture, shoot-look-shoot)
split the batch into groups that share a structure, each resolved once.

References
----------
Kent & Thaler, RAND R-3765-AF (1989) for the exchange, costs and stop rule;
REFERENCES §1-4 through the model functions used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from stratstab.analysis.batch_exchange import (
    StrikePlan,
    arriving,
    maximum_strike,
    retaliation_arriving,
    strike_plan,
    weapon_counts,
)
from stratstab.analysis.batch_inputs import (
    BatchResolved,
    batch_resolved,
    is_modifier,
    is_structural,
)
from stratstab.analysis.batch_levers import lever_arrays
from stratstab.analysis.batch_reaction import reaction_outputs
from stratstab.analysis.evaluate import output_names
from stratstab.analysis.inputs import Resolved, side_forces
from stratstab.analysis.levers import SideModifiers, fold_levers
from stratstab.analysis.scenario import Scenario
from stratstab.errors import InputError
from stratstab.models.crisis import cost, damage_fraction, first_strike_stability_index

STOP_RULE_TOLERANCE = 1e-12  # as stratstab.models.crisis.stop_rule
#: Per-side outputs of the exchanges alone (``outputs="crisis"``: no reaction functions).
CRISIS_OUTPUTS = ("surviving_warheads", "arriving_warheads", "damage_fraction", "c1", "c2")
OUTPUT_SETS = ("all", "crisis")


def batch_output_names(sides: tuple[str, str], outputs: str = "all") -> list[str]:
    """Output names of :func:`evaluate_batch` for the output set ``outputs``.

    ``all``: :func:`stratstab.analysis.evaluate.output_names`; ``crisis``: the
    crisis-stability index and the per-side exchange outputs (no reaction functions,
    which cost about three quarters of an evaluation).
    """
    if outputs == "all":
        return output_names(sides)
    if outputs == "crisis":
        return ["crisis_stability_index"] + [f"{s}.{q}" for s in sides for q in CRISIS_OUTPUTS]
    raise InputError(f"expected one of {', '.join(OUTPUT_SETS)}, got {outputs!r}", source="outputs")


def stop_rule_index(*, striker_cost: np.ndarray, victim_cost: np.ndarray) -> np.ndarray:
    """The striker's chosen level per variant (rows of ``(N, K)`` cost curves).

    Lowest own cost; among near-ties the one costing the victim most, then the smallest
    strike — the rule of :func:`stratstab.models.crisis.stop_rule`, row by row.

    References: Kent & Thaler (1989), the striker's stopping criterion.
    """
    near_best = striker_cost <= striker_cost.min(axis=1, keepdims=True) + STOP_RULE_TOLERANCE
    return np.argmax(np.where(near_best, victim_cost, -np.inf), axis=1)


def _curve_outputs(batch: BatchResolved, plan: StrikePlan, striker: str) -> dict[str, np.ndarray]:
    """The exchange when ``striker`` goes first, at the level its stop rule picks."""
    scenario = batch.base.scenario
    victim = scenario.other(striker)
    attacker, target = batch.forces[striker], batch.forces[victim]
    counts = weapon_counts(plan, attacker)
    levels = np.linspace(
        0.0, maximum_strike(plan, counts, target), scenario.counterforce_levels, axis=1
    )
    survivors, spent, back = retaliation_arriving(
        plan,
        counts=counts,
        victim=target,
        levels=levels,
        launch_under_attack=batch.launch_under_attack[victim],
        defense=batch.defenses[striker],
    )
    held = attacker.warheads
    # The striker answers with everything it did not spend on counterforce.
    mean_use_reliability = (held * plan.striker_use_share * attacker.reliability).sum(
        axis=1
    ) / np.maximum(held.sum(axis=1), 1e-12)
    reserve = (
        np.maximum(attacker.total_warheads[:, None] - spent, 0.0) * mean_use_reliability[:, None]
    )
    reserve_arriving = arriving(reserve, batch.defenses[victim])
    striker_damage = damage_fraction(arriving_warheads=back, w80=batch.w80[striker][:, None])
    victim_damage = damage_fraction(
        arriving_warheads=reserve_arriving, w80=batch.w80[victim][:, None]
    )
    weights = dict(
        own_weight_exponent=scenario.cost.own_weight_exponent,
        enemy_weight=scenario.cost.enemy_weight,
    )
    striker_cost = cost(own_damage=striker_damage, enemy_damage=victim_damage, **weights)
    victim_cost = cost(own_damage=victim_damage, enemy_damage=striker_damage, **weights)
    index = stop_rule_index(striker_cost=striker_cost, victim_cost=victim_cost)
    rows = np.arange(batch.size)
    return {
        "victim_surviving": survivors[rows, index],
        "victim_arriving": back[rows, index],
        "striker_damage": striker_damage[rows, index],
        "striker_cost": striker_cost[rows, index],
        "victim_cost": victim_cost[rows, index],
    }


def evaluate_resolved(batch: BatchResolved, *, outputs: str = "all") -> dict[str, np.ndarray]:
    """Headline outputs for a batch that shares one structure (see :func:`evaluate_batch`)."""
    sides = batch.base.scenario.sides
    plans = {side: strike_plan(batch.base, side) for side in sides}
    curves = {side: _curve_outputs(batch, plans[side], side) for side in sides}
    out: dict[str, np.ndarray] = {}
    c1 = {side: curves[side]["striker_cost"] for side in sides}
    c2 = {side: curves[batch.base.scenario.other(side)]["victim_cost"] for side in sides}
    first, second = sides
    out["crisis_stability_index"] = np.asarray(
        first_strike_stability_index(
            c1_a=c1[first], c2_a=c2[first], c1_b=c1[second], c2_b=c2[second]
        ),
        dtype=float,
    )
    reactions = (
        {side: reaction_outputs(batch, plans, side) for side in sides}
        if outputs == "all"
        else {side: {} for side in sides}
    )
    if outputs == "all":
        out["arms_race_slope_product"] = np.abs(
            reactions[first]["reaction_slope_arsenal"] * reactions[second]["reaction_slope_arsenal"]
        )
    for side in sides:
        struck = curves[batch.base.scenario.other(side)]
        out[f"{side}.surviving_warheads"] = struck["victim_surviving"]
        out[f"{side}.arriving_warheads"] = struck["victim_arriving"]
        out[f"{side}.damage_fraction"] = struck["striker_damage"]
        out[f"{side}.c1"] = c1[side]
        out[f"{side}.c2"] = c2[side]
        for name, values in reactions[side].items():
            out[f"{side}.{name}"] = values
    return {name: out[name] for name in batch_output_names(sides, outputs)}


def structure(scenario: Scenario, levers: Mapping[str, Any]) -> Resolved:
    """Resolve ``levers`` without the force modifiers (those are applied as arrays)."""
    folded, _ = fold_levers(scenario, {k: v for k, v in levers.items() if not is_modifier(k)})
    forces = {side: side_forces(folded, side, SideModifiers()) for side in folded.sides}
    return Resolved(scenario=folded, forces=forces, view=None)


def _groups(
    arrays: dict[str, np.ndarray], keys: list[str], size: int
) -> list[tuple[dict[str, Any], np.ndarray]]:
    """Split variant indices by the values of the structural levers ``keys``."""
    if not keys:
        return [({}, np.arange(size))]
    values, codes = [], []
    for key in keys:
        distinct, code = np.unique(arrays[key], return_inverse=True)
        values.append(distinct)
        codes.append(code.reshape(-1))
    combinations, group = np.unique(np.stack(codes, axis=1), axis=0, return_inverse=True)
    group = group.reshape(-1)
    return [
        (
            {key: values[j][c] for j, (key, c) in enumerate(zip(keys, combination, strict=True))},
            np.flatnonzero(group == g),
        )
        for g, combination in enumerate(combinations)
    ]


def evaluate_batch(
    scenario: Scenario,
    levers: Mapping[str, Any],
    *,
    view: str | None = None,
    outputs: str = "all",
) -> dict[str, np.ndarray]:
    """Headline outputs of B variants of ``scenario`` (under ``view``), as arrays of length B.

    ``levers`` maps lever keys (see :mod:`stratstab.analysis.levers`) to 1-D arrays of
    equal length B (or scalars, used for every variant); variant ``i`` is the scenario
    with ``{key: levers[key][i]}`` applied on top of the view.  Returns the outputs of
    :func:`stratstab.analysis.evaluate.output_names`, equal to
    :func:`~stratstab.analysis.evaluate.evaluate_many` to floating-point tolerance.
    ``outputs="crisis"`` returns only the exchange outputs (see
    :func:`batch_output_names`) and skips the reaction functions.
    """
    names = batch_output_names(scenario.sides, outputs)
    arrays, size = lever_arrays(scenario, levers)
    base_levers = {**scenario.levers, **scenario.view_levers(view)}
    structural = [k for k in arrays if is_structural(k)]
    numeric = {k: v for k, v in arrays.items() if k not in structural}
    out = {name: np.empty(size) for name in names}
    if size == 0:
        return out
    for fixed, rows in _groups(arrays, structural, size):
        group_levers = {**base_levers, **fixed}
        values = {
            k: np.full(rows.size, float(v)) for k, v in group_levers.items() if is_modifier(k)
        }
        values.update({k: v[rows] for k, v in numeric.items()})
        batch = batch_resolved(structure(scenario, group_levers), values, rows.size)
        for name, result in evaluate_resolved(batch, outputs=outputs).items():
            out[name][rows] = result
    return out
