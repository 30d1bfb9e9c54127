"""Whole-number engagement arithmetic behind :func:`stratstab.models.defense.engage`.

Works on broadcast float arrays whose RV and decoy counts are whole numbers; the public
function interpolates between such results for real-valued counts.  Pure NumPy/SciPy.

References: Wilkening (2000), *Science & Global Security* 8(2); REFERENCES §2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Allocation:
    """Inputs of one whole-number engagement (all arrays of one shape)."""

    rvs: np.ndarray
    decoys: np.ndarray  # unrejected decoys, whole number
    interceptors: np.ndarray  # may be +inf
    pk: np.ndarray
    first: np.ndarray
    q: np.ndarray
    rho: np.ndarray
    second: np.ndarray
    ka: np.ndarray


def _spread(
    interceptors: np.ndarray, objects: np.ndarray, per_object: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Even spread of an inventory: (k shots each, fraction with k+1, interceptors used).

    ``objects`` may be real (expected counts) - the fraction is then a share, not a count.
    """
    enough = interceptors >= per_object * objects
    safe_objects = np.where(objects > 0, objects, 1.0)
    finite_inv = np.where(enough, 0.0, interceptors)
    k = np.where(enough, per_object, np.floor(finite_inv / safe_objects))
    frac = np.where(enough, 0.0, finite_inv / safe_objects - k)
    used = np.where(enough, per_object * objects, finite_inv)
    return k, frac, used


def _leak_barrage(a: Allocation, shots: Any) -> Any:
    return 1.0 - a.q * (1.0 - (1.0 - a.pk) ** shots)


def _p0_mixture(
    a: Allocation, hit: np.ndarray, miss: np.ndarray, extra: np.ndarray, objects: np.ndarray
) -> np.ndarray:
    """P(no leakers | defense works) when ``extra`` of ``objects`` get one more shot.

    ``hit``/``miss``: P(RV stopped) with k+1 / k shots.  RVs are placed at random among
    the objects, so the number of them in the k+1 group is hypergeometric.
    """
    n = a.rvs
    # Exact when there are no decoys (every object is an RV, so ``extra <= n``); the
    # clipped exponents keep 0 * inf out when decoys make ``extra`` exceed ``n``.
    with np.errstate(divide="ignore", invalid="ignore"):
        p0 = hit ** np.minimum(extra, n) * miss ** np.maximum(n - extra, 0.0)
    rows = np.flatnonzero((a.decoys > 0) & (extra > 0) & (n > 0))
    if rows.size == 0:
        return p0
    p0 = p0.copy()
    p0[rows] = _hypergeometric_sum(n[rows], extra[rows], objects[rows], hit[rows], miss[rows])
    return p0


