"""One side strikes first: the exchange traced along the striker's counterforce level.

For a grid of counterforce strike sizes the striker could choose, this module runs
the counterforce strike, the victim's retaliation against the striker's value
(through the striker's missile defense) and the striker's answer with the warheads
it held back (through the victim's defense), and turns the damage into Kent–Thaler
costs for both sides.  The striker's stop rule then picks the strike it would run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stratstab.analysis.reference.inputs import Resolved, SideForces, targets_for, weapons_for
from stratstab.analysis.spec.scenario import DefenseSpec, UseSpec
from stratstab.models.crisis import StopRuleChoice, cost, damage_fraction, stop_rule
from stratstab.models.defense import through_layers
from stratstab.models.exchange import (
    StrikeOutcome,
    TargetSystems,
    Weapons,
    counterforce_strike,
    full_coverage_warheads,
)


@dataclass(frozen=True)
class ExchangeCurve:
    """The exchange when ``striker`` goes first, at every counterforce level.

    Arrays have the grid's length ``k`` (or ``(k, n_systems)`` for survivors).
    """

    striker: str
    victim: str
    levels: np.ndarray
    strike: StrikeOutcome
    retaliation_launched: np.ndarray
    retaliation_arriving: np.ndarray
    reserve_launched: np.ndarray
    reserve_arriving: np.ndarray
    striker_damage: np.ndarray
    victim_damage: np.ndarray
    striker_cost: np.ndarray
    victim_cost: np.ndarray
    choice: StopRuleChoice

    @property
    def chosen_level(self) -> float:
        """Warheads the striker spends on counterforce under its stop rule."""
        return float(self.strike.warheads_used[self.choice.index])


def launched_warheads(
    forces: SideForces, surviving_warheads: np.ndarray, use: UseSpec
) -> np.ndarray:
    """Reliable warheads a side launches from its survivors (fixed and survivable shares)."""
    share = np.where(forces.fixed, use.fixed, use.survivable) * forces.reliability
    return surviving_warheads @ share


def arriving(launched: np.ndarray, defense: DefenseSpec) -> np.ndarray:
    """Expected warheads that get through every layer of a missile defense (Wilkening)."""
    return np.asarray(through_layers(rvs=launched, layers=defense.model_layers()), dtype=float)


def strike_setup(resolved: Resolved, striker: str) -> tuple[TargetSystems, Weapons]:
    """The victim's target list and the striker's ready counterforce weapons."""
    victim = resolved.scenario.other(striker)
    spec = resolved.strike(striker)
    source = resolved.scenario.source
    targets = targets_for(resolved.forces[victim], spec, source=source, striker=striker)
    weapons = weapons_for(resolved.forces[striker], spec, source=source)
    return targets, weapons


def maximum_strike(targets: TargetSystems, weapons: Weapons) -> float:
    """The largest counterforce strike that makes sense: all weapons or full coverage."""
    return float(min(weapons.total, full_coverage_warheads(targets)))


def strike_on(resolved: Resolved, striker: str, levels: np.ndarray) -> StrikeOutcome:
    """Run the striker's counterforce strike at the given sizes."""
    targets, weapons = strike_setup(resolved, striker)
    victim = resolved.scenario.other(striker)
    return counterforce_strike(
        targets=targets,
        weapons=weapons,
        warheads_used=levels,
        fratricide=resolved.strike(striker).fratricide,
        lethal_radius_method=resolved.scenario.lethal_radius_method,
        launch_under_attack=resolved.launch_under_attack(victim),
    )


def exchange_curve(resolved: Resolved, striker: str) -> ExchangeCurve:
    """Trace the exchange along the striker's counterforce level and apply the stop rule."""
    scenario = resolved.scenario
    victim = scenario.other(striker)
    targets, weapons = strike_setup(resolved, striker)
    levels = np.linspace(0.0, maximum_strike(targets, weapons), scenario.counterforce_levels)
    strike = strike_on(resolved, striker, levels)

    victim_forces, striker_forces = resolved.forces[victim], resolved.forces[striker]
    retaliation = launched_warheads(victim_forces, strike.surviving_warheads, scenario.use)
    retaliation_arriving = arriving(retaliation, resolved.defense(striker))

    # The striker answers with everything it did not spend on counterforce.
    use_share = np.where(striker_forces.fixed, scenario.use.fixed, scenario.use.survivable)
    held = striker_forces.warheads
    mean_use_reliability = float(
        (held * use_share * striker_forces.reliability).sum() / max(held.sum(), 1e-12)
    )
    reserve = (
        np.maximum(striker_forces.total_warheads - strike.warheads_used, 0.0) * mean_use_reliability
    )
    reserve_arriving = arriving(reserve, resolved.defense(victim))

    striker_damage = damage_fraction(
        arriving_warheads=retaliation_arriving, w80=resolved.w80(striker)
    )
    victim_damage = damage_fraction(arriving_warheads=reserve_arriving, w80=resolved.w80(victim))
    weights = dict(
        own_weight_exponent=scenario.cost.own_weight_exponent,
        enemy_weight=scenario.cost.enemy_weight,
    )
    striker_cost = cost(own_damage=striker_damage, enemy_damage=victim_damage, **weights)
    victim_cost = cost(own_damage=victim_damage, enemy_damage=striker_damage, **weights)
    return ExchangeCurve(
        striker=striker,
        victim=victim,
        levels=levels,
        strike=strike,
        retaliation_launched=retaliation,
        retaliation_arriving=retaliation_arriving,
        reserve_launched=reserve,
        reserve_arriving=reserve_arriving,
        striker_damage=striker_damage,
        victim_damage=victim_damage,
        striker_cost=striker_cost,
        victim_cost=victim_cost,
        choice=stop_rule(
            striker_cost=striker_cost,
            victim_cost=victim_cost,
            tolerance=scenario.cost.stop_rule_tolerance,
        ),
    )
