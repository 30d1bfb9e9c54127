"""Scenario variants as arrays: the batch counterpart of :mod:`stratstab.analysis.reference.inputs`.

A batch is B variants of one scenario that share their *structure* (datasets and
overrides, postures, firing doctrine) and differ in numeric levers (arsenal scale,
survivability, interceptors and their effectiveness, launch under attack, value
targets, retaliation requirement).  Here the structure is resolved once through the
reference path (:func:`stratstab.analysis.reference.inputs.side_forces`) and the numeric levers
become arrays with a leading batch axis, so the exchange and reaction models can run
on all B variants at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from stratstab.analysis.reference.inputs import DEFAULT_RETALIATION_DAMAGE, Resolved
from stratstab.analysis.spec.lever_table import integer_levers, structural_levers
from stratstab.analysis.spec.levers import SURVIVABILITY_LEVERS
from stratstab.models.crisis import warheads_for_damage

#: Side-level levers whose value changes the shape of the computation, not just numbers.
STRUCTURAL_SIDE_LEVERS = structural_levers()
#: Levers applied to a side's force arrays
#: (see :class:`~stratstab.analysis.spec.levers.SideModifiers`).
MODIFIER_LEVERS = frozenset({"arsenal_scale", *SURVIVABILITY_LEVERS})
#: Levers that take whole numbers (from the lever table).
INTEGER_DEFENSE_FIELDS = integer_levers()
#: Numeric defense fields carried as arrays.
DEFENSE_ARRAY_FIELDS = (
    "interceptors",
    "interceptor_pk",
    "shots_per_rv",
    "discrimination",
    "common_mode",
    "decoys_per_rv",
    "decoy_rejection",
    "second_shots",
    "kill_assessment",
)


def lever_name(key: str) -> str:
    """The part of a lever key after the side (``US.interceptors`` -> ``interceptors``)."""
    return key.partition(".")[2]


def is_structural(key: str) -> bool:
    """True for levers that need their own resolved scenario (overrides, posture ...)."""
    name = lever_name(key)
    return "." in name or name in STRUCTURAL_SIDE_LEVERS


def is_modifier(key: str) -> bool:
    """True for levers that act on a side's force arrays (scale, survivability)."""
    return lever_name(key) in MODIFIER_LEVERS


@dataclass(frozen=True)
class BatchSide:
    """A side's strategic systems for N variants: counts are ``(N, n)``, the rest ``(n,)``."""

    side: str
    names: tuple[str, ...]
    kinds: tuple[str, ...]
    basing: tuple[str, ...]
    fixed: np.ndarray
    launchers: np.ndarray
    warheads: np.ndarray
    aim_points: np.ndarray
    survivability: np.ndarray
    hardness_psi: np.ndarray
    reliability: np.ndarray
    yield_kt: np.ndarray
    cep_m: np.ndarray

    @property
    def readiness(self) -> np.ndarray:
        """Share of each system able to launch promptly, ``(N, n)``."""
        return np.where(self.fixed, 1.0, self.survivability)

    @property
    def total_warheads(self) -> np.ndarray:
        """Deployed strategic warheads per variant, ``(N,)``."""
        return self.warheads.sum(axis=1)

    def scaled(self, factor: np.ndarray) -> BatchSide:
        """Launchers, warheads and aim points times ``factor`` (one per variant)."""
        column = np.asarray(factor, dtype=float)[:, None]
        return replace(
            self,
            launchers=self.launchers * column,
            warheads=self.warheads * column,
            aim_points=self.aim_points * column,
        )

    def rows(self, index: np.ndarray) -> BatchSide:
        """The variants at ``index`` (an integer or boolean index)."""
        return replace(
            self,
            launchers=self.launchers[index],
            warheads=self.warheads[index],
            aim_points=self.aim_points[index],
            survivability=self.survivability[index],
        )


@dataclass(frozen=True)
class BatchDefense:
    """A side's missile defense for N variants (numeric fields ``(N,)``)."""

    interceptors: np.ndarray
    interceptor_pk: np.ndarray
    shots_per_rv: np.ndarray
    discrimination: np.ndarray
    common_mode: np.ndarray
    decoys_per_rv: np.ndarray
    decoy_rejection: np.ndarray
    second_shots: np.ndarray
    kill_assessment: np.ndarray
    shoot_look_shoot: bool

    def rows(self, index: np.ndarray) -> BatchDefense:
        """The variants at ``index``."""
        return replace(self, **{f: getattr(self, f)[index] for f in DEFENSE_ARRAY_FIELDS})

    def with_interceptors(self, interceptors: np.ndarray) -> BatchDefense:
        """The same defense with another interceptor inventory per variant."""
        return replace(self, interceptors=np.asarray(interceptors, dtype=float))


