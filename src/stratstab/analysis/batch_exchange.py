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


@dataclass(frozen=True)
class StrikePlan:
    """The structural part of one side's counterforce strike on the other.

    ``weapon_index``: striker systems used as counterforce weapons, most lethal first;
    ``sspk``: SSPK of each of those weapon types against each victim system
    ``(n_weapons, n_systems)``; ``priority_kill``: kill probability of the most lethal
    weapon per aim point (used to rank targets); ``retaliation_share``: reliable share
    of a victim system's surviving warheads that it launches back;
    ``striker_use_share``: share of each striker system's warheads used in its answer.
    """

    weapon_index: np.ndarray
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

    return StrikePlan(
        weapon_index=queue,
        sspk=single,
        reliability=attacker.reliability[queue],
        priority_kill=priority_kill,
        per_point=per_point,
        targeted=targeted,
        rank_names=np.argsort(np.argsort(np.array(target.names, dtype=object))).astype(float),
        victim_fixed=target.fixed,
        fratricide=spec.fratricide,
        retaliation_share=np.where(target.fixed, use.fixed, use.survivable) * target.reliability,
        striker_use_share=np.where(attacker.fixed, use.fixed, use.survivable),
    )


def weapon_counts(plan: StrikePlan, striker: BatchSide) -> np.ndarray:
    """Ready counterforce warheads per weapon type in queue order, ``(N, n_weapons)``."""
    return (striker.warheads * striker.readiness)[:, plan.weapon_index]


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
    return np.lexsort((names, -value), axis=-1)


def _queue_fill(
    position: np.ndarray, lower: np.ndarray, width: np.ndarray, out: np.ndarray
) -> np.ndarray:
    """Warheads of each type taken from the queue up to ``position``, ``(N, K, n_weapons)``.

    ``lower``/``width``: each type's first slot and count, ``(N, 1, n_weapons)``.  The
    fill is non-decreasing in ``position``, so differences of fills are never negative.
    """
    np.subtract(position[..., None], lower, out=out)
    np.maximum(out, 0.0, out=out)
    return np.minimum(out, width, out=out)


