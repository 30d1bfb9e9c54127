"""Ballistic missile defense effectiveness: leakage, engagements, inventory limits.

The structure follows Wilkening's simple BMD model: each reentry vehicle (RV) is
engaged by ``n`` interceptors of single-shot kill probability ``p`` provided the
defense detects, tracks and discriminates it (probability ``q``), the whole system
works with probability ``rho`` (common mode), unrejected decoys draw interceptors like
RVs, and a finite inventory is spread as evenly as possible.  Pure NumPy, broadcast
over arrays (the crisis model passes arrays of attack sizes).

References
----------
D. Wilkening, "A Simple Model for Calculating Ballistic Missile Defense Effectiveness",
*Science & Global Security* 8(2), 2000, 183-215; Kim & Kim, *Journal of Peace
Research* 58(3), 2021 (use of the model); REFERENCES §2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from stratstab.errors import InputError
from stratstab.models import _validate as v
from stratstab.models._engagement import Allocation, engage_counts

#: How :func:`engage` fires a short inventory (stated in the calculators' output).
ENGAGE_DOCTRINE = (
    "even spread: a short inventory is spread as evenly as possible over every object "
    "(floor or ceil of interceptors/objects each), which stops more RVs than a fixed salvo"
)


def _leak(pk: Any, shots: Any, q: Any) -> Any:
    return 1.0 - q * (1.0 - (1.0 - pk) ** shots)


def barrage_leakage(
    *, interceptor_pk: ArrayLike, shots_per_rv: ArrayLike, discrimination: ArrayLike = 1.0
) -> Any:
    """Probability that one RV leaks through a barrage of ``n`` interceptors.

    ``L = 1 - q (1 - (1 - p)^n)`` with p = interceptor_pk (single-shot kill probability),
    n = shots_per_rv (whole number >= 0), q = discrimination (probability the RV is
    detected, tracked and discriminated so that the interceptors can kill it).

    References: Wilkening (2000), barrage firing doctrine; REFERENCES §2.
    """
    p = v.probability(interceptor_pk, name="interceptor_pk")
    n = v.count(shots_per_rv, name="shots_per_rv")
    q = v.probability(discrimination, name="discrimination")
    return v.result(_leak(p, n, q))


def shoot_look_shoot_leakage(
    *,
    interceptor_pk: ArrayLike,
    first_shots: ArrayLike,
    second_shots: ArrayLike,
    kill_assessment: ArrayLike,
    discrimination: ArrayLike = 1.0,
) -> tuple[Any, Any]:
    """Leakage and expected interceptors per RV for shoot-look-shoot firing.

    A first salvo of n1 interceptors; a kill assessment that recognises a surviving RV
    with probability k_a; a second salvo of n2 at RVs seen to survive.  With
    discrimination q (per RV; if it fails every interceptor aimed at that RV misses):

    ``L = q (1-p)^n1 (1 - k_a (1 - (1-p)^n2)) + (1 - q)``,
    ``interceptors per RV = n1 + k_a n2 [q (1-p)^n1 + (1 - q)]``.

    With q = 1 these are Wilkening's expressions.  Returns ``(leakage, interceptors_per_rv)``.

    References: Wilkening (2000), shoot-look-shoot doctrine; REFERENCES §2.
    """
    p = v.probability(interceptor_pk, name="interceptor_pk")
    n1 = v.count(first_shots, name="first_shots")
    n2 = v.count(second_shots, name="second_shots")
    ka = v.probability(kill_assessment, name="kill_assessment")
    q = v.probability(discrimination, name="discrimination")
    alive = q * (1.0 - p) ** n1 + (1.0 - q)
    leak = q * (1.0 - p) ** n1 * (1.0 - ka * (1.0 - (1.0 - p) ** n2)) + (1.0 - q)
    return v.result(leak), v.result(n1 + ka * n2 * alive)


@dataclass(frozen=True)
class Engagement:
    """Outcome of a defense engaging an attack (arrays of the broadcast shape).

    p_no_leakers: probability that not a single RV gets through (common mode included).
    expected_leakers: expected number of RVs that get through.
    interceptors_used: expected number of interceptors fired.
    leakage_per_rv: probability that a given attacking RV gets through (includes the
        inventory spread and common mode; equals expected_leakers / rvs when rvs > 0).
    engaged_objects: RVs plus unrejected decoys the defense shoots at.
    """

    p_no_leakers: Any
    expected_leakers: Any
    interceptors_used: Any
    leakage_per_rv: Any
    engaged_objects: Any


def engage(
    *,
    rvs: ArrayLike,
    interceptors: ArrayLike,
    interceptor_pk: ArrayLike,
    shots_per_rv: ArrayLike,
    discrimination: ArrayLike = 1.0,
    common_mode: ArrayLike = 1.0,
    decoys: ArrayLike = 0,
    decoy_rejection: ArrayLike = 0.0,
    shoot_look_shoot: bool = False,
    second_shots: ArrayLike = 0,
    kill_assessment: ArrayLike = 1.0,
    with_p_no_leakers: bool = True,
) -> Engagement:
    """Engage ``rvs`` attacking RVs (plus decoys) with a finite interceptor inventory.

    ``with_p_no_leakers=False`` skips the exact P(no leakers) sum (its ``p_no_leakers``
    is then NaN): callers that need only expected leakers, such as the exchange model,
    save the hypergeometric sum that dominates the cost when decoys are present.

    Model (see docs/models.md, "Missile defense"):

    - Objects engaged ``m = N + D (1 - d)``: decoys that are not rejected look like RVs.
    - Barrage: ``n`` interceptors per object while ``I >= n m``.  Otherwise the
      inventory is spread evenly: ``k = floor(I/m)`` each and one more for ``r = I - k m``
      objects; objects with no interceptor leak.  RVs are spread at random among the
      objects (the defense cannot tell them from decoys), so the number of RVs with
      ``k + 1`` shots is hypergeometric, and ``P(no leakers)`` sums over it exactly.
    - Shoot-look-shoot (``shoot_look_shoot=True``): first salvo ``shots_per_rv``,
      second salvo ``second_shots`` at objects seen to survive, exact at every
      inventory.  If the first salvo uses up the inventory it is spread as above and
      there is no second one; otherwise what is left is spread evenly over the objects
      actually seen to survive (a binomial number, summed over exactly), at most
      ``second_shots`` each.  ``P(no leakers)`` is exact without decoys; with decoys
      and a second salvo short of interceptors it treats RVs as independent (an
      approximation, documented).
    - Common mode ``rho``: with probability ``1 - rho`` the defense fails and every RV
      leaks; ``P0 = rho P0|works`` and ``E = rho E|works + (1 - rho) N``.
    - Non-integer counts (expected RVs from a stochastic exchange, expected unrejected
      decoys ``D (1-d)``): every output is interpolated linearly between the exact
      results at the neighbouring whole numbers of RVs and of unrejected decoys, so it
      is continuous and equals the integer-count result at whole numbers.

    Parameters: rvs (>= 0), interceptors (whole number >= 0, ``inf`` = unlimited),
    interceptor_pk, discrimination, common_mode, decoy_rejection, kill_assessment
    (probabilities), shots_per_rv and second_shots (whole numbers), decoys (>= 0).

    References: Wilkening (2000); REFERENCES §2.
    """
    args = dict(
        rvs=v.non_negative(rvs, name="rvs"),
        interceptors=v.count(interceptors, name="interceptors", allow_inf=True),
        pk=v.probability(interceptor_pk, name="interceptor_pk"),
        first=v.count(shots_per_rv, name="shots_per_rv"),
        q=v.probability(discrimination, name="discrimination"),
        rho=v.probability(common_mode, name="common_mode"),
        unrejected=v.non_negative(decoys, name="decoys")
        * (1.0 - v.probability(decoy_rejection, name="decoy_rejection")),
        second=v.count(second_shots, name="second_shots") if shoot_look_shoot else np.float64(0.0),
        ka=v.probability(kill_assessment, name="kill_assessment"),
    )
    broadcast = np.broadcast_arrays(*args.values())
    shape = broadcast[0].shape
    # Work on flat 1-d copies (0-d arrays decay to NumPy scalars under arithmetic,
    # which cannot be indexed); the results are reshaped back at the end.
    arrays = {
        k: np.array(a, dtype=np.float64).ravel() for k, a in zip(args, broadcast, strict=True)
    }
    total = _interpolated(arrays, shoot_look_shoot=shoot_look_shoot, with_p0=with_p_no_leakers)
    total = {k: np.reshape(value, shape) for k, value in total.items()}
    arrays = {"rvs": np.reshape(arrays["rvs"], shape)}
    # Per-RV leakage is the share of RVs expected through; at zero RVs keep the
    # interpolated per-RV value (what a single RV would face).
    with np.errstate(divide="ignore", invalid="ignore"):
        share = total["expected_leakers"] / arrays["rvs"]
    total["leakage_per_rv"] = np.where(arrays["rvs"] > 0, share, total["leakage_per_rv"])
    return Engagement(**{name: v.result(value) for name, value in total.items()})


def _interpolated(
    arrays: dict[str, np.ndarray], *, shoot_look_shoot: bool, with_p0: bool = True
) -> dict[str, np.ndarray]:
    """Bilinear interpolation of the whole-number results in (rvs, unrejected decoys)."""
    rvs, unrejected = arrays["rvs"], arrays["unrejected"]
    rv_floor, decoy_floor = np.floor(rvs), np.floor(unrejected)
    rv_frac, decoy_frac = rvs - rv_floor, unrejected - decoy_floor
    fields = {k: a for k, a in arrays.items() if k not in ("rvs", "unrejected")}
    total: dict[str, np.ndarray] = {}
    for rv_step, rv_weight in ((0.0, 1.0 - rv_frac), (1.0, rv_frac)):
        for decoy_step, decoy_weight in ((0.0, 1.0 - decoy_frac), (1.0, decoy_frac)):
            weight = rv_weight * decoy_weight
            if not (weight > 0).any():
                continue
            alloc = Allocation(rvs=rv_floor + rv_step, decoys=decoy_floor + decoy_step, **fields)
            corner = engage_counts(alloc, shoot_look_shoot=shoot_look_shoot, with_p0=with_p0)
            for name, value in corner.items():
                total[name] = total.get(name, 0.0) + weight * np.where(weight > 0, value, 0.0)
    return total


def expected_penetrators(**kwargs: Any) -> Any:
    """Expected RVs that get through: ``engage(**kwargs).expected_leakers``.

    Takes exactly the keyword arguments of :func:`engage`.

    References: Wilkening (2000); REFERENCES §2.
    """
    return engage(**kwargs).expected_leakers


@dataclass(frozen=True)
class InterceptorRequirement:
    """Barrage size needed for a target probability of no leakers.

    shots_per_rv: the real-valued n solving ``rho (1 - L(n))^N = P0``.
    whole_shots_per_rv: n rounded up to a whole number of interceptors.
    interceptors: whole_shots_per_rv * N, the inventory needed (no decoys).
    """

    shots_per_rv: Any
    whole_shots_per_rv: Any
    interceptors: Any


def interceptors_for_p0(
    *,
    rvs: ArrayLike,
    p0: ArrayLike,
    interceptor_pk: ArrayLike,
    discrimination: ArrayLike = 1.0,
    common_mode: ArrayLike = 1.0,
) -> InterceptorRequirement:
    """Interceptors per RV for a desired probability of no leakers against N RVs.

    ``n = ln(1 - (P0/rho)^(1/N) / q) / ln(1 - p)``.  A target is attainable only if
    ``P0 < rho q^N`` (with p < 1) or ``P0 <= rho q^N`` (p = 1); otherwise an
    :class:`InputError` names the largest attainable value instead of returning inf/NaN.

    References: Wilkening (2000), inversion of the barrage P0; REFERENCES §2.
    """
    n_rv = v.non_negative(rvs, name="rvs")
    target = v.probability(p0, name="p0")
    p = v.probability(interceptor_pk, name="interceptor_pk")
    q = v.probability(discrimination, name="discrimination")
    rho = v.probability(common_mode, name="common_mode")
    n_rv, target, p, q, rho = np.broadcast_arrays(n_rv, target, p, q, rho)
    ceiling = rho * q**n_rv  # P0 with infinitely many shots
    need = (target > 0) & (n_rv > 0)
    unattainable = need & ((target > ceiling) | ((target == ceiling) & (p < 1)) | (p == 0))
    if unattainable.any():
        i = np.argmax(unattainable.ravel())
        raise InputError(
            f"a probability of no leakers of {target.flat[i]:g} cannot be reached against "
            f"{n_rv.flat[i]:g} RVs: it must stay below common_mode*discrimination^rvs = "
            f"{ceiling.flat[i]:.4g} and interceptor_pk must be > 0",
            field="p0",
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        per_rv_survive = np.where(need, target / np.where(rho > 0, rho, 1.0), 1.0) ** (
            1.0 / np.where(n_rv > 0, n_rv, 1.0)
        )
        miss = 1.0 - per_rv_survive / np.where(q > 0, q, 1.0)
        safe_pk = np.where(p < 1, p, 0.5)  # p = 1 is handled below: one shot suffices
        shots = np.log(np.maximum(miss, 1e-300)) / np.log1p(-safe_pk)
    shots = np.where(need, np.maximum(shots, 0.0), 0.0)
    shots = np.where(need & (p >= 1), 1.0, shots)
    whole = np.ceil(shots - 1e-12)
    return InterceptorRequirement(v.result(shots), v.result(whole), v.result(whole * n_rv))


@dataclass(frozen=True)
class DefenseLayer:
    """One layer of a layered defense (boost, midcourse, terminal...).

    interceptors: inventory of the layer (whole number, ``inf`` = unlimited);
    interceptor_pk: single-shot kill probability; shots_per_rv: first-salvo size;
    discrimination: probability the layer tracks and discriminates an RV;
    common_mode: probability the layer works at all; decoys_per_rv and
    decoy_rejection: decoys accompanying each RV that reaches the layer and the share
    of them the layer rejects; shoot_look_shoot, second_shots, kill_assessment: the
    layer fires a second salvo of ``second_shots`` at objects its kill assessment
    (probability ``kill_assessment``) sees survive the first.
    """

    interceptors: float = float("inf")
    interceptor_pk: float = 0.5
    shots_per_rv: int = 1
    discrimination: float = 1.0
    common_mode: float = 1.0
    decoys_per_rv: float = 0.0
    decoy_rejection: float = 0.0
    shoot_look_shoot: bool = False
    second_shots: int = 0
    kill_assessment: float = 1.0

    def engage(self, rvs: ArrayLike, *, with_p_no_leakers: bool = False) -> Engagement:
        """:func:`engage` of ``rvs`` RVs (and their decoys) by this layer alone."""
        rvs = np.asarray(rvs, dtype=float)
        return engage(
            rvs=rvs,
            interceptors=self.interceptors,
            interceptor_pk=self.interceptor_pk,
            shots_per_rv=self.shots_per_rv,
            discrimination=self.discrimination,
            common_mode=self.common_mode,
            decoys=rvs * self.decoys_per_rv,
            decoy_rejection=self.decoy_rejection,
            shoot_look_shoot=self.shoot_look_shoot,
            second_shots=self.second_shots,
            kill_assessment=self.kill_assessment,
            with_p_no_leakers=with_p_no_leakers,
        )

    def leakage_per_rv(self) -> float:
        """Probability that one RV gets past the layer when it works, ample inventory."""
        if self.shoot_look_shoot:
            leak, _ = shoot_look_shoot_leakage(
                interceptor_pk=self.interceptor_pk,
                first_shots=self.shots_per_rv,
                second_shots=self.second_shots,
                kill_assessment=self.kill_assessment,
                discrimination=self.discrimination,
            )
            return float(leak)
        return float(
            barrage_leakage(
                interceptor_pk=self.interceptor_pk,
                shots_per_rv=self.shots_per_rv,
                discrimination=self.discrimination,
            )
        )

    def is_ample_for(self, rvs: float) -> bool:
        """True if the inventory covers every salvo ``rvs`` RVs (and decoys) can draw."""
        objects = rvs * (1.0 + self.decoys_per_rv * (1.0 - self.decoy_rejection))
        per_object = self.shots_per_rv + (self.second_shots if self.shoot_look_shoot else 0)
        return self.interceptors >= per_object * objects


@dataclass(frozen=True)
class LayeredEngagement:
    """Outcome of RVs passing several defense layers in turn.

    expected_leakers: RVs expected through every layer; per_layer_leakers: RVs expected
    out of each layer; p_no_leakers: probability that no RV gets through (exact when
    every layer has interceptors for every RV that can reach it and no decoys, NaN
    otherwise); interceptors_used: expected interceptors fired per layer.
    """

    expected_leakers: float
    per_layer_leakers: tuple[float, ...]
    p_no_leakers: float
    interceptors_used: tuple[float, ...]


def through_layers(*, rvs: ArrayLike, layers: Sequence[DefenseLayer]) -> Any:
    """Expected RVs through every layer in turn (arrays of attack sizes broadcast).

    Each layer engages the expected number of RVs the previous one let through, with
    the decoys accompanying them; an RV a layer misses meets the next one afresh.
    Exact for expected leakers when every layer can fire at every RV reaching it;
    with a short inventory the next layer is given the expected number (an
    approximation, see :func:`layered_engagement`).

    References: Wilkening (2000) for each layer; independent-layer composition.
    """
    arriving = np.asarray(v.non_negative(rvs, name="rvs"), dtype=float)
    for layer in layers:
        if layer.interceptors > 0:
            arriving = np.asarray(layer.engage(arriving).expected_leakers, dtype=float)
    return arriving


def layered_engagement(*, rvs: float, layers: Sequence[DefenseLayer]) -> LayeredEngagement:
    """RVs engaged by several layers in turn, each shooting at what the last let by.

    Each layer is the Wilkening engagement of :func:`engage` (barrage or
    shoot-look-shoot) with its own inventory, pk, shots, discrimination, common mode
    and decoys, engaging the expected number of RVs that the previous layer let
    through (:func:`through_layers`).

    - Expected leakers: exact when every layer can fire at every RV reaching it
      (expectations then multiply: ``N prod_i [rho_i L_i + 1 - rho_i]``); with a short
      inventory the next layer is given the expected number, an approximation.
    - P(no leakers), ample inventories and no decoys: summing over which layers work
      (``2^K`` cases),
      ``P0 = sum_S prod_{i in S} rho_i prod_{i not in S} (1 - rho_i) (1 - prod_{i in S} L_i)^N``.
      Otherwise it is not computed (NaN).

    References: Wilkening (2000) for each layer; the layering is the standard
    independent-layer composition (each layer's leakage multiplies).
    """
    if not layers:
        raise InputError("give at least one defense layer", field="layers")
    count = float(v.non_negative(rvs, name="rvs"))
    per_layer: list[float] = []
    used: list[float] = []
    arriving = count
    for layer in layers:
        e = layer.engage(arriving)
        arriving = float(e.expected_leakers)
        per_layer.append(arriving)
        used.append(float(e.interceptors_used))
    p0 = float("nan")
    if all(x.is_ample_for(count) and x.decoys_per_rv == 0 for x in layers):
        leak = [x.leakage_per_rv() for x in layers]
        p0 = 0.0
        for works in np.ndindex(*(2,) * len(layers)):
            weight, through = 1.0, 1.0
            for flag, layer, leakage in zip(works, layers, leak, strict=True):
                weight *= layer.common_mode if flag else 1.0 - layer.common_mode
                through *= leakage if flag else 1.0
            p0 += weight * (1.0 - through) ** count
    return LayeredEngagement(arriving, tuple(per_layer), p0, tuple(used))
