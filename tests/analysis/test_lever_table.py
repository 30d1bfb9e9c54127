"""The one lever table: it drives validation everywhere, agrees with the specs, and the
lever reference in docs/scenarios.md is generated from it."""

from __future__ import annotations

import typing
from pathlib import Path

import annotated_types
import numpy as np
import pytest

from stratstab.analysis.assessment.assess import assess
from stratstab.analysis.assessment.evaluate import evaluate_many
from stratstab.analysis.batch.evaluate import evaluate_batch
from stratstab.analysis.batch.sweep import parse_vary
from stratstab.analysis.spec.beliefs import INTEGER_LEVERS, NON_NUMERIC_LEVERS
from stratstab.analysis.spec.blocks import DefenseLayerSpec
from stratstab.analysis.spec.lever_table import (
    lever_reference,
    lever_table,
    with_lever_reference,
)
from stratstab.analysis.spec.scenario import load_scenario, scenario_from_dict
from stratstab.errors import InputError
from stratstab.exercises.adjudication import _clip

DOC = Path(__file__).resolve().parents[2] / "docs" / "scenarios.md"

# (key, value, text the message must carry): an unknown name, and values out of bounds,
# of the wrong kind, text for a number, a fraction for a whole number, NaN.
BAD_LEVERS = [
    ("US.interceptor", 400, "unknown lever 'interceptor'; expected one of posture, "),
    ("US.interceptors", -1, "Missile-defense interceptors must be a whole number of at least 0"),
    ("US.interceptors", 2.5, "Missile-defense interceptors must be a whole number"),
    ("US.arsenal_scale", "2", "Arsenal size must be a positive multiple, e.g. 1.5; got '2'"),
    ("US.arsenal_scale", 0, "Arsenal size must be a positive multiple"),
    ("US.interceptor_pk", 1.5, "Interceptor kill probability must be a share between 0 and 1"),
    ("US.survivability_ssbn", float("nan"), "SSBNs at sea must be a share between 0 and 1"),
    ("US.shots_per_rv", 0, "Interceptors fired per warhead must be a whole number of at least 1"),
]


@pytest.fixture(scope="module")
def baseline():
    return load_scenario("us-china-2024-baseline")


def _entry_points(scenario, key, value):
    """Every way a user can hand stratstab a lever, each as a call that must fail."""
    data = {
        "name": "t",
        "forces": {"US": {"dataset": "us-2024"}, "CN": {"dataset": "china-2024"}},
    }
    calls = {
        "with_levers": lambda: scenario.with_levers({key: value}),
        "assess": lambda: assess(scenario, levers={key: value}),
        "assess (reference)": lambda: assess(scenario, levers={key: value}, method="reference"),
        "evaluate_many": lambda: evaluate_many(scenario, [{key: value}]),
        "evaluate_batch": lambda: evaluate_batch(scenario, {key: np.array([value])}),
        "scenario file levers": lambda: scenario_from_dict(
            {**data, "levers": {key: value}}, source="t.yaml"
        ),
        "scenario file assumptions": lambda: scenario_from_dict(
            {**data, "assumptions": {"US-view": {key: value}}}, source="t.yaml"
        ),
    }
    # On the command line every value is text: a sweep axis reads "2" as the number 2.
    if not isinstance(value, str):
        calls["sweep axis"] = lambda: parse_vary(f"{key}={value},{value}", scenario)
    return calls


@pytest.mark.parametrize(("key", "value", "expected"), BAD_LEVERS, ids=lambda x: str(x))
def test_a_bad_lever_gets_the_same_message_everywhere(baseline, key, value, expected):
    messages = {}
    for name, call in _entry_points(baseline, key, value).items():
        with pytest.raises(InputError) as caught:
            call()
        messages[name] = caught.value.message
    assert all(expected in message for message in messages.values()), messages
    assert len(set(messages.values())) == 1, messages


def test_the_unknown_lever_message_lists_the_allowed_names(baseline):
    with pytest.raises(InputError) as caught:
        assess(baseline, levers={"US.interceptor": 400})
    for name in lever_table():
        assert name in caught.value.message
    assert caught.value.field == "levers.US.interceptor"


def test_every_defense_field_is_a_table_row_with_the_specs_bounds():
    table = lever_table()
    # Every field of a defense layer is a lever (it sets the first layer); the list of
    # further layers is not.
    assert "further_layers" not in table
    for name, field in DefenseLayerSpec.model_fields.items():
        spec = table[name]
        bounds = {}
        for item in field.metadata:
            for attr in ("ge", "gt", "le"):
                if isinstance(item, getattr(annotated_types, attr.capitalize())):
                    bounds[attr] = getattr(item, attr)
        annotation = typing.get_args(field.annotation) or (field.annotation,)
        if field.annotation is bool:
            assert spec.kind == "flag", name
            continue
        assert spec.integer == (int in annotation or "int" in str(field.annotation)), name
        assert spec.minimum == bounds.get("ge", bounds.get("gt")), name
        assert spec.exclusive_minimum == ("gt" in bounds), name
        assert spec.maximum == bounds.get("le"), name


def test_derived_sets_come_from_the_table():
    table = lever_table()
    assert {n for n, s in table.items() if s.integer} == INTEGER_LEVERS
    assert "second_shots" in INTEGER_LEVERS
    assert {n for n, s in table.items() if not s.numeric} == NON_NUMERIC_LEVERS


@pytest.mark.parametrize(
    ("lever", "value", "clipped"),
    [
        ("interceptor_pk", 1.4, 1.0),
        ("survivability_ssbn", -0.2, 0.0),
        ("interceptors", -3.0, 0),
        ("interceptors", 12.6, 13),
        ("shots_per_rv", -1.0, 1),
        ("decoys_per_rv", -1.0, 0.0),
        ("w80", -5.0, 1e-6),
    ],
)
def test_exercise_moves_are_clipped_to_the_table_bounds(lever, value, clipped):
    assert _clip(lever, value) == pytest.approx(clipped)
    spec = lever_table()[lever]
    assert spec.accepts(_clip(lever, value))


def test_the_lever_reference_in_the_docs_is_up_to_date():
    document = DOC.read_text(encoding="utf-8")
    assert lever_reference() in document, (
        "docs/scenarios.md is out of date: run `python scripts/lever_reference.py`"
    )
    assert with_lever_reference(document) == document
    for name in lever_table():
        assert f"`SIDE.{name}`" in document
