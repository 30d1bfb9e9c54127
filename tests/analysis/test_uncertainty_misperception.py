"""Misperception: views side by side, gaps, pooled Sobol drivers."""

import numpy as np
import pytest

from stratstab.analysis.spec.scenario import scenario_from_dict
from stratstab.analysis.uncertainty.misperception import (
    evaluations_needed,
    misperception,
    pooled_distributions,
    pooled_levers,
)
from stratstab.models.uncertainty import Fixed, Uniform


def scenario():
    return scenario_from_dict(
        {
            "name": "test",
            "forces": {"US": {"dataset": "us-2024"}, "CN": {"dataset": "china-2024"}},
            "counterforce_levels": 11,
            "defenses": {"US": {"interceptors": 44, "interceptor_pk": 0.5}},
            "beliefs": {
                "US-view": {
                    "CN.survivability_mobile": {"dist": "uniform", "low": 0.5, "high": 0.7},
                    "US.interceptor_pk": 0.5,
                },
                "CN-view": {
                    "CN.survivability_mobile": {"dist": "uniform", "low": 0.1, "high": 0.3},
                    "US.interceptor_pk": 0.5,
                    "CN.w80": 300,
                },
            },
        },
        source="test.yaml",
    )


def test_pooled_distributions_fill_missing_views_with_actual_values():
    pooled = pooled_distributions(scenario(), ["US-view", "CN-view"])
    assert pooled["CN.w80"] == [Fixed(300.0), Fixed(300.0)]
    assert pooled["CN.survivability_mobile"] == [Uniform(0.5, 0.7), Uniform(0.1, 0.3)]


def test_pooled_levers_pick_view_then_quantile():
    pooled = {"X.a": [Uniform(0.0, 1.0), Uniform(10.0, 11.0)]}
    unit = np.array([[0.2, 0.5], [0.7, 0.5], [0.99, 0.0]])
    assert pooled_levers(pooled, unit)["X.a"] == pytest.approx([0.5, 10.5, 10.0])


def test_gap_and_drivers():
    s = scenario()
    result = misperception(s, samples=8, seed=4, sobol_samples=8)
    gaps = result.gaps()
    row = gaps["CN.arriving_after_full_counterforce"]
    # The US delegation believes China's mobile missiles are far more survivable.
    assert row["US-view.median"] > row["CN-view.median"]
    assert row["gap"] == pytest.approx(row["CN-view.median"] - row["US-view.median"])
    ranking = result.drivers.ranking()
    # Only survivability is uncertain or disputed, so only it can drive the gap.
    assert [p for p, _ in ranking] == ["CN.survivability_mobile"]
    assert ranking[0][1] > 0.5
    # One uncertain parameter: SALib's design needs a second (unused) group, 8 * (2 + 2).
    assert evaluations_needed(s, ["US-view", "CN-view"], samples=8, sobol_samples=8) == 16 + 8 * 4
