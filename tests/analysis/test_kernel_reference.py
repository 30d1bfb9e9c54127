"""Each scalar function of the compiled batch kernel against the reference function it
copies, one property test per function: a drift names the function that moved.

The end-to-end equality of whole assessments is in ``test_batch.py``; here every input
is drawn by hypothesis over the ranges the models accept.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from stratstab.analysis.batch import _kernel as kernel
from stratstab.analysis.batch import layout
from stratstab.analysis.batch.evaluate import CRISIS_OUTPUTS, WORK
from stratstab.analysis.batch.inputs import DEFENSE_ARRAY_FIELDS
from stratstab.analysis.reference import arms_race, exchange_curves
from stratstab.analysis.spec import outputs
from stratstab.analysis.spec.blocks import CostSpec
from stratstab.models import crisis, exchange
from stratstab.models.crisis import stop_rule
from stratstab.models.defense import DefenseLayer, engage, through_layers
from stratstab.models.effects import kill_probability
from stratstab.models.exchange import priority_key

# Compiled code is slow to build on the first call: no per-example deadline.
PROPERTY = settings(max_examples=80, deadline=None)
probability = st.floats(0.0, 1.0)


@PROPERTY
@given(
    sspk=probability,
    reliability=probability,
    shots=st.integers(0, 6),
    fratricide=probability,
)
def test_kill_probability(sspk, reliability, shots, fratricide):
    expected = kill_probability(
        sspk=sspk, reliability=reliability, shots=shots, fratricide=fratricide
    )
    got = kernel.kill_probability(sspk, reliability, float(shots), fratricide)
    assert got == pytest.approx(float(expected), rel=1e-12, abs=1e-14)


@PROPERTY
@given(
    value=st.one_of(
        st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False),
        st.sampled_from([0.0, math.inf, -math.inf, 1.0 / 3.0, 123456.789012345]),
    )
)
def test_priority_key(value):
    expected = float(priority_key(np.array([value]))[0])
    got = kernel.priority_key(value)
    assert got == expected or (math.isnan(got) and math.isnan(expected))


@PROPERTY
@given(n=st.integers(0, 60), p=st.floats(0.0, 1.0, allow_subnormal=False), data=st.data())
def test_binomial_pmf(n, p, data):
    k = data.draw(st.integers(0, n))
    # scipy.stats.binom.pmf, except where its incomplete-beta route overflows for
    # p within a few ulps of 0 or 1: there the direct product is exact enough.
    try:
        expected = float(stats.binom.pmf(k, n, p))
    except OverflowError:
        expected = math.comb(n, k) * p**k * (1.0 - p) ** (n - k)
    assert kernel._binomial_pmf(float(k), float(n), p) == pytest.approx(
        expected, rel=1e-9, abs=1e-300
    )


@PROPERTY
@given(x=st.floats(0.0, 1e9), exponent=st.sampled_from([0.75, 0.5, 1.0, 1.3]))
def test_power(x, exponent):
    assert kernel._power(x, exponent) == pytest.approx(x**exponent, rel=1e-13)


defenses = st.fixed_dictionaries(
    {
        # Zero included: the kernel skips the engagement and everything arrives, which
        # the reference must agree with for both doctrines.
        "interceptors": st.integers(0, 400).map(float),
        "interceptor_pk": probability,
        "shots_per_rv": st.integers(1, 5).map(float),
        "discrimination": probability,
        "common_mode": probability,
        "decoys_per_rv": st.floats(0.0, 3.0),
        "decoy_rejection": probability,
        "second_shots": st.integers(0, 4).map(float),
        "kill_assessment": probability,
    }
)


@PROPERTY
@given(rvs=st.floats(0.0, 120.0), defense=defenses, shoot_look_shoot=st.booleans())
def test_arriving_layer(rvs, defense, shoot_look_shoot):
    fields = np.array([defense[name] for name in DEFENSE_ARRAY_FIELDS])
    row = np.zeros(kernel.DEFENSE_ROW)
    kernel.defense_row(fields, row)
    got = kernel._arriving_layer(rvs, row, shoot_look_shoot)
    expected = engage(
        rvs=rvs,
        interceptors=defense["interceptors"],
        interceptor_pk=defense["interceptor_pk"],
        shots_per_rv=defense["shots_per_rv"],
        discrimination=defense["discrimination"],
        common_mode=defense["common_mode"],
        decoys=rvs * defense["decoys_per_rv"],
        decoy_rejection=defense["decoy_rejection"],
        shoot_look_shoot=shoot_look_shoot,
        second_shots=defense["second_shots"],
        kill_assessment=defense["kill_assessment"],
        with_p_no_leakers=False,
    ).expected_leakers
    assert got == pytest.approx(float(expected), rel=1e-9, abs=1e-9)


@PROPERTY
@given(
    rvs=st.floats(0.0, 120.0),
    layers=st.lists(st.tuples(defenses, st.booleans()), min_size=1, max_size=3),
)
def test_arriving(rvs, layers):
    rows = np.zeros((len(layers), kernel.DEFENSE_ROW))
    for k, (defense, _) in enumerate(layers):
        kernel.defense_row(np.array([defense[name] for name in DEFENSE_ARRAY_FIELDS]), rows[k])
    flags = np.array([sls for _, sls in layers])
    got = kernel.arriving(rvs, rows, flags)
    expected = through_layers(
        rvs=rvs,
        layers=[
            DefenseLayer(**{name: defense[name] for name in DEFENSE_ARRAY_FIELDS},
                         shoot_look_shoot=sls)
            for defense, sls in layers
        ],
    )  # fmt: skip
    assert got == pytest.approx(float(expected), rel=1e-9, abs=1e-9)


def test_defense_row_names_follow_the_field_order():
    for name in DEFENSE_ARRAY_FIELDS:
        assert getattr(kernel, name.upper()) == DEFENSE_ARRAY_FIELDS.index(name)
    assert kernel.DEFENSE_FIELDS == len(DEFENSE_ARRAY_FIELDS)


def test_shared_constants_are_the_references():
    assert kernel.SLOPE_STEP is arms_race.ARSENAL_SLOPE_STEP
    assert arms_race.interceptor_slope_step(44) == 10
    assert arms_race.interceptor_slope_step(1000) == 100
    assert np.array_equal(
        arms_race.interceptor_slope_step(np.array([0.0, 150.0])), np.array([10.0, 15.0])
    )


@PROPERTY
@given(
    costs=st.lists(
        st.tuples(
            st.sampled_from([0.0, 0.25, 0.5, 0.5 + 1e-13, 1.0]),
            st.sampled_from([0.0, 0.3, 0.7, 1.3]),
        ),
        min_size=1,
        max_size=12,
    ),
    tolerance=st.sampled_from([0.0, 1e-12, 1e-3, 0.3]),
    data=st.data(),
)
def test_stop_rule(costs, tolerance, data):
    striker = np.array([c for c, _ in costs])
    victim = np.array([v for _, v in costs])
    expected = stop_rule(striker_cost=striker, victim_cost=victim, tolerance=tolerance)
    traced = np.zeros((7, len(costs)))
    traced[kernel.STRIKER_COST] = striker
    traced[kernel.VICTIM_COST] = victim
    visited = np.array(data.draw(st.permutations(range(len(costs)))), dtype=np.int64)
    got = kernel.stop_rule(traced, visited, len(costs), striker.min(), tolerance)
    assert got == expected.index


def test_output_columns_are_named_in_one_table():
    for q, name in enumerate(outputs.PER_SIDE_OUTPUTS):
        assert getattr(outputs, name.upper()) == q
        assert getattr(layout, name.upper()) == q
    assert outputs.PER_SIDE_OUTPUTS[outputs.EXCHANGE_COLUMNS] == CRISIS_OUTPUTS
    assert outputs.PER_SIDE_OUTPUTS[outputs.REACTION_COLUMNS][0] == "required_arsenal"
    assert kernel.SIDE_OUTPUTS is outputs.PER_SIDE_OUTPUTS
    assert layout.WORK == WORK


def test_constants_come_from_the_reference():
    assert kernel.LN5 is crisis.LN5
    assert kernel.KENT_THALER_EXPONENT is crisis.KENT_THALER_EXPONENT
    assert CostSpec().own_weight_exponent == crisis.KENT_THALER_EXPONENT
    assert CostSpec().enemy_weight == crisis.KENT_THALER_ENEMY_WEIGHT
    assert kernel.EMPTY_FORCE_FLOOR is exchange_curves.EMPTY_FORCE_FLOOR
    assert kernel.DERIVATIVE_STEP is arms_race.DERIVATIVE_STEP
    assert kernel.PRIORITY_UNIT_EXPONENT == exchange.PRIORITY_DIGITS - 1
    value = 123.456789012345
    assert kernel.priority_key(value) == float(priority_key(np.array([value]))[0])
    # Two values this close may swap order once rounded; farther apart they never do.
    gap = kernel.PRIORITY_SEPARATION
    assert priority_key(np.array([1.0]))[0] < priority_key(np.array([1.0 + gap]))[0]
    source = Path(kernel.__file__).read_text()
    for literal in ("math.log(5", "1e-12 *", "- 9.0", "args[", "out[i, x, 5]", "values[0]"):
        assert literal not in source, literal
