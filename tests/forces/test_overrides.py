"""Scenario overrides: good ones give a new validated dataset, bad ones a precise error."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stratstab.errors import InputError
from stratstab.forces import OVERRIDE_SOURCE_KEY, apply_overrides, load_dataset

CHINA = load_dataset("china-2024")


def test_override_sets_central_and_cites_the_override():
    result = apply_overrides(CHINA, {"DF-41.launchers": 60, "DF-41.survivability.generated": 0.9})
    df41 = result.system("DF-41")
    assert df41.launchers.central == 60
    assert df41.launchers.source == OVERRIDE_SOURCE_KEY and df41.launchers.assumption
    assert "36" in df41.launchers.basis  # records the replaced value
    assert df41.launchers.high == 60 and df41.launchers.low == CHINA.system("DF-41").launchers.low
    assert df41.survivability.generated.central == 0.9
    assert OVERRIDE_SOURCE_KEY in {s.key for s in result.sources}
    # The input dataset is untouched.
    assert CHINA.system("DF-41").launchers.central == 36
    assert OVERRIDE_SOURCE_KEY not in {s.key for s in CHINA.sources}


def test_more_launchers_bring_their_warheads():
    result = apply_overrides(CHINA, {"DF-41.launchers": 60})
    assert result.system("DF-41").deployed_warheads.central == pytest.approx(180)
    both = apply_overrides(CHINA, {"DF-41.launchers": 60, "DF-41.deployed_warheads": 90})
    assert both.system("DF-41").deployed_warheads.central == 90
    fewer = apply_overrides(CHINA, {"DF-41.warheads_per_launcher": 1})
    assert fewer.system("DF-41").deployed_warheads.central == pytest.approx(36)


def test_loading_an_empty_system_uses_launchers_times_loading():
    result = apply_overrides(CHINA, {"DF-5C.launchers": 6})
    assert result.system("DF-5C").deployed_warheads.central == pytest.approx(18)


def test_mapping_value_sets_the_range_and_names_are_case_insensitive():
    result = apply_overrides(CHINA, {"df-41.cep_m": {"low": 80, "central": 150, "high": 400}})
    cep = result.system("DF-41").cep_m
    assert (cep.low, cep.central, cep.high) == (80, 150, 400)


def test_longest_system_name_wins():
    result = apply_overrides(CHINA, {"DF-41 (Yumen silos).launchers": 100})
    assert result.system("DF-41 (Yumen silos)").launchers.central == 100
    assert result.system("DF-41").launchers.central == 36


def test_strategic_flag_can_be_switched():
    result = apply_overrides(CHINA, {"DF-26.strategic": True})
    assert result.system("DF-26").strategic
    with pytest.raises(InputError, match="true or false"):
        apply_overrides(CHINA, {"DF-26.strategic": 1})


def test_empty_overrides_return_the_dataset():
    assert apply_overrides(CHINA, {}) is CHINA


@pytest.mark.parametrize(
    ("overrides", "field", "expected"),
    [
        ({"DF-99.launchers": 5}, "forces.CN.overrides.DF-99.launchers", "DF-41 (Hami silos)"),
        ({"DF-41.range_km": 5}, "forces.CN.overrides.DF-41.range_km", "survivability.generated"),
        ({"DF-41.name": "x"}, "forces.CN.overrides.DF-41.name", "cannot override"),
        ({"DF-41.launchers": "many"}, "forces.CN.overrides.DF-41.launchers", "finite number"),
        ({"DF-41.launchers": True}, "forces.CN.overrides.DF-41.launchers", "finite number"),
        ({"DF-41.launchers": float("nan")}, "forces.CN.overrides.DF-41.launchers", "finite"),
        ({"DF-41.launchers": -3}, "forces.CN.overrides.DF-41.launchers", "at least 0"),
        (
            {"DF-41.survivability.day_to_day": 1.5},
            "forces.CN.overrides.DF-41.survivability.day_to_day",
            "at most 1",
        ),
        (
            {"DF-41 (Hami silos).launchers": 200},
            "forces.CN.overrides.DF-41 (Hami silos).launchers",
            "aim_points",
        ),
        ({"DF-41.cep_m": {"middle": 3}}, "forces.CN.overrides.DF-41.cep_m", "low/central/high"),
        ({"DF-41.cep_m": {"low": 600}}, "forces.CN.overrides.DF-41.cep_m", "must not exceed"),
        ({42: 1}, "forces.CN.overrides.42", "SYSTEM.FIELD"),
    ],
)
def test_bad_overrides_name_origin_and_key(overrides, field, expected):
    with pytest.raises(InputError) as info:
        apply_overrides(
            CHINA, overrides, origin="scenario.yaml", field_prefix="forces.CN.overrides"
        )
    assert info.value.source == "scenario.yaml"
    assert info.value.field == field
    assert expected in info.value.message


def test_default_field_is_the_bare_key():
    with pytest.raises(InputError) as info:
        apply_overrides(CHINA, {"DF-41.launchers": -1})
    assert info.value.field == "DF-41.launchers"


def test_inventory_cannot_be_overridden():
    with pytest.raises(InputError, match="posture datasets only"):
        apply_overrides(load_dataset("sipri-2024"), {"CN.total": 1})  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(
    value=st.floats(min_value=0, max_value=1, allow_nan=False),
    field=st.sampled_from(["reliability", "survivability.day_to_day"]),
)
def test_any_probability_override_is_accepted_and_bracketed(value, field):
    # A day-to-day survivability above the generated one is inconsistent by design.
    overrides = {f"DF-41.{field}": value}
    if field == "survivability.day_to_day":
        overrides["DF-41.survivability.generated"] = 1.0
    estimate = apply_overrides(CHINA, overrides).system("DF-41").estimate(field)
    assert estimate.central == value
    assert estimate.value("low") <= value <= estimate.value("high")


@settings(max_examples=40, deadline=None)
@given(launchers=st.integers(min_value=0, max_value=400))
def test_launcher_overrides_keep_warheads_proportional(launchers):
    result = apply_overrides(CHINA, {"DF-31AG.launchers": launchers}).system("DF-31AG")
    assert result.deployed_warheads.central == pytest.approx(launchers)
    low, central, high = result.deployed_warheads.bounds()
    assert low <= central <= high


def test_overrides_may_move_systems_away_from_the_published_totals():
    from stratstab.forces.loader import load_posture
    from stratstab.forces.overrides import apply_overrides

    us = load_posture("us-2024")
    changed = apply_overrides(
        us,
        {
            "Minuteman III (W87-0/Mk21).launchers": 100,
            "Minuteman III (W87-0/Mk21).deployed_warheads": 100,
        },
        origin="test",
    )
    icbm = sum(s.deployed_warheads.central for s in changed.systems if s.kind == "icbm")
    assert icbm == 300 and changed.totals.deployed_by_kind["icbm"].central == 400