def _slice_means(
    overlap: np.ndarray, sspk: np.ndarray, reliability: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mean SSPK and reliability over queue slices with per-type ``overlap`` ``(N, K, n_weapons)``.

    ``sspk``: per variant and weapon type ``(N, n_weapons)``; ``reliability``:
    ``(n_weapons,)``.  Empty slices give the first type's values (they are multiplied
    by zero coverage anyway).
    """
    width = overlap.sum(axis=-1)
    filled = width > 0
    safe = np.where(filled, width, 1.0)
    mean_sspk = np.where(filled, np.einsum("nkw,nw->nk", overlap, sspk) / safe, sspk[:, :1])
    mean_reliability = np.where(filled, (overlap @ reliability) / safe, reliability[0])
    return np.clip(mean_sspk, 0.0, 1.0), np.clip(mean_reliability, 0.0, 1.0)


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
    ``(N, K)``.  Each system takes the slice ``[spent, spent + size)`` of the weapon
    queue; the warheads of each type in it are the difference of the queue fill at
    its two ends.  Systems are visited by rank in each variant's priority order (their
    arrays are put in that order once), and survivors are summed on the fly, so no
    ``(N, K, n)`` array is kept.

    References: :func:`stratstab.models.exchange.counterforce_strike` (same rules).
    """
    n_rows, n_levels = levels.shape
    aim = victim.aim_points
    targeted = plan.targeted & (aim > 0)
    spent = np.zeros((n_rows, n_levels))
    if plan.weapon_index.size == 0:
        total = np.broadcast_to(victim.warheads.sum(axis=1)[:, None], spent.shape)
        return (
            total,
            np.broadcast_to((victim.warheads @ plan.retaliation_share)[:, None], spent.shape),
            spent,
        )
    order = _priority_order(plan, victim, targeted)

    def ranked(values: np.ndarray) -> np.ndarray:
        return np.take_along_axis(np.broadcast_to(values, order.shape), order, axis=1)

    saved = np.where(plan.victim_fixed, launch_under_attack[:, None], 0.0)
    r_targeted, r_aim, r_saved, r_warheads = (
        ranked(a) for a in (targeted, aim, saved, victim.warheads)
    )
    r_exposed = ranked(1.0 - victim.survivability)
    r_per_point, r_share = plan.per_point[order], plan.retaliation_share[order]
    n_weapons = counts.shape[1]
    r_sspk = plan.sspk.T[order]  # (N, n, n_weapons): each weapon type against the ranked system
    edges = np.concatenate([np.zeros((n_rows, 1)), np.cumsum(counts, axis=1)], axis=1)
    lower, width = edges[:, None, :-1], (edges[:, 1:] - edges[:, :-1])[:, None, :]
    budget = np.minimum(levels, edges[:, -1:])
    filled, filled_stop = np.zeros((2, n_rows, n_levels, n_weapons))
    overlap = np.empty_like(filled)
    surviving, launched = np.zeros_like(spent), np.zeros_like(spent)
    for rank in range(order.shape[1]):
        per_point = r_per_point[:, rank, None]
        size = np.where(
            r_targeted[:, rank, None],
            np.clip(budget - spent, 0.0, per_point * r_aim[:, rank, None]),
            0.0,
        )
        stop = spent + size
        _queue_fill(stop, lower, width, out=filled_stop)
        mean_sspk, mean_reliability = _slice_means(
            np.subtract(filled_stop, filled, out=overlap), r_sspk[:, rank], plan.reliability
        )
        p_kill = kill_probability(
            sspk=mean_sspk,
            reliability=mean_reliability,
            shots=per_point,
            fratricide=plan.fratricide,
        )
        covered = size / per_point
        destroyed = (
            r_exposed[:, rank, None] * (covered / np.maximum(r_aim[:, rank, None], 1.0)) * p_kill
        )
        destroyed = np.clip(destroyed * (1.0 - r_saved[:, rank, None]), 0.0, 1.0)
        left = r_warheads[:, rank, None] * (1.0 - destroyed)
        surviving += left
        launched += left * r_share[:, rank, None]
        spent = stop
        filled, filled_stop = filled_stop, filled
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
    queue fill is one ``(N, n + 1, n_weapons)`` array.  The reaction functions call
    this ~25 times per problem, so it avoids the per-rank loop's many small arrays.

    References: :func:`stratstab.models.exchange.counterforce_strike` (same rules).
    """
    aim = victim.aim_points
    targeted = plan.targeted & (aim > 0)
    if plan.weapon_index.size == 0:
        return victim.warheads @ plan.retaliation_share
    order = _priority_order(plan, victim, targeted)
    rows = np.arange(order.shape[0])[:, None]
    r_aim, r_warheads = aim[rows, order], victim.warheads[rows, order]
    r_exposed = 1.0 - victim.survivability[rows, order]
    r_per_point, r_share = plan.per_point[order], plan.retaliation_share[order]
    r_saved = np.where(plan.victim_fixed[order], launch_under_attack[:, None], 0.0)
    demand = np.where(targeted[rows, order], r_per_point * r_aim, 0.0)
    edges = np.concatenate([np.zeros((order.shape[0], 1)), np.cumsum(counts, axis=1)], axis=1)
    budget = np.minimum(
        np.minimum(counts.sum(axis=1), full_coverage(plan, victim)), edges[:, -1]
    )[:, None]
    ends = np.minimum(budget, np.cumsum(demand, axis=1))
    position = np.concatenate([np.zeros((order.shape[0], 1)), ends], axis=1)
    size = np.diff(position, axis=1)
    fill = np.empty((order.shape[0], position.shape[1], counts.shape[1]))
    _queue_fill(position, edges[:, None, :-1], np.diff(edges, axis=1)[:, None, :], out=fill)
    overlap = np.diff(fill, axis=1)  # (N, n, n_weapons): each type's warheads per system
    # Contractions over the short weapon axis as matrix products (sum(axis=-1) is slow).
    width = overlap @ np.ones(counts.shape[1])
    filled = width > 0
    safe = np.where(filled, width, 1.0)
    r_sspk = plan.sspk.T[order]  # (N, n, n_weapons)
    mean_sspk = np.where(filled, np.einsum("nkw,nkw->nk", overlap, r_sspk) / safe, r_sspk[..., 0])
    mean_reliability = np.where(filled, (overlap @ plan.reliability) / safe, plan.reliability[0])
    p_kill = kill_probability(
        sspk=np.clip(mean_sspk, 0.0, 1.0),
        reliability=np.clip(mean_reliability, 0.0, 1.0),
        shots=r_per_point,
        fratricide=plan.fratricide,
    )
    covered = size / r_per_point
    destroyed = r_exposed * (covered / np.maximum(r_aim, 1.0)) * p_kill
    destroyed = np.clip(destroyed * (1.0 - r_saved), 0.0, 1.0)
    return (r_warheads * (1.0 - destroyed) * r_share).sum(axis=1)
