"""A side's defense as a list of layers: validation, backward compatibility, levers."""

from __future__ import annotations

import pytest

from stratstab.analysis.assessment.assess import assess
from stratstab.analysis.reference.exchange_curves import arriving
from stratstab.analysis.spec.scenario import load_scenario, scenario_from_dict
from stratstab.errors import InputError
from stratstab.models.defense import DefenseLayer, engage

ONE_LAYER = {"interceptors": 44, "interceptor_pk": 0.5, "shots_per_rv": 4, "discrimination": 0.9}


def _with_us_defense(defense):
    data = load_scenario().model_dump()
    data["defenses"]["US"] = defense
    return scenario_from_dict(data, source="layers")


def test_a_one_layer_list_is_the_one_layer_mapping():
    as_mapping = _with_us_defense(ONE_LAYER)
    as_list = _with_us_defense([ONE_LAYER])
    assert as_list.defenses["US"] == as_mapping.defenses["US"]
    assert as_mapping.defenses["US"].layers() == [as_mapping.defenses["US"]]
    baseline = assess(load_scenario()).crisis_stability_index
    assert assess(as_list).crisis_stability_index == pytest.approx(baseline, rel=1e-12)


def test_layers_round_trip_through_the_written_form():
    layered = _with_us_defense([ONE_LAYER, {"interceptors": 50, "shots_per_rv": 1}])
    written = layered.model_dump()["defenses"]["US"]
    assert written["further_layers"][0]["interceptors"] == 50
    again = _with_us_defense(written)
    assert again.defenses["US"] == layered.defenses["US"]


def test_reference_arriving_chains_the_layers_hand_worked():
    # Ample inventories, no decoys: leakage multiplies.  Layer 1: four shots of 0.5 with
    # discrimination 0.9 leak 1 - 0.9 (1 - 0.5^4) = 0.15625.  Layer 2: shoot-look-shoot,
    # one shot of 0.6 then one more at RVs seen to survive (kill assessment 0.8):
    # 0.4 (1 - 0.8 * 0.6) = 0.208.  100 RVs -> 100 * 0.15625 * 0.208 = 3.25 arrive.
    second = {"interceptors": 10_000, "interceptor_pk": 0.6, "shots_per_rv": 1,
              "shoot_look_shoot": True, "second_shots": 1, "kill_assessment": 0.8}  # fmt: skip
    layered = _with_us_defense([{**ONE_LAYER, "interceptors": 10_000}, second])
    assert arriving([100.0], layered.defenses["US"])[0] == pytest.approx(3.25, rel=1e-12)


def test_a_short_first_layer_hands_its_expected_leakers_to_the_next():
    layered = _with_us_defense([ONE_LAYER, {"interceptors": 30, "interceptor_pk": 0.6,
                                            "shots_per_rv": 2}])  # fmt: skip
    first = engage(rvs=60.0, interceptors=44, interceptor_pk=0.5, shots_per_rv=4,
                   discrimination=0.9, with_p_no_leakers=False).expected_leakers  # fmt: skip
    second = DefenseLayer(interceptors=30, interceptor_pk=0.6, shots_per_rv=2).engage(first)
    got = arriving([60.0], layered.defenses["US"])[0]
    assert got == pytest.approx(float(second.expected_leakers), rel=1e-12)
    assert got < first


def test_levers_set_the_first_layer_and_keep_the_others():
    layered = load_scenario("layered-missile-defense")
    result = assess(layered, levers={"US.interceptors": 0})
    defense = result.resolved.defense("US")
    assert defense.interceptors == 0 and len(defense.further_layers) == 2
    # With the first layer gone the others still stop warheads: fewer arrive than
    # with no US defense at all.
    undefended = assess(layered, levers={"US.interceptors": 0, "US.interceptor_pk": 0.0})
    assert undefended.to_dict()["per_side"]["CN"]["arriving_warheads"] < (
        undefended.to_dict()["per_side"]["CN"]["retaliation_launched"]
    )


@pytest.mark.parametrize(
    ("defense", "message"),
    [
        ([], "at least one layer"),
        ([{**ONE_LAYER, "further_layers": []}], "not both"),
        ([ONE_LAYER, {"interceptors": -1}], "interceptors"),
        ([ONE_LAYER, {"interceptor_pk": 1.5}], "interceptor_pk"),
        ([ONE_LAYER, {"shots_per_rv": 0}], "shots_per_rv"),
        ([ONE_LAYER, {"speed": 3}], "speed"),
    ],
)
def test_bad_layers_name_the_field(defense, message):
    with pytest.raises(InputError, match=message):
        _with_us_defense(defense)


def test_further_layers_is_not_a_lever():
    data = load_scenario().model_dump()
    data["levers"] = {"US.further_layers": []}
    with pytest.raises(InputError, match="further_layers"):
        scenario_from_dict(data, source="levers")
