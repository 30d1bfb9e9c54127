"""Monte Carlo over each delegation's beliefs.

For a view (e.g. ``US-view``), lever values are drawn from the view's belief
distributions (:mod:`stratstab.analysis.spec.beliefs`) with a seeded generator and the
scenario is evaluated for every draw, on top of the view's assumption set.  The
result is, per delegation, the distribution of every headline output of
:func:`stratstab.analysis.assessment.evaluate.output_names` (crisis-stability index, survivors,
arriving warheads, required arsenal ...), its quantiles and the probability that each
side's assured retaliation holds.

Every view is sampled with the same seed (common random numbers), so the difference
between two views reflects their beliefs, not sampling noise.  The same seed gives
the same numbers bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from stratstab.analysis.assessment.evaluate import evaluate_many
from stratstab.analysis.batch.evaluate import evaluate_batch
from stratstab.analysis.batch.sides import evaluate_sides_batch
from stratstab.analysis.spec.beliefs import (
    base_view,
    draws_to_levers,
    view_distributions,
)
from stratstab.analysis.spec.scenario import Scenario
from stratstab.errors import InputError

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
Progress = Callable[[int], None]


def sample_levers(
    scenario: Scenario, view: str, n: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """``n`` draws of every lever the view holds a belief about, as arrays of length ``n``.

    Keys are lever keys in the order of the view's beliefs; whole-number levers
    (interceptors, shots per RV) are rounded.  Fixed beliefs give constant arrays.
    """
    if int(n) < 0:
        raise InputError(f"expected a sample count >= 0, got {n}", field="samples")
    distributions = view_distributions(scenario, view)
    return draws_to_levers(distributions, rng.random((int(n), len(distributions))))


def _evaluate(
    scenario: Scenario,
    lever_arrays: Mapping[str, np.ndarray],
    view: str | None,
    progress: Progress | None = None,
) -> dict[str, np.ndarray]:
    """Headline outputs for each row of ``lever_arrays`` (the vectorised batch path).

    Among three or more sides each row is assessed by the reference path (seconds a
    row), so progress is reported row by row.
    """
    arrays = {k: np.asarray(v) for k, v in lever_arrays.items()}
    if not arrays:  # one variant: the scenario under the view as is
        return evaluate_many(scenario, [{}], view=view, progress=progress)
    if len(scenario.sides) > 2:
        return evaluate_sides_batch(scenario, arrays, view=view, progress=progress)
    result = evaluate_batch(scenario, arrays, view=view)
    if progress is not None:
        progress(len(next(iter(arrays.values()))))
    return {k: np.asarray(v, dtype=float) for k, v in result.items()}


def summarise(values: np.ndarray) -> dict[str, float]:
    """Mean, standard deviation, min, max and the quantiles of :data:`QUANTILES`."""
    finite = values[np.isfinite(values)]
    out = {
        "mean": float(np.mean(finite)) if finite.size else float("nan"),
        "sd": float(np.std(finite)) if finite.size else float("nan"),
        "min": float(np.min(values)) if values.size else float("nan"),
        "max": float(np.max(values)) if values.size else float("nan"),
        "share_infinite": float(np.mean(~np.isfinite(values))) if values.size else 0.0,
    }
    for q in QUANTILES:
        out[f"q{round(q * 100):02d}"] = (
            float(np.quantile(values, q)) if values.size else float("nan")
        )
    return out


@dataclass(frozen=True)
class MonteCarloResult:
    """Draws and outputs of one view's Monte Carlo."""

    view: str
    seed: int
    inputs: dict[str, np.ndarray]
    outputs: dict[str, np.ndarray]
    sides: tuple[str, ...]

    @property
    def samples(self) -> int:
        """Number of draws."""
        return len(next(iter(self.outputs.values())))

    def p_assured_retaliation(self, side: str) -> float:
        """Share of draws in which ``side``'s assured retaliation holds."""
        return float(np.mean(self.outputs[f"{side}.assured_retaliation"] > 0.5))

    def summary(self) -> dict[str, Any]:
        """Quantiles of every output and of every sampled input, plus P(assured retaliation)."""
        return {
            "view": self.view,
            "samples": self.samples,
            "p_assured_retaliation": {s: self.p_assured_retaliation(s) for s in self.sides},
            "inputs": {k: summarise(v) for k, v in self.inputs.items()},
            "outputs": {k: summarise(v) for k, v in self.outputs.items()},
        }


def monte_carlo(
    scenario: Scenario, view: str, *, samples: int, seed: int, progress: Progress | None = None
) -> MonteCarloResult:
    """Draw ``samples`` lever sets from ``view``'s beliefs and evaluate each one."""
    rng = np.random.default_rng(seed)
    inputs = sample_levers(scenario, view, samples, rng)
    outputs = _evaluate(scenario, inputs, base_view(scenario, view), progress)
    return MonteCarloResult(
        view=view, seed=seed, inputs=inputs, outputs=outputs, sides=scenario.sides
    )


def as_written(scenario: Scenario) -> dict[str, float]:
    """Headline outputs of the scenario as written (the stand-in for the actual world)."""
    return {k: float(v[0]) for k, v in _evaluate(scenario, {}, None).items()}
