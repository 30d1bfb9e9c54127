"""Headline outputs of many scenario variants at once, as array math.

:func:`evaluate_batch` is the fast path behind sweeps and Monte Carlo: it returns the
same outputs as :func:`stratstab.analysis.assessment.evaluate.evaluate_many` (the readable,
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

from stratstab.analysis.batch import layout
from stratstab.analysis.batch.exchange import StrikePlan, strike_plan
from stratstab.analysis.batch.inputs import (
    DEFENSE_ARRAY_FIELDS,
    BatchResolved,
    batch_resolved,
    is_modifier,
    is_structural,
)
from stratstab.analysis.batch.levers import lever_arrays
from stratstab.analysis.batch.sides import evaluate_sides_batch, require_central_differences
from stratstab.analysis.reference.arms_race import check_slopes, interceptor_slope_step
from stratstab.analysis.reference.inputs import Resolved, side_forces
from stratstab.analysis.spec.blocks import DefenseSpec
from stratstab.analysis.spec.levers import SideModifiers, fold_levers
from stratstab.analysis.spec.outputs import (
    EXCHANGE_COLUMNS,
    PER_SIDE_OUTPUTS,
    REACTION_COLUMNS,
    output_names,
    sides_output_names,
)
from stratstab.analysis.spec.scenario import Scenario, load_scenario
from stratstab.errors import InputError
from stratstab.models.crisis import first_strike_stability_index
from stratstab.models.effects import kill_probability

#: Per-side outputs of the exchanges alone (``outputs="crisis"``: no reaction functions).
CRISIS_OUTPUTS = PER_SIDE_OUTPUTS[EXCHANGE_COLUMNS]
OUTPUT_SETS = ("all", "crisis")
#: What the kernel reports doing, per side (see :func:`evaluate_resolved`).
WORK = layout.WORK


def batch_output_names(sides: tuple[str, ...], outputs: str = "all") -> list[str]:
    """Output names of :func:`evaluate_batch` for the output set ``outputs``.

    ``all``: :func:`stratstab.analysis.assessment.evaluate.output_names`; ``crisis``: the
    crisis-stability index and the per-side exchange outputs (no reaction functions,
    which cost about three quarters of an evaluation).  Three or more sides:
    :func:`~stratstab.analysis.spec.outputs.sides_output_names`.
    """
    if outputs not in OUTPUT_SETS:
        raise InputError(
            f"expected one of {', '.join(OUTPUT_SETS)}, got {outputs!r}", source="outputs"
        )
    if len(sides) > 2:
        return sides_output_names(sides, outputs)
    if outputs == "all":
        return output_names(sides)
    return ["crisis_stability_index"] + [f"{s}.{q}" for s in sides for q in CRISIS_OUTPUTS]


def first_of_equal_rows(rows: np.ndarray) -> np.ndarray:
    """For each row of a 2-D float array, the index of the first row equal to it.

    Equal means every entry equal with the same sign (0.0 and -0.0 differ; a row with a
    NaN equals no other).  Rows are grouped by a weighted sum of their entries, computed
    column by column so that equal rows get the same sum bit for bit, then each row is
    compared with the first row of its group: unequal rows sharing a sum only cost a
    missed reuse.
    """
    count, width = rows.shape
    if count == 0:
        return np.zeros(0, dtype=np.intp)
    # Column by column: each column contiguous in memory (no copy if it already is).
    values = np.asfortranarray(rows, dtype=np.float64)
    weights = np.random.default_rng(0x5EED).uniform(0.5, 1.5, width)
    keys = np.zeros(count)
    with np.errstate(all="ignore"):
        for column in range(width):
            keys += values[:, column] * weights[column]
    order = np.argsort(keys, kind="stable")  # stable: the first row of a group first
    ordered = keys[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    first = np.empty(count, dtype=np.intp)
    first[order] = np.repeat(order[starts], np.diff(np.append(starts, count)))
    (later,) = np.nonzero(first != np.arange(count))  # rows that may repeat an earlier one
    mine, theirs = values[later], values[first[later]]
    same = ((mine == theirs) & (np.signbit(mine) == np.signbit(theirs))).all(axis=1)
    first[later[~same]] = later[~same]
    return first


def _kill_table(plan: StrikePlan) -> np.ndarray:
    """``(2, n_types, n)``: SSPK of each weapon type against each target system, and the
    kill probability of that type alone at the plan's warheads per aim point."""
    shape = (plan.reliability.size, plan.per_point.size)
    single = np.asarray(plan.sspk, dtype=np.float64).reshape(shape)
    alone = kill_probability(
        sspk=np.clip(single, 0.0, 1.0),
        reliability=np.clip(plan.reliability, 0.0, 1.0)[:, None],
        shots=plan.per_point[None, :],
        fratricide=plan.fratricide,
    )
    return np.ascontiguousarray(np.stack([single, np.broadcast_to(alone, shape)]))


