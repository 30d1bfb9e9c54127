"""Counterforce exchange: a first strike on the other side's targetable forces.

The victim's forces are described per delivery system: how many launchers and
warheads it has, how many aim points they sit on when caught at home (silos,
garrisons of road-mobile launchers, submarine ports, bomber bases), how hard those
aim points are, and which fraction of the launchers is away from them (dispersed,
at sea, airborne) and so cannot be targeted.  The striker's counterforce-capable
warheads are described per weapon type (yield, CEP, reliability, how many).

The strike covers target systems in priority order, ``warheads_per_aim_point``
warheads on each aim point, until ``warheads_used`` warheads are spent; the last
system reached is covered in part.  The striker's most lethal warheads are spent
first, so each system faces the average single-shot kill probability of the slice
of weapons that reaches it.  Launchers at a destroyed aim point are lost; a silo
field with more silos than missiles spreads its missiles evenly over the silos (the
striker cannot tell loaded from empty ones).

Everything is vectorised over an array of strike sizes, which is how the crisis
model traces costs along the striker's counterforce level.

References
----------
REFERENCES §1 (lethal radius, SSPK, reliability, multiple shots, fratricide);
Kent & Thaler, RAND R-3765-AF (1989) for the structure of the exchange.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from stratstab.models.effects import kill_probability, lethality, sspk

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class TargetSystems:
    """The victim's forces, one entry per delivery system (all arrays of shape ``(n,)``).

    Attributes
    ----------
    names:
        System names, used only for labels and deterministic tie-breaks.
    launchers:
        Launchers (missiles, submarines' tubes or aircraft) in the system.
    warheads:
        Warheads deployed on those launchers.
    aim_points:
        Aim points the system's launchers sit on when caught at home (>= 1 if targeted).
    hardness_psi:
        Overpressure that destroys an aim point (psi).
    exposed_fraction:
        Fraction of launchers at their aim points (1 - survivability), in [0, 1].
    warheads_per_aim_point:
        Warheads the striker lays on each aim point (integer >= 1).
    targeted:
        Whether the striker attacks the system at all.
    fixed:
        Whether the system is silo-based (the part that launch-under-attack can save).
    """

    names: tuple[str, ...]
    launchers: FloatArray
    warheads: FloatArray
    aim_points: FloatArray
    hardness_psi: FloatArray
    exposed_fraction: FloatArray
    warheads_per_aim_point: NDArray[np.int64]
    targeted: NDArray[np.bool_]
    fixed: NDArray[np.bool_]


@dataclass(frozen=True)
class Weapons:
    """The striker's counterforce-capable warheads, one entry per weapon type.

    Attributes
    ----------
    names:
        Weapon type names.
    warheads:
        Warheads of that type available for the counterforce strike.
    yield_kt:
        Yield per warhead (kilotons).
    cep_m:
        Circular error probable (metres).
    reliability:
        Probability a warhead launches, flies and detonates as intended, in [0, 1].
    """

    names: tuple[str, ...]
    warheads: FloatArray
    yield_kt: FloatArray
    cep_m: FloatArray
    reliability: FloatArray

    @property
    def total(self) -> float:
        """All counterforce-capable warheads."""
        return float(np.sum(self.warheads))


@dataclass(frozen=True)
class StrikeOutcome:
    """Result of counterforce strikes of several sizes (leading axis: strike size).

    Attributes
    ----------
    warheads_used:
        Warheads actually spent, shape ``(k,)`` (capped by availability and targets).
    order:
        Indices of the target systems in the order the strike covers them.
    aim_points_covered:
        Aim points attacked per system, shape ``(k, n)``.
    kill_probability:
        Probability an attacked aim point is destroyed, shape ``(k, n)``.
    surviving_launchers, surviving_warheads:
        Launchers and warheads left per system, shape ``(k, n)``.
    """

    warheads_used: FloatArray
    order: NDArray[np.int64]
    aim_points_covered: FloatArray
    kill_probability: FloatArray
    surviving_launchers: FloatArray
    surviving_warheads: FloatArray

    @property
    def total_surviving_warheads(self) -> FloatArray:
        """Surviving warheads summed over systems, shape ``(k,)``."""
        return self.surviving_warheads.sum(axis=-1)


def _sorted_weapons(weapons: Weapons) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Weapon types ordered most lethal first: (counts, yield, CEP, reliability)."""
    lethal = np.asarray(lethality(yield_kt=weapons.yield_kt, cep_m=weapons.cep_m), dtype=float)
    order = np.lexsort((np.arange(lethal.size), -lethal * weapons.reliability))
    return (
        weapons.warheads[order],
        weapons.yield_kt[order],
        weapons.cep_m[order],
        weapons.reliability[order],
    )


def _slice_means(
    start: FloatArray, stop: FloatArray, counts: FloatArray, values: NDArray[np.float64]
) -> FloatArray:
    """Mean of a per-warhead quantity over the slots ``[start, stop)`` of the weapon queue.

    ``counts`` are the warheads of each type in queue order and ``values`` the
    quantity per type.  Where the slice is empty, the first type's value is returned
    (it is then multiplied by zero coverage anyway).
    """
    edges = np.concatenate([[0.0], np.cumsum(counts)])
    lo = np.clip(start[:, None], edges[:-1], edges[1:])
    hi = np.clip(stop[:, None], edges[:-1], edges[1:])
    overlap = np.maximum(hi - lo, 0.0)
    width = overlap.sum(axis=1)
    weighted = overlap @ values
    fallback = values[0] if values.size else 0.0
    means = np.where(width > 0, weighted / np.where(width > 0, width, 1.0), fallback)
    if not values.size:
        return means
    # A weighted mean lies between the smallest and largest value it averages; rounding
    # in the sums can put it an ulp outside (an SSPK of 1.0000000000000002 for slices of
    # a millionth of a warhead), so hold it to that range.
    return np.clip(means, values.min(), values.max())


#: Significant digits to which target values are rounded before they are ordered.
PRIORITY_DIGITS = 10


def priority_key(
    value: ArrayLike, *, significant_digits: int = PRIORITY_DIGITS
) -> NDArray[np.float64]:
    """Target values rounded to ``significant_digits`` for ordering.

    Systems of equal value (e.g. two fields of identical silos) must keep their name
    order whatever the scale of the forces; unrounded, the last bit of floating-point
    rounding would decide, and the strike order would flip as forces are scaled.
    Non-finite values (untargeted systems) pass through unchanged.
    """
    v = np.asarray(value, dtype=float)
    finite = np.isfinite(v) & (v != 0)
    safe = np.where(finite, np.abs(v), 1.0)
    exponent = np.floor(np.log10(safe)) - (significant_digits - 1)
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        scale = 10.0**exponent
        rounded = np.round(v / scale) * scale
    return np.where(finite & np.isfinite(rounded), rounded, v)


def target_priority(
    targets: TargetSystems,
    weapons: Weapons,
    *,
    method: str = "rule-2.62",
    launch_under_attack: float = 0.0,
) -> NDArray[np.int64]:
    """Order in which the striker covers target systems: most warheads killed per warhead spent.

    Each system is valued with the striker's most lethal weapon, counting only what the
    strike can destroy: a silo-based system loses the share ``launch_under_attack``
    that the victim launches on warning (the factor ``1 - lambda [silo]`` that
    :func:`_survivors` applies), so a striker facing launch under attack does not
    spend its first warheads on silos that will be empty.  Ties are broken by name so
    the order is deterministic.  Untargeted systems come last.
    """
    counts, yield_kt, cep_m, reliability = _sorted_weapons(weapons)
    if counts.size == 0:
        return np.arange(len(targets.names), dtype=np.int64)
    p_single = sspk(
        yield_kt=yield_kt[0], cep_m=cep_m[0], hardness_psi=targets.hardness_psi, method=method
    )
    p_kill = kill_probability(
        sspk=p_single, reliability=reliability[0], shots=targets.warheads_per_aim_point
    )
    saved = np.where(targets.fixed, launch_under_attack, 0.0)
    per_aim_point = (
        targets.warheads
        * targets.exposed_fraction
        * (1.0 - saved)
        / np.maximum(targets.aim_points, 1.0)
    )
    value = np.where(
        targets.targeted, per_aim_point * p_kill / targets.warheads_per_aim_point, -np.inf
    )
    rank_names = np.argsort(np.argsort(np.array(targets.names, dtype=object)))
    return np.lexsort((rank_names, -priority_key(value))).astype(np.int64)


def counterforce_strike(
    *,
    targets: TargetSystems,
    weapons: Weapons,
    warheads_used: ArrayLike,
    fratricide: float = 0.0,
    lethal_radius_method: str = "rule-2.62",
    launch_under_attack: float = 0.0,
) -> StrikeOutcome:
    """Survivors of counterforce strikes of the sizes in ``warheads_used``.

    Parameters
    ----------
    targets:
        The victim's forces (see :class:`TargetSystems`).
    weapons:
        The striker's counterforce-capable warheads (see :class:`Weapons`).
    warheads_used:
        Strike sizes in warheads (array of shape ``(k,)``, >= 0); each is capped by the
        warheads available and by what the targets can absorb.
    fratricide:
        Probability that a later warhead on the same aim point is negated by an
        earlier detonation (0 = independent shots).
    lethal_radius_method:
        ``"rule-2.62"`` or ``"brode"`` (see :func:`stratstab.models.effects.lethal_radius_m`).
    launch_under_attack:
        Fraction of the silo-based warheads that would have been destroyed but are
        launched on warning instead (Kent–Thaler take about 0.9 when a side has the
        capability and the will; 0 otherwise).

    Returns
    -------
    StrikeOutcome

    References
    ----------
    REFERENCES §1 for kill probabilities; Kent & Thaler (1989) for launch under attack.
    """
    levels = np.atleast_1d(np.asarray(warheads_used, dtype=float))
    if np.any(levels < 0) or not 0.0 <= launch_under_attack <= 1.0:
        raise ValueError("warheads_used must be >= 0 and launch_under_attack in [0, 1]")
    counts, yield_kt, cep_m, reliability = _sorted_weapons(weapons)
    order = target_priority(
        targets, weapons, method=lethal_radius_method, launch_under_attack=launch_under_attack
    )
    n_levels, n_systems = levels.size, len(targets.names)
    budget = np.minimum(levels, counts.sum())
    covered = np.zeros((n_levels, n_systems))
    p_kill = np.zeros((n_levels, n_systems))
    spent = np.zeros(n_levels)
    for system in order:
        if not targets.targeted[system] or targets.aim_points[system] <= 0:
            continue
        per_point = int(targets.warheads_per_aim_point[system])
        demand = per_point * targets.aim_points[system]
        slice_size = np.clip(budget - spent, 0.0, demand)
        start, stop = spent, spent + slice_size
        mean_sspk = _slice_means(
            start,
            stop,
            counts,
            np.asarray(
                sspk(
                    yield_kt=yield_kt,
                    cep_m=cep_m,
                    hardness_psi=targets.hardness_psi[system],
                    method=lethal_radius_method,
                ),
                dtype=float,
            ),
        )
        mean_reliability = _slice_means(start, stop, counts, reliability)
        covered[:, system] = slice_size / per_point
        p_kill[:, system] = kill_probability(
            sspk=mean_sspk, reliability=mean_reliability, shots=per_point, fratricide=fratricide
        )
        spent = stop
    return _survivors(
        targets,
        levels=spent,
        order=order,
        covered=covered,
        p_kill=p_kill,
        launch_under_attack=launch_under_attack,
    )


def _survivors(
    targets: TargetSystems,
    *,
    levels: FloatArray,
    order: NDArray[np.int64],
    covered: FloatArray,
    p_kill: FloatArray,
    launch_under_attack: float,
) -> StrikeOutcome:
    """Turn coverage and kill probabilities into surviving launchers and warheads."""
    aim_points = np.maximum(targets.aim_points, 1.0)
    destroyed_share = targets.exposed_fraction * (covered / aim_points) * p_kill
    saved = np.where(targets.fixed, launch_under_attack, 0.0)
    destroyed_share = destroyed_share * (1.0 - saved)
    destroyed_share = np.clip(destroyed_share, 0.0, 1.0)
    return StrikeOutcome(
        warheads_used=levels,
        order=order,
        aim_points_covered=covered,
        kill_probability=p_kill,
        surviving_launchers=targets.launchers * (1.0 - destroyed_share),
        surviving_warheads=targets.warheads * (1.0 - destroyed_share),
    )


def full_coverage_warheads(targets: TargetSystems) -> float:
    """Warheads needed to cover every aim point of every targeted system."""
    demand = targets.warheads_per_aim_point * targets.aim_points
    return float(np.sum(np.where(targets.targeted, demand, 0.0)))
