"""The single-assessment path through the compiled kernel equals the readable reference."""

import math
from pathlib import Path

import pytest

from stratstab.analysis.assessment.assess import assess, compare
from stratstab.analysis.spec.scenario import (
    list_builtin_scenarios,
    load_scenario,
    scenario_from_dict,
)
from stratstab.errors import InputError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# Crisis outputs come from the same exchange curves on both paths; the reaction
# functions from the same root search, to 1e-9 relative width times the slope's
# amplification (see docs/sweeps.md).
RELATIVE = 1e-6


def _flat(value, path=""):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            out.update(_flat(item, f"{path}.{key}"))
        return out
    if isinstance(value, list):
        out = {}
        for i, item in enumerate(value):
            out.update(_flat(item, f"{path}[{i}]"))
        return out
    return {path: value}


def assert_same_report(kernel: dict, reference: dict) -> None:
    left, right = _flat(kernel), _flat(reference)
    assert left.keys() == right.keys()
    for key, a in left.items():
        b = right[key]
        if isinstance(a, float) and isinstance(b, float):
            if math.isinf(a) or math.isinf(b) or math.isnan(a) or math.isnan(b):
                assert str(a) == str(b), key
            else:
                assert a == pytest.approx(b, rel=RELATIVE, abs=1e-9), key
        else:
            assert a == b, key


def _cases():
    for row in list_builtin_scenarios(max_sides=2):  # the compiled kernel is two-sided
        scenario = load_scenario(row["id"])
        for view in [None, *scenario.assumptions]:
            yield pytest.param(row["id"], view, id=f"{row['id']}-{view or 'as-written'}")
    for path in sorted(EXAMPLES.glob("*.yaml")):
        yield pytest.param(str(path), None, id=f"example-{path.stem}")


@pytest.mark.parametrize(("scenario_id", "view"), list(_cases()))
def test_kernel_equals_reference_on_every_scenario_and_view(scenario_id, view):
    scenario = load_scenario(scenario_id)
    kernel = assess(scenario, view, method="kernel").to_dict()
    reference = assess(scenario, view, method="reference").to_dict()
    assert_same_report(kernel, reference)


@pytest.mark.parametrize(
    "levers",
    [
        {"US.interceptors": 400, "CN.arsenal_scale": 0.5},
        {"CN.survivability_mobile": 0.05, "CN.launch_under_attack": 0.0},
        {"US.posture": "generated", "CN.posture": "generated", "US.shots_per_rv": 2},
        {"CN.retaliation_warheads": 5000.0, "US.interceptors": 2000},  # out of reach: inf
    ],
)
def test_kernel_equals_reference_with_levers(levers):
    scenario = load_scenario()
    kernel = assess(scenario, levers=levers).to_dict()
    reference = assess(scenario, levers=levers, method="reference").to_dict()
    assert_same_report(kernel, reference)


@pytest.mark.parametrize(
    "levers",
    [
        {},
        {"US.interceptors": 10, "CN.arsenal_scale": 2.0},  # the first layer runs short
        {"US.shoot_look_shoot": False, "US.interceptor_pk": 0.8},
    ],
)
def test_kernel_equals_reference_with_layered_defenses(levers):
    """Layers on both sides, of different counts (the kernel pads the shorter list)."""
    data = load_scenario("layered-missile-defense").model_dump()
    data["defenses"]["CN"] = [
        {"interceptors": 24, "interceptor_pk": 0.5, "shots_per_rv": 2},
        {"interceptors": 40, "interceptor_pk": 0.6, "shots_per_rv": 1,
         "shoot_look_shoot": True, "second_shots": 1, "kill_assessment": 0.9},
    ]  # fmt: skip
    scenario = scenario_from_dict(data, source="layered-both-sides")
    kernel = assess(scenario, levers=levers).to_dict()
    reference = assess(scenario, levers=levers, method="reference").to_dict()
    assert_same_report(kernel, reference)


def test_comparison_uses_the_same_path():
    scenario = load_scenario()
    fast = compare(scenario).to_dict()
    slow = compare(scenario, method="reference").to_dict()
    assert_same_report(fast, slow)


def test_unknown_method_is_an_input_error():
    with pytest.raises(InputError, match="kernel, reference"):
        assess(load_scenario(), method="fast")
