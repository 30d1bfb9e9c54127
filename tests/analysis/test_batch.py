"""Batch evaluation equals the one-at-a-time reference (evaluate_many)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stratstab.analysis.assessment.evaluate import evaluate_many
from stratstab.analysis.batch.evaluate import batch_output_names, evaluate_batch
from stratstab.analysis.batch.inputs import DEFENSE_ARRAY_FIELDS
from stratstab.analysis.spec.outputs import output_names
from stratstab.analysis.spec.scenario import (
    DefenseSpec,
    list_builtin_scenarios,
    load_scenario,
    scenario_from_dict,
)
from stratstab.errors import InputError

US_US = {
    "name": "US forces on both sides",
    "forces": {"A": {"dataset": "us-2024"}, "B": {"dataset": "us-2024"}},
    "defenses": {
        "A": {"interceptors": 44, "interceptor_pk": 0.5, "shots_per_rv": 4, "discrimination": 0.9}
    },
    "assured_retaliation": {"A": {"damage": 0.4}},
    "counterforce_levels": 41,
    "assumptions": {"A-view": {"B.survivability_ssbn": 0.5, "A.interceptor_pk": 0.7}},
}
# Reaction outputs come out of a root search to 1e-9 relative: one comparison that
# falls the other way at the boundary moves a requirement by about that much, and a
# slope by that much times the requirement over the finite-difference step.
LOOSE = {
    "required_arsenal",
    "reaction_slope_arsenal",
    "reaction_slope_interceptors",
    "arms_race_slope_product",
}


@pytest.fixture(scope="module")
def us_us():
    return scenario_from_dict(US_US, source="test")


def assert_equal_outputs(reference: dict, batch: dict) -> None:
    assert set(batch) == set(reference)
    for name, expected in reference.items():
        loose = name.split(".")[-1] in LOOSE
        np.testing.assert_allclose(
            batch[name],
            expected,
            rtol=1e-6 if loose else 1e-8,
            atol=1e-6 if loose else 1e-9,
            err_msg=name,
        )


def reference(scenario, levers: dict[str, np.ndarray], view=None) -> dict:
    size = len(next(iter(levers.values())))
    rows = [
        {k: (v[i].item() if isinstance(v[i], np.generic) else v[i]) for k, v in levers.items()}
        for i in range(size)
    ]
    return evaluate_many(scenario, rows, view=view)


def variant_levers(sides: tuple[str, str]):
    a, b = sides
    probability = st.floats(0.0, 1.0)
    columns = {
        f"{a}.interceptors": st.integers(0, 400).map(float),
        f"{a}.interceptor_pk": probability,
        f"{a}.shots_per_rv": st.integers(1, 4).map(float),
        f"{a}.discrimination": probability,
        f"{a}.common_mode": st.floats(0.5, 1.0),
        f"{b}.interceptors": st.integers(0, 60).map(float),
        f"{b}.survivability_mobile": probability,
        f"{b}.survivability_ssbn": probability,
        f"{a}.survivability_bomber": probability,
        f"{a}.arsenal_scale": st.floats(0.2, 3.0),
        f"{b}.arsenal_scale": st.floats(0.2, 3.0),
        f"{a}.w80": st.floats(50.0, 800.0),
        f"{b}.retaliation_warheads": st.floats(5.0, 400.0),
        f"{b}.launch_under_attack": probability,
        f"{a}.posture": st.sampled_from(["day-to-day", "generated"]),
    }
    return st.fixed_dictionaries(
        {k: st.lists(v, min_size=3, max_size=3) for k, v in columns.items()}
    )


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_batch_equals_reference_on_random_variants(us_us, data):
    lists = data.draw(variant_levers(us_us.sides))
    levers = {k: np.array(v) for k, v in lists.items()}
    view = data.draw(st.sampled_from([None, "A-view"]))
    assert_equal_outputs(reference(us_us, levers, view), evaluate_batch(us_us, levers, view=view))


@pytest.mark.parametrize("scenario_id", [row["id"] for row in list_builtin_scenarios(max_sides=2)])
def test_batch_equals_reference_on_builtin_scenarios(scenario_id):
    scenario = load_scenario(scenario_id)
    first, second = scenario.sides
    rng = np.random.default_rng(7)
    levers = {
        f"{first}.interceptors": np.array([0.0, 300.0]),
        f"{second}.survivability_mobile": rng.uniform(0, 1, 2),
        f"{second}.arsenal_scale": np.array([0.5, 2.5]),
        f"{first}.w80": rng.uniform(100, 500, 2),
    }
    for view in [None, *list(scenario.assumptions)[:1]]:
        assert_equal_outputs(
            reference(scenario, levers, view), evaluate_batch(scenario, levers, view=view)
        )


def test_structural_levers_group_and_match(us_us):
    levers = {
        "B.Minuteman III (W87-0/Mk21).launchers": np.array([100, 200, 100, 150]),
        "B.Minuteman III (W87-0/Mk21).deployed_warheads": np.array([100, 200, 100, 150]),
        "A.shoot_look_shoot": np.array([True, False, False, True]),
        "A.second_shots": np.array([2.0, 0.0, 1.0, 1.0]),
        "A.interceptor_pk": np.array([0.3, 0.6, 0.9, 0.5]),
    }
    assert_equal_outputs(reference(us_us, levers), evaluate_batch(us_us, levers))


def test_forces_with_fewer_than_one_aim_point_match(us_us):
    # Below one aim point a system counts as one, which changes its priority value:
    # the reaction searches must rank such forces afresh instead of reusing the order
    # of the forces as they are.
    levers = {
        "B.arsenal_scale": np.array([0.001, 0.004, 0.02, 0.3]),
        "A.arsenal_scale": np.array([0.002, 1.0, 0.01, 0.003]),
        "B.retaliation_warheads": np.array([50.0, 5.0, 200.0, 20.0]),
    }
    assert_equal_outputs(reference(us_us, levers), evaluate_batch(us_us, levers))


def test_decoys_match(us_us):
    levers = {
        "A.decoys_per_rv": np.array([0.0, 0.5]),
        "A.decoy_rejection": np.array([0.2, 0.9]),
        "A.interceptors": np.array([44.0, 100.0]),
    }
    assert_equal_outputs(reference(us_us, levers), evaluate_batch(us_us, levers))


def test_scalars_broadcast_and_order_does_not_matter(us_us):
    levers = {"A.interceptors": np.array([0.0, 50.0, 100.0, 150.0]), "B.arsenal_scale": 1.5}
    whole = evaluate_batch(us_us, levers)
    backwards = evaluate_batch(
        us_us, {"A.interceptors": levers["A.interceptors"][::-1], "B.arsenal_scale": 1.5}
    )
    for name in output_names(us_us.sides):
        np.testing.assert_array_equal(whole[name], backwards[name][::-1])
    # More interceptors never lets more of B's retaliation through.
    assert np.all(np.diff(whole["B.arriving_after_full_counterforce"]) <= 1e-9)


def test_empty_batch(us_us):
    out = evaluate_batch(us_us, {"A.interceptors": np.array([])})
    assert all(v.shape == (0,) for v in out.values())


@pytest.mark.parametrize(
    ("levers", "message"),
    [
        ({"A.interceptor_pk": np.array([0.5, 1.5])}, "share between 0 and 1.*got 1.5"),
        ({"A.interceptors": np.array([1.0, 2.5])}, "whole number.*got 2.5"),
        ({"A.warp_drive": np.array([1.0])}, "unknown lever"),
        ({"C.interceptors": np.array([1.0])}, "SIDE.name"),
        (
            {"A.interceptors": np.array([1.0, 2.0]), "B.w80": np.array([1.0, 2.0, 3.0])},
            "one length",
        ),
        ({"A.arsenal_scale": np.array([1.0, np.nan])}, "positive multiple.*got nan"),
        ({"A.posture": np.array(["ready"])}, "generated"),
        ({"A.w80": np.ones((2, 2))}, "1-D"),
    ],
)
def test_bad_levers_raise_input_errors(us_us, levers, message):
    with pytest.raises(InputError, match=message):
        evaluate_batch(us_us, levers)


def test_defense_fields_are_all_carried():
    from stratstab.analysis.spec.blocks import DefenseLayerSpec

    layer_fields = set(DEFENSE_ARRAY_FIELDS) | {"shoot_look_shoot"}
    assert layer_fields == set(DefenseLayerSpec.model_fields)
    assert layer_fields | {"further_layers"} == set(DefenseSpec.model_fields)


def _bounded_and_exhaustive(scenario, levers, outputs="crisis"):
    """Batch outputs with the bounded stop rule and with every grid level traced."""
    from stratstab.analysis.batch import evaluate as batch

    runs = []
    original = batch.evaluate_resolved
    for exhaustive in (False, True):

        def resolved(group, exhaustive=exhaustive, **options):
            return original(group, exhaustive=exhaustive, **options)

        batch.evaluate_resolved = resolved
        try:
            runs.append(evaluate_batch(scenario, levers, outputs=outputs))
        finally:
            batch.evaluate_resolved = original
    return runs


@pytest.mark.parametrize("scenario_id", [row["id"] for row in list_builtin_scenarios(max_sides=2)])
def test_bounded_stop_rule_picks_the_level_of_the_full_grid(scenario_id):
    """Skipping levels by the cost bound never changes the level the stop rule picks."""
    scenario = load_scenario(scenario_id)
    a, b = scenario.sides
    rng = np.random.default_rng(11)
    n = 400
    levers = {
        f"{a}.interceptors": rng.integers(0, 600, n).astype(float),
        f"{a}.interceptor_pk": rng.uniform(0.1, 1.0, n),
        f"{a}.decoys_per_rv": rng.uniform(0.0, 3.0, n),
        f"{b}.interceptors": rng.integers(0, 100, n).astype(float),
        f"{b}.survivability_mobile": rng.uniform(0.0, 1.0, n),
        f"{b}.launch_under_attack": rng.uniform(0.0, 1.0, n),
        f"{a}.arsenal_scale": rng.uniform(0.2, 2.0, n),
        f"{b}.arsenal_scale": rng.uniform(0.2, 4.0, n),
        f"{a}.w80": rng.uniform(50.0, 800.0, n),
    }
    bounded, exhaustive = _bounded_and_exhaustive(scenario, levers)
    for name, values in exhaustive.items():
        np.testing.assert_array_equal(bounded[name], values, err_msg=name)
    work: dict[str, np.ndarray] = {}
    evaluate_batch(scenario, levers, outputs="crisis", work=work)
    for side in scenario.sides:
        traced = work[f"{side}.levels_traced"]
        assert traced.max() <= scenario.counterforce_levels
        assert traced.mean() < scenario.counterforce_levels / 4  # the bound saves work


def test_stop_rule_ties_go_to_the_victims_cost_then_the_smallest_strike(us_us):
    """Without any retaliation arriving, costs tie across levels: the rule's tie-break."""
    levers = {"B.survivability_mobile": 0.0, "B.survivability_ssbn": 0.0, "A.interceptors": 0.0}
    bounded, exhaustive = _bounded_and_exhaustive(us_us, levers)
    for name, values in exhaustive.items():
        np.testing.assert_array_equal(bounded[name], values, err_msg=name)
    assert_equal_outputs(
        {
            k: v
            for k, v in reference(us_us, {k: [v] for k, v in levers.items()}).items()
            if k in bounded
        },
        bounded,
    )


