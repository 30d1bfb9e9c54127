"""Belief distributions: moments, quantiles, narrowing, reproducibility."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stratstab.errors import InputError
from stratstab.models.uncertainty import (
    Discrete,
    Fixed,
    Triangular,
    TruncatedLognormal,
    TruncatedNormal,
    Uniform,
    median,
)

CASES = [
    Fixed(3.0),
    Uniform(2.0, 5.0),
    Triangular(0.1, 0.3, 0.9),
    TruncatedNormal(0.5, 0.2, 0.0, 1.0),
    TruncatedNormal(10.0, 3.0),
    TruncatedLognormal(math.log(400.0), 0.25, 250.0, 700.0),
    TruncatedLognormal(0.0, 0.5),
    Discrete((1.0, 2.0, 4.0), (0.2, 0.5, 0.3)),
]


def test_hand_worked_moments():
    assert Uniform(2.0, 5.0).mean() == 3.5
    assert Uniform(2.0, 5.0).variance() == pytest.approx(9 / 12)
    assert Triangular(0.0, 0.0, 3.0).mean() == 1.0
    assert Triangular(0.0, 0.0, 3.0).variance() == pytest.approx(9 / 18)
    # Untruncated lognormal: mean exp(mu + s^2/2), variance (exp(s^2)-1) exp(2mu+s^2).
    d = TruncatedLognormal(0.0, 0.5)
    assert d.mean() == pytest.approx(math.exp(0.125))
    assert d.variance() == pytest.approx((math.exp(0.25) - 1) * math.exp(0.25))
    # Normal truncated symmetrically keeps its mean.
    assert TruncatedNormal(0.5, 0.2, 0.0, 1.0).mean() == pytest.approx(0.5)
    assert Discrete((1.0, 2.0, 4.0), (0.2, 0.5, 0.3)).mean() == pytest.approx(2.4)


@pytest.mark.parametrize("dist", CASES, ids=lambda d: type(d).__name__)
def test_sample_moments_match_stated_moments(dist):
    draws = dist.sample(200_000, np.random.default_rng(7))
    sd = math.sqrt(dist.variance())
    assert draws.mean() == pytest.approx(dist.mean(), abs=4 * sd / math.sqrt(len(draws)) + 1e-12)
    assert draws.var() == pytest.approx(dist.variance(), rel=0.02, abs=1e-12)
    low, high = dist.support()
    assert draws.min() >= low - 1e-12 and draws.max() <= high + 1e-12


@pytest.mark.parametrize("dist", CASES, ids=lambda d: type(d).__name__)
def test_same_seed_same_draws(dist):
    a = dist.sample(50, np.random.default_rng(11))
    b = dist.sample(50, np.random.default_rng(11))
    assert np.array_equal(a, b)


@pytest.mark.parametrize("dist", CASES, ids=lambda d: type(d).__name__)
def test_narrowing_extremes(dist):
    assert dist.narrowed(1.0).variance() == pytest.approx(dist.variance(), rel=1e-9, abs=1e-12)
    collapsed = dist.narrowed(0.0)
    assert collapsed.variance() == pytest.approx(0.0, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(f=st.floats(0.0, 1.0), g=st.floats(0.0, 1.0), index=st.integers(0, len(CASES) - 1))
def test_narrowing_is_monotone_in_variance_and_quantiles(f, g, index):
    dist = CASES[index]
    lo, hi = sorted((f, g))
    assert dist.narrowed(lo).variance() <= dist.narrowed(hi).variance() * (1 + 1e-9) + 1e-12
    u = np.array([0.05, 0.95])
    q_lo, q_hi = dist.narrowed(lo).ppf(u), dist.narrowed(hi).ppf(u)
    assert q_lo[1] - q_lo[0] <= q_hi[1] - q_hi[0] + 1e-9


@settings(max_examples=40, deadline=None)
@given(f=st.floats(0.0, 1.0))
def test_affine_families_scale_variance_by_factor_squared(f):
    for dist in (Uniform(2.0, 5.0), Triangular(0.1, 0.3, 0.9), Discrete((1.0, 2.0), (0.5, 0.5))):
        assert dist.narrowed(f).variance() == pytest.approx(f * f * dist.variance(), abs=1e-12)


def test_narrowing_toward_truth_moves_the_centre():
    belief = Triangular(0.2, 0.3, 0.4)
    moved = belief.narrowed(0.5, toward=0.6)
    assert moved.mean() == pytest.approx(0.6 + 0.5 * (0.3 - 0.6))
    assert Fixed(0.3).narrowed(0.25, toward=0.7).value == pytest.approx(0.6)


def test_scaled():
    assert Uniform(1.0, 2.0).scaled(2.0).mean() == 3.0
    d = TruncatedLognormal(0.0, 0.3, 0.5, 2.0)
    assert d.scaled(3.0).mean() == pytest.approx(3.0 * d.mean())
    assert median(TruncatedNormal(1.0, 1.0).scaled(2.0)) == pytest.approx(2.0)


def test_discrete_ppf():
    d = Discrete((4.0, 1.0), (1.0, 3.0))
    assert d.values == (1.0, 4.0)
    assert list(d.ppf(np.array([0.0, 0.74, 0.76, 1.0]))) == [1.0, 1.0, 4.0, 4.0]


@pytest.mark.parametrize(
    "build",
    [
        lambda: Uniform(2.0, 1.0),
        lambda: Triangular(0.0, 2.0, 1.0),
        lambda: TruncatedNormal(0.0, 0.0),
        lambda: TruncatedNormal(0.0, 1.0, 1.0, 0.5),
        lambda: TruncatedLognormal(0.0, 1.0, -1.0, 2.0),
        lambda: Discrete((1.0,), (0.5, 0.5)),
        lambda: Discrete((1.0, 2.0), (-1.0, 2.0)),
        lambda: Uniform(0.0, 1.0).narrowed(1.5),
    ],
)
def test_bad_parameters_raise_input_error(build):
    with pytest.raises(InputError):
        build()
