"""Headline outputs of many variants of one scenario.

Uncertainty analysis, transparency packages and sweeps all ask the same question:
"what are the headline outputs of this scenario when these levers take these
values?" — for many lever sets.  :func:`evaluate_many` answers it one variant at a
time through :func:`stratstab.analysis.assessment.assess.assess`; it is the readable reference
that faster paths are checked against.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from stratstab.analysis.assessment.assess import Assessment, assess
from stratstab.analysis.spec.outputs import output_names
from stratstab.analysis.spec.scenario import Scenario


def headline(assessment: Assessment) -> dict[str, float]:
    """The headline outputs of one assessment as a flat mapping of floats."""
    return assessment.headline()


def evaluate_many(
    scenario: Scenario,
    lever_sets: Iterable[Mapping[str, Any]],
    *,
    view: str | None = None,
    progress: Callable[[int], None] | None = None,
    slopes: str = "secant",
) -> dict[str, np.ndarray]:
    """Headline outputs for each lever set (applied on top of ``view``), as arrays.

    Returns a mapping from output name (see :func:`output_names`) to an array with
    one entry per lever set, in order.  ``progress`` is called with the number of
    variants finished so far; ``slopes``: ``secant`` or ``derivative`` reaction slopes.
    """
    columns: dict[str, list[float]] = {name: [] for name in output_names(scenario.sides)}
    for done, levers in enumerate(lever_sets, start=1):
        assessment = assess(scenario, view, levers=dict(levers), method="reference", slopes=slopes)
        values = headline(assessment)
        for name in columns:
            columns[name].append(values[name])
        if progress is not None:
            progress(done)
    return {name: np.asarray(values, dtype=float) for name, values in columns.items()}
