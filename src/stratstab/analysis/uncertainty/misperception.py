"""Misperception: one scenario under each delegation's beliefs, side by side.

For each output the report gives every view's median, the gap between the views
(second minus first) and each view's bias against the scenario as written (the
stand-in for the actual world).  The parameters that drive the gap are found by a
variance-based (Sobol) analysis over the *pooled* beliefs: each uncertain parameter
is drawn from one delegation's belief chosen at random (one uniform column picks the
delegation, another the quantile), so its index counts both the delegations'
disagreement about it and their uncertainty about it.  A parameter on which the
delegations agree and are sure scores zero.

References: Saltelli et al. (2010) and Jansen (1999) via
:mod:`stratstab.analysis.uncertainty.sensitivity`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from stratstab.analysis.reference.values import actual_values
from stratstab.analysis.spec.beliefs import (
    belief_views,
    is_integer_lever,
    view_distributions,
)
from stratstab.analysis.spec.scenario import Scenario
from stratstab.analysis.uncertainty.monte_carlo import (
    MonteCarloResult,
    _evaluate,
    as_written,
    monte_carlo,
)
from stratstab.analysis.uncertainty.sensitivity import (
    SobolIndices,
    design_rows,
    ranking_warning,
    saltelli_design,
    sobol_indices,
)
from stratstab.errors import InputError
from stratstab.models.uncertainty import Distribution, Fixed

Progress = Callable[[int], None]


def key_outputs(sides: tuple[str, ...]) -> list[str]:
    """Outputs whose drivers the report ranks: the index and each side's retaliation.

    Among three or more sides: the system index, every pair's index and each side's
    required arsenal (against every adversary).
    """
    out = ["crisis_stability_index"]
    if len(sides) > 2:
        out += [
            f"{a}-{b}.crisis_stability_index" for i, a in enumerate(sides) for b in sides[i + 1 :]
        ]
        return out + [f"{side}.required_arsenal" for side in sides]
    for side in sides:
        out += [f"{side}.arriving_after_full_counterforce", f"{side}.required_arsenal"]
    return out


def pooled_distributions(scenario: Scenario, views: list[str]) -> dict[str, list[Distribution]]:
    """Per parameter, each view's belief (a fixed actual value where a view has none)."""
    per_view = [view_distributions(scenario, v) for v in views]
    keys = list(dict.fromkeys(k for d in per_view for k in d))
    actual = actual_values(scenario, keys)
    return {k: [d.get(k, Fixed(actual[k])) for d in per_view] for k in keys}


def _uncertain(pooled: dict[str, list[Distribution]]) -> dict[str, list[Distribution]]:
    """Parameters whose pooled belief is not one single point."""
    out = {}
    for key, dists in pooled.items():
        means = {round(d.mean(), 12) for d in dists}
        if len(means) > 1 or any(d.variance() > 0 for d in dists):
            out[key] = dists
    return out


def pooled_levers(pooled: dict[str, list[Distribution]], unit: np.ndarray) -> dict[str, np.ndarray]:
    """Lever arrays from unit rows: columns ``2j`` pick the view, ``2j + 1`` the quantile."""
    out: dict[str, np.ndarray] = {}
    for j, (key, dists) in enumerate(pooled.items()):
        choice = np.minimum((unit[:, 2 * j] * len(dists)).astype(int), len(dists) - 1)
        values = np.empty(unit.shape[0])
        for i, dist in enumerate(dists):
            rows = choice == i
            values[rows] = dist.ppf(unit[rows, 2 * j + 1])
        out[key] = np.rint(values) if is_integer_lever(key) else values
    return out


