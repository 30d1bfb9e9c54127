"""Counterforce exchanges for many variants at once (leading batch axis N).

The batch counterpart of :mod:`stratstab.analysis.exchange_curves` and of
:func:`stratstab.models.exchange.counterforce_strike`.  What depends only on the
scenario's structure (which weapons strike, their order in the queue, the SSPK of each
weapon type against each target system) is computed once in a :class:`StrikePlan`;
what depends on numeric levers (counts, survivability, defenses) is an array with a
leading axis of N variants.  The greedy covering of target systems loops over the
*rank* of a system in the striker's priority order (a handful of systems), never over
variants, because the priority order itself may differ between variants.

References
----------
Kent & Thaler, RAND R-3765-AF (1989); REFERENCES §1-3 (through the model functions
called here: :func:`~stratstab.models.effects.sspk`,
:func:`~stratstab.models.effects.kill_probability`,
:func:`~stratstab.models.defense.engage`, :mod:`stratstab.models.crisis`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stratstab.analysis.batch_inputs import BatchDefense, BatchSide
from stratstab.analysis.inputs import PROMPT_KINDS, Resolved
from stratstab.models.defense import engage
from stratstab.models.effects import kill_probability, lethality, sspk
from stratstab.models.exchange import priority_key


@dataclass(frozen=True)
class StrikePlan:
    """The structural part of one side's counterforce strike on the other.

    ``weapon_index``: striker systems used as counterforce weapons, most lethal first;
    ``type_starts``: where each run of neighbours in that queue with the same SSPK
    against every target and the same reliability begins (such a run acts as one
    weapon type: the slice means over it are the same whether it is split or not);
    ``sspk``: SSPK of each of those merged types against each victim system
    ``(n_types, n_systems)``, ``reliability`` theirs ``(n_types,)``;
    ``priority_kill``: kill probability of the most lethal weapon per aim point (used
    to rank targets); ``retaliation_share``: reliable share
    of a victim system's surviving warheads that it launches back;
    ``striker_use_share``: share of each striker system's warheads used in its answer.
    """

    weapon_index: np.ndarray
    type_starts: np.ndarray
    sspk: np.ndarray
    reliability: np.ndarray
    priority_kill: np.ndarray
    per_point: np.ndarray
    targeted: np.ndarray
    rank_names: np.ndarray
    victim_fixed: np.ndarray
    fratricide: float
    retaliation_share: np.ndarray
    striker_use_share: np.ndarray


def strike_plan(base: Resolved, striker: str) -> StrikePlan:
    """Precompute the structure of ``striker``'s strike (as ``targets_for``/``weapons_for``)."""
    scenario = base.scenario
    victim = scenario.other(striker)
    spec = base.strike(striker)
    attacker, target = base.forces[striker], base.forces[victim]
    method = scenario.lethal_radius_method
    if spec.weapons is None:
        chosen = np.flatnonzero([k in PROMPT_KINDS for k in attacker.kinds])
    else:
        chosen = np.flatnonzero([n in spec.weapons for n in attacker.names])
    lethal = np.asarray(
        lethality(yield_kt=attacker.yield_kt[chosen], cep_m=attacker.cep_m[chosen]), dtype=float
    ).reshape(-1)
    # Most lethal reliable warheads first; ties keep dataset order (as the reference does).
    queue = chosen[np.lexsort((np.arange(chosen.size), -lethal * attacker.reliability[chosen]))]
    per_point = np.array(
        [spec.warheads_per_aim_point.get(b, 1) for b in target.basing], dtype=float
    )
    single = np.zeros((queue.size, len(target.names)))
    priority_kill = np.zeros(len(target.names))
    if queue.size:
        single = np.asarray(
            sspk(
                yield_kt=attacker.yield_kt[queue][:, None],
                cep_m=attacker.cep_m[queue][:, None],
                hardness_psi=target.hardness_psi[None, :],
                method=method,
            ),
            dtype=float,
        )
        priority_kill = np.asarray(
            kill_probability(
                sspk=single[0], reliability=attacker.reliability[queue[0]], shots=per_point
            ),
            dtype=float,
        )
    targeted = (
        np.ones(len(target.names), bool)
        if spec.targets is None
        else np.array([n in spec.targets for n in target.names], dtype=bool)
    )
    use = scenario.use
    starts = _type_starts(single, attacker.reliability[queue])
    return StrikePlan(
        weapon_index=queue,
        type_starts=starts,
        sspk=single[starts],
        reliability=attacker.reliability[queue][starts],
        priority_kill=priority_kill,
        per_point=per_point,
        targeted=targeted,
        rank_names=np.argsort(np.argsort(np.array(target.names, dtype=object))).astype(float),
        victim_fixed=target.fixed,
        fratricide=spec.fratricide,
        retaliation_share=np.where(target.fixed, use.fixed, use.survivable) * target.reliability,
        striker_use_share=np.where(attacker.fixed, use.fixed, use.survivable),
    )


