"""Kent–Thaler crisis-stability model: hand-worked cases and properties."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stratstab.models.crisis import (
    cost,
    damage_fraction,
    first_strike_stability_index,
    stability_ratio,
    stop_rule,
    warheads_for_damage,
)

probabilities = st.floats(min_value=0.0, max_value=1.0)


def test_damage_curve_is_calibrated_at_w80():
    # D(w80) = 1 - exp(-ln 5) = 1 - 1/5 = 0.8 by construction.
    assert damage_fraction(arriving_warheads=300, w80=300) == pytest.approx(0.8)
    assert damage_fraction(arriving_warheads=0, w80=300) == 0.0
    # Half of w80: 1 - 5 ** -0.5 = 0.5528
    assert damage_fraction(arriving_warheads=150, w80=300) == pytest.approx(1 - 5**-0.5)


def test_warheads_for_damage_inverts_damage_curve():
    w = warheads_for_damage(damage=0.4, w80=300)
    # ln(1/0.6) * 300 / ln 5 = 0.5108 * 300 / 1.6094 = 95.21
    assert w == pytest.approx(math.log(1 / 0.6) * 300 / math.log(5))
    assert damage_fraction(arriving_warheads=w, w80=300) == pytest.approx(0.4)


def test_cost_hand_worked():
    # C = 0.5**0.75 + 0.3 * (1 - 0.8**0.75) = 0.59460 + 0.3 * (1 - 0.84590) = 0.64083
    assert cost(own_damage=0.5, enemy_damage=0.8) == pytest.approx(0.64083, abs=1e-5)
    assert cost(own_damage=0.0, enemy_damage=1.0) == 0.0
    assert cost(own_damage=1.0, enemy_damage=0.0) == pytest.approx(1.3)


@given(probabilities, probabilities, probabilities)
def test_cost_rises_with_own_damage_and_falls_with_enemy_damage(own, enemy, step):
    higher_own = min(1.0, own + step)
    higher_enemy = min(1.0, enemy + step)
    assert cost(own_damage=higher_own, enemy_damage=enemy) >= cost(
        own_damage=own, enemy_damage=enemy
    )
    assert cost(own_damage=own, enemy_damage=higher_enemy) <= cost(
        own_damage=own, enemy_damage=enemy
    )


def test_cost_rejects_damage_outside_unit_interval():
    with pytest.raises(ValueError, match="own_damage"):
        cost(own_damage=1.5, enemy_damage=0.2)


def test_stop_rule_takes_lowest_own_cost_then_highest_victim_cost():
    choice = stop_rule(striker_cost=[0.5, 0.3, 0.3, 0.4], victim_cost=[1.0, 0.8, 0.9, 1.0])
    assert choice.index == 2
    assert (choice.striker_cost, choice.victim_cost) == (0.3, 0.9)


def test_stop_rule_prefers_smallest_strike_on_full_tie():
    assert stop_rule(striker_cost=[0.2, 0.2], victim_cost=[0.7, 0.7]).index == 0


def test_index_is_product_of_capped_ratios():
    # A: 0.6/0.8 = 0.75; B: 1.2/1.0 capped to 1  ->  0.75
    assert first_strike_stability_index(c1_a=0.6, c2_a=0.8, c1_b=1.2, c2_b=1.0) == pytest.approx(
        0.75
    )
    assert stability_ratio(c1=0.3, c2=0.0) == 1.0


@given(probabilities, probabilities, probabilities, probabilities)
def test_index_in_unit_interval(c1a, c2a, c1b, c2b):
    value = first_strike_stability_index(c1_a=c1a, c2_a=c2a, c1_b=c1b, c2_b=c2b)
    assert 0.0 <= float(value) <= 1.0


def test_vectorised_over_arrays():
    arriving = np.array([0.0, 150.0, 300.0])
    assert damage_fraction(arriving_warheads=arriving, w80=300).shape == (3,)
