"""Transparency packages: narrowing beliefs, scoring packages, Pareto sets, sequencing.

Pure functions, no I/O.  A transparency measure narrows the receiver's beliefs about
some of the giver's parameters (each by a factor: the share of the spread that is
left) and may expose the giver (multiply some of its true parameters, e.g. base
locations lower the survivability of mobile missiles).  Narrowing pulls a belief
towards the true value, so it shrinks both the spread and the bias of the belief.

References: narrowing as a contraction of the belief towards the disclosed value is
stratstab's model of verified disclosure; Pareto efficiency in the usual sense of
multi-objective optimisation (K. Deb, *Multi-Objective Optimization using
Evolutionary Algorithms*, Wiley 2001, ch. 2).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from stratstab.errors import InputError
from stratstab.models.uncertainty import Distribution


def combined_factors(narrowings: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """Several measures narrowing one parameter: the shares of spread left multiply."""
    out: dict[str, float] = {}
    for narrowing in narrowings:
        for key, factor in narrowing.items():
            if not 0.0 <= float(factor) <= 1.0:
                raise InputError(f"narrowing factor must lie in [0, 1], got {factor}", field=key)
            out[key] = out.get(key, 1.0) * float(factor)
    return out


def narrowed_beliefs(
    beliefs: Mapping[str, Distribution],
    *,
    factors: Mapping[str, float],
    exposure: Mapping[str, float],
    truth: Mapping[str, float],
) -> dict[str, Distribution]:
    """A view's beliefs after a package.

    ``exposure`` multiplies a parameter in reality and hence in every belief;
    ``factors`` then pull the receiver's belief towards the (exposed) truth.
    ``truth`` must hold every key of ``beliefs`` that ``factors`` names.
    """
    out: dict[str, Distribution] = {}
    for key, belief in beliefs.items():
        dist = belief.scaled(exposure[key]) if key in exposure else belief
        if key in factors:
            target = truth[key] * exposure.get(key, 1.0)
            dist = dist.narrowed(factors[key], toward=target)
        out[key] = dist
    return out


def misperception_distance(
    view_outputs: Mapping[str, float],
    actual: Mapping[str, float],
    *,
    absolute: Sequence[str],
    relative: Sequence[str],
) -> float:
    """Mean gap between a view's outputs and the actual ones (dimensionless).

    ``absolute`` outputs (already dimensionless, e.g. the crisis-stability index)
    count by their absolute difference; ``relative`` outputs (warhead counts) by the
    difference divided by the actual value (at least 1), capped at 1.
    """
    gaps = [abs(view_outputs[k] - actual[k]) for k in absolute]
    for k in relative:
        base = max(abs(actual[k]), 1.0)
        difference = view_outputs[k] - actual[k]
        gaps.append(min(abs(difference) / base, 1.0) if np.isfinite(difference) else 1.0)
    return float(np.mean(gaps)) if gaps else 0.0


def pareto_front(objectives: np.ndarray, *, maximize: Sequence[bool]) -> np.ndarray:
    """Boolean mask of the non-dominated rows of ``objectives`` (shape ``(n, k)``).

    Row ``a`` dominates row ``b`` when it is at least as good in every objective and
    strictly better in one.  Identical rows do not dominate each other (both kept).
    """
    values = np.asarray(objectives, dtype=float)
    if values.ndim != 2 or values.shape[1] != len(maximize):
        raise InputError(
            f"expected an (n, {len(maximize)}) array of objectives, got {values.shape}"
        )
    signs = np.where(np.asarray(maximize, dtype=bool), 1.0, -1.0)
    better = values * signs  # larger is better in every column now
    at_least = np.all(better[:, None, :] >= better[None, :, :], axis=2)
    strictly = np.any(better[:, None, :] > better[None, :, :], axis=2)
    dominated = np.any(at_least & strictly, axis=0)
    return ~dominated


def gradual_sequence(
    benefit: Sequence[float], exposure: Sequence[float], *, tolerance: float = 1e-12
) -> list[int]:
    """Order measures by benefit per unit of exposure (a gradual path).

    Measures that expose nothing and help come first (largest benefit first); then
    measures by benefit / exposure, largest first; measures that do not help
    (benefit <= 0) come last, least harmful first.  Ties keep the input order.
    """
    b = np.asarray(benefit, dtype=float)
    e = np.maximum(np.asarray(exposure, dtype=float), 0.0)
    if b.shape != e.shape:
        raise InputError("benefit and exposure need the same length")

    def key(i: int) -> tuple[int, float]:
        if b[i] <= tolerance:
            return (2, e[i] - b[i])
        if e[i] <= tolerance:
            return (0, -b[i])
        return (1, -b[i] / e[i])

    return sorted(range(len(b)), key=lambda i: (*key(i), i))