@dataclass(frozen=True)
class GapDrivers:
    """Sobol indices over the pooled beliefs, per key output."""

    parameters: list[str]
    indices: dict[str, SobolIndices]
    base_samples: int

    def mean_indices(self) -> dict[str, np.ndarray]:
        """Indices and interval bounds averaged over the key outputs, per parameter."""
        parts = list(self.indices.values())
        return {
            "first_order": np.mean([ix.first_order for ix in parts], axis=0),
            "total": np.mean([ix.total for ix in parts], axis=0),
            "first_order_interval": np.mean([ix.first_order_interval for ix in parts], axis=0),
            "total_interval": np.mean([ix.total_interval for ix in parts], axis=0),
        }

    def ranking(self) -> list[tuple[str, float]]:
        """Parameters by mean total index over the key outputs, largest first."""
        if not self.parameters or not self.indices:
            return []
        totals = np.clip(self.mean_indices()["total"], 0, None)
        order = np.argsort(-totals, kind="stable")
        return [(self.parameters[i], float(totals[i])) for i in order]

    def warning(self) -> str | None:
        """Why the mean total indices cannot rank the drivers (None if they can)."""
        if not self.indices:
            return None
        mean = self.mean_indices()
        return ranking_warning(
            mean["total"], mean["total_interval"], mean["first_order"], mean["first_order_interval"]
        )

    def to_dict(self) -> dict[str, Any]:
        """Indices per output and parameter, with 90 % bootstrap intervals."""
        mean = self.mean_indices() if self.indices else None
        return {
            "method": "Sobol indices over pooled delegation beliefs, computed by SALib "
            "(Saltelli design on a scrambled Sobol sequence; Saltelli 2010 first order, "
            "Jansen 1999 total, 90 % bootstrap intervals)",
            "base_samples": self.base_samples,
            "ranking_resolved": self.warning() is None,
            "warning": self.warning(),
            "ranking": [
                {
                    "parameter": p,
                    "mean_total_index": v,
                    "mean_total_interval": mean["total_interval"][self.parameters.index(p)].tolist()
                    if mean is not None
                    else None,
                }
                for p, v in self.ranking()
            ],
            "per_output": {
                output: {
                    p: {
                        "first_order": float(ix.first_order[i]),
                        "total": float(ix.total[i]),
                        "first_order_interval": ix.first_order_interval[i].tolist(),
                        "total_interval": ix.total_interval[i].tolist(),
                    }
                    for i, p in enumerate(self.parameters)
                }
                for output, ix in self.indices.items()
            },
        }


def gap_drivers(
    scenario: Scenario,
    views: list[str],
    *,
    base_samples: int,
    seed: int,
    progress: Progress | None = None,
) -> GapDrivers:
    """Sobol indices of the key outputs over the views' pooled beliefs."""
    pooled = _uncertain(pooled_distributions(scenario, views))
    outputs = key_outputs(scenario.sides)
    if not pooled or base_samples < 2:
        return GapDrivers(parameters=list(pooled), indices={}, base_samples=base_samples)
    design = saltelli_design(
        n=base_samples, groups=[[2 * j, 2 * j + 1] for j in range(len(pooled))], seed=seed
    )
    results = _evaluate(scenario, pooled_levers(pooled, design.matrix), None, progress)
    indices = {o: sobol_indices(design, results[o], seed=seed + 1) for o in outputs}
    return GapDrivers(parameters=list(pooled), indices=indices, base_samples=design.n)


@dataclass(frozen=True)
class Misperception:
    """Each view's Monte Carlo, the as-written outputs, the gaps and their drivers."""

    scenario: Scenario
    views: list[str]
    seed: int
    actual: dict[str, float]
    results: dict[str, MonteCarloResult]
    drivers: GapDrivers

    def gaps(self) -> dict[str, dict[str, float]]:
        """Per output: each view's median and bias against the actual, and the view gap."""
        out: dict[str, dict[str, float]] = {}
        for name, actual in self.actual.items():
            row: dict[str, float] = {"actual": actual}
            medians = []
            for view in self.views:
                median = float(np.quantile(self.results[view].outputs[name], 0.5))
                medians.append(median)
                row[f"{view}.median"] = median
                row[f"{view}.bias"] = median - actual
            if len(medians) >= 2:
                row["gap"] = medians[1] - medians[0]
            out[name] = row
        return out


def misperception(
    scenario: Scenario,
    *,
    views: list[str] | None = None,
    samples: int,
    seed: int,
    sobol_samples: int,
    progress: Progress | None = None,
) -> Misperception:
    """Monte Carlo under each view (common random numbers) and the pooled gap drivers."""
    chosen = views if views is not None else belief_views(scenario)[:2]
    if not chosen:
        raise InputError(
            "the scenario has no beliefs or assumption sets to compare",
            source=scenario.source,
            field="beliefs",
        )
    done = 0

    def step(offset: int) -> Progress | None:
        return None if progress is None else (lambda k: progress(offset + k))

    results = {}
    for view in chosen:
        results[view] = monte_carlo(scenario, view, samples=samples, seed=seed, progress=step(done))
        done += samples
    drivers = gap_drivers(
        scenario, chosen, base_samples=sobol_samples, seed=seed, progress=step(done)
    )
    return Misperception(
        scenario=scenario,
        views=chosen,
        seed=seed,
        actual=as_written(scenario),
        results=results,
        drivers=drivers,
    )


def evaluations_needed(
    scenario: Scenario, views: list[str], *, samples: int, sobol_samples: int
) -> int:
    """How many scenario evaluations :func:`misperception` runs (for progress bars)."""
    pooled = _uncertain(pooled_distributions(scenario, views))
    sobol = design_rows(sobol_samples, len(pooled)) if pooled and sobol_samples >= 2 else 0
    return samples * len(views) + sobol
