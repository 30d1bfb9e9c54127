"""Assured retaliation and reaction functions computed with the full exchange model.

``required_arsenal(X)`` is the number of deployed strategic warheads side X needs
(same force mix, scaled) so that, after the other side's largest counterforce strike
and through its missile defense, at least X's retaliation requirement arrives.  The
reaction slopes are finite differences of that requirement with respect to the other
side's arsenal and interceptors; arms-race stability asks that the product of the
two sides' arsenal slopes be below 1 (REFERENCES §4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from stratstab.analysis.reference.exchange_curves import (
    EMPTY_FORCE_FLOOR,
    arriving,
    launched_warheads,
    maximum_strike,
    strike_setup,
)
from stratstab.analysis.reference.inputs import Resolved
from stratstab.errors import InputError
from stratstab.models.arms_race import required_arsenal as closed_form_required_arsenal
from stratstab.models.exchange import counterforce_strike
from stratstab.models.roots import new_search, next_factor, result, slope, tell

#: Relative change of the other side's arsenal for the arsenal reaction slope (central
#: difference at 1 ± this factor).
ARSENAL_SLOPE_STEP = 0.1
#: The interceptor slope moves the other side's inventory by this share of it ...
INTERCEPTOR_SLOPE_SHARE = 0.1
#: ... but by at least this many interceptors.
INTERCEPTOR_SLOPE_MINIMUM = 10.0
#: How the reaction slopes are taken: secants over the steps above (the default), or
#: point derivatives by implicit differentiation (:func:`derivative_slopes`).
SLOPE_METHODS = ("secant", "derivative")
#: Relative step of the central differences behind the derivative slopes' partials in
#: the two scale factors (small against any kink's distance in practice, large against
#: the 1e-16 rounding of the landed warheads).
DERIVATIVE_STEP = 1e-6
#: Interceptors either side for the partial in the inventory: the engagement model is
#: linear in the inventory between whole multiples of the objects it spreads over, so
#: a difference over one interceptor either side is exact there.
INTERCEPTOR_DERIVATIVE_STEP = 1.0


def interceptor_slope_step(interceptors: Any, slopes: str = "secant") -> Any:
    """Interceptors added and removed for the interceptor reaction slope (scalar or array).

    ``slopes``: ``secant`` (a tenth of the inventory, at least ten) or ``derivative``
    (one interceptor).
    """
    check_slopes(slopes)
    if slopes == "derivative":
        return np.full_like(np.asarray(interceptors, dtype=float), INTERCEPTOR_DERIVATIVE_STEP)
    return np.maximum(INTERCEPTOR_SLOPE_MINIMUM, np.round(INTERCEPTOR_SLOPE_SHARE * interceptors))


def check_slopes(slopes: str) -> None:
    """Raise :class:`InputError` unless ``slopes`` is one of :data:`SLOPE_METHODS`."""
    if slopes not in SLOPE_METHODS:
        raise InputError(
            f"expected one of {', '.join(SLOPE_METHODS)}, got {slopes!r}", source="slopes"
        )


def arriving_after_full_strike(resolved: Resolved, victim: str) -> tuple[float, float]:
    """(warheads of ``victim`` arriving in retaliation, share of its warheads destroyed)."""
    striker = resolved.scenario.other(victim)
    targets, weapons = strike_setup(resolved, striker)
    level = maximum_strike(targets, weapons)
    outcome = counterforce_strike(
        targets=targets,
        weapons=weapons,
        warheads_used=[level],
        fratricide=resolved.strike(striker).fratricide,
        lethal_radius_method=resolved.scenario.lethal_radius_method,
        launch_under_attack=resolved.launch_under_attack(victim),
    )
    forces = resolved.forces[victim]
    launched = launched_warheads(forces, outcome.surviving_warheads, resolved.scenario.use)
    landed = float(arriving(launched, resolved.defense(striker))[0])
    destroyed = 1.0 - float(outcome.total_surviving_warheads[0]) / max(
        forces.total_warheads, EMPTY_FORCE_FLOOR
    )
    return landed, destroyed


def _with_side_scaled(resolved: Resolved, side: str, factor: float) -> Resolved:
    forces = dict(resolved.forces)
    forces[side] = resolved.forces[side].scaled(factor)
    return replace(resolved, forces=forces)


def _with_interceptors(resolved: Resolved, side: str, interceptors: int) -> Resolved:
    defense = resolved.defense(side).model_copy(update={"interceptors": int(max(interceptors, 0))})
    defenses = {**resolved.scenario.defenses, side: defense}
    return replace(resolved, scenario=resolved.scenario.model_copy(update={"defenses": defenses}))


def required_scale(
    resolved: Resolved,
    side: str,
    *,
    start: float = 1.0,
    landed_at_start: float = math.nan,
    slope_hint: float = math.nan,
) -> tuple[float, float]:
    """Smallest factor on ``side``'s forces that meets its retaliation requirement (inf if none).

    Found by the search of :mod:`stratstab.models.roots` to 1e-9 relative,
    starting from the factor ``start`` (the forces as they are by default), whose
    landed warheads may be given as ``landed_at_start``; ``slope_hint``: landed
    warheads per unit factor near ``start``, if known.  Returns (factor, landed
    warheads per unit factor at the crossing).
    """
    search = new_search(resolved.retaliation_requirement(side), start, slope_hint)
    if not math.isnan(landed_at_start):
        tell(search, start, landed_at_start)
    while not math.isnan(factor := next_factor(search)):
        scaled = _with_side_scaled(resolved, side, factor)
        tell(search, factor, arriving_after_full_strike(scaled, side)[0])
    return result(search), slope(search)


def required_warheads(
    resolved: Resolved, side: str, *, start: float = 1.0, slope_hint: float = math.nan
) -> float:
    """Deployed strategic warheads ``side`` needs for assured retaliation.

    ``start``, ``slope_hint``: where the search begins and the rise of landed warheads
    there (a nearby answer, such as the requirement before a small change, saves steps).
    """
    scale, _ = required_scale(resolved, side, start=start, slope_hint=slope_hint)
    return scale * resolved.forces[side].total_warheads


@dataclass(frozen=True)
class ReactionFunction:
    """One side's assured-retaliation requirement and how it reacts to the other side."""

    side: str
    retaliation_requirement: float
    arriving_after_full_strike: float
    share_destroyed_by_full_strike: float
    assured_retaliation: bool
    required_arsenal: float
    required_launchers: float
    reaction_slope_arsenal: float
    reaction_slope_interceptors: float
    reaction_slope_interceptors_closed_form: float