@dataclass(frozen=True)
class BatchResolved:
    """A resolved scenario structure plus every per-variant number the models need."""

    base: Resolved
    forces: dict[str, BatchSide]
    defenses: dict[str, BatchDefense]
    w80: dict[str, np.ndarray]
    launch_under_attack: dict[str, np.ndarray]
    requirement: dict[str, np.ndarray]
    size: int


def _filled(value: Any, size: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=float), (size,)).copy()


def _batch_side(base: Resolved, side: str, numeric: dict[str, np.ndarray], size: int) -> BatchSide:
    """Apply the survivability and arsenal-scale levers to the side's unmodified arrays."""
    forces = base.forces[side]
    fixed = forces.fixed
    survivability = np.broadcast_to(forces.survivability, (size, fixed.size)).copy()
    for lever, basings in SURVIVABILITY_LEVERS.items():
        key = f"{side}.{lever}"
        if key in numeric:
            columns = np.array([b in basings for b in forces.basing], dtype=bool)
            survivability[:, columns] = numeric[key][:, None]
    survivability = np.clip(np.where(fixed, 0.0, survivability), 0.0, 1.0)

    def counts(values: np.ndarray) -> np.ndarray:
        return np.broadcast_to(values, (size, fixed.size)).copy()

    out = BatchSide(
        side=side,
        names=forces.names,
        kinds=forces.kinds,
        basing=forces.basing,
        fixed=fixed,
        launchers=counts(forces.launchers),
        warheads=counts(forces.warheads),
        aim_points=counts(forces.aim_points),
        survivability=survivability,
        hardness_psi=forces.hardness_psi,
        reliability=forces.reliability,
        yield_kt=forces.yield_kt,
        cep_m=forces.cep_m,
    )
    scale_key = f"{side}.arsenal_scale"
    return out.scaled(numeric[scale_key]) if scale_key in numeric else out


def _batch_defense(
    base: Resolved, side: str, numeric: dict[str, np.ndarray], size: int
) -> BatchDefense:
    spec = base.defense(side)
    values = {f: numeric.get(f"{side}.{f}", getattr(spec, f)) for f in DEFENSE_ARRAY_FIELDS}
    return BatchDefense(
        **{f: _filled(v, size) for f, v in values.items()}, shoot_look_shoot=spec.shoot_look_shoot
    )


def _requirement(
    base: Resolved, side: str, numeric: dict[str, np.ndarray], size: int
) -> np.ndarray:
    """Arriving warheads the side needs; follows the other side's ``w80`` where it varies."""
    key = f"{side}.retaliation_warheads"
    if key in numeric:
        return _filled(numeric[key], size)
    other = base.scenario.other(side)
    spec = base.scenario.assured_retaliation.get(side)
    other_w80 = numeric.get(f"{other}.w80")
    if other_w80 is None or (spec is not None and spec.arriving_warheads is not None):
        return _filled(base.retaliation_requirement(side), size)
    damage = DEFAULT_RETALIATION_DAMAGE if spec is None else spec.damage
    return _filled(warheads_for_damage(damage=damage, w80=other_w80), size)


def batch_resolved(base: Resolved, numeric: dict[str, np.ndarray], size: int) -> BatchResolved:
    """Combine a resolved structure (no modifier levers folded in) with numeric lever arrays.

    ``numeric`` maps lever keys to float arrays of length ``size``; levers it does not
    name keep the value in ``base``.
    """
    sides = base.scenario.sides
    return BatchResolved(
        base=base,
        forces={s: _batch_side(base, s, numeric, size) for s in sides},
        defenses={s: _batch_defense(base, s, numeric, size) for s in sides},
        w80={s: _filled(numeric.get(f"{s}.w80", base.w80(s)), size) for s in sides},
        launch_under_attack={
            s: _filled(numeric.get(f"{s}.launch_under_attack", base.launch_under_attack(s)), size)
            for s in sides
        },
        requirement={s: _requirement(base, s, numeric, size) for s in sides},
        size=size,
    )
