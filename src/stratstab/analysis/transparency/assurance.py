"""Assurance curves: missile defense against the other side's assured retaliation.

For the retaliating side R (by default the side facing the larger missile defense)
and the defending side D:

* **assurance curve**: for each size of R's arsenal (its force mix scaled), the
  largest number of D's interceptors at which R still lands its retaliation
  requirement after D's full counterforce strike, with the given confidence over a
  delegation's beliefs;
* **induced arsenal**: for each number of D's interceptors, the arsenal R needs
  (with that confidence) for assured retaliation, and the growth over R's arsenal
  needed at D's current interceptor count: the build-up a defense expansion induces
  under R's assured-retaliation reaction function.

Method: for every draw of the beliefs, R's reliable warheads launched after D's full
counterforce strike are computed on a grid of arsenal scales (the strike does not
depend on D's interceptors), and the expected leakers through D's defense on a grid
of interceptor counts (Wilkening's model, :func:`stratstab.models.defense.engage`).
"Confidence c" means: the requirement is met in at least a share c of the draws.
D's interceptor count and R's arsenal scale are the curves' axes, so beliefs about
them are set aside.

References: REFERENCES §2 (Wilkening 2000 engagement model) and §4 (assured-
retaliation reaction function); the exchange of :mod:`stratstab.analysis.reference.exchange_curves`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from stratstab.analysis.reference.exchange_curves import (
    launched_warheads,
    maximum_strike,
    strike_setup,
)
from stratstab.analysis.reference.inputs import Resolved, resolve
from stratstab.analysis.spec.beliefs import base_view, draws_to_levers, view_distributions
from stratstab.analysis.spec.scenario import Scenario
from stratstab.errors import InputError
from stratstab.models.defense import through_layers
from stratstab.models.exchange import counterforce_strike

Progress = Callable[[int], None]
DEFAULT_SCALES = np.geomspace(0.25, 8.0, 41)


def launched_after_full_strike(resolved: Resolved, victim: str, scales: np.ndarray) -> np.ndarray:
    """Reliable warheads ``victim`` launches after the other side's largest counterforce strike.

    One entry per scale factor on the victim's forces (same force mix).
    """
    striker = resolved.scenario.other(victim)
    out = np.empty(len(scales))
    for i, factor in enumerate(scales):
        forces = {**resolved.forces, victim: resolved.forces[victim].scaled(float(factor))}
        scaled = replace(resolved, forces=forces)
        targets, weapons = strike_setup(scaled, striker)
        outcome = counterforce_strike(
            targets=targets,
            weapons=weapons,
            warheads_used=[maximum_strike(targets, weapons)],
            fratricide=scaled.strike(striker).fratricide,
            lethal_radius_method=scaled.scenario.lethal_radius_method,
            launch_under_attack=scaled.launch_under_attack(victim),
        )
        out[i] = float(
            launched_warheads(forces[victim], outcome.surviving_warheads, scaled.scenario.use)[0]
        )
    return out


def leakers(
    resolved: Resolved, defender: str, launched: np.ndarray, interceptors: np.ndarray
) -> np.ndarray:
    """Expected leakers, shape ``(len(launched), len(interceptors))``.

    ``interceptors`` are the first layer's inventory; further layers keep their own.
    """
    first, *further = resolved.defense(defender).model_layers()
    rvs = np.asarray(launched, dtype=float)[:, None]
    grid = replace(first, interceptors=np.asarray(interceptors, dtype=float)[None, :])
    through_first = np.asarray(grid.engage(rvs).expected_leakers, dtype=float)
    through_all = through_layers(rvs=through_first, layers=further)
    return np.broadcast_to(np.asarray(through_all, dtype=float), (rvs.shape[0], len(interceptors)))


def max_interceptors(arriving: np.ndarray, need: float, interceptors: np.ndarray) -> np.ndarray:
    """Per row, the largest grid count still letting ``need`` arrive (-1: not even with none)."""
    ok = arriving >= need - 1e-9
    # Leakage falls as interceptors grow, so "ok" is a prefix of each row.
    count = ok.sum(axis=1)
    return np.where(count > 0, interceptors[np.maximum(count - 1, 0)], -1.0)


def min_scale(arriving: np.ndarray, need: float, scales: np.ndarray) -> np.ndarray:
    """Per column, the arsenal scale at which ``need`` first arrives.

    Linear interpolation between grid points.
    """
    out = np.full(arriving.shape[1], np.inf)
    for k in range(arriving.shape[1]):
        column = arriving[:, k]
        hit = np.flatnonzero(column >= need)
        if hit.size == 0:
            continue
        i = hit[0]
        if i == 0:
            out[k] = scales[0] * need / max(column[0], 1e-12)  # below the grid: proportional
            continue
        lo, hi = column[i - 1], column[i]
        out[k] = scales[i - 1] + (scales[i] - scales[i - 1]) * (need - lo) / max(hi - lo, 1e-12)
    return out


@dataclass(frozen=True)
class AssuranceCurves:
    """Both curves for one view, with the per-draw values behind them."""

    view: str | None
    side: str
    defender: str
    confidence: float
    deployed_warheads: float
    current_interceptors: int
    scales: np.ndarray
    interceptors: np.ndarray
    max_interceptors_draws: np.ndarray  # (draws, scales)
    required_warheads_draws: np.ndarray  # (draws, interceptor grid)

    def assurance_curve(self) -> np.ndarray:
        """Largest interceptor count met with the confidence, per arsenal scale (-1: none)."""
        return np.quantile(self.max_interceptors_draws, 1 - self.confidence, axis=0, method="lower")

    def induced_arsenal(self) -> np.ndarray:
        """Warheads needed with the confidence, per interceptor count."""
        return np.quantile(self.required_warheads_draws, self.confidence, axis=0, method="higher")

    def value_at(self, scale: float = 1.0) -> float:
        """The assurance curve interpolated at an arsenal scale (1: today's arsenal)."""
        return float(np.interp(np.log(scale), np.log(self.scales), self.assurance_curve()))

    def to_dict(self) -> dict[str, Any]:
        """Curves and key values as plain data."""
        induced = self.induced_arsenal()
        at_current = float(np.interp(self.current_interceptors, self.interceptors, induced))
        return {
            "view": self.view or "as written",
            "side": self.side,
            "defender": self.defender,
            "confidence": self.confidence,
            "draws": int(self.max_interceptors_draws.shape[0]),
            "deployed_warheads": self.deployed_warheads,
            "current_interceptors": self.current_interceptors,
            "max_interceptors_at_current_arsenal": int(np.floor(self.value_at(1.0))),
            "assurance_curve": {
                "warheads": (self.scales * self.deployed_warheads).tolist(),
                "max_interceptors": self.assurance_curve().tolist(),
            },
            "induced_arsenal": {
                "interceptors": self.interceptors.tolist(),
                "required_warheads": induced.tolist(),
                "growth_over_current_requirement": (induced - at_current).tolist(),
                "growth_over_deployed": np.maximum(induced - self.deployed_warheads, 0).tolist(),
            },
        }


def _draws(
    scenario: Scenario, view: str | None, side: str, defender: str, samples: int, seed: int
) -> list[dict[str, Any]]:
    if view is None:
        return [{}]
    dists = {
        k: d
        for k, d in view_distributions(scenario, view).items()
        if k not in (f"{defender}.interceptors", f"{side}.arsenal_scale")
    }
    if not dists:
        return [{}]
    arrays = draws_to_levers(dists, np.random.default_rng(seed).random((int(samples), len(dists))))
    return [
        {
            k: (
                int(v[i])
                if k.endswith((".interceptors", ".shots_per_rv", ".second_shots"))
                else float(v[i])
            )
            for k, v in arrays.items()
        }
        for i in range(int(samples))
    ]


def draw_count(scenario: Scenario, *, view: str | None, side: str, samples: int) -> int:
    """How many belief draws :func:`assurance_curves` evaluates for ``view`` (one for the
    scenario as written or a view without beliefs; ``samples`` otherwise)."""
    return len(_draws(scenario, view, side, scenario.other(side), samples, 0))


def assurance_curves(
    scenario: Scenario,
    *,
    view: str | None = None,
    side: str | None = None,
    confidence: float = 0.9,
    samples: int = 100,
    seed: int = 0,
    levers: dict[str, Any] | None = None,
    max_interceptors_count: int = 1000,
    scales: np.ndarray = DEFAULT_SCALES,
    progress: Progress | None = None,
) -> AssuranceCurves:
    """Both curves for ``side`` under ``view``'s beliefs (None: the scenario as written)."""
    if not 0.0 < confidence < 1.0:
        raise InputError(
            f"expected a confidence strictly between 0 and 1, got {confidence}", field="confidence"
        )
    written = resolve(scenario, base_view(scenario, view), levers)
    if side is None:
        side = max(scenario.sides, key=lambda s: written.defense(scenario.other(s)).interceptors)
    defender = scenario.other(side)
    grid = np.arange(0, int(max_interceptors_count) + 1, dtype=float)
    coarse = grid[:: max(1, len(grid) // 100)]
    rows_max, rows_required = [], []
    for done, draw in enumerate(_draws(scenario, view, side, defender, samples, seed), start=1):
        resolved = resolve(scenario, base_view(scenario, view), {**draw, **(levers or {})})
        need = resolved.retaliation_requirement(side)
        launched = launched_after_full_strike(resolved, side, scales)
        rows_max.append(max_interceptors(leakers(resolved, defender, launched, grid), need, grid))
        required = min_scale(leakers(resolved, defender, launched, coarse), need, scales)
        rows_required.append(required * resolved.forces[side].total_warheads)
        if progress is not None:
            progress(done)
    return AssuranceCurves(
        view=view,
        side=side,
        defender=defender,
        confidence=confidence,
        deployed_warheads=written.forces[side].total_warheads,
        current_interceptors=written.defense(defender).interceptors,
        scales=np.asarray(scales, dtype=float),
        interceptors=coarse,
        max_interceptors_draws=np.array(rows_max),
        required_warheads_draws=np.array(rows_required),
    )