def test_crisis_outputs_are_the_exchange_part_of_all_outputs(us_us):
    levers = {"A.interceptors": np.array([0.0, 44.0, 300.0]), "B.arsenal_scale": 1.3}
    full = evaluate_batch(us_us, levers)
    crisis = evaluate_batch(us_us, levers, outputs="crisis")
    assert list(crisis) == batch_output_names(us_us.sides, "crisis")
    assert "A.required_arsenal" not in crisis
    for name, values in crisis.items():
        np.testing.assert_array_equal(values, full[name], err_msg=name)
    with pytest.raises(InputError, match="crisis"):
        evaluate_batch(us_us, levers, outputs="reactions")


def test_identical_neighbouring_weapon_types_are_merged():
    from stratstab.analysis.batch._kernel import weapon_counts
    from stratstab.analysis.batch.evaluate import _plan_arrays, structure
    from stratstab.analysis.batch.exchange import strike_plan
    from stratstab.analysis.batch.inputs import batch_resolved

    scenario = load_scenario("us-china-2024-baseline")
    base = structure(scenario, scenario.levers)
    batch = batch_resolved(base, {}, 1)
    plan = strike_plan(base, "CN")
    china = batch.forces["CN"]
    # China's four DF-41 entries carry the same warhead: one type in the queue.
    assert plan.type_starts.size < plan.weapon_index.size
    queue, type_starts = _plan_arrays(plan)[:2]
    base = np.stack([china.warheads, china.aim_points, china.survivability])
    counts, edges = np.empty(type_starts.size), np.empty(type_starts.size + 1)
    weapon_counts(queue, type_starts, base, 0, china.fixed, 1.0, counts, edges)
    ready = (china.warheads * china.readiness)[0, plan.weapon_index]
    np.testing.assert_allclose(counts.sum(), ready.sum(), rtol=1e-15)
    assert edges[-1] == pytest.approx(counts.sum(), rel=1e-15)
    assert np.all(np.diff(plan.sspk, axis=0).any(axis=1) | (np.diff(plan.reliability) != 0))


