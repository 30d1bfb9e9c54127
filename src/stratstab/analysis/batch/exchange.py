"""The structural part of a counterforce strike, shared by every variant of a batch.

What depends only on the scenario's structure (which weapons strike, their order in
the queue, the SSPK of each weapon type against each target system, which systems are
targeted and how many warheads go to an aim point) is computed once per batch in a
:class:`StrikePlan`, with the reference path's own functions; what depends on numeric
levers (counts, survivability, defenses) is left to the compiled kernel
(:mod:`stratstab.analysis.batch._kernel`), variant by variant.

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

from stratstab.analysis.reference.inputs import PROMPT_KINDS, Resolved
from stratstab.models.effects import kill_probability, lethality, sspk


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
