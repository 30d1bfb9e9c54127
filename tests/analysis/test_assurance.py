"""Assurance curves: consistency with assess, monotonicity, hand-made grids."""

import numpy as np
import pytest

from stratstab.analysis.assessment.assess import assess
from stratstab.analysis.spec.scenario import scenario_from_dict
from stratstab.analysis.transparency.assurance import assurance_curves, max_interceptors, min_scale
from stratstab.errors import InputError


def scenario():
    return scenario_from_dict(
        {
            "name": "test",
            "forces": {"US": {"dataset": "us-2024"}, "CN": {"dataset": "china-2024"}},
            "counterforce_levels": 11,
            "defenses": {"US": {"interceptors": 44, "interceptor_pk": 0.5, "discrimination": 0.9}},
            "assured_retaliation": {"CN": {"arriving_warheads": 20}},
            "beliefs": {
                "US-view": {"CN.survivability_mobile": {"dist": "uniform", "low": 0.2, "high": 0.6}}
            },
        },
        source="test.yaml",
    )


def test_grid_helpers_hand_made():
    arriving = np.array([[30.0, 20.0, 10.0, 5.0], [8.0, 4.0, 2.0, 1.0]])
    grid = np.array([0.0, 10.0, 20.0, 30.0])
    assert max_interceptors(arriving, 10.0, grid).tolist() == [20.0, -1.0]
    # arriving by scale (rows) for each interceptor count (columns)
    by_scale = np.array([[5.0, 1.0], [15.0, 3.0], [25.0, 5.0]])
    scales = np.array([1.0, 2.0, 3.0])
    assert min_scale(by_scale, 10.0, scales).tolist() == [1.5, np.inf]


def test_as_written_matches_assess_required_arsenal():
    s = scenario()
    curves = assurance_curves(s, max_interceptors_count=400)
    expected = assess(s).side_report("CN")["required_arsenal"]
    at_current = np.interp(44, curves.interceptors, curves.induced_arsenal())
    assert at_current == pytest.approx(expected, rel=0.02)
    assert curves.side == "CN" and curves.defender == "US"


def test_curves_are_monotone_and_confidence_is_conservative():
    s = scenario()
    low = assurance_curves(
        s, view="US-view", samples=12, seed=1, confidence=0.5, max_interceptors_count=400
    )
    high = assurance_curves(
        s, view="US-view", samples=12, seed=1, confidence=0.95, max_interceptors_count=400
    )
    assert np.all(
        np.diff(low.assurance_curve()) >= 0
    )  # a bigger arsenal tolerates more interceptors
    induced = high.induced_arsenal()
    assert np.all(np.diff(induced[np.isfinite(induced)]) >= -1e-6)
    assert np.all(high.assurance_curve() <= low.assurance_curve())
    assert np.all(high.induced_arsenal() >= low.induced_arsenal() - 1e-9)
    again = assurance_curves(
        s, view="US-view", samples=12, seed=1, confidence=0.5, max_interceptors_count=400
    )
    assert np.array_equal(again.max_interceptors_draws, low.max_interceptors_draws)


def test_bad_confidence():
    with pytest.raises(InputError):
        assurance_curves(scenario(), confidence=1.0)