def _further_layers(
    specs: list[DefenseSpec], sides: tuple[str, str], batch: BatchResolved
) -> tuple[np.ndarray, np.ndarray]:
    """The kernel's further defense layers ``(2, L - 1, fields)`` and flags ``(2, L)``.

    A side with fewer layers than the other is padded with layers without
    interceptors, which let everything through.
    """
    n_layers = max(len(spec.layers()) for spec in specs)
    further = np.zeros((2, n_layers - 1, len(DEFENSE_ARRAY_FIELDS)))
    flags = np.zeros((2, n_layers), dtype=np.bool_)
    for s, (side, spec) in enumerate(zip(sides, specs, strict=True)):
        flags[s, 0] = batch.defenses[side].shoot_look_shoot
        for k, layer in enumerate(spec.further_layers):
            further[s, k] = [float(getattr(layer, f)) for f in DEFENSE_ARRAY_FIELDS]
            flags[s, k + 1] = layer.shoot_look_shoot
    return np.ascontiguousarray(further), flags


def _plan_arrays(plan: StrikePlan) -> tuple[Any, ...]:
    """A strike plan as the kernel takes it (see ``batch_kernel.evaluate_variants``)."""
    from stratstab.analysis.batch import _kernel as kernel

    targets = np.zeros((6, plan.per_point.size))
    targets[kernel.PRIORITY_KILL] = plan.priority_kill
    targets[kernel.PER_POINT] = plan.per_point
    targets[kernel.TARGETED] = plan.targeted
    targets[kernel.NAME_RANK] = plan.rank_names
    targets[kernel.VICTIM_FIXED] = plan.victim_fixed
    targets[kernel.RETALIATION_SHARE] = plan.retaliation_share
    return (
        np.ascontiguousarray(plan.weapon_index, dtype=np.int64),
        np.ascontiguousarray(plan.type_starts, dtype=np.int64),
        targets,
        _kill_table(plan),
        np.ascontiguousarray(plan.reliability, dtype=np.float64),
        float(plan.fratricide),
        np.ascontiguousarray(plan.striker_use_share, dtype=np.float64),
    )


def _equal_row_sources(parts: list[np.ndarray], size: int) -> np.ndarray:
    """For each variant, the first variant whose inputs ``parts`` (arrays with the
    variants on their first axis) equal its own bit for bit."""
    if size < 2:
        return np.arange(size)
    # Stacked as (inputs, variants) and read transposed: one contiguous run per input.
    columns = np.concatenate([p.reshape(size, -1).T for p in parts], axis=0)
    return first_of_equal_rows(columns.T)