def test_reaction_functions_are_solved_once_per_distinct_case(us_us):
    """Varying only B's launch under attack leaves A's reaction problems unchanged."""
    from stratstab.analysis.batch import evaluate as batch
    from stratstab.analysis.batch.inputs import batch_resolved

    levers = {"B.launch_under_attack": np.array([0.0, 0.25, 0.5, 0.75, 1.0, 0.5])}
    base = batch.structure(us_us, us_us.levers)
    work: dict[str, np.ndarray] = {}
    out = batch.evaluate_resolved(batch_resolved(base, levers, 6), work=work)
    assert work["A.full_strike_evaluations"][0] > 0
    assert np.all(work["A.full_strike_evaluations"][1:] == 0)  # copied, not solved
    assert np.all(work["B.full_strike_evaluations"][:5] > 0)
    assert work["B.full_strike_evaluations"][5] == 0  # same as the third variant
    assert_equal_outputs(reference(us_us, levers), out)


def test_first_of_equal_rows():
    from stratstab.analysis.batch.evaluate import first_of_equal_rows

    rows = np.array([[1.0, 2.0], [3.0, 4.0], [1.0, 2.0], [np.nan, 0.0], [np.nan, 0.0], [3.0, 4.0]])
    assert first_of_equal_rows(rows).tolist() == [0, 1, 0, 3, 4, 1]  # NaN equals nothing
    signed = np.array([[0.0, 1.0], [-0.0, 1.0], [0.0, 1.0]])
    assert first_of_equal_rows(signed).tolist() == [0, 1, 0]
    assert first_of_equal_rows(np.zeros((0, 3))).size == 0
    rng = np.random.default_rng(0)
    distinct = rng.uniform(size=(50, 40))
    picks = rng.integers(0, 50, 2000)
    found = first_of_equal_rows(distinct[picks])
    expected = [int(np.flatnonzero(picks == p)[0]) for p in picks]
    assert found.tolist() == expected


