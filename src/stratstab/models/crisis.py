"""Crisis (first-strike) stability after Kent and Thaler.

Each side judges an outcome by a *cost* built from the fraction of its own value
destroyed and the fraction of the enemy's value it destroyed.  For each side we
compute the cost of striking first (``C1``: the side runs a counterforce strike, the
victim retaliates with its survivors, the striker answers with what it held back)
and the cost of being struck first (``C2``).  The striker picks the size of its
counterforce strike that minimises its own cost (the stop rule).  The index
``(C1_A / C2_A) * (C1_B / C2_B)``, each ratio capped at 1, is 1 when neither side
gains anything by going first and falls towards 0 as the incentive grows.

All functions are pure and vectorised; the exchange that produces the damage
fractions lives in :mod:`stratstab.models.exchange`.

References
----------
G. Kent and D. Thaler, *First-Strike Stability: A Methodology for Evaluating
Strategic Forces*, RAND R-3765-AF (1989); G. Kent, R. DeValk and D. Thaler,
*A Calculus of First-Strike Stability*, RAND N-2526 (1988).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

LN5 = float(np.log(5.0))
#: Kent and Thaler's exponent on both damage fractions of the cost, and their weight of
#: the surcharge for leaving the enemy undamaged (the defaults of :func:`cost`).
KENT_THALER_EXPONENT = 0.75
KENT_THALER_ENEMY_WEIGHT = 0.3


def damage_fraction(*, arriving_warheads: ArrayLike, w80: ArrayLike) -> NDArray[np.float64]:
    """Fraction of a side's value destroyed by ``arriving_warheads`` (dimensionless).

    ``D(w) = 1 - exp(-w ln 5 / w80)``: the exponential damage curve calibrated so that
    ``w80`` arriving warheads destroy 80 % of the value.

    Parameters
    ----------
    arriving_warheads:
        Expected number of warheads that reach value targets (>= 0).
    w80:
        Warheads that destroy 80 % of the value (> 0).

    References
    ----------
    Kent & Thaler (1989), damage-curve form; REFERENCES §3.
    """
    w = np.maximum(np.asarray(arriving_warheads, dtype=float), 0.0)
    scale = np.asarray(w80, dtype=float)
    if np.any(scale <= 0):
        raise ValueError("w80 must be positive (warheads that destroy 80% of the value)")
    return -np.expm1(-w * LN5 / scale)


def warheads_for_damage(*, damage: ArrayLike, w80: ArrayLike) -> NDArray[np.float64]:
    """Inverse of :func:`damage_fraction`: arriving warheads needed for ``damage`` (0 <= D < 1)."""
    d = np.asarray(damage, dtype=float)
    if np.any((d < 0) | (d >= 1)):
        raise ValueError("damage must lie in [0, 1)")
    return -np.log1p(-d) * np.asarray(w80, dtype=float) / LN5


def cost(
    *,
    own_damage: ArrayLike,
    enemy_damage: ArrayLike,
    own_weight_exponent: float = KENT_THALER_EXPONENT,
    enemy_weight: float = KENT_THALER_ENEMY_WEIGHT,
) -> NDArray[np.float64]:
    """Kent–Thaler cost of an outcome to one side (dimensionless, 0 .. 1 + ``enemy_weight``).

    ``C = D_own ** e + w * (1 - D_enemy ** e)``: chiefly the side's own damage, plus
    a surcharge for leaving the enemy undamaged.

    Parameters
    ----------
    own_damage:
        Fraction of the side's own value destroyed, in [0, 1].
    enemy_damage:
        Fraction of the enemy's value the side destroyed, in [0, 1].
    own_weight_exponent:
        Exponent ``e`` applied to both damage fractions (Kent–Thaler use 0.75).
    enemy_weight:
        Weight ``w`` of the surcharge for undamaged enemy value (Kent–Thaler use 0.3).

    References
    ----------
    Kent & Thaler (1989); REFERENCES §3.
    """
    own = np.asarray(own_damage, dtype=float)
    enemy = np.asarray(enemy_damage, dtype=float)
    for name, value in (("own_damage", own), ("enemy_damage", enemy)):
        if np.any((value < 0) | (value > 1) | np.isnan(value)):
            raise ValueError(f"{name} must lie in [0, 1]")
    if own_weight_exponent <= 0:
        raise ValueError("own_weight_exponent must be positive")
    if enemy_weight < 0:
        raise ValueError("enemy_weight must be non-negative")
    return own**own_weight_exponent + enemy_weight * (1.0 - enemy**own_weight_exponent)


@dataclass(frozen=True)
class StopRuleChoice:
    """The striker's chosen counterforce level and the costs there.

    ``index`` is the position in the grid of counterforce levels.
    """

    index: int
    striker_cost: float
    victim_cost: float


#: Default near-tie tolerance of the stop rule (cost units): ties are then only costs
#: equal to rounding, as where no retaliation arrives at any level.
STOP_RULE_TOLERANCE = 1e-12


def stop_rule(
    *, striker_cost: ArrayLike, victim_cost: ArrayLike, tolerance: float = STOP_RULE_TOLERANCE
) -> StopRuleChoice:
    """Choose where the striker stops its counterforce strike.

    The striker takes the level with its lowest cost; among levels whose cost is
    within ``tolerance`` of that minimum it takes the one that costs the victim
    most, and then the smallest strike.

    Parameters
    ----------
    striker_cost, victim_cost:
        Costs along a grid of counterforce levels (same shape, 1-D).
    tolerance:
        Costs at most this far above the minimum count as ties (cost units, >= 0).

    References
    ----------
    Kent & Thaler (1989), the striker's stopping criterion.
    """
    own = np.asarray(striker_cost, dtype=float)
    other = np.asarray(victim_cost, dtype=float)
    if own.ndim != 1 or own.shape != other.shape or own.size == 0:
        raise ValueError("striker_cost and victim_cost must be 1-D arrays of equal length")
    near_best = own <= own.min() + tolerance
    candidates = np.flatnonzero(near_best)
    best = candidates[np.argmax(other[candidates])]  # argmax keeps the first (smallest) tie
    return StopRuleChoice(
        index=int(best), striker_cost=float(own[best]), victim_cost=float(other[best])
    )


def stability_ratio(*, c1: ArrayLike, c2: ArrayLike) -> NDArray[np.float64]:
    """One side's ratio ``min(1, C1 / C2)``; 1 when striking first gains nothing.

    A side that suffers no cost when struck first (``C2 = 0``) has nothing to gain
    by going first, so its ratio is 1.
    """
    first = np.asarray(c1, dtype=float)
    second = np.asarray(c2, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(second > 0, first / np.where(second > 0, second, 1.0), 1.0)
    return np.clip(ratio, 0.0, 1.0)


def first_strike_stability_index(
    *, c1_a: ArrayLike, c2_a: ArrayLike, c1_b: ArrayLike, c2_b: ArrayLike
) -> NDArray[np.float64]:
    """Kent–Thaler first-strike stability index in [0, 1].

    ``FSS = min(1, C1_A / C2_A) * min(1, C1_B / C2_B)``.

    References
    ----------
    Kent & Thaler (1989); REFERENCES §3.
    """
    return stability_ratio(c1=c1_a, c2=c2_a) * stability_ratio(c1=c1_b, c2=c2_b)