def _shared_work(
    bases: tuple[np.ndarray, ...], defenses: np.ndarray, values: np.ndarray, *, reactions: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Which exchanges and reaction functions the kernel computes, and where the others
    come from: ``solve`` ``(N, 2, 2)`` flags (layout ``STRIKES``, ``REACTS``) and
    ``source`` ``(2, 2, N)``, the variant each one is copied from.

    Side ``s``'s exchange as the striker depends on its own warheads, survivability,
    defense and ``w80`` and on everything of the victim's but its requirement; not on
    its own launch under attack or requirement (it is not struck).  A side's reaction
    functions depend on its own forces, launch under attack and requirement and on the
    other side's warheads, survivability, defense and slope steps.  Sweeps over a lever
    outside one of these sets repeat that part: each distinct case is computed once.
    """
    size = values.shape[2]
    size_first = [b.transpose(1, 0, 2) for b in bases]  # (N, rows, n)
    owned = [layout.BASE_WARHEADS, layout.BASE_SURVIVABILITY]
    source = np.empty((2, 2, size), dtype=np.intp)
    for s in range(2):
        v = 1 - s
        source[layout.STRIKES, s] = _equal_row_sources(
            [
                size_first[s][:, owned],
                size_first[v],
                defenses[s],
                defenses[v],
                values[layout.W80].T,
                values[layout.LAUNCH_UNDER_ATTACK, v],
            ],
            size,
        )
        source[layout.REACTS, s] = (
            _equal_row_sources(
                [
                    size_first[s],
                    size_first[v][:, owned],
                    defenses[v],
                    values[[layout.LAUNCH_UNDER_ATTACK, layout.REQUIREMENT], s].T,
                    values[[layout.SLOPE_DELTA, layout.SLOPE_LOWER], v].T,
                ],
                size,
            )
            if reactions
            else np.arange(size)
        )
    solve = np.ascontiguousarray((source == np.arange(size)).transpose(2, 1, 0))
    if not reactions:
        solve[:, :, layout.REACTS] = False
    return solve, source


def _copy_shared(
    per_side: np.ndarray, done: np.ndarray, solve: np.ndarray, source: np.ndarray
) -> None:
    """Fill the exchanges and reaction functions the kernel skipped from their sources
    (see :func:`_shared_work`); the work record keeps zeros there but the stop-rule level."""
    for s in range(2):
        v = 1 - s
        copied = ~solve[:, s, layout.STRIKES]
        if copied.any():
            origin = source[layout.STRIKES, s][copied]
            for side, column in (
                (v, layout.SURVIVING_WARHEADS),
                (v, layout.ARRIVING_WARHEADS),
                (v, layout.DAMAGE_FRACTION),
                (s, layout.C1),
                (v, layout.C2),
            ):
                per_side[copied, side, column] = per_side[origin, side, column]
            done[copied, s, layout.STOP_RULE_LEVEL] = done[origin, s, layout.STOP_RULE_LEVEL]
        copied = ~solve[:, s, layout.REACTS] & (source[layout.REACTS, s] != np.arange(len(solve)))
        if copied.any():
            origin = source[layout.REACTS, s][copied]
            per_side[copied, s, REACTION_COLUMNS] = per_side[origin, s, REACTION_COLUMNS]


def evaluate_resolved(
    batch: BatchResolved,
    *,
    outputs: str = "all",
    exhaustive: bool = False,
    work: dict[str, np.ndarray] | None = None,
    slopes: str = "secant",
) -> dict[str, np.ndarray]:
    """Headline outputs for a batch that shares one structure (see :func:`evaluate_batch`).

    Runs the compiled :func:`stratstab.analysis.batch._kernel.evaluate_variants`.
    Variants whose inputs to one side's exchange (or reaction functions) are equal bit
    for bit to an earlier variant's share its result: the kernel runs it once.
    ``exhaustive`` traces every level of the counterforce grid instead of bounding
    the stop rule (the same results, slower; for tests).  ``work``, if given, receives
    per side (as the striker) ``SIDE.stop_rule_level`` and ``SIDE.levels_traced``, and
    ``SIDE.full_strike_evaluations`` of its reaction functions: what the kernel did;
    and ``SIDE.retaliation_requirement``, the arriving warheads it was solved for.
    """
    # The compiled kernel (and Numba) load on first use: a sweep's coordinating
    # process never needs them.
    from stratstab.analysis.batch import _kernel as kernel

    check_slopes(slopes)
    scenario = batch.base.scenario
    sides = scenario.sides
    first, second = sides
    forces = [batch.forces[s] for s in sides]
    defenses = np.ascontiguousarray(
        np.stack(
            [
                np.stack([getattr(batch.defenses[s], f) for f in DEFENSE_ARRAY_FIELDS], axis=1)
                for s in sides
            ]
        ),
        dtype=np.float64,
    )
    further, layer_sls = _further_layers([batch.base.defense(s) for s in sides], sides, batch)
    interceptors = defenses[:, :, DEFENSE_ARRAY_FIELDS.index("interceptors")]
    delta = interceptor_slope_step(interceptors, slopes)
    per_side = np.empty((batch.size, 2, len(PER_SIDE_OUTPUTS)))
    done = np.zeros((batch.size, 2, len(layout.WORK)))
    base_rows = {
        layout.BASE_WARHEADS: "warheads",
        layout.BASE_AIM_POINTS: "aim_points",
        layout.BASE_SURVIVABILITY: "survivability",
    }
    bases = tuple(
        np.ascontiguousarray(
            np.stack([getattr(f, base_rows[row]) for row in range(layout.BASE_ROWS)]),
            dtype=np.float64,
        )
        for f in forces
    )
    values = np.empty((layout.VALUE_ROWS, 2, batch.size))
    for x, side in enumerate(sides):
        values[layout.W80, x] = batch.w80[side]
        values[layout.LAUNCH_UNDER_ATTACK, x] = batch.launch_under_attack[side]
        values[layout.REQUIREMENT, x] = batch.requirement[side]
    values[layout.SLOPE_DELTA] = delta
    values[layout.SLOPE_LOWER] = np.maximum(interceptors - delta, 0.0)
    solve, source = _shared_work(bases, defenses, values, reactions=outputs == "all")
    kernel.evaluate_variants(
        tuple(_plan_arrays(strike_plan(batch.base, side)) for side in sides),
        bases,
        tuple(np.ascontiguousarray(f.fixed, dtype=np.bool_) for f in forces),
        tuple(np.ascontiguousarray(f.reliability, dtype=np.float64) for f in forces),
        defenses,
        further,
        layer_sls,
        values,
        (
            int(scenario.counterforce_levels),
            float(scenario.cost.own_weight_exponent),
            float(scenario.cost.enemy_weight),
            bool(exhaustive),
            outputs == "all",
            float(scenario.cost.stop_rule_tolerance),
            layout.SLOPE_METHODS.index(slopes),
        ),
        solve,
        per_side,
        done,
    )
    _copy_shared(per_side, done, solve, source)
    if work is not None:
        for x, side in enumerate(sides):
            for q, name in enumerate(WORK):
                work[f"{side}.{name}"] = done[:, x, q]
            work[f"{side}.retaliation_requirement"] = np.asarray(
                batch.requirement[side], dtype=float
            ) * np.ones(batch.size)
    out: dict[str, np.ndarray] = {}
    for x, side in enumerate(sides):
        for q, name in enumerate(PER_SIDE_OUTPUTS):
            out[f"{side}.{name}"] = per_side[:, x, q]
    out["crisis_stability_index"] = np.asarray(
        first_strike_stability_index(
            c1_a=out[f"{first}.c1"],
            c2_a=out[f"{first}.c2"],
            c1_b=out[f"{second}.c1"],
            c2_b=out[f"{second}.c2"],
        ),
        dtype=float,
    )
    out["arms_race_slope_product"] = np.abs(
        out[f"{first}.reaction_slope_arsenal"] * out[f"{second}.reaction_slope_arsenal"]
    )
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
        column = arrays[key]
        try:  # numbers and strings sort in C; mixed objects in Python
            sortable = column.astype(float)
        except (TypeError, ValueError):
            sortable = column.astype(str)
        _, first, code = np.unique(sortable, return_index=True, return_inverse=True)
        values.append(column[first])
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
    work: dict[str, np.ndarray] | None = None,
    slopes: str = "secant",
) -> dict[str, np.ndarray]:
    """Headline outputs of B variants of ``scenario`` (under ``view``), as arrays of length B.

    ``levers`` maps lever keys (see :mod:`stratstab.analysis.spec.levers`) to 1-D arrays of
    equal length B (or scalars, used for every variant); variant ``i`` is the scenario
    with ``{key: levers[key][i]}`` applied on top of the view.  Returns the outputs of
    :func:`stratstab.analysis.assessment.evaluate.output_names`, equal to
    :func:`~stratstab.analysis.assessment.evaluate.evaluate_many` to floating-point tolerance.
    ``outputs="crisis"`` returns only the exchange outputs (see
    :func:`batch_output_names`) and skips the reaction functions.  ``work``, if
    given, receives what the kernel did for each variant (see :func:`evaluate_resolved`).
    ``slopes``: how the reaction slopes are taken, ``secant`` (default) or
    ``derivative`` (see :func:`stratstab.analysis.reference.arms_race.derivative_slopes`).

    Three or more sides: the compiled kernel is two-sided, so each variant is assessed
    by the reference path (:func:`~stratstab.analysis.batch.sides.evaluate_sides_batch`,
    seconds per variant, central-difference slopes only); ``work`` stays empty.
    """
    check_slopes(slopes)
    names = batch_output_names(scenario.sides, outputs)
    if len(scenario.sides) > 2:
        require_central_differences(slopes)
        return evaluate_sides_batch(scenario, levers, view=view, outputs=outputs)
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
        done: dict[str, np.ndarray] = {}
        results = evaluate_resolved(batch, outputs=outputs, work=done, slopes=slopes)
        for name, result in results.items():
            out[name][rows] = result
        if work is not None:
            for name, result in done.items():
                work.setdefault(name, np.zeros(size))[rows] = result
    return out


def warm_kernel() -> None:
    """Compile the kernel, or load it from its on-disk cache (one variant of the baseline).

    Every scenario uses the same compiled code: its argument types do not depend on
    the scenario.
    """
    scenario = load_scenario("us-china-2024-baseline")
    evaluate_batch(scenario, {f"{scenario.sides[0]}.interceptors": np.array([10.0])})