def _log_choose(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    from scipy.special import gammaln  # loaded on first use

    return gammaln(top + 1.0) - gammaln(bottom + 1.0) - gammaln(top - bottom + 1.0)


def _hypergeometric_sum(
    n: np.ndarray, extra: np.ndarray, objects: np.ndarray, hit: np.ndarray, miss: np.ndarray
) -> np.ndarray:
    """``sum_j Hyp(j; objects, extra, n) hit^j miss^(n-j)`` row by row.

    Only j within 12 standard deviations of the hypergeometric mean is summed: the mass
    outside is below 1e-30, and the window keeps large batches fast.
    """
    from scipy.special import xlogy  # loaded on first use

    share = extra / objects
    sd = np.sqrt(n * share * (1.0 - share) * (objects - n) / np.maximum(objects - 1.0, 1.0))
    low = np.maximum(np.maximum(0.0, n + extra - objects), np.floor(n * share - 12.0 * sd - 1.0))
    high = np.minimum(np.minimum(n, extra), np.ceil(n * share + 12.0 * sd + 1.0))
    j = low[:, None] + np.arange(int((high - low).max()) + 1, dtype=np.float64)[None, :]
    inside = j <= high[:, None]
    j = np.minimum(j, high[:, None])
    col = lambda x: x[:, None]  # noqa: E731 - local shorthand for column vectors
    log_pmf = (
        _log_choose(col(extra), j)
        + _log_choose(col(objects - extra), col(n) - j)
        - _log_choose(col(objects), col(n))
    )
    with np.errstate(divide="ignore"):
        log_terms = log_pmf + xlogy(j, col(hit)) + xlogy(col(n) - j, col(miss))  # 0 log 0 = 0
    return np.where(inside, np.exp(log_terms), 0.0).sum(axis=1)


def _barrage(a: Allocation, *, with_p0: bool = True) -> dict[str, np.ndarray]:
    objects = a.rvs + a.decoys
    k, frac, used = _spread(a.interceptors, objects, a.first)
    extra = np.round(frac * objects)  # whole number of objects with k+1 shots
    leak_more, leak_k = _leak_barrage(a, k + 1.0), _leak_barrage(a, k)
    leak = frac * leak_more + (1.0 - frac) * leak_k
    p0 = (
        _p0_mixture(a, 1.0 - leak_more, 1.0 - leak_k, extra, objects)
        if with_p0
        else np.full_like(leak, np.nan)
    )
    return {"leak": leak, "p0": p0, "used_works": used, "used_fails": used, "objects": objects}


def _sls_leak(a: Allocation, first: Any, second: Any) -> Any:
    stopped_later = a.ka * (1.0 - (1.0 - a.pk) ** second)
    return a.q * (1.0 - a.pk) ** first * (1.0 - stopped_later) + (1.0 - a.q)


def _second_salvo_share(left: Any, seen: Any, second: Any) -> tuple[Any, Any]:
    """Shots each of ``seen`` objects gets from ``left`` interceptors: (k, share with k + 1).

    At most ``second`` each; otherwise ``left`` spread evenly (``floor(left / seen)``
    each, one more for ``left - k seen`` of them, chosen at random).
    """
    safe = np.where(seen > 0, seen, 1.0)
    full = left >= second * seen
    k = np.where(full, second, np.floor(left / safe))
    return k, np.where(full, 0.0, left / safe - k)


def _short_second_salvo(
    a: Allocation, objects: np.ndarray, left: np.ndarray, with_p0: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact second salvo when ``left`` may not cover every object seen to survive.

    Every object took ``first`` shots; each is independently seen to survive with
    probability ``a = k_a (q (1-p)^n1 + 1 - q)``.  An object seen to survive shares the
    inventory left with the others seen (``S - 1 ~ Binomial(m - 1, a)``), so its shots
    depend on S; the sum over S is exact.  Returns, per row, the mean miss factor
    ``E[(1-p)^shots]`` of an object seen to survive, the expected interceptors of the
    second salvo (``E min(left, n2 S)``, ``S ~ Binomial(m, a)``), and P(no leakers)
    without decoys (``sum_S C(N,S) k^(N-S) prod over the S seen of their second-salvo
    kill``, with ``k`` the first-salvo kill), NaN where decoys are present.
    """
    from scipy.special import gammaln, xlogy  # loaded on first use
    from scipy.stats import binom  # loaded on first use

    miss = 1.0 - a.pk
    seen_p = a.ka * (a.q * miss**a.first + 1.0 - a.q)
    top = int(objects.max())
    s = np.arange(top + 1, dtype=np.float64)[None, :]
    col = lambda x: x[:, None]  # noqa: E731 - local shorthand for column vectors
    inside = s <= col(objects)
    k2, extra = _second_salvo_share(col(left), s, col(a.second))
    miss_more, miss_k = miss[:, None] ** (k2 + 1.0), miss[:, None] ** k2
    mean_miss = extra * miss_more + (1.0 - extra) * miss_k  # for one object of S seen
    # S - 1 others seen of m - 1: weights at s = 1..m.
    others = np.where(inside & (s >= 1), binom.pmf(s - 1.0, col(objects) - 1.0, col(seen_p)), 0.0)
    miss_seen = (others * mean_miss).sum(axis=1)
    total = np.where(inside, binom.pmf(s, col(objects), col(seen_p)), 0.0)
    used2 = (total * np.minimum(col(left), col(a.second) * s)).sum(axis=1)
    p0 = np.full(objects.shape, np.nan)
    if with_p0:
        # No leakers: the N - S not seen were killed by the first salvo, and each of the
        # S seen is killed by its second-salvo shots (it was discriminated).
        first_kill = a.q * (1.0 - miss**a.first)
        stop_seen = col(a.ka * a.q * miss**a.first)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_terms = (
                gammaln(col(objects) + 1.0) - gammaln(s + 1.0) - gammaln(col(objects) - s + 1.0)
                + xlogy(col(objects) - s, col(first_kill))
                + xlogy(extra * s, stop_seen * (1.0 - miss_more))
                + xlogy((1.0 - extra) * s, stop_seen * (1.0 - miss_k))
            )  # fmt: skip
        sums = np.where(inside, np.exp(log_terms), 0.0).sum(axis=1)
        p0 = np.where(a.decoys > 0, np.nan, sums)
    return miss_seen, used2, p0


def _shoot_look_shoot(a: Allocation, *, with_p0: bool = True) -> dict[str, np.ndarray]:
    """Shoot-look-shoot with a finite inventory, exactly (see ``defense.engage``).

    Three regimes: the inventory covers both salvos at every object (Wilkening's
    closed form); it covers the first salvo but not a full second one at every object
    that might be seen to survive (the exact sum of :func:`_short_second_salvo`); or it
    runs out in the first salvo (spread evenly; no second salvo).
    """
    objects = a.rvs + a.decoys
    k1, f1, used1 = _spread(a.interceptors, objects, a.first)
    left = np.where(np.isinf(a.interceptors), np.inf, a.interceptors - used1)
    leak_more, leak_k = _sls_leak(a, k1 + 1.0, 0.0), _sls_leak(a, k1, 0.0)
    leak = f1 * leak_more + (1.0 - f1) * leak_k
    # A full second salvo needs the first one covered too: with no second shots a short
    # first salvo leaves nothing over and would otherwise pass as "full".
    full = (a.interceptors >= a.first * objects) & (left >= a.second * objects)
    # Short in the first salvo: no second one, and P(no leakers) as for a barrage.
    p0 = (
        _p0_mixture(a, 1.0 - leak_more, 1.0 - leak_k, np.round(f1 * objects), objects)
        if with_p0
        else np.full_like(leak, np.nan)
    )
    leak = np.where(full, _sls_leak(a, a.first, a.second), leak)
    p0 = np.where(full, (1.0 - leak) ** a.rvs, p0)
    used2 = np.where(full, a.second * objects * a.ka * _sls_alive(a), 0.0)
    rows = np.flatnonzero(~full & (left > 0) & (objects > 0))
    if rows.size:
        sub = Allocation(
            **{name: getattr(a, name)[rows] for name in Allocation.__dataclass_fields__}
        )
        miss_seen, used_short, p0_short = _short_second_salvo(
            sub, objects[rows], left[rows], with_p0
        )
        alive_disc = sub.q * (1.0 - sub.pk) ** sub.first
        leak_short = alive_disc * (1.0 - sub.ka + sub.ka * miss_seen) + (1.0 - sub.q)
        leak, p0, used2 = leak.copy(), p0.copy(), used2.copy()
        leak[rows] = leak_short
        p0[rows] = np.where(np.isnan(p0_short), (1.0 - leak_short) ** sub.rvs, p0_short)
        used2[rows] = used_short
    used_fails = used1 + np.minimum(left, a.second * objects * a.ka)
    return {
        "leak": leak,
        "p0": p0 if with_p0 else np.full_like(leak, np.nan),
        "used_works": used1 + used2,
        "used_fails": used_fails,
        "objects": objects,
    }


def _sls_alive(a: Allocation) -> Any:
    """P(an object survives the first salvo of ``first`` shots): ``q (1-p)^n1 + 1 - q``."""
    return a.q * (1.0 - a.pk) ** a.first + (1.0 - a.q)


def engage_counts(
    a: Allocation, *, shoot_look_shoot: bool, with_p0: bool = True
) -> dict[str, np.ndarray]:
    """Engagement outputs for whole-number RV and decoy counts (see ``defense.engage``)."""
    core = (
        _shoot_look_shoot(a, with_p0=with_p0) if shoot_look_shoot else _barrage(a, with_p0=with_p0)
    )
    fails = 1.0 - a.rho
    no_rvs = (a.rvs == 0).astype(np.float64)
    return {
        "p_no_leakers": np.clip(a.rho * core["p0"] + fails * no_rvs, 0.0, 1.0),
        "expected_leakers": a.rho * a.rvs * core["leak"] + fails * a.rvs,
        "interceptors_used": a.rho * core["used_works"] + fails * core["used_fails"],
        "leakage_per_rv": a.rho * core["leak"] + fails,
        "engaged_objects": core["objects"],
    }
