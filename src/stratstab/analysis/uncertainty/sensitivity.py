"""Variance-based sensitivity: Sobol first-order and total indices, computed by SALib.

The design is SALib's Saltelli scheme on a scrambled Sobol low-discrepancy sequence
(``SALib.sample.sobol.sample``): two base matrices ``A`` and ``B`` of ``n`` rows and,
for each input group, ``A`` with that group's columns taken from ``B``.  The indices
come from ``SALib.analyze.sobol.analyze``: the Saltelli et al. (2010) first-order and
Jansen (1999) total estimators, with bootstrap confidence intervals.  ``n`` is rounded
up to a power of two, the sizes for which the Sobol sequence keeps its balance.

Groups let one uncertain parameter use several uniform columns (e.g. "which
delegation's belief" and "where in that belief"); the index of the group is the
share of variance due to that parameter.  With few samples the estimates are noisy
(first-order below zero or above the total); :func:`ranking_warning` says when the
intervals are too wide to tell the leading drivers apart.  Everything here is pure:
the model is a callable.

References: A. Saltelli, P. Annoni, I. Azzini, F. Campolongo, M. Ratto and
S. Tarantola, "Variance based sensitivity analysis of model output. Design and
estimator for the total sensitivity index", *Computer Physics Communications* 181
(2010) 259-270; M. J. W. Jansen, "Analysis of variance designs for model output",
*Computer Physics Communications* 117 (1999) 35-43; J. Herman and W. Usher, "SALib:
An open-source Python library for sensitivity analysis", *Journal of Open Source
Software* 2(9), 2017; T. Ishigami and T. Homma (1990) for the test function.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from stratstab.errors import InputError


def base_samples(n: int) -> int:
    """The base sample size SALib's Sobol design uses for a request of ``n``: the next
    power of two (at least 2)."""
    if int(n) < 2:
        raise InputError(f"expected at least 2 base samples, got {n}", field="sobol_samples")
    return 1 << (int(n) - 1).bit_length()


def design_rows(n: int, groups: int) -> int:
    """Model evaluations of a design for ``n`` requested base samples and ``groups`` inputs.

    A single input gets a second, unused one: SALib's Sobol sampler treats one group as
    no grouping while its analysis does not, so the design needs two groups at least.
    """
    return base_samples(n) * (max(int(groups), 2) + 2)


@dataclass(frozen=True)
class SaltelliDesign:
    """SALib's Saltelli design on the unit cube, in SALib's row order.

    ``n`` base rows (a power of two); per base row, ``A``, one ``AB_i`` per group and
    ``B``: :func:`design_rows` rows in all.  ``problem`` is the SALib problem definition.
    """

    n: int
    groups: tuple[tuple[int, ...], ...]
    matrix: np.ndarray  # shape (n * (g + 2), k), uniforms in [0, 1)
    problem: dict[str, Any]

    @property
    def rows(self) -> int:
        """Total model evaluations needed."""
        return self.matrix.shape[0]


def saltelli_design(*, n: int, groups: Sequence[Sequence[int]], seed: int) -> SaltelliDesign:
    """Build the design for ``n`` base rows (rounded up to a power of two); ``groups``
    list the columns of each input; ``seed`` scrambles the Sobol sequence."""
    size = base_samples(n)
    flat = [c for g in groups for c in g]
    if sorted(flat) != list(range(len(flat))):
        raise InputError("groups must partition the columns 0..k-1", field="groups")
    from SALib.sample import sobol as sobol_sample

    k = len(flat)
    owner = {c: i for i, g in enumerate(groups) for c in g}
    if len(groups) == 1:  # see design_rows: an unused column as a second group
        owner[k] = 1
        k += 1
    problem = {
        "num_vars": k,
        "names": [f"x{c}" for c in range(k)],
        "bounds": [[0.0, 1.0]] * k,
        "groups": [f"g{owner[c]}" for c in range(k)],
    }
    matrix = sobol_sample.sample(
        problem, size, calc_second_order=False, scramble=True, seed=int(seed)
    )
    return SaltelliDesign(
        n=size, groups=tuple(tuple(g) for g in groups), matrix=matrix, problem=problem
    )


@dataclass(frozen=True)
class SobolIndices:
    """First-order and total indices per input group, with bootstrap intervals.

    Intervals are SALib's: the estimate plus or minus the normal quantile of the
    bootstrap spread at ``confidence``.
    """

    first_order: np.ndarray
    total: np.ndarray
    first_order_interval: np.ndarray  # shape (g, 2)
    total_interval: np.ndarray
    variance: float
    confidence: float = 0.9


def sobol_indices(
    design: SaltelliDesign,
    outputs: np.ndarray,
    *,
    seed: int = 0,
    bootstrap: int = 200,
    confidence: float = 0.9,
) -> SobolIndices:
    """Estimate the indices from the outputs at the design's rows (in the same order).

    Non-finite outputs (e.g. an infinite required arsenal) are clipped to the largest
    finite value first, so that they count as "very large" rather than poisoning the
    variance.  A constant output has all indices zero.
    """
    y = np.asarray(outputs, dtype=float)
    if y.shape != (design.rows,):
        raise InputError(f"expected {design.rows} outputs, got {y.shape}", field="outputs")
    finite = y[np.isfinite(y)]
    if finite.size:
        y = np.clip(np.nan_to_num(y, nan=float(np.median(finite))), finite.min(), finite.max())
    g = len(design.groups)
    kept = slice(0, g)  # drops the unused group a single-input design carries
    variance = float(np.var(y))
    if not np.isfinite(variance) or variance <= 1e-300:
        zeros = np.zeros(g)
        return SobolIndices(zeros, zeros, np.zeros((g, 2)), np.zeros((g, 2)), 0.0, confidence)
    from SALib.analyze import sobol as sobol_analyze

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = sobol_analyze.analyze(
            design.problem,
            y,
            calc_second_order=False,
            num_resamples=max(int(bootstrap), 2),
            conf_level=confidence,
            seed=int(seed),
        )
    first, total = np.asarray(result["S1"])[kept], np.asarray(result["ST"])[kept]
    if int(bootstrap) > 0:
        first_half = np.asarray(result["S1_conf"])[kept]
        total_half = np.asarray(result["ST_conf"])[kept]
    else:
        first_half = total_half = np.full(g, np.nan)
    return SobolIndices(
        first_order=first,
        total=total,
        first_order_interval=np.column_stack([first - first_half, first + first_half]),
        total_interval=np.column_stack([total - total_half, total + total_half]),
        variance=variance,
        confidence=confidence,
    )


def ranking_warning(
    total: np.ndarray,
    total_interval: np.ndarray,
    first_order: np.ndarray | None = None,
    first_order_interval: np.ndarray | None = None,
) -> str | None:
    """Why the indices cannot rank the drivers, or None if they can.

    Three signs that the design is too small: an estimate outside [0, 1] beyond its
    interval (indices are shares of variance), a first-order index above the total
    beyond both intervals (impossible for the true values), and, with two parameters
    or more, the leading parameter's total-index interval overlapping the runner-up's.
    """
    total, total_interval = np.asarray(total, float), np.asarray(total_interval, float)
    if not np.all(np.isfinite(total_interval)):
        return "no confidence intervals (no bootstrap): the ranking cannot be checked"
    problems = []
    pairs = [("total", total, total_interval)]
    if first_order is not None and first_order_interval is not None:
        first, first_interval = np.asarray(first_order), np.asarray(first_order_interval)
        pairs.append(("first-order", first, first_interval))
        if np.any(first_interval[:, 0] > total_interval[:, 1] + 1e-9):
            problems.append("first-order indices above the total ones")
    for name, _, interval in pairs:
        if np.any(interval[:, 1] < -0.05) or np.any(interval[:, 0] > 1.05):
            problems.append(f"{name} indices outside [0, 1]")
    if len(total) >= 2:
        order = np.argsort(-total, kind="stable")
        if not total_interval[order[0], 0] > total_interval[order[1], 1]:
            problems.append("the leading parameter's total-index interval overlaps the runner-up's")
    if not problems:
        return None
    widest = float(np.max(total_interval[:, 1] - total_interval[:, 0]))
    return (
        "confidence intervals too wide to rank the drivers: "
        + "; ".join(problems)
        + f" (widest total-index interval {widest:.2f}); raise --sobol-samples"
    )


def sobol_analysis(
    model: Callable[[np.ndarray], np.ndarray],
    *,
    n: int,
    groups: Sequence[Sequence[int]],
    seed: int,
    bootstrap: int = 200,
) -> SobolIndices:
    """Design, evaluate ``model`` on the unit-cube rows, and estimate the indices."""
    design = saltelli_design(n=n, groups=groups, seed=seed)
    return sobol_indices(design, model(design.matrix), seed=seed + 1, bootstrap=bootstrap)


def ishigami(x: np.ndarray, *, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """The Ishigami test function on ``[-pi, pi]^3`` (columns of ``x``).

    ``f = sin x1 + a sin^2 x2 + b x3^4 sin x1``; its Sobol indices are known in
    closed form (Ishigami and Homma 1990), which makes it the standard check.
    """
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(*, a: float = 7.0, b: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Analytic (first-order, total) indices of :func:`ishigami`."""
    pi = np.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    variance = v1 + v2 + v13
    first = np.array([v1, v2, 0.0]) / variance
    total = np.array([v1 + v13, v2, v13]) / variance
    return first, total
