"""Pol.is representativeness ("repness") and consensus statistics, vectorised.

For each opinion group g and statement s Pol.is counts agrees (na), disagrees (nd) and
all votes seen including passes (ns), then forms

* pa = (na + 1) / (ns + 2), pd = (nd + 1) / (ns + 2)       (Laplace-style priors)
* pat, pdt: one-proportion z against 1/2 with +1 pseudo-counts
* ra = pa / ((Σ_rest na + 1) / (Σ_rest ns + 2)), rd likewise  (group vs the other groups)
* rat, rdt: two-proportion z of the group against the other groups,

and selects up to five representative statements per group with the 90 % one-sided
threshold z > 1.2816.  Each pick here also carries a one-sided Fisher exact p-value of
the group against the rest, so that small groups are never judged on z-scores alone.

References: compdemocracy/polis ``math/src/polismath/math/repness.clj``
(``comment-stats``, ``add-comparitive-stats``, ``select-rep-comments``,
``select-consensus-comments``) and ``conversation.clj`` (``:group-aware-consensus``).
"""

from __future__ import annotations

import numpy as np

from stratstab.dialogue.stats import (
    POLIS_Z_90,
    GroupCounts,
    fisher_greater_p_value,
    polis_prop_test,
    polis_two_prop_test,
)


def _comment_stats(na: int, nd: int, ns: int) -> dict[str, float]:
    return {
        "na": na,
        "nd": nd,
        "ns": ns,
        "pa": (na + 1) / (ns + 2),
        "pd": (nd + 1) / (ns + 2),
        "pat": polis_prop_test(successes=na, trials=ns),
        "pdt": polis_prop_test(successes=nd, trials=ns),
    }


def repness_stats(counts: GroupCounts) -> list[list[dict[str, float]]]:
    """Pol.is per-group, per-statement statistics (``[group][statement]`` dicts)."""
    totals = (counts.agree.sum(0), counts.disagree.sum(0), counts.seen.sum(0))
    table = []
    for group in range(counts.agree.shape[0]):
        row = []
        for column in range(counts.agree.shape[1]):
            na, nd, ns = (
                int(c[group, column]) for c in (counts.agree, counts.disagree, counts.seen)
            )
            rest_a, rest_d, rest_s = (
                int(t[column]) - own for t, own in zip(totals, (na, nd, ns), strict=True)
            )
            stat = _comment_stats(na, nd, ns)
            stat["ra"] = stat["pa"] / ((rest_a + 1) / (rest_s + 2))
            stat["rd"] = stat["pd"] / ((rest_d + 1) / (rest_s + 2))
            stat["rat"] = polis_two_prop_test(
                successes_in=na, successes_out=rest_a, trials_in=ns, trials_out=rest_s
            )
            stat["rdt"] = polis_two_prop_test(
                successes_in=nd, successes_out=rest_d, trials_in=ns, trials_out=rest_s
            )
            stat.update(rest_a=rest_a, rest_d=rest_d, rest_s=rest_s, column=column)
            row.append(stat)
        table.append(row)
    return table


def _finalize(stat: dict[str, float], *, best_agree: bool = False) -> dict[str, object]:
    # Pol.is attaches the agree count to its 'best agree' pick and shows it as agreement,
    # so that pick is always reported in the agree direction.
    agree = best_agree or stat["rat"] > stat["rdt"]
    key = "a" if agree else "d"
    successes_out = stat["rest_" + key]
    return {
        "column": int(stat["column"]),
        "direction": "agree" if agree else "disagree",
        "n_success": int(stat["n" + key]),
        "n_trials": int(stat["ns"]),
        "p_success": float(stat["p" + key]),
        "p_test": float(stat["p" + key + "t"]),
        "repness": float(stat["r" + key]),
        "repness_test": float(stat["r" + key + "t"]),
        "best_agree": best_agree,
        # exact one-sided check of the same claim (group share above the rest's share)
        "p_value": fisher_greater_p_value(
            successes_in=int(stat["n" + key]),
            trials_in=int(stat["ns"]),
            successes_out=int(successes_out),
            trials_out=int(stat["rest_s"]),
        ),
    }