def reaction_function(resolved: Resolved, side: str, *, slopes: str = "secant") -> ReactionFunction:
    """Requirement of ``side`` and its slopes against the other side.

    ``slopes``: ``secant`` (finite differences over +-10 % of the other arsenal and
    a tenth of its interceptors) or ``derivative`` (:func:`derivative_slopes`).
    """
    check_slopes(slopes)
    other = resolved.scenario.other(side)
    landed, destroyed = arriving_after_full_strike(resolved, side)
    scale, rise = required_scale(resolved, side, landed_at_start=landed)
    required = scale * resolved.forces[side].total_warheads
    if slopes == "derivative":
        slope_arsenal, slope_interceptors = derivative_slopes(resolved, side, scale)
        return reaction_from_requirement(
            resolved,
            side,
            required_scale=scale,
            slope_arsenal=slope_arsenal,
            slope_interceptors=slope_interceptors,
            full_strike=(landed, destroyed),
        )

    step = ARSENAL_SLOPE_STEP
    other_total = resolved.forces[other].total_warheads
    # The perturbed requirements lie close to the base one: start their searches there,
    # with the base problem's slope for a first Newton step.
    found = math.isfinite(scale) and scale > 0
    warm = {"start": scale if found else 1.0, "slope_hint": rise if found else math.nan}
    up = required_warheads(_with_side_scaled(resolved, other, 1 + step), side, **warm)
    down = required_warheads(_with_side_scaled(resolved, other, 1 - step), side, **warm)
    slope_arsenal = (up - down) / (2 * step * other_total) if other_total > 0 else 0.0

    interceptors = resolved.defense(other).interceptors
    delta = int(interceptor_slope_step(interceptors))
    more = _with_interceptors(resolved, other, interceptors + delta)
    high_i = required_warheads(more, side, **warm)
    low_n = max(interceptors - delta, 0)
    low_i = (
        required
        if low_n == interceptors
        else required_warheads(_with_interceptors(resolved, other, low_n), side, **warm)
    )
    slope_interceptors = (high_i - low_i) / (interceptors + delta - low_n)
    return reaction_from_requirement(
        resolved,
        side,
        required_scale=scale,
        slope_arsenal=float(slope_arsenal),
        slope_interceptors=float(slope_interceptors),
        full_strike=(landed, destroyed),
    )


