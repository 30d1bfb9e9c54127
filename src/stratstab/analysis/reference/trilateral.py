"""Required arsenals among N sides: in sequence, simultaneously, and their reaction matrix.

Side X must, after being struck, land its retaliation requirement on every armed
adversary.  Its survivors are allocated as well as possible, so it needs as many
launches as the adversaries' defenses demand, summed (:func:`launches_needed`).
:func:`requirement` finds the smallest scale on X's forces that meets this when one
adversary strikes first with its full counterforce strike (in sequence; the largest
over adversaries, whose adversary is the *driver*), and when every adversary strikes
at once with its doctrine's share (simultaneously; each plans its own strike, so the
shares of the targetable forces each leaves standing multiply).  :func:`arms_race`
differentiates the requirements into the reaction matrix and its spectral radius.
Derivation: ``docs/models.md``, "Three or more sides".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields, replace

import numpy as np

from stratstab.analysis.reference.arms_race import _with_interceptors, _with_side_scaled
from stratstab.analysis.reference.exchange_curves import (
    arriving,
    launched_warheads,
    maximum_strike,
    strike_setup,
)
from stratstab.analysis.reference.inputs import Resolved
from stratstab.models.exchange import counterforce_strike
from stratstab.models.roots import new_search, next_factor, result, tell
from stratstab.models.trilateral import reaction_matrix, spectral_radius

#: Relative step of the finite differences (as the two-sided reaction slopes).
ARSENAL_STEP = 0.1


def _smallest_factor(need: float, value: Callable[[float], float], start: float = 1.0) -> float:
    """Smallest factor f >= 0 with ``value(f) >= need`` (``value`` non-decreasing; inf if none).

    ``start``: where the search begins (a nearby answer saves steps).
    """
    if need <= 0:
        return 0.0
    search = new_search(need, start if math.isfinite(start) and start > 0 else 1.0, math.nan)
    while not math.isnan(factor := next_factor(search)):
        tell(search, factor, value(factor))
    return result(search)


def launches_needed(resolved: Resolved, side: str, against: str) -> float:
    """Warheads ``side`` must launch at ``against`` to land its requirement through the defense.

    Zero against a side with no forces (there is nothing to deter).
    """
    if not resolved.armed(against):
        return 0.0
    need = resolved.retaliation_requirement(side, against)
    defense = resolved.defense(against)
    scale = _smallest_factor(need, lambda f: float(arriving(np.array([f * need]), defense)[0]))
    return scale * need


class Strikes:
    """The full counterforce strikes computed in one analysis, by their exact inputs.

    The requirement searches of :func:`arms_race` ask for many strikes whose inputs
    are unchanged: moving a third side's arsenal or a defense leaves the strike of Y
    on X as it was.  The key is the strike's whole input (target list, weapons, the
    settings and X's deployed warheads, as bytes), so a stored answer is used only
    where a fresh computation would give the same numbers bit for bit.
    """

    def __init__(self) -> None:
        self.done: dict[tuple, np.ndarray] = {}

    @staticmethod
    def key(*parts: object) -> tuple:
        """A hashable, exact key of the strike's inputs (dataclasses field by field)."""
        out: list[object] = []
        for part in parts:
            if isinstance(part, np.ndarray):
                out += [part.dtype.str, part.shape, part.tobytes()]
            elif hasattr(part, "__dataclass_fields__"):
                out.append(Strikes.key(*(getattr(part, f.name) for f in fields(part))))
            else:
                out.append(part)
        return tuple(out)


def _survival_after(
    resolved: Resolved, side: str, attacker: str, share: float | None, strikes: Strikes | None
) -> np.ndarray:
    """Share of each of ``side``'s systems surviving ``attacker``'s full counterforce strike.

    ``share``: part of the attacker's ready counterforce warheads used (``None``: all but
    its reserve against the others, as in the pair's exchange).  ``strikes``: strikes
    already computed in the same analysis (see :class:`Strikes`).
    """
    targets, weapons = strike_setup(resolved, attacker, side, hold_reserve=share is None)
    if share is not None:
        weapons = replace(weapons, warheads=weapons.warheads * share)
    setting = (
        resolved.strike(attacker).fratricide,
        resolved.scenario.lethal_radius_method,
        resolved.launch_under_attack(side),
    )
    deployed = resolved.forces[side].warheads
    key = Strikes.key(targets, weapons, deployed, *setting)
    if strikes is not None and (known := strikes.done.get(key)) is not None:
        return known
    fratricide, method, launch_under_attack = setting
    outcome = counterforce_strike(
        targets=targets,
        weapons=weapons,
        warheads_used=[maximum_strike(targets, weapons)],
        fratricide=fratricide,
        lethal_radius_method=method,
        launch_under_attack=launch_under_attack,
    )
    safe = np.where(deployed > 0, deployed, 1.0)
    survival = np.where(deployed > 0, outcome.surviving_warheads[0] / safe, 1.0)
    if strikes is not None:
        survival.setflags(write=False)  # shared between callers from now on
        strikes.done[key] = survival
    return survival


def _launched_after(
    resolved: Resolved,
    side: str,
    attackers: dict[str, float | None],
    strikes: Strikes | None = None,
) -> float:
    """Launches of ``side``'s survivors after the attackers' strikes.

    Each attacker plans its strike alone, so their kills on the destroyable part of a
    system (the launchers at their aim points and not launched under attack) are
    independent: the shares of that part left by each attacker multiply.  The dispersed
    part survives every strike.
    """
    forces = resolved.forces[side]
    shares = [_survival_after(resolved, side, a, share, strikes) for a, share in attackers.items()]
    if len(shares) == 1:
        survival = shares[0]
    else:
        saved = np.where(forces.fixed, resolved.launch_under_attack(side), 0.0)
        destroyable = (1.0 - forces.survivability) * (1.0 - saved)
        safe = np.where(destroyable > 0, destroyable, 1.0)
        left = np.ones_like(destroyable)
        for share in shares:
            left = left * np.clip(1.0 - (1.0 - share) / safe, 0.0, 1.0)
        survival = 1.0 - destroyable * (1.0 - left)
    return float(launched_warheads(forces, forces.warheads * survival, resolved.scenario.use))


