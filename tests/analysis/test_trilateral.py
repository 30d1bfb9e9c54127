"""Stability among three sides: reduction to two, symmetry, monotonicity, golden values."""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml

from stratstab.analysis.assessment.assess import assess
from stratstab.analysis.reference.arms_race import _with_side_scaled
from stratstab.analysis.reference.inputs import resolve
from stratstab.analysis.reference.pairwise import SidesAssessment, assess_sides
from stratstab.analysis.spec.scenario import load_builtin_scenario, scenario_from_dict
from stratstab.errors import InputError
from stratstab.packaged import builtin_yaml_files

THREE = "us-china-russia-2024"


def _spec(scenario_id: str) -> dict[str, Any]:
    entry = builtin_yaml_files("stratstab.analysis.scenarios")[scenario_id]
    return yaml.safe_load(entry.read_text(encoding="utf-8"))


def _three(**changes: Any) -> dict[str, Any]:
    spec = _spec(THREE)
    spec.pop("assumptions", None)
    spec.pop("beliefs", None)  # for `uncertainty`; assessments do not read them
    spec.update(changes)
    return spec


@pytest.fixture(scope="module")
def baseline() -> SidesAssessment:
    result = assess(load_builtin_scenario(THREE))
    assert isinstance(result, SidesAssessment)
    return result


def test_a_third_side_without_forces_gives_exactly_the_two_sided_results() -> None:
    spec = _three(counterforce_levels=101)
    three = resolve(scenario_from_dict(spec, source="three"))
    without_russia = assess_sides(_with_side_scaled(three, "RU", 0.0))
    two_spec = {
        key: ({s: v for s, v in value.items() if s != "RU"} if isinstance(value, dict) else value)
        for key, value in spec.items()
        if key != "doctrine"
    }
    two = assess(scenario_from_dict(two_spec, source="two"), method="reference")
    for side in ("US", "CN"):
        other = "CN" if side == "US" else "US"
        assert without_russia.c1(side, other) == two.c1(side)
        assert without_russia.c2(side, other) == two.c2(side)
        ours = without_russia.side_report(side)
        theirs = two.side_report(side)
        assert ours["required_arsenal"] == pytest.approx(theirs["required_arsenal"], rel=1e-7)
        assert ours["reaction_slope_arsenal"][other] == pytest.approx(
            theirs["reaction_slope_arsenal"], rel=1e-6, abs=1e-9
        )
        assert ours["reaction_slope_interceptors"][other] == pytest.approx(
            theirs["reaction_slope_interceptors"], rel=1e-6, abs=1e-9
        )
        assert ours["requirement_driver"] == other
    assert without_russia.pair_index("US", "CN") == two.crisis_stability_index
    product, _ = two.arms_race
    assert without_russia.race.spectral_radius == pytest.approx(math.sqrt(product), rel=1e-6)
    assert without_russia.race.slopes[("US", "RU")] == 0.0


def test_relabelling_the_sides_relabels_the_results(baseline: SidesAssessment) -> None:
    swap = {"US": "RU", "RU": "US", "CN": "CN"}

    def relabel(value: Any) -> Any:
        if isinstance(value, dict):
            return {swap.get(k, k): relabel(v) for k, v in value.items()}
        return value

    spec = _spec(THREE)
    spec.pop("assumptions", None)
    spec.pop("beliefs", None)  # for `uncertainty`; assessments do not read them
    swapped = {key: relabel(value) if key != "name" else value for key, value in spec.items()}
    mirrored = assess(scenario_from_dict(swapped, source="swapped"))
    assert isinstance(mirrored, SidesAssessment)
    for (striker, victim), curve in baseline.curves.items():
        twin = mirrored.curves[(swap[striker], swap[victim])]
        assert twin.choice.striker_cost == pytest.approx(curve.choice.striker_cost, rel=1e-12)
        assert twin.choice.victim_cost == pytest.approx(curve.choice.victim_cost, rel=1e-12)
    for side in baseline.sides:
        assert mirrored.race.requirements[swap[side]].required == pytest.approx(
            baseline.race.requirements[side].required, rel=1e-9
        )
    assert mirrored.race.spectral_radius == pytest.approx(baseline.race.spectral_radius, rel=1e-6)


