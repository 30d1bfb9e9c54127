"""Stability among N nuclear powers: doctrine, third-party costs, system index, reaction matrix.

Kent and Thaler's crisis model and the assured-retaliation reaction functions are
two-sided.  Among three powers (the United States, China and Russia) each side
(a) splits its forces over its adversaries by a *targeting doctrine* (weights that
sum to 1) and (b) holds a *reserve* back against the third parties while it fights
one of them.  This module holds the pure pieces of that extension; the exchanges
themselves are the two-sided ones of :mod:`stratstab.models.exchange` and
:mod:`stratstab.models.crisis`, run once per ordered pair.

* :func:`reserve_shares` — the share of a side's forces held against each third party
  while it fights one adversary (nothing is held against a party with no forces).
* :func:`third_party_exposure` and :func:`trilateral_cost` — the Kent–Thaler cost
  plus a surcharge for how much more exposed to a third party the pair's exchange
  leaves a side (the third party's threat beyond what the side still holds against it,
  compared with the same balance before any war).
* :func:`system_index` — the pairwise indices combined by their minimum (argued in
  ``docs/models.md``).
* :func:`reaction_matrix`, :func:`spectral_radius`, :func:`race_equilibrium` — arms-race
  stability among N sides: the linearised best-response map ``N <- A N + c`` converges
  iff the spectral radius of the slope matrix ``A`` is below 1; for two sides the
  radius is ``sqrt(a_12 a_21)``, so the test is the slope-product test.
* :func:`binding_requirement` — which constraint (adversary) drives a requirement.

References
----------
G. Kent and D. Thaler, RAND R-3765-AF (1989) (costs, stop rule, index); REFERENCES §3–4;
R. A. Horn and C. R. Johnson, *Matrix Analysis* (2nd ed., 2013), §5.6 and ch. 8
(convergence of ``x <- A x + c`` iff ``rho(A) < 1``; Perron–Frobenius for ``A >= 0``);
M. D. Intriligator and D. L. Brito, *JCR* 28(1) 1984 (the two-sided reaction structure).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from stratstab.errors import InputError
from stratstab.models.crisis import cost

FloatArray = NDArray[np.float64]
#: Tolerance on a doctrine's weights summing to 1.
WEIGHT_SUM_TOLERANCE = 1e-6


def check_doctrine(
    sides: Sequence[str],
    weights: Mapping[str, Mapping[str, float]],
    reserve: Mapping[str, float],
) -> None:
    """Refuse a doctrine that names itself, an unknown side, or weights not summing to 1.

    ``weights[X][Y]``: share of X's forces aimed at adversary Y (each in [0, 1], summing
    to 1 over the adversaries X names); ``reserve[X]``: share of X's forces held back
    against third parties while it fights one adversary, in [0, 1).  Raises
    :class:`~stratstab.errors.InputError` whose ``field`` names the offending entry.
    """
    known = set(sides)
    for side, row in weights.items():
        field = f"doctrine.{side}.weights"
        if side not in known:
            raise InputError(f"unknown side {side!r}; sides are {list(sides)}", field=field)
        for target, weight in row.items():
            if target == side:
                raise InputError(f"side {side!r} cannot target itself", field=field)
            if target not in known:
                raise InputError(
                    f"unknown side {target!r}; sides are {list(sides)}", field=f"{field}.{target}"
                )
            if not 0.0 <= weight <= 1.0 or not np.isfinite(weight):
                raise InputError(f"expected a weight in [0, 1], got {weight}", field=field)
        total = float(sum(row.values()))
        if row and abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
            raise InputError(f"weights must sum to 1, got {total:g}", field=field)
    for side, share in reserve.items():
        if side not in known:
            raise InputError(
                f"unknown side {side!r}; sides are {list(sides)}", field=f"doctrine.{side}"
            )
        if not 0.0 <= share < 1.0:
            raise InputError(f"expected a share in [0, 1), got {share}", field=f"doctrine.{side}")


def doctrine_weights(
    sides: Sequence[str], weights: Mapping[str, Mapping[str, float]]
) -> dict[str, dict[str, float]]:
    """Every side's weights over every adversary; a side that names none splits equally."""
    out: dict[str, dict[str, float]] = {}
    for side in sides:
        others = [s for s in sides if s != side]
        row = weights.get(side) or {o: 1.0 / len(others) for o in others}
        out[side] = {o: float(row.get(o, 0.0)) for o in others}
    return out