def _passes(stat: dict[str, float]) -> bool:
    agree = stat["rat"] > POLIS_Z_90 and stat["pat"] > POLIS_Z_90
    return agree or (stat["rdt"] > POLIS_Z_90 and stat["pdt"] > POLIS_Z_90)


def _beats_best_agree(stat: dict[str, float], best: dict[str, float] | None) -> bool:
    if stat["na"] == 0 and stat["nd"] == 0:
        return False
    if best is not None and best["ra"] > 1.0:
        keys = ("ra", "rat", "pa", "pat")
        return float(np.prod([stat[k] for k in keys])) > float(np.prod([best[k] for k in keys]))
    if best is not None:
        return stat["pa"] * stat["pat"] > best["pa"] * best["pat"]
    return stat["pat"] > POLIS_Z_90 or (stat["ra"] > 1.0 and stat["pa"] > 0.5)


def _metric(pick: dict[str, object]) -> float:
    keys = ("repness", "repness_test", "p_success", "p_test")
    return float(np.prod([float(pick[k]) for k in keys]))  # type: ignore[arg-type]


def select_representative(
    group_stats: list[dict[str, float]], *, eligible: np.ndarray, max_count: int = 5
) -> list[dict[str, object]]:
    """Pol.is's choice of representative statements for one group, in Pol.is's order.

    Statements passing both 90 % tests (repness and majority) in one direction are
    'sufficient'; the best agreed statement is put first; at most ``max_count``, agrees
    before disagrees.  If none passes, the single best by test (or best agree) is kept.
    """
    sufficient: list[dict[str, object]] = []
    best: dict[str, object] | None = None
    best_agree: dict[str, float] | None = None
    for stat in group_stats:
        if not eligible[int(stat["column"])]:
            continue
        if _passes(stat):
            sufficient.append(_finalize(stat))
        best_z = None if best is None else float(best["repness_test"])  # type: ignore[arg-type]
        if not sufficient and (best_z is None or max(stat["rat"], stat["rdt"]) > best_z):
            best = _finalize(stat)
        if _beats_best_agree(stat, best_agree):
            best_agree = stat
    head = [_finalize(best_agree, best_agree=True)] if best_agree is not None else []
    if not sufficient:
        return head or ([best] if best is not None else [])
    agree_column = head[0]["column"] if head else None
    rest = sorted(
        (pick for pick in sufficient if pick["column"] != agree_column), key=lambda p: -_metric(p)
    )
    chosen = (head + rest)[:max_count]
    return [p for p in chosen if p["direction"] == "agree"] + [
        p for p in chosen if p["direction"] == "disagree"
    ]


def consensus_selection(
    counts: GroupCounts, *, eligible: np.ndarray, max_count: int = 5
) -> dict[str, list[int]]:
    """Pol.is's overall consensus statements: up to five agreed and five disagreed.

    A statement qualifies for 'agree' when pa > 1/2 and pat > 1.2816 over everyone
    (``counts`` with a single row), ranked by pa·pat; likewise for 'disagree'.
    """
    stats = [
        _comment_stats(int(a), int(d), int(s))
        for a, d, s in zip(counts.agree[0], counts.disagree[0], counts.seen[0], strict=True)
    ]
    chosen: dict[str, list[int]] = {}
    for direction, p, z in (("agree", "pa", "pat"), ("disagree", "pd", "pdt")):
        qualified = [
            (-(stat[p] * stat[z]), column)
            for column, stat in enumerate(stats)
            if eligible[column] and stat[p] > 0.5 and stat[z] > POLIS_Z_90
        ]
        chosen[direction] = [column for _, column in sorted(qualified)[:max_count]]
    return chosen


def group_informed_consensus(counts: GroupCounts, *, agree: bool = True) -> np.ndarray:
    """Product over groups of (agree + 1) / (seen + 2) (or of disagrees), per statement."""
    hits = counts.agree if agree else counts.disagree
    return np.prod((hits + 1.0) / (counts.seen + 2.0), axis=0)