def derivative_slopes(resolved: Resolved, side: str, scale: float) -> tuple[float, float]:
    """Point derivatives of ``side``'s required arsenal by implicit differentiation.

    The requirement is the root ``f`` of ``F(f, a, I) = landed(f, a, I) - need = 0``:
    ``landed`` is the warheads ``side`` lands after the other side's full counterforce
    strike with its own forces times ``f``, the other's arsenal times ``a`` and its
    interceptors ``I``.  By the implicit function theorem ``df/da = -F_a / F_f`` and
    ``df/dI = -F_I / F_f`` at ``(scale, 1, I)``.  ``F_f`` and ``F_a`` are central
    differences of :data:`DERIVATIVE_STEP` relative, ``F_I`` over one interceptor either
    side (exact where the engagement is linear in the inventory).  Returns (required
    warheads per warhead of the other side, per interceptor of its defense); both 0
    when no forces are needed, NaN when no factor suffices.  At a kink of ``landed``
    (an attacker out of weapons, a defense out of interceptors) within the step the
    result is the mean of the one-sided slopes.

    References
    ----------
    REFERENCES §4 (reaction functions); the implicit function theorem.
    """
    if not scale > 0:
        return 0.0, 0.0
    if not math.isfinite(scale):
        return math.nan, math.nan
    other = resolved.scenario.other(side)
    h = DERIVATIVE_STEP

    def landed(state: Resolved) -> float:
        return arriving_after_full_strike(state, side)[0]

    at = _with_side_scaled(resolved, side, scale)
    rise = landed(_with_side_scaled(resolved, side, scale * (1.0 + h)))
    rise -= landed(_with_side_scaled(resolved, side, scale * (1.0 - h)))
    per_factor = rise / (2.0 * h * scale)
    per_arsenal = landed(_with_side_scaled(at, other, 1.0 + h))
    per_arsenal -= landed(_with_side_scaled(at, other, 1.0 - h))
    per_arsenal /= 2.0 * h
    interceptors = resolved.defense(other).interceptors
    step = int(INTERCEPTOR_DERIVATIVE_STEP)
    lower = max(interceptors - step, 0)
    per_interceptor = landed(_with_interceptors(at, other, interceptors + step))
    per_interceptor -= landed(_with_interceptors(at, other, lower))
    per_interceptor /= interceptors + step - lower
    own_total = resolved.forces[side].total_warheads
    other_total = resolved.forces[other].total_warheads
    slope_arsenal = -per_arsenal / per_factor * own_total / other_total if other_total > 0 else 0.0
    return float(slope_arsenal), float(-per_interceptor / per_factor * own_total)


def reaction_from_requirement(
    resolved: Resolved,
    side: str,
    *,
    required_scale: float,
    slope_arsenal: float,
    slope_interceptors: float,
    full_strike: tuple[float, float] | None = None,
) -> ReactionFunction:
    """``side``'s reaction function from its required scale and slopes, found elsewhere.

    ``required_scale``: the factor on ``side``'s forces that just meets its retaliation
    requirement (inf if none does); the slopes are in required warheads per warhead and
    per interceptor of the other side.  ``full_strike``: (landed warheads, share
    destroyed) after the other side's full counterforce strike, if already known.
    Adds the closed-form interceptor slope (REFERENCES §4) for comparison.
    """
    other = resolved.scenario.other(side)
    forces = resolved.forces[side]
    need = resolved.retaliation_requirement(side)
    landed, destroyed = full_strike or arriving_after_full_strike(resolved, side)
    scale = required_scale
    defense = resolved.defense(other)
    interceptors = defense.interceptors
    launchers = float(forces.launchers.sum())
    per_missile = forces.total_warheads / launchers if launchers > 0 else 1.0
    closed = closed_form_required_arsenal(
        retaliation=need,
        p_kill=min(destroyed, 0.999999),
        warheads_per_missile=per_missile,
        interceptors=interceptors,
        shots_per_rv=defense.shots_per_rv,
        interceptor_pk=defense.interceptor_pk,
    )
    return ReactionFunction(
        side=side,
        retaliation_requirement=need,
        arriving_after_full_strike=landed,
        share_destroyed_by_full_strike=destroyed,
        assured_retaliation=bool(landed >= need),
        required_arsenal=scale * forces.total_warheads,
        required_launchers=scale * launchers,
        reaction_slope_arsenal=float(slope_arsenal),
        reaction_slope_interceptors=float(slope_interceptors),
        reaction_slope_interceptors_closed_form=float(closed.slope) * per_missile,
    )


def slope_product(first: ReactionFunction, second: ReactionFunction) -> tuple[float, bool]:
    """Product of the arsenal reaction slopes and whether it is below 1 (stable)."""
    product = abs(first.reaction_slope_arsenal * second.reaction_slope_arsenal)
    return float(product), bool(np.isfinite(product) and product < 1.0)


def reaction_curve(
    resolved: Resolved, side: str, other_scales: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``side``'s required arsenal as the other side's arsenal is scaled.

    Returns (other side's deployed warheads, required warheads of ``side``), one
    entry per scale factor: the assured-retaliation reaction function.
    """
    other = resolved.scenario.other(side)
    base = resolved.forces[other].total_warheads
    required = np.array(
        [
            required_warheads(_with_side_scaled(resolved, other, float(s)), side)
            for s in other_scales
        ]
    )
    return base * np.asarray(other_scales, dtype=float), required
