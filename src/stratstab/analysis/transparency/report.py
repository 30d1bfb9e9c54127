"""The transparency study: package enumeration, Pareto set, gradual sequence, spread.

:func:`transparency_study` evaluates reciprocal packages (both sides give the same
measures) and non-reciprocal ones (one side gives) of up to ``max_measures``
measures, marks the Pareto-efficient packages (benefit up, each side's survivability
cost down), picks the best two of each kind (largest benefit minus total cost among
the efficient ones) and builds the gradual sequence: every single (giver, measure)
item ordered by benefit per unit of its giver's cost, with the cumulative effect
of taking the items in that order.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from stratstab.analysis.spec.beliefs import base_view, draws_to_levers
from stratstab.analysis.transparency.measures import (
    Context,
    Package,
    _effects,
    evaluate_packages,
)
from stratstab.analysis.uncertainty.monte_carlo import _evaluate, summarise
from stratstab.models.transparency import gradual_sequence, narrowed_beliefs, pareto_front

Progress = Callable[[int], None]


def enumerate_packages(ctx: Context, *, max_measures: int) -> list[Package]:
    """Reciprocal and one-sided packages of 1..max_measures measures, plus 'everything'."""
    ids = [m.id for m in ctx.catalogue.measures]
    sides = ctx.scenario.sides
    subsets = [c for k in range(1, max_measures + 1) for c in itertools.combinations(ids, k)]
    if len(ids) > max_measures:
        subsets.append(tuple(ids))
    packages = []
    for subset in subsets:
        packages.append(Package(tuple((s, m) for s in sides for m in subset)))
        for side in sides:
            packages.append(Package(tuple((side, m) for m in subset)))
    return packages


def single_items(ctx: Context) -> list[Package]:
    """One package per (giver, measure)."""
    return [Package(((s, m.id),)) for m in ctx.catalogue.measures for s in ctx.scenario.sides]


def _net(row: dict[str, Any]) -> float:
    return row["benefit"] - sum(row["cost"].values())


def mark_pareto(rows: list[dict[str, Any]], sides: tuple[str, str]) -> None:
    """Flag each row ``pareto`` (benefit up, each side's cost down)."""
    objectives = np.array([[r["benefit"], *(r["cost"][s] for s in sides)] for r in rows])
    for row, efficient in zip(
        rows, pareto_front(objectives, maximize=[True, False, False]), strict=True
    ):
        row["pareto"] = bool(efficient)


def best_packages(rows: list[dict[str, Any]], kind: str, count: int = 2) -> list[dict[str, Any]]:
    """The ``count`` efficient packages of ``kind`` with the largest benefit minus cost."""
    chosen = [r for r in rows if r["kind"] == kind and r.get("pareto") and r["benefit"] > 0]
    out: list[dict[str, Any]] = []
    seen: set[tuple[float, ...]] = set()
    for row in sorted(chosen, key=lambda r: (-_net(r), len(r["items"]))):
        # A bigger package with exactly the same effect adds nothing: keep the smallest.
        effect = tuple(round(x, 9) for x in (row["benefit"], *row["cost"].values()))
        if effect not in seen:
            seen.add(effect)
            out.append(row)
    return out[:count]


def sequence(
    ctx: Context, singles: list[dict[str, Any]], progress: Progress | None = None
) -> list[dict[str, Any]]:
    """Items by benefit per unit of giver's cost, with cumulative package results."""
    gains = [r["benefit"] for r in singles[1:]]
    costs = [r["cost"][r["items"][0][0]] for r in singles[1:]]
    order = [i for i in gradual_sequence(gains, costs) if gains[i] > 0]
    items = [tuple(singles[1:][i]["items"][0]) for i in order]
    cumulative = evaluate_packages(
        ctx, [Package(tuple(items[:k])) for k in range(1, len(items) + 1)], progress
    )[1:]
    return [
        {
            "step": k + 1,
            "item": f"{items[k][0]}:{items[k][1]}",
            "item_benefit": gains[order[k]],
            "item_cost_to_giver": costs[order[k]],
            "cumulative": cumulative[k],
        }
        for k in range(len(items))
    ]


def transparency_study(
    ctx: Context, *, max_measures: int = 2, progress: Progress | None = None
) -> dict[str, Any]:
    """Singles, packages, Pareto set, best packages by kind and the gradual sequence."""
    singles = evaluate_packages(ctx, single_items(ctx), progress)
    rows = evaluate_packages(ctx, enumerate_packages(ctx, max_measures=max_measures), progress)
    mark_pareto(rows, ctx.scenario.sides)
    return {
        "views": ctx.views,
        "baseline": rows[0],
        "items": singles[1:],
        "packages": rows[1:],
        "best": {
            "reciprocal": best_packages(rows, "reciprocal"),
            "non-reciprocal": best_packages(rows, "non-reciprocal"),
        },
        "sequence": sequence(ctx, singles, progress),
        "measures": [m.model_dump() for m in ctx.catalogue.measures],
    }


def package_spread(
    ctx: Context,
    package: Package,
    view: str,
    *,
    samples: int,
    seed: int,
    outputs: list[str] | None = None,
) -> dict[str, Any]:
    """One view's output distribution before and after a package (common random numbers)."""
    exposure, narrowing = _effects(ctx, package)
    before = ctx.beliefs[view]
    after = narrowed_beliefs(before, factors=narrowing[view], exposure=exposure, truth=ctx.truth)
    uniforms = np.random.default_rng(seed).random((int(samples), len(before)))
    results = {}
    for label, dists in (("before", before), ("after", after)):
        levers = draws_to_levers(dists, uniforms)
        for key, factor in exposure.items():
            levers.setdefault(key, np.full(int(samples), ctx.truth[key] * factor))
        if label == "before":
            levers = {k: v for k, v in levers.items() if k in before}
        values = _evaluate(ctx.scenario, levers, base_view(ctx.scenario, view))
        results[label] = {
            k: summarise(v) for k, v in values.items() if outputs is None or k in outputs
        }
    return {"view": view, "package": package.name, "samples": samples, "seed": seed, **results}