@dataclass(frozen=True)
class Requirement:
    """Deployed warheads ``side`` needs for assured retaliation against every adversary.

    ``sequential[Y]``: needed when Y strikes first alone; ``simultaneous``: when all
    strike at once; ``required`` the larger, ``binding_case`` which, ``driver`` the
    adversary whose first strike sets the sequential requirement; ``launches[Y]``: the
    launches needed against Y (to land ``retaliation[Y]`` through its defense).
    """

    side: str
    retaliation: dict[str, float]
    launches: dict[str, float]
    sequential: dict[str, float]
    simultaneous: float
    required: float
    binding_case: str
    driver: str | None


def requirement(
    resolved: Resolved,
    side: str,
    *,
    near: Requirement | None = None,
    strikes: Strikes | None = None,
) -> Requirement:
    """``side``'s required arsenal in sequence and simultaneously (module docstring).

    ``near``: the requirement of a slightly different problem, where the searches start;
    ``strikes``: strikes computed earlier in the same analysis, reused where unchanged.
    """
    adversaries = resolved.scenario.opponents(side)
    launches = {y: launches_needed(resolved, side, y) for y in adversaries}
    need = sum(launches.values())
    total = resolved.forces[side].total_warheads

    def required_for(attackers: dict[str, float | None], guess: float | None) -> float:
        start = guess / total if guess and total > 0 else 1.0
        scale = _smallest_factor(
            need,
            lambda f: _launched_after(
                _with_side_scaled(resolved, side, f), side, attackers, strikes
            ),
            start,
        )
        return scale * total

    armed = [y for y in adversaries if resolved.armed(y)]
    sequential = {
        y: required_for({y: None}, near.sequential.get(y) if near else None) if y in armed else 0.0
        for y in adversaries
    }
    weights = {a: resolved.doctrine_weights(a)[side] for a in armed}
    simultaneous = (
        required_for(weights, near.simultaneous if near else None)
        if len(armed) > 1
        else max(sequential.values(), default=0.0)
    )
    driver = max(armed, key=lambda y: sequential[y]) if armed else None
    worst = sequential[driver] if driver else 0.0
    binding = "simultaneous" if simultaneous > worst else "sequential"
    return Requirement(
        side=side,
        retaliation={y: resolved.retaliation_requirement(side, y) for y in adversaries},
        launches=launches,
        sequential=sequential,
        simultaneous=float(simultaneous),
        required=float(max(simultaneous, worst)),
        binding_case=binding,
        driver=driver,
    )


@dataclass(frozen=True)
class ArmsRace:
    """Every side's requirement, the reaction matrix and its spectral radius.

    ``slopes[(X, Y)]``: extra warheads X needs per extra warhead of Y;
    ``interceptor_slopes[(X, Y)]``: per extra interceptor of Y.
    """

    requirements: dict[str, Requirement]
    slopes: dict[tuple[str, str], float]
    interceptor_slopes: dict[tuple[str, str], float]
    matrix: np.ndarray
    spectral_radius: float

    @property
    def stable(self) -> bool:
        """Iterated best responses converge: spectral radius below 1."""
        return bool(np.isfinite(self.spectral_radius) and self.spectral_radius < 1.0)


def arms_race(resolved: Resolved) -> ArmsRace:
    """Requirements and their central-difference slopes against every adversary."""
    sides = resolved.scenario.sides
    strikes = Strikes()
    requirements = {side: requirement(resolved, side, strikes=strikes) for side in sides}
    slopes: dict[tuple[str, str], float] = {}
    interceptor_slopes: dict[tuple[str, str], float] = {}
    for side in sides:
        for other in resolved.scenario.opponents(side):
            other_total = resolved.forces[other].total_warheads
            if not resolved.armed(side):
                # A side without forces is outside the race: its row of the matrix is zero.
                slopes[(side, other)] = interceptor_slopes[(side, other)] = 0.0
                continue
            if other_total > 0:
                base = requirements[side]
                up = requirement(
                    _with_side_scaled(resolved, other, 1 + ARSENAL_STEP),
                    side,
                    near=base,
                    strikes=strikes,
                )
                down = requirement(
                    _with_side_scaled(resolved, other, 1 - ARSENAL_STEP),
                    side,
                    near=base,
                    strikes=strikes,
                )
                slopes[(side, other)] = (up.required - down.required) / (
                    2 * ARSENAL_STEP * other_total
                )
            else:
                slopes[(side, other)] = 0.0
            interceptors = resolved.defense(other).interceptors
            delta = max(10, int(round(0.1 * interceptors)))
            low_n = max(interceptors - delta, 0)
            more = _with_interceptors(resolved, other, interceptors + delta)
            high = requirement(more, side, near=requirements[side], strikes=strikes)
            low = requirement(
                _with_interceptors(resolved, other, low_n),
                side,
                near=requirements[side],
                strikes=strikes,
            )
            interceptor_slopes[(side, other)] = (high.required - low.required) / (
                interceptors + delta - low_n
            )
    matrix = reaction_matrix(sides, slopes)
    return ArmsRace(requirements, slopes, interceptor_slopes, matrix, spectral_radius(matrix))
