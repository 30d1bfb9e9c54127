"""One side strikes first: the exchange traced along the striker's counterforce level.

For a grid of counterforce strike sizes the striker could choose, this module runs
the counterforce strike, the victim's retaliation against the striker's value
(through the striker's missile defense) and the striker's answer with the warheads
it held back (through the victim's defense), and turns the damage into Kent–Thaler
costs for both sides.  The striker's stop rule then picks the strike it would run.

Among three or more sides the same exchange runs for one ordered pair at a time: both
sides hold their doctrine's reserve back against the third parties, and each side's
cost adds what the untouched third parties could still do to it beyond what it can
still do to them (:func:`stratstab.models.trilateral.trilateral_cost`).  With no armed
third party the numbers are exactly the two-sided ones.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from stratstab.analysis.reference.inputs import Resolved, SideForces, targets_for, weapons_for
from stratstab.analysis.spec.scenario import DefenseSpec, Scenario, UseSpec
from stratstab.models.crisis import StopRuleChoice, damage_fraction, stop_rule
from stratstab.models.defense import through_layers
from stratstab.models.exchange import (
    StrikeOutcome,
    TargetSystems,
    Weapons,
    counterforce_strike,
    full_coverage_warheads,
)
from stratstab.models.trilateral import third_party_exposure, trilateral_cost


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
    #: Third-party exposure of each side along the levels (zeros with two sides).
    striker_exposure: np.ndarray | None = None
    victim_exposure: np.ndarray | None = None

    @property
    def chosen_level(self) -> float:
        """Warheads the striker spends on counterforce under its stop rule."""
        return float(self.strike.warheads_used[self.choice.index])


#: Warheads below which a force counts as empty where a share of it is taken (keeps the
#: division defined; no real force is this small).
EMPTY_FORCE_FLOOR = 1e-12


def launched_warheads(
    forces: SideForces, surviving_warheads: np.ndarray, use: UseSpec
) -> np.ndarray:
    """Reliable warheads a side launches from its survivors (fixed and survivable shares)."""
    share = np.where(forces.fixed, use.fixed, use.survivable) * forces.reliability
    return surviving_warheads @ share


def arriving(launched: np.ndarray, defense: DefenseSpec) -> np.ndarray:
    """Expected warheads that get through every layer of a missile defense (Wilkening)."""
    return np.asarray(through_layers(rvs=launched, layers=defense.model_layers()), dtype=float)


def mean_use_reliability(forces: SideForces, use: UseSpec) -> float:
    """Reliable launches per deployed warhead of a side's whole force (use share x reliability)."""
    use_share = np.where(forces.fixed, use.fixed, use.survivable)
    held = forces.warheads
    return float((held * use_share * forces.reliability).sum() / max(held.sum(), EMPTY_FORCE_FLOOR))


def strike_setup(
    resolved: Resolved, striker: str, victim: str | None = None, *, hold_reserve: bool = True
) -> tuple[TargetSystems, Weapons]:
    """The victim's target list and the striker's ready counterforce weapons.

    ``victim`` defaults to the other side of a two-sided scenario.  Among more sides the
    striker's weapons exclude the reserve it holds against the third parties (unless
    ``hold_reserve`` is false).
    """
    victim = victim if victim is not None else resolved.scenario.other(striker)
    spec = resolved.strike(striker)
    source = resolved.scenario.source
    targets = targets_for(resolved.forces[victim], spec, source=source, striker=striker)
    weapons = weapons_for(resolved.forces[striker], spec, source=source)
    reserve = sum(resolved.reserve_shares(striker, victim).values()) if hold_reserve else 0.0
    if reserve > 0:
        weapons = replace(weapons, warheads=weapons.warheads * (1.0 - reserve))
    return targets, weapons


def maximum_strike(targets: TargetSystems, weapons: Weapons) -> float:
    """The largest counterforce strike that makes sense: all weapons or full coverage."""
    return float(min(weapons.total, full_coverage_warheads(targets)))


def strike_on(
    resolved: Resolved, striker: str, levels: np.ndarray, victim: str | None = None
) -> StrikeOutcome:
    """Run the striker's counterforce strike at the given sizes."""
    victim = victim if victim is not None else resolved.scenario.other(striker)
    targets, weapons = strike_setup(resolved, striker, victim)
    return counterforce_strike(
        targets=targets,
        weapons=weapons,
        warheads_used=levels,
        fratricide=resolved.strike(striker).fratricide,
        lethal_radius_method=resolved.scenario.lethal_radius_method,
        launch_under_attack=resolved.launch_under_attack(victim),
    )


def _damage_by(resolved: Resolved, launched: np.ndarray | float, *, target: str) -> np.ndarray:
    """Fraction of ``target``'s value destroyed by ``launched`` warheads, through its defense."""
    landed = arriving(np.asarray(launched, dtype=float), resolved.defense(target))
    return damage_fraction(arriving_warheads=landed, w80=resolved.w80(target))


