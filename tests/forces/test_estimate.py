"""Estimates: ordering, bounds per kind, value selection; dataset helpers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from stratstab.errors import NotFoundError
from stratstab.forces import (
    CountEstimate,
    Estimate,
    PositiveEstimate,
    ProbabilityEstimate,
    load_dataset,
)

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(values=st.lists(finite, min_size=3, max_size=3))
def test_ordered_triples_validate_and_others_fail(values):
    low, central, high = values
    data = {"low": low, "central": central, "high": high, "source": "s"}
    if low <= central <= high:
        estimate = Estimate.model_validate(data)
        assert estimate.bounds() == (low, central, high)
    else:
        with pytest.raises(ValidationError):
            Estimate.model_validate(data)


def test_missing_bounds_fall_back_to_central():
    estimate = Estimate(central=3.0, source="s")
    assert estimate.value("low") == estimate.value("high") == 3.0
    with pytest.raises(ValueError):
        estimate.value("median")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("model", "bad", "good"),
    [
        (CountEstimate, -1, 0),
        (ProbabilityEstimate, 1.01, 1),
        (ProbabilityEstimate, -0.01, 0),
        (PositiveEstimate, 0, 0.001),
    ],
)
def test_typed_estimates_bound_their_values(model, bad, good):
    assert model(central=good, source="s").central == good
    with pytest.raises(ValidationError):
        model(central=bad, source="s")
    # A bad bound is caught as well as a bad central value.
    bound = {"high": bad} if bad > good else {"low": bad}
    with pytest.raises(ValidationError):
        model(central=good, source="s", **bound)


def test_infinite_values_are_rejected():
    with pytest.raises(ValidationError, match="finite"):
        Estimate(central=float("inf"), source="s")


def test_system_lookup_lists_valid_names():
    us = load_dataset("us-2024")
    assert us.system("b-2a").name == "B-2A"
    with pytest.raises(NotFoundError) as info:
        us.system("B-21")
    assert "B-52H" in str(info.value) and "Minuteman III (W78/Mk12A)" in str(info.value)


def test_records_and_strategic_filter():
    china = load_dataset("china-2024")
    records = china.records("high", strategic_only=True)
    names = [r["name"] for r in records]
    assert "DF-26" not in names and "DF-41" in names
    df41 = next(r for r in records if r["name"] == "DF-41")
    assert df41["launchers"] == 54 and df41["survivability_day_to_day"] == 0.7
    assert df41["hardness_psi"] != df41["hardness_psi"]  # NaN for a mobile system
    assert china.deployed_warheads(strategic_only=True) < china.deployed_warheads()
