"""Counterforce exchange: hand-worked strikes and invariants."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stratstab.models.effects import kill_probability, sspk
from stratstab.models.exchange import (
    TargetSystems,
    Weapons,
    counterforce_strike,
    full_coverage_warheads,
    target_priority,
)


def make_targets(**changes):
    base = dict(
        names=("silo", "mobile"),
        launchers=np.array([100.0, 50.0]),
        warheads=np.array([100.0, 150.0]),
        aim_points=np.array([100.0, 5.0]),
        hardness_psi=np.array([2000.0, 20.0]),
        exposed_fraction=np.array([1.0, 0.7]),
        warheads_per_aim_point=np.array([2, 1]),
        targeted=np.array([True, True]),
        fixed=np.array([True, False]),
    )
    base.update(changes)
    return TargetSystems(**base)


def make_weapons(count=1000.0):
    return Weapons(
        names=("w",),
        warheads=np.array([count]),
        yield_kt=np.array([455.0]),
        cep_m=np.array([100.0]),
        reliability=np.array([0.9]),
    )


def test_full_strike_by_hand():
    targets, weapons = make_targets(), make_weapons()
    outcome = counterforce_strike(targets=targets, weapons=weapons, warheads_used=[1000.0])
    # Silo: SSPK of 455 kt, CEP 100 m against 2,000 psi, two independent shots of reliability 0.9.
    p_silo = kill_probability(
        sspk=sspk(yield_kt=455, cep_m=100, hardness_psi=2000), reliability=0.9, shots=2
    )
    # Soft garrisons (20 psi) are almost surely destroyed: one shot, reliability 0.9.
    p_soft = kill_probability(
        sspk=sspk(yield_kt=455, cep_m=100, hardness_psi=20), reliability=0.9, shots=1
    )
    expected = [100 * (1 - p_silo), 150 * (1 - 0.7 * p_soft)]
    np.testing.assert_allclose(outcome.surviving_warheads[0], expected, rtol=1e-12)
    assert outcome.warheads_used[0] == pytest.approx(full_coverage_warheads(targets))  # 205 < 1000


def test_priority_prefers_most_warheads_killed_per_warhead():
    # Garrisons: 150*0.7/5 = 21 warheads per aim point for one shot; silos: 1 warhead for two.
    order = target_priority(make_targets(), make_weapons())
    assert list(order) == [1, 0]


def test_partial_strike_covers_in_priority_order():
    outcome = counterforce_strike(
        targets=make_targets(), weapons=make_weapons(), warheads_used=[5.0, 105.0]
    )
    covered = outcome.aim_points_covered
    np.testing.assert_allclose(covered[0], [0.0, 5.0])  # five warheads: all five garrisons
    np.testing.assert_allclose(covered[1], [50.0, 5.0])  # hundred more: fifty silos, two each


def test_weapon_shortage_caps_strike():
    outcome = counterforce_strike(
        targets=make_targets(), weapons=make_weapons(count=50.0), warheads_used=[500.0]
    )
    assert outcome.warheads_used[0] == 50.0


def test_launch_under_attack_saves_silo_warheads():
    targets, weapons = make_targets(), make_weapons()
    plain = counterforce_strike(targets=targets, weapons=weapons, warheads_used=[205.0])
    saved = counterforce_strike(
        targets=targets, weapons=weapons, warheads_used=[205.0], launch_under_attack=0.9
    )
    lost_plain = 100 - plain.surviving_warheads[0, 0]
    lost_saved = 100 - saved.surviving_warheads[0, 0]
    assert lost_saved == pytest.approx(0.1 * lost_plain)
    assert saved.surviving_warheads[0, 1] == plain.surviving_warheads[0, 1]  # mobiles unaffected


def test_untargeted_system_survives_whole():
    outcome = counterforce_strike(
        targets=make_targets(targeted=np.array([True, False])),
        weapons=make_weapons(),
        warheads_used=[1000.0],
    )
    assert outcome.surviving_warheads[0, 1] == 150.0


def test_empty_silos_dilute_the_strike():
    # 100 missiles spread over 300 silos: the striker must cover all 300 to find them.
    targets = make_targets(aim_points=np.array([300.0, 5.0]))
    outcome = counterforce_strike(
        targets=targets, weapons=make_weapons(count=205.0), warheads_used=[205.0]
    )
    # Five on garrisons, two hundred on a third of the silos (100 aim points at two each).
    assert outcome.aim_points_covered[0, 0] == pytest.approx(100.0)
    assert outcome.surviving_warheads[0, 0] > 60.0


@settings(max_examples=60, deadline=None)
@given(
    exposed=st.floats(0.0, 1.0),
    more_survivable=st.floats(0.0, 1.0),
    level=st.floats(0.0, 400.0),
)
def test_more_survivable_forces_never_lose_more(exposed, more_survivable, level):
    less = make_targets(exposed_fraction=np.array([1.0, exposed]))
    more = make_targets(exposed_fraction=np.array([1.0, exposed * more_survivable]))
    a = counterforce_strike(targets=less, weapons=make_weapons(), warheads_used=[level])
    b = counterforce_strike(targets=more, weapons=make_weapons(), warheads_used=[level])
    assert b.surviving_warheads[0, 1] >= a.surviving_warheads[0, 1] - 1e-9


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.0, 300.0), min_size=2, max_size=6))
def test_survivors_fall_as_strike_grows(levels):
    ordered = np.sort(np.array(levels))
    outcome = counterforce_strike(
        targets=make_targets(), weapons=make_weapons(), warheads_used=ordered
    )
    totals = outcome.total_surviving_warheads
    assert np.all(np.diff(totals) <= 1e-9)
    assert np.all((outcome.kill_probability >= 0) & (outcome.kill_probability <= 1))


def test_equal_value_systems_keep_name_order_at_any_scale():
    # Two silo fields of different size but the same warheads per aim point, like the
    # Yumen and Hami fields: the strike order must not depend on how the scaled
    # values happen to round.
    def fields(scale):
        return make_targets(
            names=("field-b", "field-a"),
            launchers=np.array([110.0, 120.0]) * scale,
            warheads=np.array([11.0, 12.0]) * scale,
            aim_points=np.array([110.0, 120.0]) * scale,
            hardness_psi=np.array([2000.0, 2000.0]),
            exposed_fraction=np.array([1.0, 1.0]),
            fixed=np.array([True, True]),
            warheads_per_aim_point=np.array([2, 2]),
        )

    for scale in np.linspace(0.3, 7.0, 301):
        assert list(target_priority(fields(scale), make_weapons())) == [1, 0]  # field-a first


def _lua_targets():
    # Ten soft MIRVed silos of ten warheads each, and ten garrisons of three mobile
    # launchers' warheads each: per aim point the silos look richer (10 vs 3)...
    return make_targets(
        names=("silo", "mobile"),
        launchers=np.array([10.0, 30.0]),
        warheads=np.array([100.0, 30.0]),
        aim_points=np.array([10.0, 10.0]),
        hardness_psi=np.array([20.0, 20.0]),
        exposed_fraction=np.array([1.0, 1.0]),
        warheads_per_aim_point=np.array([1, 1]),
    )


def test_priority_discounts_silos_emptied_by_launch_under_attack():
    # ...but with 95 % of the silos' warheads launched on warning, only 0.5 per silo
    # remains to destroy, against 3 per garrison: the garrisons come first.
    targets, weapons = _lua_targets(), make_weapons()
    assert list(target_priority(targets, weapons)) == [0, 1]
    assert list(target_priority(targets, weapons, launch_under_attack=0.95)) == [1, 0]


def test_strike_under_launch_under_attack_destroys_the_most_it_can():
    # Ten warheads: the strike must go where it destroys most (the garrisons), the
    # greedy choice the ordering exists to make.
    targets, weapons = _lua_targets(), make_weapons()
    outcome = counterforce_strike(
        targets=targets, weapons=weapons, warheads_used=[10.0], launch_under_attack=0.95
    )
    p = kill_probability(sspk=sspk(yield_kt=455, cep_m=100, hardness_psi=20), reliability=0.9)
    destroyed = 130.0 - outcome.total_surviving_warheads[0]
    assert destroyed == pytest.approx(30.0 * p, rel=1e-12)  # silos first would give 5 p


def test_slice_means_stay_within_the_values_they_average():
    from stratstab.models.exchange import _slice_means

    counts = np.array([3.0, 5.0, 2.0])
    values = np.array([0.9, 1.0, 1.0])
    rng = np.random.default_rng(0)
    start = rng.uniform(0, 10, 2000) * rng.choice([1.0, 1e-6, 1e-9], 2000)
    stop = np.minimum(start + rng.uniform(0, 1e-6, 2000), 10.0)
    means = _slice_means(start, stop, counts, values)
    assert np.all(means >= 0.9) and np.all(means <= 1.0)