def reserve_shares(
    *,
    reserve: float,
    weights: Mapping[str, float],
    adversary: str,
    armed: Mapping[str, bool],
) -> dict[str, float]:
    """Share of a side's forces held back against each third party while it fights ``adversary``.

    The reserve ``reserve`` (a share of the side's forces, in [0, 1)) is split over the
    third parties that have forces, in proportion to the side's doctrine weights on
    them (equally if those weights are all zero).  Nothing is held against a party
    without forces, so a third side with no forces leaves the pair's exchange exactly
    two-sided.

    Parameters
    ----------
    reserve:
        Share of the side's forces held back while it fights one adversary.
    weights:
        The side's doctrine weights over its adversaries.
    adversary:
        The side it fights.
    armed:
        Whether each side has any deployed warheads.
    """
    thirds = [k for k in weights if k != adversary and armed.get(k, False)]
    if not thirds or reserve <= 0:
        return {k: 0.0 for k in weights if k != adversary}
    total = sum(weights[k] for k in thirds)
    split = {k: (weights[k] / total if total > 0 else 1.0 / len(thirds)) for k in thirds}
    return {k: reserve * split.get(k, 0.0) for k in weights if k != adversary}


def third_party_exposure(
    *,
    threat_damage: ArrayLike,
    answer_damage: ArrayLike,
    peacetime_answer_damage: ArrayLike | None = None,
    own_weight_exponent: float = 0.75,
) -> FloatArray:
    """How much more exposed to the third parties a pair's exchange leaves a side.

    Per third party ``k`` (the last axis) the side's exposure is
    ``E = max(0, T_k ** e - A_k ** e)``: ``T_k`` is the fraction of the side's value the
    third party could destroy with the forces its doctrine aims at the side, ``A_k`` the
    fraction of the third party's value the side could destroy with what it holds
    against it.  The result is ``sum_k max(0, E_after - E_peacetime)``: the exposure
    after the exchange (``answer_damage``) beyond the one the side lives with before
    any war (``peacetime_answer_damage``, its doctrine's share aimed at ``k``; 0 if not
    given).  Zero when no third party has forces (``T = 0``).  Dimensionless.
    """
    threat = np.asarray(threat_damage, dtype=float)
    answer = np.asarray(answer_damage, dtype=float)
    before = np.zeros_like(answer) if peacetime_answer_damage is None else peacetime_answer_damage
    peacetime = np.broadcast_to(np.asarray(before, dtype=float), answer.shape)
    for name, value in (("threat_damage", threat), ("answer_damage", answer),
                        ("peacetime_answer_damage", peacetime)):  # fmt: skip
        if np.any((value < 0) | (value > 1) | np.isnan(value)):
            raise InputError("expected damage fractions in [0, 1]", field=name)
    threat_e = threat**own_weight_exponent
    after = np.maximum(threat_e - answer**own_weight_exponent, 0.0)
    if peacetime_answer_damage is None:
        rise = after
    else:
        rise = np.maximum(after - np.maximum(threat_e - peacetime**own_weight_exponent, 0.0), 0.0)
    return rise.sum(axis=-1) if rise.ndim else rise


def trilateral_cost(
    *,
    own_damage: ArrayLike,
    enemy_damage: ArrayLike,
    threat_damage: ArrayLike,
    answer_damage: ArrayLike,
    peacetime_answer_damage: ArrayLike | None = None,
    own_weight_exponent: float = 0.75,
    enemy_weight: float = 0.3,
    third_party_weight: float = 0.3,
) -> FloatArray:
    """Kent–Thaler cost of a pair's outcome to one side, counting the third parties.

    ``C = D_own ** e + w (1 - D_enemy ** e) + w3 * X``, with ``X`` the rise of the
    side's exposure to the third parties (:func:`third_party_exposure`; arrays of
    shape ``(..., n_third)``).  The first two terms are Kent and Thaler's
    (:func:`stratstab.models.crisis.cost`).  With no armed third party it is exactly
    the two-sided cost.

    References
    ----------
    Kent & Thaler (1989) for the first two terms; the third is stratstab's extension,
    derived in ``docs/models.md`` (section "Three or more sides").
    """
    if third_party_weight < 0:
        raise InputError("expected a weight >= 0", field="third_party_weight")
    base = cost(
        own_damage=own_damage,
        enemy_damage=enemy_damage,
        own_weight_exponent=own_weight_exponent,
        enemy_weight=enemy_weight,
    )
    exposure = third_party_exposure(
        threat_damage=threat_damage,
        answer_damage=answer_damage,
        peacetime_answer_damage=peacetime_answer_damage,
        own_weight_exponent=own_weight_exponent,
    )
    return base + third_party_weight * exposure


