"""Headline outputs of many variants of a scenario of three or more sides.

The compiled kernel is two-sided; among three or more sides every variant is assessed
by the readable reference path (:func:`~stratstab.analysis.reference.pairwise.assess_sides`:
every ordered pair's exchange, then each side's requirement and the reaction matrix by
root searches and central differences).  That costs seconds per variant, not
microseconds: sweeps spread it over worker processes chunk by chunk
(``stratstab sweep --scheduler processes``), and three-sided sweeps get small chunks so
that there is work for every worker (:data:`SIDES_CHUNK_SIZE`).  Outputs are named per
pair and per side (:func:`~stratstab.analysis.spec.outputs.sides_output_names`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from stratstab.analysis.batch.levers import lever_arrays
from stratstab.analysis.reference.inputs import resolve
from stratstab.analysis.reference.pairwise import assess_sides
from stratstab.analysis.spec.beliefs import is_integer_lever
from stratstab.analysis.spec.outputs import sides_output_names
from stratstab.analysis.spec.scenario import Scenario
from stratstab.errors import InputError

#: Rows per sweep chunk among three or more sides (a few seconds each): small, so that
#: every worker gets chunks and an interrupted sweep loses little.
SIDES_CHUNK_SIZE = 2


def require_central_differences(slopes: str) -> None:
    """Three-sided reaction slopes are central differences only (``--slopes secant``)."""
    if slopes != "secant":
        raise InputError(
            "three-sided reaction slopes are central differences; "
            f"--slopes {slopes} takes two-sided scenarios",
            source="--slopes",
        )


def lever_rows(arrays: Mapping[str, np.ndarray], size: int) -> list[dict[str, Any]]:
    """The lever arrays as one plain mapping per variant (Python numbers and strings).

    Whole-number levers (interceptors, shots per RV) become ``int``, as a scenario file
    writes them.
    """
    rows: list[dict[str, Any]] = [{} for _ in range(size)]
    for key, values in arrays.items():
        whole = is_integer_lever(key)
        for row, value in zip(rows, np.asarray(values).tolist(), strict=True):
            if whole and isinstance(value, float) and value.is_integer():
                value = int(value)
            row[key] = value
    return rows


def evaluate_sides(
    scenario: Scenario,
    lever_sets: Iterable[Mapping[str, Any]],
    *,
    view: str | None = None,
    outputs: str = "all",
    progress: Callable[[int], None] | None = None,
) -> dict[str, np.ndarray]:
    """Headline outputs of each lever set (applied on top of ``view``), as arrays.

    ``outputs="crisis"`` assesses the exchanges only (pair indices, C1, C2, the system
    index), about a twentieth of the work.  ``progress`` is called with the number of
    variants finished so far.
    """
    names = sides_output_names(scenario.sides, outputs)
    columns: dict[str, list[float]] = {name: [] for name in names}
    for done, levers in enumerate(lever_sets, start=1):
        resolved = resolve(scenario, view, dict(levers) or None)
        values = assess_sides(resolved, arms_race_too=outputs == "all").headline(outputs)
        for name in names:
            columns[name].append(values[name])
        if progress is not None:
            progress(done)
    return {name: np.asarray(values, dtype=float) for name, values in columns.items()}


def evaluate_sides_batch(
    scenario: Scenario,
    levers: Mapping[str, Any],
    *,
    view: str | None = None,
    outputs: str = "all",
    progress: Callable[[int], None] | None = None,
) -> dict[str, np.ndarray]:
    """:func:`~stratstab.analysis.batch.evaluate.evaluate_batch`'s contract among three
    or more sides: lever arrays of equal length B in, output arrays of length B out
    (``progress``: as :func:`evaluate_sides`)."""
    arrays, size = lever_arrays(scenario, levers)
    rows = lever_rows(arrays, size)
    return evaluate_sides(scenario, rows, view=view, outputs=outputs, progress=progress)
