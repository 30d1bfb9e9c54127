"""Stability maps: a headline output over a grid of two levers, under each assumption set.

A map answers "where, over these two levers, is the situation crisis-stable?" for
every delegation's assumption set side by side.  Each cell is one full assessment of
the scenario with the two levers set, evaluated by the compiled batch kernel
(:func:`stratstab.analysis.batch.evaluate.evaluate_batch`): a 50 x 50 map under two views is
5,000 assessments, a fraction of a second.

Metrics
-------
``crisis``            Kent–Thaler crisis-stability index (0–1, higher is more stable).
``required-arsenal``  each side's deployed warheads needed for assured retaliation.
``retaliation``       each side's warheads arriving after the other's full counterforce
                      strike, as a share of its retaliation requirement (>= 1: assured).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from stratstab.analysis.batch.evaluate import evaluate_batch
from stratstab.analysis.spec.lever_table import LeverSpec, lever_spec
from stratstab.analysis.spec.scenario import Scenario
from stratstab.errors import InputError

METRICS = ("crisis", "required-arsenal", "retaliation")
MAX_STEPS = 200  # per axis: a 200 x 200 map is 40,000 assessments per view


@dataclass(frozen=True)
class MapAxis:
    """One axis of a map: a numeric side lever and its grid values."""

    key: str
    values: tuple[float, ...]
    spec: LeverSpec

    @property
    def side(self) -> str:
        """The side whose lever this is."""
        return self.key.split(".", 1)[0]


def parse_axis(
    text: str, scenario: Scenario, *, source: str, max_steps: int = MAX_STEPS
) -> MapAxis:
    """Parse ``SIDE.lever=start:stop:steps`` and check it against the lever table.

    Raises :class:`InputError` (with ``source``, e.g. ``--x``) naming what is wrong in
    words: the syntax, an unknown side or lever, a lever that takes no number, a range
    the lever does not accept, or a step count outside 2..``max_steps``.
    """
    key, sep, body = text.partition("=")
    key = key.strip()
    parts = body.split(":")
    if not sep or not key or len(parts) != 3:
        raise InputError(
            f"expected LEVER=start:stop:steps, e.g. US.interceptors=0:400:50, got {text!r}",
            source=source,
        )
    side, _, name = key.partition(".")
    if side not in scenario.sides:
        raise InputError(
            f"{key!r}: the side must be one of {', '.join(scenario.sides)}", source=source
        )
    spec = lever_spec(key)
    if spec is None or not spec.numeric or spec.structural:
        raise InputError(
            f"{name!r} cannot be a map axis; use a numeric lever such as interceptors, "
            "arsenal_scale, survivability_mobile or launch_under_attack",
            source=source,
        )
    try:
        start, stop, steps = (float(p) for p in parts)
    except ValueError:
        raise InputError(
            f"{body!r}: start, stop and steps must be numbers, e.g. 0:400:50", source=source
        ) from None
    if not (math.isfinite(start) and math.isfinite(stop)) or stop <= start:
        raise InputError(f"{body!r}: stop must be above start", source=source)
    if not steps.is_integer() or not 2 <= steps <= max_steps:
        raise InputError(
            f"{body!r}: steps must be a whole number from 2 to {max_steps}", source=source
        )
    values = np.linspace(start, stop, int(steps))
    if spec.integer:
        values = np.unique(np.round(values))
    for end in (float(values[0]), float(values[-1])):
        if not spec.accepts(int(end) if spec.integer else end):
            raise InputError(f"{key}: {spec.problem('en')}", source=source)
    return MapAxis(key=key, values=tuple(float(v) for v in values), spec=spec)


@dataclass(frozen=True)
class MapPanel:
    """One heat map: a view (assumption set) and, for per-side metrics, a side."""

    view: str | None
    side: str | None
    output: str
    values: np.ndarray  # (len(y), len(x))


@dataclass(frozen=True)
class StabilityMap:
    """A metric over two levers, one panel per view (and side)."""

    scenario: str
    metric: str
    x: MapAxis
    y: MapAxis
    panels: tuple[MapPanel, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form: axes, then each panel's grid (rows follow y, columns x)."""

        def plain(grid: np.ndarray) -> list[list[float | None]]:
            return [[float(v) if math.isfinite(v) else None for v in row] for row in grid]

        return {
            "scenario": self.scenario,
            "metric": self.metric,
            "x": {"lever": self.x.key, "values": list(self.x.values)},
            "y": {"lever": self.y.key, "values": list(self.y.values)},
            "panels": [
                {"view": p.view, "side": p.side, "output": p.output, "values": plain(p.values)}
                for p in self.panels
            ],
        }


def map_views(scenario: Scenario, views: list[str | None] | None = None) -> list[str | None]:
    """The views a map shows: those asked for, else every assumption set (or as written)."""
    chosen = list(views) if views else list(scenario.assumptions) or [None]
    for view in chosen:
        scenario.view_levers(view)  # unknown view: InputError/NotFoundError now
    return chosen


def stability_map(
    scenario: Scenario,
    x: MapAxis,
    y: MapAxis,
    *,
    metric: str = "crisis",
    views: list[str | None] | None = None,
) -> StabilityMap:
    """Evaluate ``metric`` on the grid ``x`` × ``y`` under each view (see module doc)."""
    if metric not in METRICS:
        raise InputError(f"expected one of {', '.join(METRICS)}, got {metric!r}", source="metric")
    if x.key == y.key:
        raise InputError(f"the two axes are the same lever ({x.key})", source="--y")
    grid_x, grid_y = np.meshgrid(np.asarray(x.values), np.asarray(y.values))
    levers = {x.key: grid_x.ravel(), y.key: grid_y.ravel()}
    shape = grid_x.shape
    panels = []
    for view in map_views(scenario, views):
        work: dict[str, np.ndarray] = {}
        outputs = "crisis" if metric == "crisis" else "all"
        out = evaluate_batch(scenario, levers, view=view, outputs=outputs, work=work)
        if metric == "crisis":
            grid = out["crisis_stability_index"].reshape(shape)
            panels.append(MapPanel(view, None, "crisis_stability_index", grid))
            continue
        for side in scenario.sides:
            if metric == "required-arsenal":
                name, values = "required_arsenal", out[f"{side}.required_arsenal"]
            else:
                name = "retaliation_share"
                need = work[f"{side}.retaliation_requirement"]
                with np.errstate(divide="ignore", invalid="ignore"):
                    values = out[f"{side}.arriving_after_full_counterforce"] / need
            panels.append(MapPanel(view, side, name, values.reshape(shape)))
    return StabilityMap(scenario.name, metric, x, y, tuple(panels))
