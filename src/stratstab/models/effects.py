"""Weapon effects against hardened point targets: lethal radius, SSPK, kill probability.

All functions are pure, take keyword-only arguments with units in their names and
broadcast over NumPy arrays.  A result built only from scalars is a ``numpy.float64``;
otherwise it is an ``ndarray`` of the broadcast shape.

References
----------
Lethal-radius rule and lethality: the 2.62 overpressure rule of the open arms-control
literature (e.g. OTA, *MX Missile Basing*, 1981; Tsipis, *Arsenal*, 1983).
Surface-burst overpressure: H. L. Brode, *Airblast From Nuclear Bursts - Analytic
Approximations*, PSR Report 1419-3, Pacific-Sierra Research, 1986/87, section 4.
Circular-normal kill probability and the non-central chi-square form for aim bias:
e.g. Driels, *Weaponeering*, AIAA, 2004, ch. on delivery accuracy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from stratstab.models import _validate as v

METRES_PER_NMI = 1852.0
METRES_PER_KILOFOOT = 304.8
LN2 = float(np.log(2.0))
LETHAL_RADIUS_METHODS = ("rule-2.62", "brode")

# The Brode fit is monotone (pressure falls with range) for scaled ranges between
# 1e-3 and about 76 kft/kt^(1/3); we bracket the root inside that interval and accept
# hardness values whose root certainly lies inside it.
_BRODE_R_MIN = 1e-3
_BRODE_R_MAX = 70.0
BRODE_HARDNESS_RANGE_PSI = (0.1, 1.0e5)


def brode_surface_overpressure_psi(*, scaled_range_kft: ArrayLike) -> Any:
    """Peak static overpressure (psi) of a 1 kt surface burst at a scaled ground range.

    ``scaled_range_kft`` is ground range in kilofeet divided by (yield in kt)^(1/3).
    This is Brode's height-of-burst fit evaluated at zero burst height (z = 0, y = 0),
    where it reduces to
    ``10.47 r^-1.22 + 2.9902 r^-3.053 - 4.166 / (1 + 0.6096 r^1.83) - 0.2905
    + 1.094 r^2 / (781.2 - 123.4 r + 37.98 r^1.5 + r^2)``.
    Brode quotes a typical accuracy of about 4 % (worst case 11 %) against the
    Carpenter height-of-burst data, sea-level ambient pressure, ideal surface.

    References: Brode (1986/87), PSR Report 1419-3, section 4.
    """
    r = np.asarray(scaled_range_kft, dtype=np.float64)
    tail = 1.094 * r**2 / (781.2 - 123.4 * r + 37.98 * r**1.5 + r**2)
    return v.result(
        10.47 * r**-1.22 + 2.9902 * r**-3.053 - 4.166 / (1.0 + 0.6096 * r**1.83) - 0.2905 + tail
    )


def _brode_scaled_radius_kft(hardness_psi: np.ndarray) -> np.ndarray:
    """Solve Brode(r) = H for r by bisection on log r (vectorised, 60 halvings)."""
    log_lo = np.full(hardness_psi.shape, np.log(_BRODE_R_MIN))
    log_hi = np.full(hardness_psi.shape, np.log(_BRODE_R_MAX))
    for _ in range(60):  # 60 halvings of a ~11-wide log interval: below 1e-16 relative
        mid = 0.5 * (log_lo + log_hi)
        too_close = brode_surface_overpressure_psi(scaled_range_kft=np.exp(mid)) > hardness_psi
        log_lo = np.where(too_close, mid, log_lo)
        log_hi = np.where(too_close, log_hi, mid)
    return np.exp(0.5 * (log_lo + log_hi))


def lethal_radius_m(
    *, yield_kt: ArrayLike, hardness_psi: ArrayLike, method: str = "rule-2.62"
) -> Any:
    """Radius (m) within which a surface burst destroys a target of the given hardness.

    Parameters
    ----------
    yield_kt: explosive yield, kilotons (> 0).
    hardness_psi: peak overpressure the target withstands, psi (> 0).
    method: ``"rule-2.62"`` uses ``LR_nmi = 2.62 (Y_Mt / H_psi)^(1/3)``;
        ``"brode"`` solves Brode's surface-burst fit ``dP(LR) = H`` (H between 0.1 and
        100,000 psi).  Both scale with the cube root of yield, so their ratio depends on
        hardness only: brode/rule is 1.050 at 100 psi, 0.968 at 1,000 psi and 0.957 at
        10,000 psi (0.957-1.050 over 100-10,000 psi; see docs/models.md).

    References: 2.62 rule (OTA 1981; Tsipis 1983); Brode (1986/87) section 4.
    """
    yield_kt = v.positive(yield_kt, name="yield_kt", unit="kt")
    hardness_psi = v.positive(hardness_psi, name="hardness_psi", unit="psi")
    method = v.choice(method, name="method", allowed=LETHAL_RADIUS_METHODS)
    if method == "rule-2.62":
        radius_nmi = 2.62 * np.cbrt(yield_kt / 1000.0 / hardness_psi)
        return v.result(radius_nmi * METRES_PER_NMI)
    low, high = BRODE_HARDNESS_RANGE_PSI
    outside = (hardness_psi < low) | (hardness_psi > high)
    if outside.any():
        raise v.InputError(
            f"the Brode fit is used for {low:g}-{high:g} psi, "
            f"got {hardness_psi[outside].flat[0]:g}",
            field="hardness_psi",
        )
    yield_b, hardness_b = np.broadcast_arrays(yield_kt, hardness_psi)
    scaled = _brode_scaled_radius_kft(np.asarray(hardness_b, dtype=np.float64))
    return v.result(scaled * np.cbrt(yield_b) * METRES_PER_KILOFOOT)


def sspk(
    *,
    yield_kt: ArrayLike,
    cep_m: ArrayLike,
    hardness_psi: ArrayLike,
    bias_m: ArrayLike = 0.0,
    method: str = "rule-2.62",
) -> Any:
    """Single-shot kill probability of one arriving warhead against a point target.

    Miss distance is circular normal with per-axis deviation ``sigma = CEP / sqrt(2 ln 2)``
    around an aim point offset by ``bias_m``; the target dies inside the lethal radius
    LR (cookie cutter).  Without bias ``SSPK = 1 - 0.5^((LR/CEP)^2)``; with bias the
    squared scaled miss is non-central chi-square with 2 degrees of freedom, so
    ``SSPK = F_ncx2((LR/sigma)^2; df=2, nc=(b/sigma)^2)`` (exact, not the
    ``sqrt(CEP^2 + b^2)`` shortcut).  Reliability is not included (see
    :func:`kill_probability`).

    Parameters: yield_kt (kt, > 0), cep_m (circular error probable, m, > 0),
    hardness_psi (psi, > 0), bias_m (aim bias, m, >= 0), method (see
    :func:`lethal_radius_m`).

    References: REFERENCES §1; Driels, *Weaponeering* (2004), circular normal and offset
    circle probabilities.
    """
    cep_m = v.positive(cep_m, name="cep_m", unit="m")
    bias_m = v.non_negative(bias_m, name="bias_m")
    radius_m = lethal_radius_m(yield_kt=yield_kt, hardness_psi=hardness_psi, method=method)
    sigma_m = cep_m / np.sqrt(2.0 * LN2)
    centred = 1.0 - np.exp(-0.5 * (radius_m / sigma_m) ** 2)
    if not (bias_m > 0).any():
        return v.result(centred)
    from scipy.stats import ncx2  # heavy: only where an aim bias needs it

    noncentrality = (bias_m / sigma_m) ** 2
    biased = ncx2.cdf((radius_m / sigma_m) ** 2, 2, np.maximum(noncentrality, 1e-300))
    return v.result(np.clip(np.where(bias_m > 0, biased, centred), 0.0, 1.0))


def lethality(*, yield_kt: ArrayLike, cep_m: ArrayLike) -> Any:
    """Counter-military lethality ``K = Y_Mt^(2/3) / CEP_nmi^2`` (per warhead).

    Units: yield_kt in kt, cep_m in m; K in Mt^(2/3) per square nautical mile.  With the
    2.62 rule ``SSPK = 1 - exp(-ln 2 * 2.62^2 * K * H^(-2/3))``.

    References: REFERENCES §1; Tsipis, *Arsenal* (1983).
    """
    yield_kt = v.positive(yield_kt, name="yield_kt", unit="kt")
    cep_m = v.positive(cep_m, name="cep_m", unit="m")
    return v.result((yield_kt / 1000.0) ** (2.0 / 3.0) / (cep_m / METRES_PER_NMI) ** 2)


def _survival_after_shots(
    shots: np.ndarray, *, arrive: np.ndarray, sspk: np.ndarray, fratricide: np.ndarray
) -> np.ndarray:
    """P(target survives ``shots`` warheads) under the sequential fratricide model.

    State after each shot: survived with no detonation yet, or survived with at least
    one detonation (later warheads then negated with probability ``fratricide``).
    """
    no_burst = np.ones(np.broadcast(shots, arrive, sspk, fratricide).shape)
    after_burst = np.zeros_like(no_burst)
    survive_after_burst = 1.0 - (1.0 - fratricide) * arrive * sspk
    for k in range(int(shots.max(initial=0))):
        active = shots > k
        new_after = no_burst * arrive * (1.0 - sspk) + after_burst * survive_after_burst
        no_burst = np.where(active, no_burst * (1.0 - arrive), no_burst)
        after_burst = np.where(active, new_after, after_burst)
    return no_burst + after_burst


def kill_probability(
    *,
    sspk: ArrayLike,
    reliability: ArrayLike = 1.0,
    shots: ArrayLike = 1,
    same_booster: bool = False,
    fratricide: ArrayLike = 0.0,
) -> Any:
    """Probability that a point target is destroyed by ``shots`` warheads.

    Warheads arrive one after another.  Each warhead that functions (probability
    ``reliability`` = R with separate boosters) kills with probability ``sspk``.
    Fratricide phi: a warhead arriving after at least one earlier warhead has detonated
    at the aim point is negated (destroyed or thrown off) with probability phi, before it
    can function.  Hence, with s = SSPK:

    - separate boosters, phi = 0: ``P = 1 - (1 - R s)^n``;
    - one booster carrying all n warheads: ``P = R (1 - (1 - s)(1 - (1 - phi) s)^(n-1))``,
      which for phi = 0 is ``R (1 - (1 - s)^n)``;
    - separate boosters, phi > 0: computed exactly by the two-state recursion over
      "no detonation yet" / "at least one detonation" (phi = 0 reduces to the first line).

    Parameters: sspk (probability), reliability (probability the booster and warhead
    function), shots (whole number >= 0, array allowed), same_booster (bool), fratricide
    (probability phi).

    References: REFERENCES §1 (TKP = R SSPK and the multiple-shot forms); the fratricide
    recursion is stratstab's own precise reading of the parameter.
    """
    s = v.probability(sspk, name="sspk")
    reliability = v.probability(reliability, name="reliability")
    shots = v.count(shots, name="shots")
    fratricide = v.probability(fratricide, name="fratricide")
    if same_booster:
        one = np.ones_like(reliability)
        survive = _survival_after_shots(shots, arrive=one, sspk=s, fratricide=fratricide)
        return v.result(reliability * (1.0 - survive))
    survive = _survival_after_shots(shots, arrive=reliability, sspk=s, fratricide=fratricide)
    return v.result(np.clip(1.0 - survive, 0.0, 1.0))


def damage_expectancy(
    *,
    pre_launch_survivability: ArrayLike,
    reliability: ArrayLike,
    p_penetrate: ArrayLike,
    p_damage: ArrayLike,
) -> Any:
    """Damage expectancy ``DE = PLS * WSR * PTP * PD`` (all probabilities).

    PLS pre-launch survivability, WSR weapon-system reliability, PTP probability to
    penetrate defenses, PD probability of damage (e.g. SSPK) - treated as independent.

    References: REFERENCES §1 (targeting-practice definition).
    """
    factors = [
        v.probability(pre_launch_survivability, name="pre_launch_survivability"),
        v.probability(reliability, name="reliability"),
        v.probability(p_penetrate, name="p_penetrate"),
        v.probability(p_damage, name="p_damage"),
    ]
    return v.result(factors[0] * factors[1] * factors[2] * factors[3])


def target_survival(
    *,
    sspk: ArrayLike,
    reliability: ArrayLike = 1.0,
    p_penetrate: ArrayLike = 1.0,
    warheads: ArrayLike = 1,
) -> Any:
    """Probability that a point target survives ``n`` warheads aimed at it through a defense.

    Each warhead works (R), gets through the defense (PTP: the defense's per-RV leakage
    L, e.g. ``1 - q (1 - (1 - p)^k)`` for a barrage of k interceptors) and destroys the
    target (SSPK), independently of the others; warheads on separate boosters, no
    fratricide:

    ``P(survive) = (1 - R PTP SSPK)^n``; ``1 - P`` is the damage expectancy of the
    n-warhead attack (REFERENCES §1 with PLS = 1).

    Parameters: sspk, reliability, p_penetrate (probabilities), warheads n (whole
    number >= 0).  The defense is taken to have interceptors for every warhead: with a
    short inventory, use :func:`stratstab.models.defense.engage` for the leakage.

    References: REFERENCES §1 (DE = PLS WSR PTP PD, several independent shots);
    Wilkening (2000) for the leakage through a barrage.
    """
    p_kill = v.probability(sspk, name="sspk") * v.probability(p_penetrate, name="p_penetrate")
    return v.result(1.0 - kill_probability(sspk=p_kill, reliability=reliability, shots=warheads))