def third_party_threat(resolved: Resolved, side: str, third: str) -> float:
    """Fraction of ``side``'s value ``third`` could destroy with the forces it aims at ``side``."""
    forces = resolved.forces[third]
    launched = (
        forces.total_warheads
        * resolved.doctrine_weights(third)[side]
        * mean_use_reliability(forces, resolved.scenario.use)
    )
    return float(_damage_by(resolved, launched, target=side))


def peacetime_answer(resolved: Resolved, side: str, third: str) -> float:
    """Fraction of ``third``'s value ``side`` could destroy before any war (doctrine's share)."""
    forces = resolved.forces[side]
    launched = (
        forces.total_warheads
        * resolved.doctrine_weights(side)[third]
        * mean_use_reliability(forces, resolved.scenario.use)
    )
    return float(_damage_by(resolved, launched, target=third))


def _costed(
    scenario: Scenario,
    own: np.ndarray,
    enemy: np.ndarray,
    threat: np.ndarray,
    answer: np.ndarray,
    peacetime: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """One side's cost along the levels (``models.trilateral``) and its exposure's rise."""
    exponent = scenario.cost.own_weight_exponent
    total = trilateral_cost(
        own_damage=own,
        enemy_damage=enemy,
        threat_damage=threat,
        answer_damage=answer,
        peacetime_answer_damage=peacetime,
        own_weight_exponent=exponent,
        enemy_weight=scenario.cost.enemy_weight,
        third_party_weight=scenario.cost.third_party_weight,
    )
    exposure = third_party_exposure(
        threat_damage=threat,
        answer_damage=answer,
        peacetime_answer_damage=peacetime,
        own_weight_exponent=exponent,
    )
    return total, exposure


def exchange_curve(resolved: Resolved, striker: str, victim: str | None = None) -> ExchangeCurve:
    """Trace the exchange along the striker's counterforce level and apply the stop rule.

    ``victim`` defaults to the other side of a two-sided scenario; with more sides the
    third parties enter through the reserves and the costs (module docstring).
    """
    scenario = resolved.scenario
    victim = victim if victim is not None else scenario.other(striker)
    thirds = [s for s in scenario.sides if s not in (striker, victim)]
    striker_held = resolved.reserve_shares(striker, victim)
    victim_held = resolved.reserve_shares(victim, striker)
    targets, weapons = strike_setup(resolved, striker, victim)
    levels = np.linspace(0.0, maximum_strike(targets, weapons), scenario.counterforce_levels)
    strike = strike_on(resolved, striker, levels, victim)

    victim_forces, striker_forces = resolved.forces[victim], resolved.forces[striker]
    victim_fighting = 1.0 - sum(victim_held.values())
    retaliation = launched_warheads(
        victim_forces, strike.surviving_warheads * victim_fighting, scenario.use
    )
    retaliation_arriving = arriving(retaliation, resolved.defense(striker))

    # The striker answers with everything it neither spent nor holds against third parties.
    striker_use = mean_use_reliability(striker_forces, scenario.use)
    striker_fighting = striker_forces.total_warheads * (1.0 - sum(striker_held.values()))
    reserve = np.maximum(striker_fighting - strike.warheads_used, 0.0) * striker_use
    reserve_arriving = arriving(reserve, resolved.defense(victim))

    striker_damage = damage_fraction(
        arriving_warheads=retaliation_arriving, w80=resolved.w80(striker)
    )
    victim_damage = damage_fraction(arriving_warheads=reserve_arriving, w80=resolved.w80(victim))
    k = levels.size
    # Third parties: what each could still destroy of the pair's sides (per level, per
    # third party) and what each side can still destroy of it with what it holds back.
    striker_threat = np.zeros((k, len(thirds)))
    victim_threat = np.zeros((k, len(thirds)))
    striker_answer = np.zeros((k, len(thirds)))
    victim_answer = np.zeros((k, len(thirds)))
    striker_before = np.zeros((k, len(thirds)))
    victim_before = np.zeros((k, len(thirds)))
    for column, third in enumerate(thirds):
        striker_threat[:, column] = third_party_threat(resolved, striker, third)
        victim_threat[:, column] = third_party_threat(resolved, victim, third)
        held = striker_forces.total_warheads * striker_held[third] * striker_use
        striker_answer[:, column] = _damage_by(resolved, held, target=third)
        victim_launch = launched_warheads(
            victim_forces, strike.surviving_warheads * victim_held[third], scenario.use
        )
        victim_answer[:, column] = _damage_by(resolved, victim_launch, target=third)
        striker_before[:, column] = peacetime_answer(resolved, striker, third)
        victim_before[:, column] = peacetime_answer(resolved, victim, third)
    striker_cost, striker_exposure = _costed(
        scenario, striker_damage, victim_damage, striker_threat, striker_answer, striker_before
    )
    victim_cost, victim_exposure = _costed(
        scenario, victim_damage, striker_damage, victim_threat, victim_answer, victim_before
    )
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
        striker_exposure=striker_exposure,
        victim_exposure=victim_exposure,
    )
