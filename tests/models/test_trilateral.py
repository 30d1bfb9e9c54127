"""The pure pieces of stability among N sides (models/trilateral.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stratstab.errors import InputError
from stratstab.models.crisis import cost
from stratstab.models.trilateral import (
    binding_requirement,
    check_doctrine,
    doctrine_weights,
    race_equilibrium,
    reaction_matrix,
    reserve_shares,
    spectral_radius,
    system_index,
    third_party_exposure,
    trilateral_cost,
)

SIDES = ("US", "CN", "RU")
slope = st.floats(min_value=0.0, max_value=5.0, allow_nan=False)


@given(a=slope, b=slope)
def test_spectral_radius_of_two_sides_is_root_of_slope_product(a: float, b: float) -> None:
    radius = spectral_radius(reaction_matrix(("A", "B"), {("A", "B"): a, ("B", "A"): b}))
    assert radius == pytest.approx(math.sqrt(a * b), rel=1e-9, abs=1e-12)
    # hence the spectral test and the slope-product test agree
    if abs(a * b - 1.0) > 1e-9:
        assert (radius < 1) == (a * b < 1)


def test_spectral_radius_of_three_sides_by_hand() -> None:
    # A cycle US -> CN -> RU -> US with slopes 0.5, 2, 1: eigenvalues are the cube
    # roots of their product, so the radius is 1 exactly.
    cycle = reaction_matrix(SIDES, {("US", "CN"): 0.5, ("CN", "RU"): 2.0, ("RU", "US"): 1.0})
    assert spectral_radius(cycle) == pytest.approx(1.0)
    # All six slopes 0.4: eigenvalues 0.8, -0.4, -0.4.
    full = reaction_matrix(SIDES, {(i, j): 0.4 for i in SIDES for j in SIDES if i != j})
    assert spectral_radius(full) == pytest.approx(0.8)
    # A third side with no slopes at all leaves the two-sided radius.
    pair = reaction_matrix(SIDES, {("US", "CN"): 0.3, ("CN", "US"): 1.2})
    assert spectral_radius(pair) == pytest.approx(math.sqrt(0.36))
    assert spectral_radius(np.array([[0.0, np.inf], [0.1, 0.0]])) == math.inf


@given(st.lists(slope, min_size=6, max_size=6), st.floats(min_value=0, max_value=0.5))
def test_spectral_radius_never_falls_when_a_slope_rises(values: list[float], bump: float) -> None:
    pairs = [(i, j) for i in SIDES for j in SIDES if i != j]
    base = dict(zip(pairs, values, strict=True))
    raised = {**base, pairs[0]: base[pairs[0]] + bump}
    before = spectral_radius(reaction_matrix(SIDES, base))
    after = spectral_radius(reaction_matrix(SIDES, raised))
    assert after >= before - 1e-9 * max(1.0, before)


def test_race_equilibrium_is_the_intriligator_brito_vertex_for_two_sides() -> None:
    # Cone vertex M_A* = (Mbar_A + f_B Mbar_B) / (1 - f_A f_B): here A's requirement
    # rises by f_B per B warhead (B's counterforce) and B's by f_A per A warhead.
    f_a, f_b, mbar_a, mbar_b = 0.5, 0.8, 300.0, 200.0
    eq = race_equilibrium(matrix=[[0.0, f_b], [f_a, 0.0]], intercepts=[mbar_a, mbar_b])
    assert eq.stable
    assert eq.arsenals[0] == pytest.approx((mbar_a + f_b * mbar_b) / (1 - f_a * f_b))
    assert eq.arsenals[1] == pytest.approx((mbar_b + f_a * mbar_a) / (1 - f_a * f_b))
    unstable = race_equilibrium(matrix=[[0.0, 2.0], [0.6, 0.0]], intercepts=[1.0, 1.0])
    assert not unstable.stable and np.all(np.isinf(unstable.arsenals))


def test_third_party_terms_vanish_without_an_armed_third_party() -> None:
    own, enemy = np.array([0.1, 0.5, 0.9]), np.array([0.3, 0.2, 0.0])
    no_threat = np.zeros((3, 1))
    exact = trilateral_cost(
        own_damage=own, enemy_damage=enemy, threat_damage=no_threat, answer_damage=no_threat
    )
    assert np.array_equal(exact, cost(own_damage=own, enemy_damage=enemy))
    # and any answer is irrelevant when nothing threatens the side
    answer = np.full((3, 1), 0.7)
    assert np.array_equal(
        trilateral_cost(
            own_damage=own, enemy_damage=enemy, threat_damage=no_threat, answer_damage=answer
        ),
        exact,
    )


def test_third_party_exposure_by_hand() -> None:
    # T = 0.5, A = 0.2 with e = 1: exposure 0.3; a second third party that the side
    # out-threatens adds nothing.
    value = third_party_exposure(
        threat_damage=[[0.5, 0.1]], answer_damage=[[0.2, 0.6]], own_weight_exponent=1.0
    )
    assert value == pytest.approx([0.3])
    total = trilateral_cost(
        own_damage=[0.0],
        enemy_damage=[1.0],
        threat_damage=[[0.5]],
        answer_damage=[[0.2]],
        own_weight_exponent=1.0,
        third_party_weight=0.5,
    )
    assert total == pytest.approx([0.15])

    # Counting the rise over peacetime (docs/models.md example): A0 = 0.5 gives no
    # exposure before the war, so the whole 0.3 is the rise; with A0 = 0.2 nothing rose.
    def rise(peacetime: float) -> float:
        return float(
            third_party_exposure(
                threat_damage=[[0.5]],
                answer_damage=[[0.2]],
                peacetime_answer_damage=[[peacetime]],
                own_weight_exponent=1.0,
            )[0]
        )

    assert rise(0.5) == pytest.approx(0.3)
    assert rise(0.2) == 0.0
    assert rise(0.1) == 0.0  # holding more back than in peacetime is no rise either


@given(threat=st.floats(0, 1), answer=st.floats(0, 1), less=st.floats(0, 1), more=st.floats(0, 1))
def test_exposure_grows_with_threat_and_falls_with_answer(
    threat: float, answer: float, less: float, more: float
) -> None:
    def exposure(t: float, a: float) -> float:
        return float(third_party_exposure(threat_damage=[t], answer_damage=[a]))

    assert exposure(max(threat, more), answer) >= exposure(threat, answer)
    assert exposure(threat, max(answer, less)) <= exposure(threat, answer)


def test_reserve_is_split_over_armed_third_parties_only() -> None:
    weights = {"CN": 0.25, "RU": 0.75}
    armed = {"US": True, "CN": True, "RU": True}
    assert reserve_shares(reserve=0.2, weights=weights, adversary="CN", armed=armed) == {
        "RU": pytest.approx(0.2)
    }
    assert reserve_shares(
        reserve=0.2, weights=weights, adversary="CN", armed={**armed, "RU": False}
    ) == {"RU": 0.0}
    four = {"CN": 0.2, "RU": 0.2, "UK": 0.6}
    shares = reserve_shares(
        reserve=0.4, weights=four, adversary="CN", armed={"CN": True, "RU": True, "UK": True}
    )
    assert shares == {"RU": pytest.approx(0.1), "UK": pytest.approx(0.3)}


def test_system_index_is_the_weakest_pair() -> None:
    assert system_index([0.9]) == 0.9
    assert system_index([0.99, 0.62, 0.8]) == 0.62
    with pytest.raises(InputError):
        system_index([])
    with pytest.raises(InputError):
        system_index([1.2])


def test_binding_requirement_names_the_driver() -> None:
    assert binding_requirement({"CN": 800.0, "RU": 1200.0}) == (1200.0, "RU")
    assert binding_requirement({}) == (0.0, None)


@pytest.mark.parametrize(
    ("weights", "reserve", "message"),
    [
        ({"US": {"US": 1.0}}, {}, "cannot target itself"),
        ({"US": {"CN": 0.5, "RU": 0.4}}, {}, "sum to 1"),
        ({"US": {"CN": 0.5, "FR": 0.5}}, {}, "unknown side 'FR'"),
        ({"UK": {"CN": 1.0}}, {}, "unknown side 'UK'"),
        ({}, {"US": 1.0}, "[0, 1)"),
        ({"US": {"CN": 1.5, "RU": -0.5}}, {}, "weight in [0, 1]"),
    ],
)
def test_bad_doctrine_is_refused(
    weights: dict[str, dict[str, float]], reserve: dict[str, float], message: str
) -> None:
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace(")", r"\)")):
        check_doctrine(SIDES, weights, reserve)


def test_doctrine_weights_default_to_an_equal_split() -> None:
    full = doctrine_weights(SIDES, {"US": {"CN": 0.4, "RU": 0.6}})
    assert full["US"] == {"CN": 0.4, "RU": 0.6}
    assert full["CN"] == {"US": 0.5, "RU": 0.5}
    assert doctrine_weights(("US", "CN"), {}) == {"US": {"CN": 1.0}, "CN": {"US": 1.0}}