def test_side_order_in_the_file_does_not_matter(baseline: SidesAssessment) -> None:
    spec = _three()
    spec["forces"] = {s: spec["forces"][s] for s in ("RU", "US", "CN")}
    reordered = assess(scenario_from_dict(spec, source="reordered"))
    assert isinstance(reordered, SidesAssessment)
    for pair, value in baseline.pair_indices.items():
        assert reordered.pair_index(*pair) == pytest.approx(value, rel=1e-12)
    assert reordered.race.spectral_radius == pytest.approx(baseline.race.spectral_radius)


@pytest.mark.parametrize("survivability", [0.4, 0.6, 0.8])
def test_more_survivable_forces_never_lower_a_pairs_index(survivability: float) -> None:
    scenario = load_builtin_scenario(THREE)
    lower = assess(scenario, levers={"CN.survivability_mobile": survivability - 0.2})
    higher = assess(scenario, levers={"CN.survivability_mobile": survivability})
    assert isinstance(lower, SidesAssessment) and isinstance(higher, SidesAssessment)
    for pair in (("US", "CN"), ("CN", "RU")):
        assert higher.pair_index(*pair) >= lower.pair_index(*pair) - 1e-12


@pytest.mark.parametrize("interceptors", [0, 44, 200])
def test_more_interceptors_never_lower_an_adversarys_requirement(interceptors: int) -> None:
    scenario = load_builtin_scenario(THREE)
    fewer = resolve(scenario, None, {"US.interceptors": interceptors})
    more = resolve(scenario, None, {"US.interceptors": interceptors + 50})
    from stratstab.analysis.reference.trilateral import requirement

    for side in ("CN", "RU"):
        assert requirement(more, side).required >= requirement(fewer, side).required - 1e-6


