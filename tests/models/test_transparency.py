"""Transparency math on small hand-made cases."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stratstab.errors import InputError
from stratstab.models.transparency import (
    combined_factors,
    gradual_sequence,
    misperception_distance,
    narrowed_beliefs,
    pareto_front,
)
from stratstab.models.uncertainty import Fixed, Uniform


def test_pareto_front_hand_made():
    # (benefit up, exposure down): b dominates d; a, b, c trade off; e equals c.
    objectives = np.array([[1.0, 0.0], [3.0, 1.0], [4.0, 3.0], [2.0, 2.0], [4.0, 3.0]])
    mask = pareto_front(objectives, maximize=[True, False])
    assert mask.tolist() == [True, True, True, False, True]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-5, 5), st.floats(-5, 5), st.floats(-5, 5)), min_size=1, max_size=12
    )
)
def test_pareto_members_are_not_dominated_and_others_are(rows):
    values = np.array(rows)
    mask = pareto_front(values, maximize=[True, False, False])
    better = values * np.array([1, -1, -1])
    for i in range(len(values)):
        dominated = any(
            np.all(better[j] >= better[i]) and np.any(better[j] > better[i])
            for j in range(len(values))
        )
        assert mask[i] == (not dominated)
    assert mask.any()


def test_gradual_sequence_hand_made():
    benefit = [0.2, 0.5, 0.1, -0.1, 0.3, 0.0]
    exposure = [0.1, 0.5, 0.0, 0.0, 0.1, 0.2]
    # free and helpful first (index 2), then by ratio: 4 (3.0), 0 (2.0), 1 (1.0);
    # then the unhelpful: 3 (cost 0.1 = 0 - (-0.1)), 5 (0.2).
    assert gradual_sequence(benefit, exposure) == [2, 4, 0, 1, 3, 5]


def test_combined_factors_multiply_and_validate():
    assert combined_factors([{"a": 0.5}, {"a": 0.4, "b": 1.0}]) == {
        "a": pytest.approx(0.2),
        "b": 1.0,
    }
    with pytest.raises(InputError):
        combined_factors([{"a": 1.5}])


def test_narrowed_beliefs_expose_then_pull_to_truth():
    beliefs = {"CN.s": Uniform(0.4, 0.8), "US.k": Fixed(0.8)}
    out = narrowed_beliefs(
        beliefs,
        factors={"CN.s": 0.5, "US.k": 0.0},
        exposure={"CN.s": 0.5},
        truth={"CN.s": 0.6, "US.k": 0.5},
    )
    # Exposure halves the belief (0.2-0.4) and the truth (0.3); narrowing pulls halfway.
    assert (out["CN.s"].low, out["CN.s"].high) == pytest.approx((0.25, 0.35))
    assert out["US.k"] == Fixed(0.5)


def test_misperception_distance():
    actual = {"i": 0.5, "w": 100.0}
    view = {"i": 0.7, "w": 150.0}
    assert misperception_distance(view, actual, absolute=["i"], relative=["w"]) == pytest.approx(
        0.35
    )
    assert misperception_distance(actual, actual, absolute=["i"], relative=["w"]) == 0.0
    assert (
        misperception_distance({"i": 0.5, "w": float("inf")}, actual, absolute=[], relative=["w"])
        == 1.0
    )
