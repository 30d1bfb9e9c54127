"""Variance-based sensitivity: Sobol first-order and total indices.

The Saltelli design draws two independent ``(n, k)`` matrices ``A`` and ``B`` of
uniform numbers and, for each input group ``i``, the matrix ``AB_i`` equal to ``A``
with the columns of group ``i`` taken from ``B``.  With model outputs ``f(A)``,
``f(B)``, ``f(AB_i)`` and ``V`` the variance of ``f`` over ``A`` and ``B`` together:

* first-order index ``S_i = mean(f(B) (f(AB_i) - f(A))) / V`` (Saltelli et al. 2010,
  eq. b of table 2);
* total index ``ST_i = mean((f(A) - f(AB_i))^2) / (2 V)`` (Jansen 1999).

Groups let one uncertain parameter use several uniform columns (e.g. "which
delegation's belief" and "where in that belief"), and the index of the group is
the share of variance due to that parameter.  Bootstrap over the rows gives
confidence intervals.  Everything here is pure: the model is a callable.

References: A. Saltelli, P. Annoni, I. Azzini, F. Campolongo, M. Ratto and
S. Tarantola, "Variance based sensitivity analysis of model output. Design and
estimator for the total sensitivity index", *Computer Physics Communications* 181
(2010) 259-270; M. J. W. Jansen, "Analysis of variance designs for model output",
*Computer Physics Communications* 117 (1999) 35-43; T. Ishigami and T. Homma (1990)
for the test function.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from stratstab.errors import InputError


@dataclass(frozen=True)
class SaltelliDesign:
    """The stacked design: rows ``A``, then ``B``, then ``AB_1 ... AB_g`` (each ``n`` rows)."""

    n: int
    groups: tuple[tuple[int, ...], ...]
    matrix: np.ndarray  # shape (n * (g + 2), k), uniforms in [0, 1)

    @property
    def rows(self) -> int:
        """Total model evaluations needed."""
        return self.matrix.shape[0]


def saltelli_design(
    *, n: int, groups: Sequence[Sequence[int]], rng: np.random.Generator
) -> SaltelliDesign:
    """Build the design for ``n`` base rows; ``groups`` list the columns of each input."""
    if int(n) < 2:
        raise InputError(f"expected at least 2 base samples, got {n}", field="sobol_samples")
    flat = [c for g in groups for c in g]
    if sorted(flat) != list(range(len(flat))):
        raise InputError("groups must partition the columns 0..k-1", field="groups")
    k = len(flat)
    a = rng.random((int(n), k))
    b = rng.random((int(n), k))
    blocks = [a, b]
    for group in groups:
        mixed = a.copy()
        mixed[:, list(group)] = b[:, list(group)]
        blocks.append(mixed)
    return SaltelliDesign(
        n=int(n), groups=tuple(tuple(g) for g in groups), matrix=np.vstack(blocks)
    )


def _indices(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    variance = np.var(np.concatenate([f_a, f_b]))
    if not np.isfinite(variance) or variance <= 1e-300:
        zeros = np.zeros(f_ab.shape[0])
        return zeros, zeros
    first = np.mean(f_b * (f_ab - f_a), axis=1) / variance
    total = 0.5 * np.mean((f_a - f_ab) ** 2, axis=1) / variance
    return first, total


@dataclass(frozen=True)
class SobolIndices:
    """First-order and total indices per input group, with bootstrap intervals."""

    first_order: np.ndarray
    total: np.ndarray
    first_order_interval: np.ndarray  # shape (g, 2)
    total_interval: np.ndarray
    variance: float


def sobol_indices(
    design: SaltelliDesign,
    outputs: np.ndarray,
    *,
    rng: np.random.Generator | None = None,
    bootstrap: int = 200,
    confidence: float = 0.9,
) -> SobolIndices:
    """Estimate the indices from the outputs at the design's rows (in the same order).

    Non-finite outputs (e.g. an infinite required arsenal) are clipped to the largest
    finite value first, so that they count as "very large" rather than poisoning ``V``.
    """
    y = np.asarray(outputs, dtype=float)
    if y.shape != (design.rows,):
        raise InputError(f"expected {design.rows} outputs, got {y.shape}", field="outputs")
    finite = y[np.isfinite(y)]
    if finite.size:
        y = np.clip(np.nan_to_num(y, nan=float(np.median(finite))), finite.min(), finite.max())
    n, g = design.n, len(design.groups)
    f_a, f_b = y[:n], y[n : 2 * n]
    f_ab = y[2 * n :].reshape(g, n)
    first, total = _indices(f_a, f_b, f_ab)
    low_q, high_q = (1 - confidence) / 2, 1 - (1 - confidence) / 2
    firsts, totals = [], []
    generator = rng if rng is not None else np.random.default_rng(0)
    for _ in range(int(bootstrap)):
        rows = generator.integers(0, n, n)
        s1, st = _indices(f_a[rows], f_b[rows], f_ab[:, rows])
        firsts.append(s1)
        totals.append(st)
    if firsts:
        fi = np.quantile(np.array(firsts), [low_q, high_q], axis=0).T
        ti = np.quantile(np.array(totals), [low_q, high_q], axis=0).T
    else:
        fi = ti = np.full((g, 2), np.nan)
    return SobolIndices(
        first_order=first,
        total=total,
        first_order_interval=fi,
        total_interval=ti,
        variance=float(np.var(np.concatenate([f_a, f_b]))),
    )


def sobol_analysis(
    model: Callable[[np.ndarray], np.ndarray],
    *,
    n: int,
    groups: Sequence[Sequence[int]],
    rng: np.random.Generator,
    bootstrap: int = 200,
) -> SobolIndices:
    """Design, evaluate ``model`` on the unit-cube rows, and estimate the indices."""
    design = saltelli_design(n=n, groups=groups, rng=rng)
    return sobol_indices(design, model(design.matrix), rng=rng, bootstrap=bootstrap)


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
