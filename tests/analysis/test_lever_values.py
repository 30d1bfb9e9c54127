"""One reader of a lever's value: the web form, the truth and the adjudicator agree."""

from __future__ import annotations

import math

import numpy as np
import pytest

from stratstab.analysis.reference.inputs import resolve
from stratstab.analysis.reference.values import actual_values, current_values, lever_value
from stratstab.analysis.spec.lever_table import decimals, lever_table
from stratstab.analysis.spec.scenario import list_builtin_scenarios, load_scenario
from stratstab.exercises import list_exercises, load_exercise
from stratstab.exercises.adjudication import _clip, apply_effects
from stratstab.exercises.schema import Effect
from stratstab.web.assessment.service import view_values

SCENARIOS = [row["id"] for row in list_builtin_scenarios()]
EXERCISES = [row["id"] for row in list_exercises()]


def _form(value, name):
    spec = lever_table()[name]
    if not spec.numeric:
        return value
    value = round(float(value), decimals(spec.step))
    return int(value) if spec.integer else value


def _same_forces(a, b) -> None:
    for side in a.scenario.sides:
        fa, fb = a.forces[side], b.forces[side]
        for column in ("launchers", "warheads", "aim_points", "survivability", "readiness"):
            np.testing.assert_allclose(getattr(fa, column), getattr(fb, column), rtol=1e-12)
    for side in a.scenario.sides:
        assert a.defense(side) == b.defense(side)
        assert a.w80(side) == b.w80(side)
        assert a.launch_under_attack(side) == b.launch_under_attack(side)
        assert a.scenario.posture.get(side, "day-to-day") == b.scenario.posture.get(
            side, "day-to-day"
        )


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_form_truth_and_adjudicator_read_every_lever_alike(scenario_id):
    scenario = load_scenario(scenario_id)
    form = view_values(scenario)
    for view in ["", *scenario.assumptions]:
        resolved = resolve(scenario, view or None)
        for side in scenario.sides:
            for name in lever_table():
                key = f"{side}.{name}"
                value = lever_value(resolved, side, name)
                if value is None:
                    assert key not in form[view]
                    continue
                assert form[view][key] == _form(value, name)  # the web explorer's form
        if view:
            continue
        keys = [f"{s}.{n}" for s in scenario.sides for n in lever_table() if n != "posture"]
        truth = actual_values(scenario, keys)  # transparency's stand-in for the truth
        for key in keys:
            side, _, name = key.partition(".")
            value = lever_value(resolved, side, name)
            assert truth[key] == (0.0 if value is None else float(value))
            if value is None or isinstance(value, bool):
                continue
            # The adjudicator adds to the same value: adding nothing gives it back.
            added = apply_effects(scenario, {}, [Effect(side=side, lever=name, add=0.0)])
            assert added[key] == _clip(name, float(value))


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_a_lever_read_and_written_back_changes_nothing(exercise_id):
    """Each definition matches the models: setting a lever to its value is a no-op."""
    base = load_exercise(exercise_id).base
    before = resolve(base)
    for side in base.sides:
        for name in lever_table():
            value = lever_value(before, side, name)
            if value is None:
                continue
            after = resolve(base, None, {f"{side}.{name}": value})
            _same_forces(before, after)
            assert lever_value(after, side, name) == value


def test_survivability_is_weighted_by_warheads():
    base = load_exercise("maritime-incident").base
    # Give one Chinese mobile system a different survivability from the other two.
    resolved = resolve(base, None, {"CN.DF-41.survivability.day_to_day": 0.6})
    forces = resolved.forces["CN"]
    mobile = np.array([b in ("road-mobile", "rail-mobile") for b in forces.basing])
    by_warheads = np.average(forces.survivability[mobile], weights=forces.warheads[mobile])
    by_launchers = np.average(forces.survivability[mobile], weights=forces.launchers[mobile])
    assert not math.isclose(by_warheads, by_launchers)
    assert lever_value(resolved, "CN", "survivability_mobile") == pytest.approx(by_warheads)
    # The expected surviving warheads of the mobile force equal warheads x that mean.
    surviving = float((forces.warheads * forces.survivability)[mobile].sum())
    assert surviving == pytest.approx(by_warheads * forces.warheads[mobile].sum())


def test_a_lever_without_systems_has_no_value_and_an_add_leaves_it_alone():
    base = load_exercise("maritime-incident").base
    resolved = resolve(base)
    assert "road-mobile" not in resolved.forces["US"].basing
    assert lever_value(resolved, "US", "survivability_mobile") is None
    assert "US.survivability_mobile" not in current_values(resolved)
    out = apply_effects(base, {}, [Effect(side="US", lever="survivability_mobile", add=0.3)])
    assert "US.survivability_mobile" not in out


def test_arsenal_scale_reads_the_lever_so_adds_accumulate():
    base = load_exercise("black-swan-dialogue-cancelled").base
    grow = [Effect(side="CN", lever="arsenal_scale", add=0.2)]
    once = apply_effects(base, {}, grow)
    twice = apply_effects(base, once, grow)
    assert once["CN.arsenal_scale"] == pytest.approx(1.2)
    assert twice["CN.arsenal_scale"] == pytest.approx(1.4)
    assert lever_value(resolve(base, None, twice), "CN", "arsenal_scale") == pytest.approx(1.4)
    assert current_values(resolve(base, None, twice))["CN.arsenal_scale"] == pytest.approx(1.4)


def test_retaliation_requirement_has_one_value_only_when_adversaries_agree():
    base = load_exercise("pacific-incident-russian-alert").base
    resolved = resolve(base, None, {"CN.w80": 150.0, "RU.w80": 600.0})
    assert lever_value(resolved, "US", "retaliation_warheads") is None
    assert "US.retaliation_warheads" not in current_values(resolved)
    same = resolve(base, None, {"CN.w80": 300.0, "RU.w80": 300.0})
    assert lever_value(same, "US", "retaliation_warheads") == pytest.approx(
        same.retaliation_requirement("US", "CN")
    )


def test_an_unknown_lever_is_a_key_error():
    resolved = resolve(load_exercise("maritime-incident").base)
    with pytest.raises(KeyError):
        lever_value(resolved, "US", "further_layers")
    with pytest.raises(KeyError):
        lever_value(resolved, "US", "no_such_lever")


@pytest.mark.parametrize(
    ("lever", "words"),
    [("shoot_look_shoot", "is not numeric; use set"), ("further_layers", "cannot take 'add'")],
)
def test_an_exercise_adding_to_a_lever_without_a_number_is_refused_on_load(lever, words):
    from importlib.resources import files

    from stratstab.errors import InputError
    from stratstab.exercises.loader import exercise_from_text

    text = (files("stratstab.exercises.scenarios") / "maritime-incident.yaml").read_text()
    assert "lever: interceptors, add: 20" in text
    bad = text.replace("lever: interceptors, add: 20", f"lever: {lever}, add: 1", 1)
    with pytest.raises(InputError, match=words):
        exercise_from_text(bad, source="bad.yaml", default_id="bad")


def test_a_survivability_lever_reads_back_exactly_what_was_set():
    base = load_exercise("maritime-incident").base
    for value in (0.1, 0.37, 0.6):
        resolved = resolve(base, None, {"CN.survivability_mobile": value})
        assert lever_value(resolved, "CN", "survivability_mobile") == value