def _type_starts(single: np.ndarray, reliability: np.ndarray) -> np.ndarray:
    """Queue positions that start a run of weapons identical against every target."""
    if reliability.size == 0:
        return np.zeros(0, dtype=np.intp)
    same = np.all(single[1:] == single[:-1], axis=1) & (reliability[1:] == reliability[:-1])
    return np.flatnonzero(np.concatenate([[True], ~same]))


def weapon_counts(plan: StrikePlan, striker: BatchSide) -> np.ndarray:
    """Ready counterforce warheads per merged weapon type in queue order, ``(N, n_types)``."""
    counts = (striker.warheads * striker.readiness)[:, plan.weapon_index]
    if plan.type_starts.size == plan.weapon_index.size:
        return counts
    return np.add.reduceat(counts, plan.type_starts, axis=1)


def full_coverage(plan: StrikePlan, victim: BatchSide) -> np.ndarray:
    """Warheads needed to cover every targeted aim point, ``(N,)``."""
    aim = victim.aim_points
    return np.where(plan.targeted & (aim > 0), plan.per_point * aim, 0.0).sum(axis=1)


def _priority_order(plan: StrikePlan, victim: BatchSide, targeted: np.ndarray) -> np.ndarray:
    """Per-variant order of target systems (``target_priority`` of the reference)."""
    exposed = 1.0 - victim.survivability
    per_aim_point = victim.warheads * exposed / np.maximum(victim.aim_points, 1.0)
    value = np.where(targeted, per_aim_point * plan.priority_kill / plan.per_point, -np.inf)
    names = np.broadcast_to(plan.rank_names, value.shape)
    return np.lexsort((names, -priority_key(value)), axis=-1)


def _queue_fill(
    position: np.ndarray, lower: np.ndarray, width: np.ndarray, out: np.ndarray
) -> np.ndarray:
    """Warheads of each type taken from the queue up to ``position``, ``(..., n_weapons)``.

    ``lower``/``width``: each type's first slot and count, broadcast against
    ``position[..., None]``.  The fill is non-decreasing in ``position``, so
    differences of fills are never negative.
    """
    np.subtract(position[..., None], lower, out=out)
    np.maximum(out, 0.0, out=out)
    return np.minimum(out, width, out=out)


@dataclass(frozen=True)
class _Ranked:
    """The victim's systems in each variant's priority order, ``(N, n)`` each."""

    aim: np.ndarray
    warheads: np.ndarray
    exposed: np.ndarray
    saved: np.ndarray
    per_point: np.ndarray
    share: np.ndarray
    sspk: np.ndarray  # (N, n, n_weapons)
    demand: np.ndarray
    edges: np.ndarray  # (N, n_weapons + 1): queue slots where each weapon type starts


def _ranked(
    plan: StrikePlan, counts: np.ndarray, victim: BatchSide, launch_under_attack: np.ndarray
) -> _Ranked:
    aim = victim.aim_points
    targeted = plan.targeted & (aim > 0)
    order = _priority_order(plan, victim, targeted)
    rows = np.arange(order.shape[0])[:, None]
    r_aim, r_per_point = aim[rows, order], plan.per_point[order]
    return _Ranked(
        aim=r_aim,
        warheads=victim.warheads[rows, order],
        exposed=1.0 - victim.survivability[rows, order],
        saved=np.where(plan.victim_fixed[order], launch_under_attack[:, None], 0.0),
        per_point=r_per_point,
        share=plan.retaliation_share[order],
        sspk=plan.sspk.T[order],
        demand=np.where(targeted[rows, order], r_per_point * r_aim, 0.0),
        edges=np.concatenate([np.zeros((order.shape[0], 1)), np.cumsum(counts, axis=1)], axis=1),
    )


