"""Reaction slopes by implicit differentiation (``slopes="derivative"``): the kernel
against the reference path, both against a fine central difference of the required
arsenal itself, and the secants staying the default."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from stratstab.analysis.assessment.assess import assess
from stratstab.analysis.assessment.evaluate import evaluate_many
from stratstab.analysis.batch.evaluate import evaluate_batch
from stratstab.analysis.reference import arms_race
from stratstab.analysis.reference.inputs import resolve
from stratstab.analysis.spec.scenario import (
    list_builtin_scenarios,
    load_scenario,
    scenario_from_dict,
)
from stratstab.cli.main import app
from stratstab.errors import InputError
from tests.analysis.test_batch import US_US, assert_equal_outputs, variant_levers

TWO_SIDED = [s["id"] for s in list_builtin_scenarios(max_sides=2)]
SLOPES = ("reaction_slope_arsenal", "reaction_slope_interceptors")


@pytest.mark.parametrize("scenario_id", TWO_SIDED)
def test_kernel_derivative_slopes_equal_the_reference(scenario_id):
    scenario = load_scenario(scenario_id)
    for view in [None, *scenario.assumptions]:
        reference = assess(scenario, view, method="reference", slopes="derivative").headline()
        kernel = evaluate_batch(scenario, {}, view=view, slopes="derivative")
        for name, value in reference.items():
            assert kernel[name][0] == pytest.approx(value, rel=1e-6, abs=1e-9), (view, name)


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_kernel_derivative_slopes_equal_the_reference_on_random_variants(data):
    scenario = scenario_from_dict(US_US, source="test")
    levers = {k: np.array(v) for k, v in data.draw(variant_levers(scenario.sides)).items()}
    rows = [{k: v[i].item() for k, v in levers.items()} for i in range(3)]
    expected = evaluate_many(scenario, rows, slopes="derivative")
    assert_equal_outputs(expected, evaluate_batch(scenario, levers, slopes="derivative"))


@pytest.mark.parametrize("scenario_id", TWO_SIDED)
def test_derivative_slopes_match_a_fine_central_difference(scenario_id):
    """dR/dx from the implicit function theorem equals (R(x + h) - R(x - h)) / 2h with
    the requirement re-solved: a step a hundred times the derivative's own, so that
    the search's 1e-9 tolerance stays small against the difference."""
    resolved = resolve(load_scenario(scenario_id))
    for side in resolved.scenario.sides:
        other = resolved.scenario.other(side)
        reaction = arms_race.reaction_function(resolved, side, slopes="derivative")
        if not np.isfinite(reaction.required_arsenal) or reaction.required_arsenal == 0:
            continue
        h = 1e-4
        up = arms_race.required_warheads(arms_race._with_side_scaled(resolved, other, 1 + h), side)
        down = arms_race.required_warheads(
            arms_race._with_side_scaled(resolved, other, 1 - h), side
        )
        total = resolved.forces[other].total_warheads
        fine = (up - down) / (2 * h * total)
        assert reaction.reaction_slope_arsenal == pytest.approx(fine, rel=2e-3, abs=1e-6), side
        interceptors = resolved.defense(other).interceptors
        more = arms_race._with_interceptors(resolved, other, interceptors + 1)
        lower = max(interceptors - 1, 0)
        fewer = arms_race._with_interceptors(resolved, other, lower)
        fine_i = (
            arms_race.required_warheads(more, side) - arms_race.required_warheads(fewer, side)
        ) / (interceptors + 1 - lower)
        assert reaction.reaction_slope_interceptors == pytest.approx(fine_i, rel=2e-3, abs=1e-6), (
            side
        )


def test_secants_stay_the_default():
    scenario = load_scenario("us-china-2024-baseline")
    default = assess(scenario, method="reference").headline()
    secant = assess(scenario, method="reference", slopes="secant").headline()
    derivative = assess(scenario, method="reference", slopes="derivative").headline()
    assert default == secant
    assert default["CN.required_arsenal"] == derivative["CN.required_arsenal"]
    assert default["CN.reaction_slope_arsenal"] != derivative["CN.reaction_slope_arsenal"]


def test_bad_slope_methods_are_refused():
    scenario = load_scenario("us-china-2024-baseline")
    with pytest.raises(InputError, match="secant, derivative"):
        assess(scenario, slopes="tangent")
    with pytest.raises(InputError, match="secant, derivative"):
        evaluate_batch(scenario, {}, slopes="tangent")
    with pytest.raises(InputError, match="two-sided"):
        assess(load_scenario("us-china-russia-2024"), slopes="derivative")


def test_cli_slopes_option():
    runner = CliRunner()
    result = runner.invoke(app, ["assess", "--slopes", "derivative", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["reaction_slopes"] == "derivative"
    default = assess(load_scenario("us-china-2024-baseline"), method="reference").to_dict()
    assert default["reaction_slopes"] == "secant"
    # The method is part of the parameters the report's digest stands for.
    assert report["provenance"]["parameters_digest"] != default["provenance"]["parameters_digest"]
    expected = assess(
        load_scenario("us-china-2024-baseline"), method="reference", slopes="derivative"
    ).headline()
    for side in report["sides"]:
        for name in SLOPES:
            assert report["per_side"][side][name] == pytest.approx(expected[f"{side}.{name}"])
    bad = runner.invoke(app, ["assess", "--slopes", "tangent"])
    assert bad.exit_code == 2
    assert "Traceback" not in bad.output


def test_scale_invariance_gives_the_arsenal_slope_where_every_system_keeps_an_aim_point():
    """Launched warheads are homogeneous of degree one in both sides' scales while every
    targeted system keeps an aim point, so Euler's relation gives the arsenal slope as
    ``T_X / T_Y (f - L / L_f)`` (docs/models.md): China in the baseline."""
    from stratstab.analysis.reference.exchange_curves import (
        launched_warheads,
        maximum_strike,
        strike_setup,
    )
    from stratstab.models.exchange import counterforce_strike

    resolved = resolve(load_scenario("us-china-2024-baseline"))
    side, other = "CN", "US"

    def launched(factor: float) -> float:
        state = arms_race._with_side_scaled(resolved, side, factor)
        targets, weapons = strike_setup(state, other)
        outcome = counterforce_strike(
            targets=targets,
            weapons=weapons,
            warheads_used=[maximum_strike(targets, weapons)],
            fratricide=state.strike(other).fratricide,
            lethal_radius_method=state.scenario.lethal_radius_method,
            launch_under_attack=state.launch_under_attack(side),
        )
        forces = state.forces[side]
        return float(launched_warheads(forces, outcome.surviving_warheads, state.scenario.use)[0])

    reaction = arms_race.reaction_function(resolved, side, slopes="derivative")
    total, other_total = (resolved.forces[s].total_warheads for s in (side, other))
    f = reaction.required_arsenal / total
    assert min(resolved.forces[side].aim_points) * f >= 1.0  # the relation's condition
    h = 1e-6
    rise = (launched(f * (1 + h)) - launched(f * (1 - h))) / (2 * h * f)
    euler = total / other_total * (f - launched(f) / rise)
    assert reaction.reaction_slope_arsenal == pytest.approx(euler, rel=1e-5)
