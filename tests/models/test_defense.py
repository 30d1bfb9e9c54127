"""Missile defense: hand-worked engagements and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stratstab.errors import InputError
from stratstab.models.defense import (
    barrage_leakage,
    engage,
    expected_penetrators,
    interceptors_for_p0,
    shoot_look_shoot_leakage,
)

probs = st.floats(min_value=0.0, max_value=1.0)


def test_barrage_leakage_hand_worked():
    # L = 1 - 0.9 * (1 - 0.5^4) = 1 - 0.9 * 0.9375 = 0.15625
    assert barrage_leakage(interceptor_pk=0.5, shots_per_rv=4, discrimination=0.9) == pytest.approx(
        0.15625
    )


@given(probs)
def test_barrage_single_shot_perfect_discrimination_is_one_minus_pk(p):
    assert barrage_leakage(interceptor_pk=p, shots_per_rv=1) == pytest.approx(1 - p)


def test_shoot_look_shoot_hand_worked():
    # L = 0.5^2 * (1 - 0.9 * (1 - 0.5^2)) = 0.25 * 0.325 = 0.08125
    # per RV = 2 + 0.9 * 2 * 0.25 = 2.45
    leak, used = shoot_look_shoot_leakage(
        interceptor_pk=0.5, first_shots=2, second_shots=2, kill_assessment=0.9
    )
    assert leak == pytest.approx(0.08125) and used == pytest.approx(2.45)


def test_engage_full_inventory_hand_worked():
    # 10 RVs, 4 shots each, 44 interceptors: L = 0.5^4 = 0.0625
    # E = 0.625, P0 = 0.9375^10 = 0.52446, 40 interceptors fired
    e = engage(rvs=10, interceptors=44, interceptor_pk=0.5, shots_per_rv=4)
    assert e.expected_leakers == pytest.approx(0.625)
    assert e.p_no_leakers == pytest.approx(0.9375**10)
    assert e.interceptors_used == 40 and e.engaged_objects == 10
    assert e.leakage_per_rv == pytest.approx(0.0625)


def test_engage_inventory_exhaustion_hand_worked():
    # 25 interceptors over 10 RVs: 5 RVs get 3 shots (L=0.125), 5 get 2 (L=0.25)
    # E = 5*0.125 + 5*0.25 = 1.875 ; P0 = 0.875^5 * 0.75^5 = 0.121716
    e = engage(rvs=10, interceptors=25, interceptor_pk=0.5, shots_per_rv=4)
    assert e.expected_leakers == pytest.approx(1.875)
    assert e.p_no_leakers == pytest.approx(0.875**5 * 0.75**5)
    assert e.interceptors_used == 25


def test_engage_unengaged_objects_leak():
    # 4 interceptors, 10 RVs: 4 RVs get one shot, 6 are not engaged at all
    e = engage(rvs=10, interceptors=4, interceptor_pk=0.5, shots_per_rv=4)
    assert e.expected_leakers == pytest.approx(6 + 4 * 0.5)
    assert e.p_no_leakers == 0.0


def test_engage_decoys_hypergeometric_hand_worked():
    # 10 RVs + 5 decoys (none rejected), 10 interceptors: 10 of 15 objects get one shot.
    # P0 needs all 10 RVs among the 10 shot at: 1 / C(15,10) = 1/3003, times 0.5^10.
    e = engage(rvs=10, interceptors=10, interceptor_pk=0.5, shots_per_rv=4, decoys=5)
    assert e.engaged_objects == 15
    assert e.p_no_leakers == pytest.approx(0.5**10 / math.comb(15, 10))
    # each RV is shot at with probability 10/15: E = 10 * (2/3 * 0.5 + 1/3 * 1)
    assert e.expected_leakers == pytest.approx(10 * (2 / 3 * 0.5 + 1 / 3))


def test_decoy_rejection_removes_engagements():
    e = engage(rvs=10, interceptors=100, interceptor_pk=0.5, shots_per_rv=4, decoys=20,
               decoy_rejection=0.75)  # fmt: skip
    assert e.engaged_objects == 15 and e.interceptors_used == 60


def test_common_mode_caps_p0_and_adds_leakers():
    e = engage(rvs=10, interceptors=44, interceptor_pk=0.5, shots_per_rv=4, common_mode=0.8)
    assert e.p_no_leakers == pytest.approx(0.8 * 0.9375**10)
    assert e.expected_leakers == pytest.approx(0.8 * 0.625 + 0.2 * 10)


def test_shoot_look_shoot_engagement_matches_formula_with_ample_inventory():
    e = engage(rvs=10, interceptors=np.inf, interceptor_pk=0.5, shots_per_rv=2,
               shoot_look_shoot=True, second_shots=2, kill_assessment=0.9)  # fmt: skip
    assert e.expected_leakers == pytest.approx(0.8125)
    assert e.p_no_leakers == pytest.approx((1 - 0.08125) ** 10)
    assert e.interceptors_used == pytest.approx(24.5)


def test_non_integer_rvs_interpolate_and_agree_with_integers():
    e = engage(rvs=[10.0, 10.5, 11.0], interceptors=25, interceptor_pk=0.5, shots_per_rv=4)
    ten = engage(rvs=10, interceptors=25, interceptor_pk=0.5, shots_per_rv=4)
    eleven = engage(rvs=11, interceptors=25, interceptor_pk=0.5, shots_per_rv=4)
    assert e.expected_leakers[0] == ten.expected_leakers
    assert e.expected_leakers[2] == eleven.expected_leakers
    assert e.p_no_leakers[1] == pytest.approx((ten.p_no_leakers + eleven.p_no_leakers) / 2)
    nearly = engage(rvs=10 + 1e-9, interceptors=25, interceptor_pk=0.5, shots_per_rv=4)
    assert nearly.p_no_leakers == pytest.approx(ten.p_no_leakers, abs=1e-8)


def test_expected_penetrators_is_engage_expected_leakers():
    kw = {"rvs": 30, "interceptors": 44, "interceptor_pk": 0.6, "shots_per_rv": 3}
    assert expected_penetrators(**kw) == engage(**kw).expected_leakers


def test_arrays_of_attack_sizes_broadcast():
    sizes = np.linspace(0, 200, 41)
    e = engage(rvs=sizes, interceptors=44, interceptor_pk=0.5, shots_per_rv=4, discrimination=0.9)
    assert e.expected_leakers.shape == sizes.shape
    assert np.all(np.diff(e.expected_leakers) >= -1e-12)
    assert e.p_no_leakers[0] == 1.0


@settings(max_examples=60, deadline=None)
@given(
    rvs=st.floats(0, 60), extra=st.integers(1, 40), base=st.integers(0, 200), p=probs,
    n=st.integers(1, 5), q=probs, rho=probs, decoys=st.floats(0, 20), d=probs,
)  # fmt: skip
def test_more_interceptors_never_hurt(rvs, extra, base, p, n, q, rho, decoys, d):
    kw = {"rvs": rvs, "interceptor_pk": p, "shots_per_rv": n, "discrimination": q,
          "common_mode": rho, "decoys": decoys, "decoy_rejection": d}  # fmt: skip
    few, more = engage(interceptors=base, **kw), engage(interceptors=base + extra, **kw)
    assert more.expected_leakers <= few.expected_leakers + 1e-9
    assert more.p_no_leakers >= few.p_no_leakers - 1e-9
    for e in (few, more):
        assert 0 <= e.p_no_leakers <= rho + (1 - rho) * (rvs < 1) + 1e-12
        assert 0 <= e.leakage_per_rv <= 1 + 1e-12
        assert 0 <= e.expected_leakers <= rvs + 1e-9


@settings(max_examples=40, deadline=None)
@given(rvs=st.integers(0, 40), inv=st.integers(0, 150), p=probs, n1=st.integers(1, 3),
       n2=st.integers(0, 3), ka=probs)  # fmt: skip
def test_shoot_look_shoot_bounded_and_monotone(rvs, inv, p, n1, n2, ka):
    kw = {"rvs": rvs, "interceptor_pk": p, "shots_per_rv": n1, "shoot_look_shoot": True,
          "second_shots": n2, "kill_assessment": ka}  # fmt: skip
    few, more = engage(interceptors=inv, **kw), engage(interceptors=inv + 7, **kw)
    assert 0 <= few.p_no_leakers <= 1 and few.interceptors_used <= inv + 1e-9
    assert more.expected_leakers <= few.expected_leakers + 1e-9


def test_interceptors_for_p0_round_trip():
    # n = ln(1 - 0.9^(1/10) / 0.999) / ln(0.5) = 6.7193 -> 7 whole shots, 70 interceptors
    need = interceptors_for_p0(rvs=10, p0=0.9, interceptor_pk=0.5, discrimination=0.999)
    assert need.shots_per_rv == pytest.approx(6.71934, rel=1e-5)
    assert need.whole_shots_per_rv == 7 and need.interceptors == 70
    leak = 1 - 0.999 * (1 - 0.5**need.shots_per_rv)
    assert (1 - leak) ** 10 == pytest.approx(0.9)
    e = engage(rvs=10, interceptors=70, interceptor_pk=0.5, shots_per_rv=7, discrimination=0.999)
    assert e.p_no_leakers >= 0.9


def test_interceptors_for_p0_unattainable_is_a_clear_error():
    with pytest.raises(InputError, match="cannot be reached"):
        interceptors_for_p0(rvs=10, p0=0.95, interceptor_pk=0.5, discrimination=0.99)
    with pytest.raises(InputError, match="p0"):
        interceptors_for_p0(rvs=10, p0=0.9, interceptor_pk=0.5, common_mode=0.85)


def test_engage_bad_input():
    with pytest.raises(InputError, match="interceptor_pk"):
        engage(rvs=10, interceptors=10, interceptor_pk=1.5, shots_per_rv=1)
    with pytest.raises(InputError, match="interceptors"):
        engage(rvs=10, interceptors=10.5, interceptor_pk=0.5, shots_per_rv=1)
    with pytest.raises(InputError, match="rvs"):
        engage(rvs=-1, interceptors=10, interceptor_pk=0.5, shots_per_rv=1)


@pytest.mark.parametrize(
    ("rvs", "decoys", "inventory"), [(10, 5, 10), (30, 7, 40), (200, 150, 333), (5, 40, 20)]
)
def test_decoy_mixture_matches_the_full_hypergeometric_sum(rvs, decoys, inventory):
    from scipy.stats import hypergeom

    objects = rvs + decoys
    k, extra = divmod(inventory, objects)
    j = np.arange(min(rvs, extra) + 1)
    leak = lambda shots: 0.4**shots  # noqa: E731 - p = 0.6, q = 1
    expected = np.sum(
        hypergeom.pmf(j, objects, extra, rvs) * (1 - leak(k + 1)) ** j * (1 - leak(k)) ** (rvs - j)
    )
    got = engage(rvs=rvs, interceptors=inventory, interceptor_pk=0.6, shots_per_rv=3, decoys=decoys)
    assert got.p_no_leakers == pytest.approx(expected, rel=1e-9)


def test_large_batch_with_decoys_is_monotone():
    # One vectorised call over 2,000 raid sizes (its speed is benchmarks/' business).
    sizes = np.linspace(0, 1500, 2000)
    e = engage(
        rvs=sizes,
        interceptors=400,
        interceptor_pk=0.6,
        shots_per_rv=3,
        decoys=2 * sizes,
        decoy_rejection=0.5,
    )
    assert e.expected_leakers.shape == sizes.shape
    assert np.all(np.diff(e.expected_leakers) >= -1e-9)


def test_expected_leakers_do_not_depend_on_skipping_p_no_leakers():
    from stratstab.models.defense import engage as engage_fn

    kwargs = dict(
        rvs=np.array([3.0, 40.5, 120.0]),
        interceptors=44,
        interceptor_pk=0.6,
        shots_per_rv=2,
        discrimination=0.85,
        decoys=np.array([6.0, 81.0, 240.0]),
        decoy_rejection=0.5,
    )
    full = engage_fn(**kwargs)
    fast = engage_fn(**kwargs, with_p_no_leakers=False)
    np.testing.assert_allclose(fast.expected_leakers, full.expected_leakers)
    np.testing.assert_allclose(fast.interceptors_used, full.interceptors_used)
    assert np.all(np.isnan(fast.p_no_leakers))


def _simulate_shoot_look_shoot(
    *, rvs, decoys, interceptors, pk, first, second, ka, q, trials, seed
):
    """Seeded Monte Carlo of the documented shoot-look-shoot rules.

    First salvo: ``first`` shots at each object, or the inventory spread evenly (the
    extra shots to objects chosen at random).  Each object surviving is seen to survive
    with probability ``ka``; what is left is spread evenly over the objects seen (at most
    ``second`` each, extra shots at random).  An undiscriminated object cannot be
    killed.  Returns mean leakers, mean interceptors used and P(no leakers).
    """
    rng = np.random.default_rng(seed)
    m = rvs + decoys

    def spread(inventory, eligible, cap):
        count = eligible.sum(axis=1, keepdims=True)
        safe = np.maximum(count, 1)
        each = np.where(inventory >= cap * count, cap, inventory // safe)
        extra = np.where(inventory >= cap * count, 0, inventory - each * count)
        keys = np.where(eligible, rng.random(eligible.shape), np.inf)
        rank = np.argsort(np.argsort(keys, axis=1), axis=1)
        return np.where(eligible, each + (rank < extra), 0)

    everyone = np.ones((trials, m), dtype=bool)
    shots1 = spread(np.full((trials, 1), interceptors), everyone, first)
    left = interceptors - shots1.sum(axis=1, keepdims=True)
    disc = rng.random((trials, m)) < q
    alive = ~(disc & (rng.random((trials, m)) < 1 - (1 - pk) ** shots1))
    seen = alive & (rng.random((trials, m)) < ka)
    shots2 = spread(left, seen, second)
    alive &= ~(disc & (rng.random((trials, m)) < 1 - (1 - pk) ** shots2))
    leakers = alive[:, :rvs].sum(axis=1)
    used = shots1.sum(axis=1) + shots2.sum(axis=1)
    return leakers.mean(), used.mean(), (leakers == 0).mean(), leakers.std() / math.sqrt(trials)


@pytest.mark.parametrize(
    ("rvs", "decoys", "interceptors", "pk", "first", "second", "ka", "q"),
    [
        (10, 0, 21, 0.6, 2, 2, 0.9, 1.0),
        (10, 0, 22, 0.6, 2, 2, 0.9, 1.0),  # inventory one RV short of a second salvo
        (10, 0, 23, 0.6, 2, 2, 0.9, 1.0),
        (10, 0, 24, 0.6, 2, 2, 0.9, 1.0),
        (12, 0, 31, 0.5, 2, 3, 0.8, 0.95),
        (6, 3, 20, 0.7, 2, 1, 0.8, 0.9),  # decoys draw interceptors
        (8, 0, 13, 0.6, 2, 2, 0.9, 1.0),  # inventory short in the first salvo
    ],
)
def test_shoot_look_shoot_short_inventory_matches_monte_carlo(
    rvs, decoys, interceptors, pk, first, second, ka, q
):
    e = engage(rvs=rvs, decoys=decoys, interceptors=interceptors, interceptor_pk=pk,
               shots_per_rv=first, shoot_look_shoot=True, second_shots=second,
               kill_assessment=ka, discrimination=q)  # fmt: skip
    leakers, used, p0, se = _simulate_shoot_look_shoot(
        rvs=rvs, decoys=decoys, interceptors=interceptors, pk=pk, first=first,
        second=second, ka=ka, q=q, trials=100_000, seed=20240601,
    )  # fmt: skip
    assert e.expected_leakers == pytest.approx(leakers, abs=4 * se + 1e-12)
    assert e.interceptors_used == pytest.approx(used, abs=0.02)
    if decoys == 0:  # exact only without decoys (with them, RVs are taken as independent)
        assert e.p_no_leakers == pytest.approx(p0, abs=4 * math.sqrt(p0 * (1 - p0) / 100_000))


def test_shoot_look_shoot_short_inventory_by_hand():
    # 2 RVs, pk 0.5, 1 + 1 shots, perfect kill assessment, 3 interceptors: one left for
    # the second salvo.  Each RV survives the first shot with probability 1/2.  An RV
    # seen alone gets the last interceptor; if both are seen, one of them gets it.
    # Leak per RV = 1/2 [1/2 * 1/2 + 1/2 * (1/2 * 1/2 + 1/2 * 1)] = 5/16.
    e = engage(rvs=2, interceptors=3, interceptor_pk=0.5, shots_per_rv=1,
               shoot_look_shoot=True, second_shots=1, kill_assessment=1.0)  # fmt: skip
    assert e.expected_leakers == pytest.approx(2 * 5 / 16)
    # No leakers: both killed first (1/4), or exactly one seen and then killed (2 * 1/8).
    assert e.p_no_leakers == pytest.approx(0.25 + 0.25)
    assert e.interceptors_used == pytest.approx(2 + 0.75)


def test_two_layers_hand_worked():
    from stratstab.models.defense import DefenseLayer, layered_engagement

    # Layer 1: two shots of 0.5, L = 0.25 -> 2.5 of 10 RVs pass.  Layer 2: one shot of
    # 0.6 working with 0.9: 2.5 (0.9 * 0.4 + 0.1) = 1.15 pass.
    # P0 = 0.9 (1 - 0.25 * 0.4)^10 + 0.1 (1 - 0.25)^10.
    result = layered_engagement(
        rvs=10,
        layers=[
            DefenseLayer(interceptor_pk=0.5, shots_per_rv=2),
            DefenseLayer(interceptor_pk=0.6, shots_per_rv=1, common_mode=0.9),
        ],
    )
    assert result.per_layer_leakers == pytest.approx((2.5, 1.15))
    assert result.p_no_leakers == pytest.approx(0.9 * 0.9**10 + 0.1 * 0.75**10)
    one = engage(rvs=10, interceptors=np.inf, interceptor_pk=0.5, shots_per_rv=2)
    single = layered_engagement(rvs=10, layers=[DefenseLayer(interceptor_pk=0.5, shots_per_rv=2)])
    assert single.p_no_leakers == pytest.approx(one.p_no_leakers)


def test_layers_with_a_short_inventory_pass_expected_counts_and_skip_p0():
    from stratstab.models.defense import DefenseLayer, layered_engagement

    result = layered_engagement(
        rvs=10,
        layers=[
            DefenseLayer(interceptors=12, interceptor_pk=0.5, shots_per_rv=2),
            DefenseLayer(interceptor_pk=0.6, shots_per_rv=1),
        ],
    )
    first = engage(rvs=10, interceptors=12, interceptor_pk=0.5, shots_per_rv=2)
    assert result.per_layer_leakers[0] == pytest.approx(first.expected_leakers)
    assert result.expected_leakers == pytest.approx(0.4 * first.expected_leakers)
    assert math.isnan(result.p_no_leakers)
    with pytest.raises(InputError):
        layered_engagement(rvs=10, layers=[])


@pytest.mark.parametrize("shoot_look_shoot", [False, True])
@pytest.mark.parametrize("second", [0, 2])
def test_no_interceptors_every_rv_leaks(shoot_look_shoot, second):
    e = engage(rvs=10, interceptors=0, interceptor_pk=0.7, shots_per_rv=2,
               shoot_look_shoot=shoot_look_shoot, second_shots=second)  # fmt: skip
    assert e.expected_leakers == pytest.approx(10.0)
    assert e.p_no_leakers == 0.0
    assert e.interceptors_used == 0.0


def test_shoot_look_shoot_without_second_shots_is_a_barrage():
    # With no second salvo, shoot-look-shoot fires exactly as a barrage, short
    # inventory included (5 interceptors over 10 RVs: 5 RVs get one shot).
    for interceptors in (0, 5, 13, 20, 30):
        common = dict(rvs=10, interceptors=interceptors, interceptor_pk=0.6, shots_per_rv=2)
        sls = engage(**common, shoot_look_shoot=True, second_shots=0)
        barrage = engage(**common)
        assert sls.expected_leakers == pytest.approx(barrage.expected_leakers)
        assert sls.p_no_leakers == pytest.approx(barrage.p_no_leakers)
        assert sls.interceptors_used == pytest.approx(barrage.interceptors_used)


@settings(max_examples=60, deadline=None)
@given(
    rvs=st.integers(0, 30),
    decoys=st.integers(0, 10),
    decoy_rejection=probs,
    pk=probs,
    first=st.integers(1, 4),
    second=st.integers(0, 3),
    ka=probs,
    q=probs,
    rho=probs,
    shoot_look_shoot=st.booleans(),
)
def test_leakers_fall_with_interceptors_and_equal_arrivals_at_zero(
    rvs, decoys, decoy_rejection, pk, first, second, ka, q, rho, shoot_look_shoot
):
    inventories = np.arange(0.0, (first + second) * (rvs + decoys) + 2.0)
    e = engage(rvs=rvs, decoys=decoys, decoy_rejection=decoy_rejection,
               interceptors=inventories, interceptor_pk=pk, shots_per_rv=first,
               second_shots=second, kill_assessment=ka, discrimination=q,
               common_mode=rho, shoot_look_shoot=shoot_look_shoot)  # fmt: skip
    leakers = np.asarray(e.expected_leakers)
    assert leakers[0] == pytest.approx(rvs, abs=1e-12)
    assert np.all(np.diff(leakers) <= 1e-9 * max(rvs, 1))