def _left(
    plan: StrikePlan, r: dict[str, np.ndarray], start: np.ndarray, stop: np.ndarray
) -> np.ndarray:
    """Warheads left of systems struck with the queue slice ``[start, stop)``.

    ``r``: ranked system fields broadcast to the shape of ``start``/``stop`` (``sspk``
    with a trailing weapon axis).  Same arithmetic as the reference's per-system step.
    """
    edges = r["edges"]
    lower, width = edges[..., :-1], np.diff(edges, axis=-1)
    shape = np.broadcast_shapes(start.shape + (1,), lower.shape)
    fill_start, overlap = np.empty(shape), np.empty(shape)
    _queue_fill(start, lower, width, out=fill_start)
    _queue_fill(stop, lower, width, out=overlap)
    overlap -= fill_start
    # Contractions over the short weapon axis with einsum: faster than sum(axis=-1), and
    # unlike ``@`` never handed to a multi-threaded BLAS (which doubles the CPU time of
    # these small products and fights with the other worker for the cores).
    total = np.einsum("...w->...", overlap)
    filled = total > 0
    safe = np.where(filled, total, 1.0)
    sspk = r["sspk"]
    mean_sspk = np.where(filled, np.einsum("...w,...w->...", overlap, sspk) / safe, sspk[..., 0])
    mean_reliability = np.where(
        filled, np.einsum("...w,w->...", overlap, plan.reliability) / safe, plan.reliability[0]
    )
    p_kill = kill_probability(
        sspk=np.clip(mean_sspk, 0.0, 1.0),
        reliability=np.clip(mean_reliability, 0.0, 1.0),
        shots=r["per_point"],
        fratricide=plan.fratricide,
    )
    covered = (stop - start) / r["per_point"]
    destroyed = r["exposed"] * (covered / np.maximum(r["aim"], 1.0)) * p_kill
    destroyed = np.clip(destroyed * (1.0 - r["saved"]), 0.0, 1.0)
    return r["warheads"] * (1.0 - destroyed)


def _fields(ranked: _Ranked) -> dict[str, np.ndarray]:
    return {f: getattr(ranked, f) for f in ranked.__dataclass_fields__}