def test_kernel_cache_follows_the_root_search():
    """The compiled kernel's cache is keyed on its own file: it records roots.py's digest."""
    import hashlib
    from pathlib import Path

    from stratstab.analysis.batch import _kernel as batch_kernel
    from stratstab.models import roots

    digest = hashlib.sha256(Path(roots.__file__).read_bytes()).hexdigest()[:16]
    assert batch_kernel.ROOTS_DIGEST == digest, (
        "stratstab/models/roots.py changed: set batch_kernel.ROOTS_DIGEST to " + digest
    )


@pytest.mark.parametrize("rvs", [0.0, 1.0, 7.0, 9.5, 10.0, 10.25, 13.0])
@pytest.mark.parametrize("interceptors", [3.0, 13.0, 21.0, 22.0, 23.0, 24.0, 40.0])
@pytest.mark.parametrize("decoys_per_rv", [0.0, 0.4])
def test_kernel_shoot_look_shoot_equals_reference(rvs, interceptors, decoys_per_rv):
    """The kernel's arriving warheads equal ``engage`` at every shoot-look-shoot regime:
    inventory short in the first salvo, short of a full second salvo, ample."""
    from stratstab.analysis.batch import _kernel as kernel
    from stratstab.models.defense import engage

    fields = dict(interceptors=interceptors, interceptor_pk=0.6, shots_per_rv=2.0,
                  discrimination=0.95, common_mode=0.9, decoys_per_rv=decoys_per_rv,
                  decoy_rejection=0.5, second_shots=2.0, kill_assessment=0.9)  # fmt: skip
    assert tuple(fields) == DEFENSE_ARRAY_FIELDS
    row = np.empty(kernel.DEFENSE_ROW)
    kernel.defense_row(np.array(list(fields.values())), row)
    expected = engage(
        rvs=rvs, interceptors=interceptors, interceptor_pk=0.6, shots_per_rv=2,
        discrimination=0.95, common_mode=0.9, decoys=rvs * decoys_per_rv, decoy_rejection=0.5,
        shoot_look_shoot=True, second_shots=2, kill_assessment=0.9, with_p_no_leakers=False,
    ).expected_leakers  # fmt: skip
    arriving = kernel.arriving(rvs, row[None, :], np.array([True]))
    assert arriving == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("rvs", [0.0, 3.0, 9.5, 40.0, 123.25])
