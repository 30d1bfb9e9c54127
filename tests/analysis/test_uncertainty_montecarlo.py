"""Beliefs block, lever sampling and Monte Carlo per delegation."""

import numpy as np
import pytest

from stratstab.analysis.assessment.assess import assess
from stratstab.analysis.assessment.evaluate import headline
from stratstab.analysis.reference.values import actual_values
from stratstab.analysis.spec.beliefs import view_distributions, view_side
from stratstab.analysis.spec.scenario import scenario_from_dict
from stratstab.analysis.uncertainty.monte_carlo import monte_carlo, sample_levers
from stratstab.errors import InputError, NotFoundError
from stratstab.models.uncertainty import Fixed, Triangular


def small_scenario(beliefs=None, assumptions=None):
    return scenario_from_dict(
        {
            "name": "test",
            "forces": {"US": {"dataset": "us-2024"}, "CN": {"dataset": "china-2024"}},
            "counterforce_levels": 11,
            "defenses": {"US": {"interceptors": 44, "interceptor_pk": 0.5, "discrimination": 0.9}},
            "assumptions": assumptions or {},
            "beliefs": beliefs
            if beliefs is not None
            else {
                "US-view": {
                    "CN.survivability_mobile": {
                        "dist": "triangular",
                        "low": 0.3,
                        "mode": 0.6,
                        "high": 0.8,
                    },
                    "US.interceptors": {"dist": "discrete", "values": [40, 44, 64]},
                },
                "CN-view": {
                    "CN.survivability_mobile": {"dist": "uniform", "low": 0.1, "high": 0.5}
                },
            },
        },
        source="test.yaml",
    )


def test_view_distributions_merge_assumptions_and_beliefs():
    scenario = small_scenario(
        assumptions={
            "US-view": {
                "US.interceptor_pk": 0.6,
                "CN.survivability_mobile": 0.2,
                "US.posture": "generated",
            }
        }
    )
    dists = view_distributions(scenario, "US-view")
    assert dists["US.interceptor_pk"] == Fixed(0.6)
    assert isinstance(dists["CN.survivability_mobile"], Triangular)  # beliefs win
    assert "US.posture" not in dists
    assert view_side(scenario, "CN-view") == "CN"
    with pytest.raises(NotFoundError):
        view_distributions(scenario, "nobody")


def test_sample_levers_shapes_rounding_and_seed():
    scenario = small_scenario()
    a = sample_levers(scenario, "US-view", 50, np.random.default_rng(3))
    b = sample_levers(scenario, "US-view", 50, np.random.default_rng(3))
    assert list(a) == ["CN.survivability_mobile", "US.interceptors"]
    assert all(v.shape == (50,) for v in a.values())
    assert set(np.unique(a["US.interceptors"])) <= {40.0, 44.0, 64.0}
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert 0.3 <= a["CN.survivability_mobile"].min() and a["CN.survivability_mobile"].max() <= 0.8


@pytest.mark.parametrize(
    "bad, field",
    [
        (
            {"CN.survivability_mobile": {"dist": "uniform", "low": 0.5, "high": 1.5}},
            "beliefs.US-view.CN.survivability_mobile",
        ),
        (
            {"CN.survivability_mobile": {"dist": "normal", "mu": 0.5, "sigma": 0.1}},
            "beliefs.US-view.CN.survivability_mobile",
        ),
        (
            {"CN.survivability_mobile": {"dist": "gamma", "k": 1}},
            "beliefs.US-view.CN.survivability_mobile",
        ),
        (
            {"CN.survivability_mobile": {"dist": "uniform", "low": 0.1}},
            "beliefs.US-view.CN.survivability_mobile.high",
        ),
        ({"XX.survivability_mobile": 0.3}, "beliefs.US-view.XX.survivability_mobile"),
        ({"CN.posture": 0.3}, "beliefs.US-view.CN.posture"),
        (
            {"CN.DF-99.launchers": {"dist": "uniform", "low": 10, "high": 20}},
            "beliefs.US-view.CN.DF-99.launchers",
        ),
    ],
)
def test_bad_beliefs_name_file_and_field(bad, field):
    with pytest.raises(InputError) as info:
        small_scenario(beliefs={"US-view": bad})
    assert info.value.source == "test.yaml"
    assert info.value.field == field


def test_zero_uncertainty_monte_carlo_equals_assess():
    scenario = small_scenario(
        beliefs={"US-view": {"CN.survivability_mobile": 0.45, "US.interceptors": 60}}
    )
    result = monte_carlo(scenario, "US-view", samples=3, seed=1)
    expected = headline(
        assess(scenario, levers={"CN.survivability_mobile": 0.45, "US.interceptors": 60})
    )
    for name, values in result.outputs.items():
        assert values == pytest.approx(np.full(3, expected[name]), rel=1e-9, abs=1e-9), name


def test_monte_carlo_is_reproducible_and_reports_probabilities():
    scenario = small_scenario()
    one = monte_carlo(scenario, "US-view", samples=12, seed=7)
    two = monte_carlo(scenario, "US-view", samples=12, seed=7)
    assert all(np.array_equal(one.outputs[k], two.outputs[k]) for k in one.outputs)
    summary = one.summary()
    assert summary["samples"] == 12
    for side in ("US", "CN"):
        assert 0.0 <= summary["p_assured_retaliation"][side] <= 1.0
    stats = summary["outputs"]["crisis_stability_index"]
    assert stats["min"] <= stats["q05"] <= stats["q50"] <= stats["q95"] <= stats["max"]


def test_more_mobile_survivability_means_more_chinese_survivors():
    scenario = small_scenario()
    result = monte_carlo(scenario, "US-view", samples=16, seed=2)
    survivability = result.inputs["CN.survivability_mobile"]
    survivors = result.outputs["CN.arriving_after_full_counterforce"]
    same_defense = result.inputs["US.interceptors"] == 44
    order = np.argsort(survivability[same_defense])
    assert np.all(np.diff(survivors[same_defense][order]) >= -1e-9)


def test_actual_values_read_the_scenario_as_written():
    values = actual_values(
        small_scenario(),
        ["US.interceptors", "CN.arsenal_scale", "CN.survivability_mobile", "CN.DF-41.launchers"],
    )
    assert values["US.interceptors"] == 44
    assert values["CN.arsenal_scale"] == 1.0
    assert 0.0 < values["CN.survivability_mobile"] < 1.0
    assert values["CN.DF-41.launchers"] > 0
