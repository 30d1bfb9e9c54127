"""Assured-retaliation reaction functions for many variants: a vectorised bisection.

The batch counterpart of :mod:`stratstab.analysis.arms_race_analysis`.  For each side
it stacks five problems per variant (as written; the other side's arsenal scaled by
1 ± 0.1; the other side's interceptors ± delta), and finds the smallest factor on the
side's forces that meets its retaliation requirement by the same doubling and
bisection as the reference, run on all 5 N problems at once.  Problems that have
converged leave the working set, so each step costs only what is still open.

References
----------
REFERENCES §4 (assured-retaliation reaction function, reaction-slope stability).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stratstab.analysis.arms_race_analysis import BISECTION_STEPS, MAX_SCALE
from stratstab.analysis.batch_exchange import (
    StrikePlan,
    arriving,
    full_strike_launched,
    weapon_counts,
)
from stratstab.analysis.batch_inputs import BatchDefense, BatchResolved, BatchSide

SLOPE_STEP = 0.1  # relative change of the other side's arsenal for the arsenal slope
TOLERANCE = 1e-6  # relative width at which the bisection stops (as the reference)


@dataclass(frozen=True)
class _Problems:
    """Stacked retaliation problems: ``side`` is the victim of the other's full strike."""

    victim: BatchSide
    counts: np.ndarray
    defense: BatchDefense
    launch_under_attack: np.ndarray
    need: np.ndarray
    plan: StrikePlan

    def landed(self, rows: np.ndarray, factor: np.ndarray) -> np.ndarray:
        """Warheads arriving in retaliation when the victim's forces are scaled by ``factor``."""
        victim = self.victim.rows(rows).scaled(factor)
        counts = self.counts[rows]
        launched = full_strike_launched(
            self.plan,
            counts=counts,
            victim=victim,
            launch_under_attack=self.launch_under_attack[rows],
        )
        return arriving(launched[:, None], self.defense.rows(rows))[:, 0]

    def rows(self, index: np.ndarray) -> _Problems:
        """The problems at ``index``."""
        return _Problems(
            victim=self.victim.rows(index),
            counts=self.counts[index],
            defense=self.defense.rows(index),
            launch_under_attack=self.launch_under_attack[index],
            need=self.need[index],
            plan=self.plan,
        )


def required_scale(
    problems: _Problems, size: int, *, landed_at_one: np.ndarray | None = None
) -> np.ndarray:
    """Smallest factor meeting each problem's requirement (``inf`` beyond ``MAX_SCALE``).

    Same steps as :func:`stratstab.analysis.arms_race_analysis.required_scale`: double
    from 1 until enough, then bisect until the bracket is narrower than 1e-6 relative.
    ``landed_at_one``: warheads landed with the forces as they are, if already known
    (saves the first step).
    """
    low, high = np.zeros(size), np.ones(size)
    pending = np.arange(size)
    while pending.size:
        landed = (
            landed_at_one[pending]
            if landed_at_one is not None and np.all(high[pending] == 1.0)
            else problems.landed(pending, high[pending])
        )
        enough = landed >= problems.need[pending]
        pending = pending[~enough]
        low[pending] = high[pending]
        high[pending] *= 2.0
        beyond = high[pending] > MAX_SCALE
        high[pending[beyond]] = np.inf
        pending = pending[~beyond]
    active = np.flatnonzero(np.isfinite(high))
    for _ in range(BISECTION_STEPS):
        if not active.size:
            break
        middle = 0.5 * (low[active] + high[active])
        enough = problems.landed(active, middle) >= problems.need[active]
        high[active] = np.where(enough, middle, high[active])
        low[active] = np.where(enough, low[active], middle)
        done = high[active] - low[active] < TOLERANCE * high[active]
        active = active[~done]
    return high


def _stacked(
    batch: BatchResolved, plans: dict[str, StrikePlan], side: str
) -> tuple[_Problems, np.ndarray, np.ndarray]:
    """Five problems per variant; also returns the interceptor steps (delta, lower count)."""
    other = batch.base.scenario.other(side)
    size = batch.size
    plan = plans[other]
    attacker = batch.forces[other]
    defense = batch.defenses[other]
    interceptors = defense.interceptors
    delta = np.maximum(10.0, np.round(0.1 * interceptors))
    lower = np.maximum(interceptors - delta, 0.0)
    counts = np.concatenate(
        [
            weapon_counts(plan, attacker),
            weapon_counts(plan, attacker.scaled(np.full(size, 1.0 + SLOPE_STEP))),
            weapon_counts(plan, attacker.scaled(np.full(size, 1.0 - SLOPE_STEP))),
            weapon_counts(plan, attacker),
            weapon_counts(plan, attacker),
        ]
    )
    stacked_interceptors = np.concatenate([interceptors] * 3 + [interceptors + delta, lower])
    tiled = np.tile(np.arange(size), 5)
    problems = _Problems(
        victim=batch.forces[side].rows(tiled),
        counts=counts,
        defense=defense.rows(tiled).with_interceptors(stacked_interceptors),
        launch_under_attack=batch.launch_under_attack[side][tiled],
        need=batch.requirement[side][tiled],
        plan=plan,
    )
    return problems, delta, lower


def reaction_outputs(
    batch: BatchResolved, plans: dict[str, StrikePlan], side: str
) -> dict[str, np.ndarray]:
    """Per-variant reaction-function outputs of ``side`` (names as in ``evaluate``).

    Keys: ``arriving_after_full_counterforce``, ``assured_retaliation`` (1.0/0.0),
    ``required_arsenal`` (warheads), ``reaction_slope_arsenal`` (warheads per warhead),
    ``reaction_slope_interceptors`` (warheads per interceptor).
    """
    size = batch.size
    other = batch.base.scenario.other(side)
    problems, delta, lower = _stacked(batch, plans, side)
    interceptors = batch.defenses[other].interceptors
    # With no interceptors to take away, the "fewer interceptors" problem is the base
    # problem itself: solve it once.
    repeated = np.zeros((5, size), dtype=bool)
    repeated[4] = lower == interceptors
    solve = np.flatnonzero(~repeated.reshape(-1))
    at_one = problems.landed(solve, np.ones(solve.size))
    scale = np.empty((5, size))
    scale.reshape(-1)[solve] = required_scale(
        problems.rows(solve), solve.size, landed_at_one=at_one
    )
    scale[4, repeated[4]] = scale[0, repeated[4]]
    landed = at_one[:size]  # the base problems come first
    total = batch.forces[side].total_warheads
    required = scale * total
    other_total = batch.forces[other].total_warheads
    with np.errstate(divide="ignore", invalid="ignore"):
        slope_arsenal = np.where(
            other_total > 0,
            (required[1] - required[2])
            / (2 * SLOPE_STEP * np.where(other_total > 0, other_total, 1.0)),
            0.0,
        )
        slope_interceptors = (required[3] - required[4]) / (interceptors + delta - lower)
    return {
        "arriving_after_full_counterforce": landed,
        "assured_retaliation": (landed >= batch.requirement[side]).astype(float),
        "required_arsenal": required[0],
        "reaction_slope_arsenal": slope_arsenal,
        "reaction_slope_interceptors": slope_interceptors,
    }