@pytest.mark.parametrize(
    ("doctrine", "message"),
    [
        ({"US": {"weights": {"US": 1.0}}}, "cannot target itself"),
        ({"US": {"weights": {"CN": 0.5, "RU": 0.4}}}, "sum to 1"),
        ({"US": {"weights": {"CN": 0.5, "FR": 0.5}}}, "unknown side 'FR'"),
        ({"UK": {"reserve": 0.1}}, "unknown side"),
    ],
)
def test_bad_doctrine_names_the_field(doctrine: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        scenario_from_dict(_three(doctrine=doctrine), source="bad.yaml")
    assert "doctrine" in str(caught.value)


def test_two_sided_analyses_refuse_three_sides_clearly() -> None:
    scenario = load_builtin_scenario(THREE)
    with pytest.raises(InputError, match="two-sided scenarios only"):
        scenario.other("US")


def test_json_keeps_the_two_sided_keys_and_adds_pairs(baseline: SidesAssessment) -> None:
    report = baseline.to_dict()
    assert len(report["pairs"]) == 6
    assert {p["striker"] for p in report["pairs"]} == {"US", "CN", "RU"}
    for entry in report["pairs"]:
        assert set(entry) >= {"striker", "victim", "crisis_stability_index", "c1", "c2"}
    assert report["crisis_stability_index"] == min(
        p["crisis_stability_index"] for p in report["pairs"]
    )
    assert report["arms_race_slope_product"] == pytest.approx(
        report["arms_race_spectral_radius"] ** 2
    )
    assert report["arms_race_stable"] == (report["arms_race_spectral_radius"] < 1)
    two = assess(load_builtin_scenario("us-china-2024-baseline")).to_dict()
    assert two["arms_race_spectral_radius"] == pytest.approx(
        math.sqrt(two["arms_race_slope_product"])
    )
    assert [p["striker"] for p in two["pairs"]] == ["US", "CN"]


# Golden values of the three-sided built-ins: system index, each pair's index, the
# arms-race spectral radius, and per side (required arsenal, driver, binding case).
# They pin the current models and datasets; a change to either must update them on
# purpose, with the reason in the commit.
GOLDEN = {
    "us-china-russia-2024": (
        0.3879,
        {("US", "CN"): 0.3879, ("US", "RU"): 0.7071, ("CN", "RU"): 0.4465},
        0.0430,
        {
            "US": (534.6, "RU", "simultaneous"),
            "CN": (1173.3, "US", "simultaneous"),
            "RU": (1497.7, "US", "simultaneous"),
        },
    ),
    "us-china-russia-2030": (
        0.4567,
        {("US", "CN"): 0.4567, ("US", "RU"): 0.6444, ("CN", "RU"): 0.5932},
        0.0471,
        {
            "US": (555.5, "RU", "simultaneous"),
            "CN": (1278.4, "US", "sequential"),
            "RU": (1518.6, "US", "simultaneous"),
        },
    ),
    "us-russia-upload": (
        0.3558,
        {("US", "CN"): 0.3558, ("US", "RU"): 0.8386, ("CN", "RU"): 0.4155},
        0.0501,
        {
            "US": (497.3, "RU", "simultaneous"),
            "CN": (1230.9, "US", "simultaneous"),
            "RU": (1271.7, "US", "simultaneous"),
        },
    ),
}


def test_every_three_sided_builtin_has_a_golden_result() -> None:
    from stratstab.analysis.spec.scenario import list_builtin_scenarios

    every = {row["id"] for row in list_builtin_scenarios()}
    two = {row["id"] for row in list_builtin_scenarios(max_sides=2)}
    assert every - two == set(GOLDEN)


@pytest.mark.parametrize("scenario_id", sorted(GOLDEN))
def test_golden_results(scenario_id: str) -> None:
    system, pairs, radius, sides = GOLDEN[scenario_id]
    result = assess(load_builtin_scenario(scenario_id))
    assert isinstance(result, SidesAssessment)
    assert result.crisis_stability_index == pytest.approx(system, abs=5e-4)
    for pair, value in pairs.items():
        assert result.pair_index(*pair) == pytest.approx(value, abs=5e-4)
    assert result.race.spectral_radius == pytest.approx(radius, abs=5e-4)
    for side, (required, driver, case) in sides.items():
        need = result.race.requirements[side]
        assert need.required == pytest.approx(required, rel=2e-3)
        assert (need.driver, need.binding_case) == (driver, case)


def test_a_third_side_with_a_millionth_of_its_forces_assesses():
    # A vanishing arsenal once gave a slice-mean SSPK of 1.0000000000000002, refused
    # as a probability.
    import stratstab as ss

    scenario = ss.load_scenario("us-china-russia-2024")
    result = ss.assess(scenario, levers={"RU.arsenal_scale": 1e-6})
    assert 0.0 < result.crisis_stability_index <= 1.5


def test_strikes_reused_within_an_analysis_give_the_same_requirement_bit_for_bit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from stratstab.analysis.reference import trilateral

    computed: list[int] = []
    real = trilateral.counterforce_strike

    def counted(**inputs: Any) -> Any:
        computed.append(1)
        return real(**inputs)

    monkeypatch.setattr(trilateral, "counterforce_strike", counted)
    resolved = resolve(load_builtin_scenario(THREE))
    fresh = trilateral.requirement(resolved, "CN")
    alone = len(computed)
    strikes = trilateral.Strikes()
    first = trilateral.requirement(resolved, "CN", strikes=strikes)
    assert len(computed) == 2 * alone  # an empty memory computes every strike
    again = trilateral.requirement(resolved, "CN", strikes=strikes)
    assert len(computed) == 2 * alone  # the same problem again: every strike remembered
    assert fresh == first == again
    # A third side's interceptors do not enter CN's survival: only new searches' points
    # are computed, and the answer equals a computation from scratch.
    moved = trilateral._with_interceptors(resolved, "RU", 300)
    from_scratch = trilateral.requirement(moved, "CN")
    before = len(computed)
    assert trilateral.requirement(moved, "CN", strikes=strikes) == from_scratch
    assert len(computed) - before < alone
