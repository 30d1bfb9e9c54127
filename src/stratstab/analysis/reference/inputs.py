"""Turn a scenario (plus levers or a named view) into arrays for the models.

This is the only place where cited force datasets meet the pure models: each side's
strategic systems become a :class:`SideForces` of plain arrays, from which the
exchange model's :class:`~stratstab.models.exchange.TargetSystems` (the side as a
victim) and :class:`~stratstab.models.exchange.Weapons` (the side as a striker) are
built.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from stratstab.analysis.spec.blocks import ValueSpec
from stratstab.analysis.spec.levers import (
    SideModifiers,
    fold_levers,
    levers_source,
    validate_levers,
)
from stratstab.analysis.spec.scenario import DefenseSpec, Scenario, StrikeSpec
from stratstab.errors import InputError
from stratstab.forces import apply_overrides
from stratstab.models.crisis import warheads_for_damage
from stratstab.models.exchange import TargetSystems, Weapons
from stratstab.models.trilateral import doctrine_weights, reserve_shares

PROMPT_KINDS = ("icbm", "slbm")
DEFAULT_RETALIATION_DAMAGE = 0.5


def load_side_dataset(scenario: Scenario, side: str) -> Any:
    """The side's dataset as published (overrides not yet applied).

    The scenario's loader resolved it (built-in, uploaded or a local file, by context).
    """
    return scenario.dataset_of(side)


def _pick(estimate: Any, which: str) -> float:
    if estimate is None:
        return float("nan")
    value = getattr(estimate, which, None)
    return float(estimate.central if value is None else value)


@dataclass(frozen=True)
class SideForces:
    """A side's strategic systems as arrays (one entry per system), in one posture."""

    side: str
    dataset_id: str
    dataset_version: str
    names: tuple[str, ...]
    kinds: tuple[str, ...]
    basing: tuple[str, ...]
    launchers: np.ndarray
    warheads: np.ndarray
    aim_points: np.ndarray
    hardness_psi: np.ndarray
    survivability: np.ndarray
    reliability: np.ndarray
    yield_kt: np.ndarray
    cep_m: np.ndarray

    @property
    def fixed(self) -> np.ndarray:
        """Silo-based systems."""
        return np.array([b == "silo" for b in self.basing], dtype=bool)

    @property
    def readiness(self) -> np.ndarray:
        """Share of each system able to launch promptly: silos all, others the survivable share."""
        return np.where(self.fixed, 1.0, self.survivability)

    def scaled(self, factor: float) -> SideForces:
        """The same force mix with ``factor`` times the launchers, warheads and aim points."""
        return replace(
            self,
            launchers=self.launchers * factor,
            warheads=self.warheads * factor,
            aim_points=self.aim_points * factor,
        )

    @property
    def total_warheads(self) -> float:
        """Deployed strategic warheads."""
        return float(self.warheads.sum())


def side_forces(scenario: Scenario, side: str, modifiers: SideModifiers) -> SideForces:
    """Build a side's arrays from its dataset, overrides, estimate choice and posture."""
    spec = scenario.forces[side]
    dataset = load_side_dataset(scenario, side)
    if spec.overrides:
        try:
            dataset = apply_overrides(dataset, spec.overrides)
        except InputError as exc:
            raise InputError(
                exc.message,
                source=scenario.source,
                field=f"forces.{side}.overrides.{exc.field or ''}".rstrip("."),
            ) from None
    posture = scenario.posture.get(side, "day-to-day")
    attribute = "generated" if posture == "generated" else "day_to_day"
    systems = [s for s in dataset.systems if s.strategic]
    if not systems:
        raise InputError(
            f"dataset {dataset.id!r} has no strategic systems",
            source=scenario.source,
            field=f"forces.{side}.dataset",
        )
    which = spec.estimate

    def column(getter: Any) -> np.ndarray:
        return np.array([getter(s) for s in systems], dtype=float)

    survivability = column(lambda s: _pick(getattr(s.survivability, attribute), which))
    basing = tuple(s.basing for s in systems)
    for b, value in modifiers.survivability.items():
        survivability = np.where([x == b for x in basing], value, survivability)
    survivability = np.where([x == "silo" for x in basing], 0.0, survivability)
    hardness = column(
        lambda s: _pick(s.hardness_psi if s.basing == "silo" else s.home_hardness_psi, which)
    )
    forces = SideForces(
        side=side,
        dataset_id=dataset.id,
        dataset_version=str(dataset.version),
        names=tuple(s.name for s in systems),
        kinds=tuple(s.kind for s in systems),
        basing=basing,
        launchers=column(lambda s: _pick(s.launchers, which)),
        warheads=column(lambda s: _pick(s.deployed_warheads, which)),
        aim_points=column(lambda s: _pick(s.aim_points, which)),
        hardness_psi=hardness,
        survivability=np.clip(survivability, 0.0, 1.0),
        reliability=column(lambda s: _pick(s.reliability, which)),
        yield_kt=column(lambda s: _pick(s.yield_kt, which)),
        cep_m=column(lambda s: _pick(s.cep_m, which)),
    )
    return forces.scaled(modifiers.arsenal_scale) if modifiers.arsenal_scale != 1.0 else forces