def system_index(pair_indices: ArrayLike) -> float:
    """System crisis-stability index: the lowest pairwise Kent–Thaler index.

    One pair gives its own index (the two-sided case).  The minimum, not the product,
    is the combining rule; ``docs/models.md`` argues the choice.
    """
    values = np.asarray(pair_indices, dtype=float)
    if values.size == 0:
        raise InputError("expected at least one pair", field="pair_indices")
    if np.any((values < 0) | (values > 1) | np.isnan(values)):
        raise InputError("expected indices in [0, 1]", field="pair_indices")
    return float(values.min())


def reaction_matrix(sides: Sequence[str], slopes: Mapping[tuple[str, str], float]) -> FloatArray:
    """The N x N matrix ``A[i, j] = dN_i / dN_j`` (zero diagonal) from per-pair slopes.

    ``slopes[(i, j)]``: extra warheads side i needs per extra warhead of side j
    (dimensionless); missing pairs are 0.
    """
    index = {s: n for n, s in enumerate(sides)}
    matrix = np.zeros((len(sides), len(sides)))
    for (mine, theirs), value in slopes.items():
        if mine == theirs:
            raise InputError(f"a side does not react to itself ({mine})", field="slopes")
        matrix[index[mine], index[theirs]] = float(value)
    return matrix


def spectral_radius(matrix: ArrayLike) -> float:
    """Largest modulus of the eigenvalues of a square reaction-slope matrix.

    For two sides ``[[0, a], [b, 0]]`` it is ``sqrt(a b)``: below 1 exactly when the
    slope product is.  Infinite slopes give ``inf``.

    References
    ----------
    Horn & Johnson, *Matrix Analysis* (2013), §5.6 (``A^k -> 0`` iff ``rho(A) < 1``).
    """
    a = np.abs(np.asarray(matrix, dtype=float))
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise InputError("expected a square matrix", field="matrix")
    if not np.all(np.isfinite(a)):
        return float("inf")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(np.linalg.eigvals(a))))


@dataclass(frozen=True)
class RaceEquilibrium:
    """Fixed point of the linearised race ``N = A N + c`` (warheads; ``inf`` if none).

    ``stable``: whether iterated best responses converge to it (``rho(A) < 1``).
    """

    arsenals: FloatArray
    spectral_radius: float
    stable: bool


def race_equilibrium(*, matrix: ArrayLike, intercepts: ArrayLike) -> RaceEquilibrium:
    """Where N sides' linear reaction functions ``N_i = sum_j A_ij N_j + c_i`` meet.

    ``intercepts`` ``c_i``: warheads side i needs against adversaries with no forces
    (>= 0).  For ``A >= 0`` with ``rho(A) < 1`` the fixed point ``(I - A)^-1 c`` is
    non-negative and iterated best responses converge to it (Perron–Frobenius); for
    two sides it is the vertex of the Intriligator–Brito cone.
    """
    a = np.abs(np.asarray(matrix, dtype=float))
    c = np.asarray(intercepts, dtype=float)
    if c.shape != (a.shape[0],) or np.any(c < 0):
        raise InputError("expected one non-negative intercept per side", field="intercepts")
    radius = spectral_radius(a)
    if not radius < 1.0:
        return RaceEquilibrium(np.full(c.shape, np.inf), radius, False)
    return RaceEquilibrium(np.linalg.solve(np.eye(c.size) - a, c), radius, True)


def binding_requirement(requirements: Mapping[str, float]) -> tuple[float, str | None]:
    """The largest of several requirements and which one it is (the driver).

    ``requirements``: warheads needed to meet each adversary's constraint.  Ties go
    to the first named; an empty mapping gives ``(0.0, None)``.
    """
    if not requirements:
        return 0.0, None
    driver = max(requirements, key=lambda k: requirements[k])
    return float(requirements[driver]), driver
