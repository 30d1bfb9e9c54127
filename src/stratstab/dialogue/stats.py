"""Small-sample statistics for vote counts: exact intervals, exact and permutation tests.

Delegations in a Track II dialogue hold 10–40 people, so every claim made from their
votes carries an exact interval or an exact (or permutation) p-value next to the raw
counts; the Pol.is z-scores are kept only where Pol.is itself uses them (repness).

Pure functions; randomness only through an explicit ``numpy.random.Generator``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import stats as scipy_stats

#: One-sided 90 % critical value Pol.is uses for all its z-tests.
POLIS_Z_90 = 1.2816


def clopper_pearson_interval(
    *, successes: int, trials: int, confidence: float = 0.95
) -> tuple[float, float]:
    """Exact (Clopper–Pearson) two-sided interval for a binomial proportion.

    Chosen over Wilson because its coverage is guaranteed at least ``confidence`` for
    every true proportion and every n, which matters at 10–40 voters; the price is a
    slightly wider interval.  ``trials == 0`` gives the uninformative (0, 1).

    Computed by SciPy: ``binomtest(k, n).proportion_ci(method="exact")``, memoised per
    distinct (k, n, confidence).

    References: Clopper & Pearson (1934), Biometrika 26(4):404–413.
    """
    if trials < 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials, got {successes}/{trials}")
    if trials == 0:
        return 0.0, 1.0
    return _exact_interval(int(successes), int(trials), float(confidence))


@lru_cache(maxsize=8192)
def _exact_interval(successes: int, trials: int, confidence: float) -> tuple[float, float]:
    # Counts in a dialogue are small integers that repeat across statements, groups and
    # every recompute, so the (comparatively slow) root search in SciPy runs once per
    # distinct (k, n, confidence).
    interval = scipy_stats.binomtest(successes, trials).proportion_ci(
        confidence_level=confidence, method="exact"
    )
    return float(interval.low), float(interval.high)


def polis_prop_test(*, successes: float, trials: float) -> float:
    """Pol.is one-proportion z-score against 1/2, with a +1 pseudo-count on both counts.

    References: compdemocracy/polis, math/src/polismath/math/stats.clj (``prop-test``).
    """
    successes, trials = successes + 1.0, trials + 1.0
    return 2.0 * math.sqrt(trials) * (successes / trials - 0.5)


def polis_two_prop_test(
    *, successes_in: float, successes_out: float, trials_in: float, trials_out: float
) -> float:
    """Pol.is two-proportion z-score (group vs rest), +1 pseudo-count on all four counts.

    Returns 0 when the pooled proportion is 1, as Pol.is does.

    References: compdemocracy/polis, math/src/polismath/math/stats.clj (``two-prop-test``).
    """
    s_in, s_out = successes_in + 1.0, successes_out + 1.0
    n_in, n_out = trials_in + 1.0, trials_out + 1.0
    pooled = (s_in + s_out) / (n_in + n_out)
    if pooled >= 1.0:
        return 0.0
    spread = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n_in + 1.0 / n_out))
    return (s_in / n_in - s_out / n_out) / spread


def fisher_greater_p_value(
    *, successes_in: int, trials_in: int, successes_out: int, trials_out: int
) -> float:
    """One-sided Fisher exact p-value that the 'in' proportion exceeds the 'out' one.

    References: Fisher (1922), J. R. Stat. Soc. 85(1):87–94; scipy.stats.fisher_exact.
    """
    if trials_in == 0 or trials_out == 0:
        return 1.0
    table = [
        [successes_in, trials_in - successes_in],
        [successes_out, trials_out - successes_out],
    ]
    return float(scipy_stats.fisher_exact(table, alternative="greater").pvalue)


def rate_spread_p_value(
    *,
    successes: np.ndarray,
    trials: np.ndarray,
    rng: np.random.Generator,
    n_permutations: int = 4000,
) -> float:
    """p-value that success rates differ between groups, statistic max − min rate.

    Conditional on the group sizes and the total number of successes (a permutation
    test of the group labels).  Two groups: the null distribution of the first group's
    successes is hypergeometric and is enumerated exactly.  More groups: Monte Carlo
    draws from the multivariate hypergeometric law with ``rng``; the estimate
    (1 + hits) / (1 + draws) is never zero.  Groups with no trials are ignored.

    References: Good (2005), *Permutation, Parametric and Bootstrap Tests of
    Hypotheses*, ch. 3; Phipson & Smyth (2010), Stat. Appl. Genet. Mol. Biol. 9(1):39.
    """
    successes = np.asarray(successes, dtype=np.int64)
    trials = np.asarray(trials, dtype=np.int64)
    keep = trials > 0
    successes, trials = successes[keep], trials[keep]
    if trials.size < 2:
        return 1.0
    observed = _spread(successes[None, :], trials)[0]
    total = int(successes.sum())
    # a tiny tolerance so that ties with the observed statistic count as 'as extreme'
    tolerance = 1e-12
    if trials.size == 2:
        first = np.arange(max(0, total - trials[1]), min(trials[0], total) + 1)
        table = np.stack([first, total - first], axis=1)
        weights = scipy_stats.hypergeom.pmf(first, trials.sum(), total, trials[0])
        extreme = _spread(table, trials) >= observed - tolerance
        return float(min(1.0, weights[extreme].sum()))
    draws = rng.multivariate_hypergeometric(trials, total, size=n_permutations)
    hits = int((_spread(draws, trials) >= observed - tolerance).sum())
    return (1.0 + hits) / (1.0 + n_permutations)


def _spread(successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    rates = successes / trials
    return rates.max(axis=1) - rates.min(axis=1)


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values), same order as the input.

    Computed by SciPy: ``scipy.stats.false_discovery_control(p, method="bh")``.

    References: Benjamini & Hochberg (1995), J. R. Stat. Soc. B 57(1):289–300.
    """
    p_values = np.asarray(p_values, dtype=float)
    if p_values.size == 0:
        return p_values.copy()
    return np.asarray(scipy_stats.false_discovery_control(p_values, method="bh"), dtype=float)