def _names_mask(
    names: tuple[str, ...],
    wanted: list[str] | None,
    *,
    default: np.ndarray,
    source: str | None,
    field: str,
) -> np.ndarray:
    if wanted is None:
        return default
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        raise InputError(
            f"unknown system(s) {unknown}; expected some of {list(names)}",
            source=source,
            field=field,
        )
    return np.array([n in wanted for n in names], dtype=bool)


def targets_for(
    victim: SideForces, strike: StrikeSpec, *, source: str | None, striker: str
) -> TargetSystems:
    """The victim's systems as the striker's target list."""
    per_point = np.array(
        [strike.warheads_per_aim_point.get(b, 1) for b in victim.basing], dtype=np.int64
    )
    targeted = _names_mask(
        victim.names,
        strike.targets,
        default=np.ones(len(victim.names), bool),
        source=source,
        field=f"strike.{striker}.targets",
    )
    return TargetSystems(
        names=victim.names,
        launchers=victim.launchers,
        warheads=victim.warheads,
        aim_points=victim.aim_points,
        hardness_psi=victim.hardness_psi,
        exposed_fraction=1.0 - victim.survivability,
        warheads_per_aim_point=per_point,
        targeted=targeted & (victim.aim_points > 0),
        fixed=victim.fixed,
    )


def weapons_for(striker: SideForces, strike: StrikeSpec, *, source: str | None) -> Weapons:
    """The striker's counterforce-capable warheads that are ready to launch."""
    prompt = np.array([k in PROMPT_KINDS for k in striker.kinds], dtype=bool)
    chosen = _names_mask(
        striker.names,
        strike.weapons,
        default=prompt,
        source=source,
        field=f"strike.{striker.side}.weapons",
    )
    index = np.flatnonzero(chosen)
    return Weapons(
        names=tuple(striker.names[i] for i in index),
        warheads=(striker.warheads * striker.readiness)[index],
        yield_kt=striker.yield_kt[index],
        cep_m=striker.cep_m[index],
        reliability=striker.reliability[index],
    )


@dataclass(frozen=True)
class Resolved:
    """A scenario with levers folded in, and both sides' arrays."""

    scenario: Scenario
    forces: dict[str, SideForces]
    view: str | None
    # The arsenal_scale lever of each side (already applied to ``forces``); a side
    # missing here is at its dataset's size.
    arsenal_scales: dict[str, float] = field(default_factory=dict)

    def defense(self, side: str) -> DefenseSpec:
        """The side's missile defense (none if the scenario gives none)."""
        return self.scenario.defenses.get(side) or DefenseSpec()

    def strike(self, side: str) -> StrikeSpec:
        """How the side strikes first."""
        return self.scenario.strike.get(side) or StrikeSpec()

    def w80(self, side: str) -> float:
        """Arriving warheads that destroy 80 % of the side's value (ValueSpec's default)."""
        return (self.scenario.value_targets.get(side) or ValueSpec()).w80

    def arsenal_scale(self, side: str) -> float:
        """The multiple of the dataset's launchers, warheads and aim points the side has."""
        return self.arsenal_scales.get(side, 1.0)

    def retaliation_requirement(self, side: str, against: str | None = None) -> float:
        """Warheads the side must land on ``against``'s value for assured retaliation.

        ``against`` defaults to the other side of a two-sided scenario.
        """
        spec = self.scenario.assured_retaliation.get(side)
        other = against if against is not None else self.scenario.other(side)
        if spec is None:
            return float(
                warheads_for_damage(damage=DEFAULT_RETALIATION_DAMAGE, w80=self.w80(other))
            )
        if spec.arriving_warheads is not None:
            return spec.arriving_warheads
        return float(warheads_for_damage(damage=spec.damage, w80=self.w80(other)))

    def armed(self, side: str) -> bool:
        """Whether the side has any deployed strategic warheads."""
        return self.forces[side].total_warheads > 0

    def doctrine_weights(self, side: str) -> dict[str, float]:
        """The side's doctrine weights over its adversaries (equal split by default)."""
        weights = {s: spec.weights for s, spec in self.scenario.doctrine.items()}
        return doctrine_weights(self.scenario.sides, weights)[side]

    def reserve_shares(self, side: str, adversary: str) -> dict[str, float]:
        """Share of ``side``'s forces held against each third party while fighting ``adversary``."""
        spec = self.scenario.doctrine.get(side)
        return reserve_shares(
            reserve=spec.reserve if spec else 0.0,
            weights=self.doctrine_weights(side),
            adversary=adversary,
            armed={s: self.armed(s) for s in self.scenario.sides},
        )

    def launch_under_attack(self, side: str) -> float:
        """Share of silo warheads the side saves by launching under attack."""
        return self.scenario.launch_under_attack.get(side, 0.0)


def resolve(
    scenario: Scenario, view: str | None = None, extra_levers: dict[str, Any] | None = None
) -> Resolved:
    """Fold the scenario's levers, then the view's, then ``extra_levers``, and build arrays."""
    if extra_levers:  # the file's own levers and views were checked when it was loaded
        validate_levers(scenario, extra_levers, source=levers_source(scenario))
    levers = {**scenario.levers, **scenario.view_levers(view), **(extra_levers or {})}
    folded, modifiers = fold_levers(scenario, levers)
    forces = {side: side_forces(folded, side, modifiers[side]) for side in folded.sides}
    scales = {side: modifiers[side].arsenal_scale for side in folded.sides}
    return Resolved(scenario=folded, forces=forces, view=view, arsenal_scales=scales)