def test_kernel_layers_equal_the_reference_chain(rvs):
    """The kernel passes warheads through every layer as ``through_layers`` does:
    barrage and shoot-look-shoot layers, decoys, short and ample inventories, and a
    padding layer without interceptors."""
    from stratstab.analysis.batch import _kernel as kernel
    from stratstab.models.defense import DefenseLayer, through_layers

    layers = [
        DefenseLayer(interceptors=30, interceptor_pk=0.55, shots_per_rv=1, discrimination=0.9,
                     decoys_per_rv=1.0, decoy_rejection=0.5, shoot_look_shoot=True,
                     second_shots=1, kill_assessment=0.8),
        DefenseLayer(interceptors=48, interceptor_pk=0.5, shots_per_rv=2, discrimination=0.85,
                     common_mode=0.95, decoys_per_rv=1.0, decoy_rejection=0.5),
        DefenseLayer(interceptors=0, interceptor_pk=0.0, shots_per_rv=0),
        DefenseLayer(interceptors=100, interceptor_pk=0.6, shots_per_rv=2, discrimination=0.7),
    ]  # fmt: skip
    rows = np.empty((len(layers), kernel.DEFENSE_ROW))
    for k, layer in enumerate(layers):
        kernel.defense_row(np.array([float(getattr(layer, f)) for f in DEFENSE_ARRAY_FIELDS]),
                           rows[k])  # fmt: skip
    flags = np.array([layer.shoot_look_shoot for layer in layers])
    expected = through_layers(rvs=rvs, layers=layers)
    assert kernel.arriving(rvs, rows, flags) == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert expected < through_layers(rvs=rvs, layers=layers[:1]) or rvs == 0


def test_stop_rule_tolerance_is_a_scenario_setting_honoured_by_reference_and_kernel():
    """Within 0.01 of its lowest cost the striker takes the level that costs the victim
    most: a smaller strike than the strict minimum, in the reference and the kernel."""
    from stratstab.analysis.assessment.assess import assess

    strict = scenario_from_dict(US_US, source="test")
    loose = scenario_from_dict({**US_US, "cost": {"stop_rule_tolerance": 0.01}}, source="test")
    assert strict.cost.stop_rule_tolerance == 1e-12  # the documented default
    curve = assess(strict).curves["A"]
    assert curve.choice.index == int(np.argmin(curve.striker_cost))
    chosen = assess(loose).curves["A"].choice.index
    near = np.flatnonzero(curve.striker_cost <= curve.striker_cost.min() + 0.01)
    assert chosen == near[np.argmax(curve.victim_cost[near])]
    assert chosen < curve.choice.index
    levers = {"A.interceptors": np.array([0.0, 44.0]), "B.arsenal_scale": np.array([1.0, 0.7])}
    assert_equal_outputs(reference(loose, levers), evaluate_batch(loose, levers))
    bounded, exhaustive = _bounded_and_exhaustive(loose, levers)
    for name, values in exhaustive.items():
        np.testing.assert_array_equal(bounded[name], values, err_msg=name)