def surviving_warheads(
    plan: StrikePlan,
    *,
    counts: np.ndarray,
    victim: BatchSide,
    levels: np.ndarray,
    launch_under_attack: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Victim warheads left after strikes of ``levels`` warheads, and what it launches back.

    ``counts``: the striker's weapons ``(N, n_weapons)``; ``levels``: ``(N, K)``.
    Returns (surviving warheads, reliable retaliation launched, warheads spent), each
    ``(N, K)``.  Systems are covered in each variant's priority order, so after the
    ``r`` first ranked systems ``min(budget, cumulative demand)`` warheads are spent.
    At a given level every system before the one being covered is fully covered (its
    survivors do not depend on the level: computed once per variant), every system
    after it is untouched, and only that one partly covered system is computed per
    level: cumulative sums over the rank give the rest, and no ``(N, K, n, n_weapons)``
    array is formed.

    References: :func:`stratstab.models.exchange.counterforce_strike` (same rules).
    """
    n_rows, n_levels = levels.shape
    if plan.weapon_index.size == 0:
        shape = (n_rows, n_levels)
        return (
            np.broadcast_to(victim.warheads.sum(axis=1)[:, None], shape),
            np.broadcast_to((victim.warheads @ plan.retaliation_share)[:, None], shape),
            np.zeros(shape),
        )
    ranked = _ranked(plan, counts, victim, launch_under_attack)
    r = _fields(ranked)
    ends = np.cumsum(ranked.demand, axis=1)
    starts = ends - ranked.demand
    # Each system fully covered (where the queue reaches that far).
    full = {**r, "sspk": ranked.sspk, "edges": ranked.edges[:, None, :]}
    left_full = _left(plan, full, starts, ends)
    zero = np.zeros((n_rows, 1))
    # Cumulative survivors/launched of fully covered systems, and of untouched ones from the back.
    covered_sum = np.concatenate([zero, np.cumsum(left_full, axis=1)], axis=1)
    covered_launch = np.concatenate([zero, np.cumsum(left_full * ranked.share, axis=1)], axis=1)
    kept = ranked.warheads[:, ::-1]
    untouched_sum = np.concatenate([np.cumsum(kept, axis=1)[:, ::-1], zero], axis=1)
    untouched_launch = np.concatenate(
        [np.cumsum(kept * ranked.share[:, ::-1], axis=1)[:, ::-1], zero], axis=1
    )
    budget = np.minimum(levels, ranked.edges[:, -1:])
    # Rank of the system being covered at each level (n: all covered).
    current = (ends[:, None, :] <= budget[..., None]).sum(axis=-1)
    partial = np.minimum(current, ends.shape[1] - 1)
    rows = np.arange(n_rows)[:, None]
    picked = {k: v[rows, partial] for k, v in r.items() if k != "edges"}
    picked["edges"] = ranked.edges[:, None, :]
    start = starts[rows, partial]
    stop = np.where(current < ends.shape[1], np.maximum(budget, start), start)
    left = _left(plan, picked, start, stop)
    after = partial + 1  # untouched systems follow the one being covered
    surviving = covered_sum[rows, partial] + left + untouched_sum[rows, after]
    launched = (
        covered_launch[rows, partial] + left * picked["share"] + untouched_launch[rows, after]
    )
    is_partial = current < ends.shape[1]
    surviving = np.where(is_partial, surviving, covered_sum[:, -1:])
    launched = np.where(is_partial, launched, covered_launch[:, -1:])
    spent = np.minimum(budget, ends[:, -1:])
    return surviving, launched, spent


def arriving(launched: np.ndarray, defense: BatchDefense) -> np.ndarray:
    """Expected warheads through each variant's missile defense (``launched``: ``(N, K)``).

    Variants without interceptors pass everything, as in the reference path.

    References: Wilkening (2000) via :func:`stratstab.models.defense.engage`.
    """
    active = defense.interceptors > 0
    if not active.any():
        return launched

    def column(values: np.ndarray) -> np.ndarray:
        return values[active][:, None]

    rvs = launched[active]
    outcome = engage(
        rvs=rvs,
        interceptors=column(defense.interceptors),
        interceptor_pk=column(defense.interceptor_pk),
        shots_per_rv=column(defense.shots_per_rv),
        discrimination=column(defense.discrimination),
        common_mode=column(defense.common_mode),
        decoys=rvs * column(defense.decoys_per_rv),
        decoy_rejection=column(defense.decoy_rejection),
        shoot_look_shoot=defense.shoot_look_shoot,
        second_shots=column(defense.second_shots),
        kill_assessment=column(defense.kill_assessment),
        with_p_no_leakers=False,
    )
    out = np.array(launched, dtype=float, copy=True)
    out[active] = np.asarray(outcome.expected_leakers, dtype=float).reshape(rvs.shape)
    return out


def maximum_strike(plan: StrikePlan, counts: np.ndarray, victim: BatchSide) -> np.ndarray:
    """Largest sensible strike per variant: all weapons or full coverage, ``(N,)``."""
    return np.minimum(counts.sum(axis=1), full_coverage(plan, victim))


def retaliation_arriving(
    plan: StrikePlan,
    *,
    counts: np.ndarray,
    victim: BatchSide,
    levels: np.ndarray,
    launch_under_attack: np.ndarray,
    defense: BatchDefense,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Strike, the victim's retaliation, and what of it gets through the striker's defense.

    ``launch_under_attack`` is the victim's, ``defense`` the striker's (one per variant).
    Returns (victim's surviving warheads, warheads spent, retaliation arriving), each
    ``(N, K)``.
    """
    surviving, launched, spent = surviving_warheads(
        plan, counts=counts, victim=victim, levels=levels, launch_under_attack=launch_under_attack
    )
    return surviving, spent, arriving(launched, defense)


def full_strike_launched(
    plan: StrikePlan, *, counts: np.ndarray, victim: BatchSide, launch_under_attack: np.ndarray
) -> np.ndarray:
    """Reliable retaliation launched after the largest sensible strike, ``(N,)``.

    The single-level case of :func:`surviving_warheads` (the level of
    :func:`maximum_strike`), with every target system handled at once instead of rank
    by rank: the warheads spent once the ``r`` first ranked systems are covered are
    ``min(budget, cumulative demand)``, so all slice ends are known up front and the
    queue fill is one ``(N, n, n_weapons)`` array.  The reaction functions call
    this ~25 times per problem, so it avoids the per-rank loop's many small arrays.

    References: :func:`stratstab.models.exchange.counterforce_strike` (same rules).
    """
    if plan.weapon_index.size == 0:
        return victim.warheads @ plan.retaliation_share
    aim = victim.aim_points
    targeted = plan.targeted & (aim > 0)
    order = _priority_order(plan, victim, targeted)
    demand = np.where(targeted, plan.per_point * aim, 0.0)
    edges = np.concatenate([np.zeros((aim.shape[0], 1)), np.cumsum(counts, axis=1)], axis=1)
    budget = np.minimum(np.minimum(counts.sum(axis=1), demand.sum(axis=1)), edges[:, -1])
    # Slice ends in priority order, put back in dataset order so that the per-system
    # fields need no gathering.
    ranked_ends = np.minimum(budget[:, None], np.cumsum(np.take_along_axis(demand, order, 1), 1))
    ranked_starts = np.concatenate([np.zeros((aim.shape[0], 1)), ranked_ends[:, :-1]], axis=1)
    ends, starts = np.empty_like(ranked_ends), np.empty_like(ranked_ends)
    np.put_along_axis(ends, order, ranked_ends, axis=1)
    np.put_along_axis(starts, order, ranked_starts, axis=1)
    fields = {
        "aim": aim,
        "warheads": victim.warheads,
        "exposed": 1.0 - victim.survivability,
        "saved": np.where(plan.victim_fixed, launch_under_attack[:, None], 0.0),
        "per_point": plan.per_point,
        "sspk": plan.sspk.T,
        "edges": edges[:, None, :],
    }
    return np.einsum("nk,k->n", _left(plan, fields, starts, ends), plan.retaliation_share)