# --------------------------------------------------------------------------- groupings


@dataclass(frozen=True)
class GroupCounts:
    """Vote counts per group (rows) and statement (columns); ``seen`` includes passes."""

    agree: np.ndarray
    disagree: np.ndarray
    seen: np.ndarray


def count_by_group(*, values: np.ndarray, labels: np.ndarray, n_groups: int) -> GroupCounts:
    """Count agree / disagree / any vote per group; rows with label < 0 are left out."""
    shape = (n_groups, values.shape[1])
    agree, disagree, seen = np.zeros(shape, int), np.zeros(shape, int), np.zeros(shape, int)
    for group in range(n_groups):
        rows = values[labels == group]
        agree[group] = (rows == 1).sum(axis=0)
        disagree[group] = (rows == -1).sum(axis=0)
        seen[group] = (~np.isnan(rows)).sum(axis=0)
    return GroupCounts(agree, disagree, seen)


def count_block(*, agree: int, disagree: int, seen: int, confidence: float) -> dict[str, Any]:
    """Counts of one statement within one set of voters, with the exact agree-rate interval.

    ``agree_rate`` is agree / (agree + disagree): a pass is shown but changes no rate.
    """
    sided = agree + disagree
    low, high = clopper_pearson_interval(successes=agree, trials=sided, confidence=confidence)
    return {
        "agree": agree,
        "disagree": disagree,
        "pass": seen - sided,
        "n": seen,
        "agree_rate": agree / sided if sided else None,
        "agree_rate_interval": [low, high],
    }


@dataclass(frozen=True)
class GroupingReport:
    """Per-statement counts by group, bridging and crux statements for one grouping."""

    blocks: list[dict[str, dict[str, Any]]]
    bridging: list[dict[str, Any]]
    cruxes: list[dict[str, Any]]


def grouping_report(
    *,
    values: np.ndarray,
    labels: np.ndarray,
    names: list[str],
    eligible: np.ndarray,
    seed: int,
    confidence: float,
    kind: str,
) -> GroupingReport:
    """Compare a grouping of the voters (delegations or opinion groups) statement by statement.

    Bridging: in *every* group a majority of those taking a side agrees; ``significant``
    when every group's exact lower bound is above 1/2, otherwise the entry says
    "majority but not significant".  Crux: one group's majority agrees while another's
    disagrees; p-value of the spread of agree rates by a permutation test
    (:func:`rate_spread_p_value`), q-value by Benjamini–Hochberg over all statements
    tested.  Participants with label < 0 are left out; needs at least two groups.
    """
    n_groups = len(names)
    counts = count_by_group(values=values, labels=labels, n_groups=n_groups)
    agree, disagree, seen = counts.agree, counts.disagree, counts.seen
    blocks = [
        {
            names[g]: count_block(
                agree=int(agree[g, s]),
                disagree=int(disagree[g, s]),
                seen=int(seen[g, s]),
                confidence=confidence,
            )
            for g in range(n_groups)
        }
        for s in range(values.shape[1])
    ]
    if n_groups < 2:
        return GroupingReport(blocks, [], [])
    bridging, tested = [], []
    for column in np.flatnonzero(eligible):
        block = blocks[column]
        rates = [b["agree_rate"] for b in block.values()]
        if any(rate is None for rate in rates):
            continue  # a group with no side taken cannot be said to agree or split
        lows = [b["agree_rate_interval"][0] for b in block.values()]
        base = {"statement_index": int(column), "grouping": kind, "by": block}
        if min(rates) > 0.5:
            significant = min(lows) > 0.5
            bridging.append(
                {
                    **base,
                    "min_agree_rate": min(rates),
                    "min_lower_bound": min(lows),
                    "significant": significant,
                    "note": None if significant else "majority but not significant",
                }
            )
        sided = agree[:, column] + disagree[:, column]
        # canonical group order, so that renaming groups cannot change a Monte Carlo draw
        order = np.lexsort((agree[:, column], sided))
        p_value = rate_spread_p_value(
            successes=agree[order, column],
            trials=sided[order],
            rng=np.random.default_rng([seed, int(column)]),
        )
        highest, lowest = names[int(np.argmax(rates))], names[int(np.argmin(rates))]
        tested.append((base, max(rates), min(rates), highest, lowest, p_value))
    q_values = benjamini_hochberg(np.array([entry[-1] for entry in tested]))
    cruxes = [
        {
            **base,
            "highest": highest,
            "lowest": lowest,
            "agree_rate_difference": high - low,
            "p_value": p_value,
            "q_value": float(q),
            "significant": bool(q < 0.05),
        }
        for (base, high, low, highest, lowest, p_value), q in zip(tested, q_values, strict=True)
        if high > 0.5 > low
    ]
    bridging.sort(key=lambda e: (not e["significant"], -e["min_lower_bound"], e["statement_index"]))
    cruxes.sort(key=lambda e: (e["p_value"], -e["agree_rate_difference"], e["statement_index"]))
    return GroupingReport(blocks, bridging, cruxes)
