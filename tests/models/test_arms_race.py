"""Arms-race stability: Richardson, Intriligator-Brito cone, reaction functions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from stratstab.errors import InputError
from stratstab.models.arms_race import (
    deterrence_cone,
    reaction_stability,
    required_arsenal,
    richardson_equilibrium,
    richardson_path,
)

coef = st.floats(min_value=0.0, max_value=3.0)
grievance = st.floats(min_value=-20.0, max_value=20.0)


def test_richardson_hand_worked():
    # det = 1*0.8 - 0.5*0.4 = 0.6 ; x* = (0.5*5 + 0.8*10)/0.6 = 17.5 ; y* = (0.4*10 + 1*5)/0.6 = 15
    r = richardson_equilibrium(a=0.5, b=0.4, m=1.0, n=0.8, g=10, h=5)
    assert r.x_star == pytest.approx(17.5) and r.y_star == pytest.approx(15.0)
    assert r.stable is True
    # eigenvalues (-(1.8) +- sqrt(0.04 + 0.8)) / 2 = -0.4417, -1.3583
    assert sorted(r.eigenvalues) == pytest.approx([-1.35826, -0.44174], abs=1e-5)


def test_richardson_degenerate_is_inf_and_unstable():
    r = richardson_equilibrium(a=1.0, b=1.0, m=1.0, n=1.0, g=1, h=1)
    assert np.isinf(r.x_star) and np.isinf(r.y_star) and r.stable is False


@settings(max_examples=80, deadline=None)
@given(coef, coef, coef, coef, grievance, grievance)
def test_richardson_stable_iff_mn_exceeds_ab(a, b, m, n, g, h):
    # Near det = mn - ab = 0 an eigenvalue is zero to within rounding and its sign
    # carries no information (e.g. b = m = 5e-324), so the eigenvalue check asks for a
    # determinant clear of rounding.
    assume(abs(m * n - a * b) > 1e-9)
    r = richardson_equilibrium(a=a, b=b, m=m, n=n, g=g, h=h)
    assert r.stable == (m * n > a * b)
    assert r.stable == bool(np.all(r.eigenvalues < 0))


@settings(max_examples=30, deadline=None)
@given(coef, coef, coef, coef, grievance, grievance, grievance, grievance)
def test_stable_path_converges_to_equilibrium(a, b, m, n, g, h, x0, y0):
    assume(m * n - a * b > 0.05)
    r = richardson_equilibrium(a=a, b=b, m=m, n=n, g=g, h=h)
    slowest = -float(np.max(r.eigenvalues))
    path = richardson_path(a=a, b=b, m=m, n=n, g=g, h=h, x0=x0, y0=y0,
                           years=40.0 / slowest, steps=20)  # fmt: skip
    assert path.x[0] == x0 and path.y[0] == y0
    scale = 1.0 + abs(r.x_star) + abs(r.y_star) + abs(x0) + abs(y0)
    assert path.x[-1] == pytest.approx(r.x_star, abs=1e-6 * scale)
    assert path.y[-1] == pytest.approx(r.y_star, abs=1e-6 * scale)


def test_path_satisfies_the_differential_equations():
    kw = {"a": 0.9, "b": 0.3, "m": 0.2, "n": 0.5, "g": 2.0, "h": -1.0}  # unstable: 0.1 < 0.27
    path = richardson_path(**kw, x0=5.0, y0=3.0, years=2.0, steps=2000)
    dt = path.t_years[1] - path.t_years[0]
    dx = np.gradient(path.x, dt)[1:-1]
    dy = np.gradient(path.y, dt)[1:-1]
    x, y = path.x[1:-1], path.y[1:-1]
    assert dx == pytest.approx(0.9 * y - 0.2 * x + 2.0, rel=1e-5, abs=1e-6)
    assert dy == pytest.approx(0.3 * x - 0.5 * y - 1.0, rel=1e-5, abs=1e-6)


def test_path_rejects_bad_arguments():
    with pytest.raises(InputError, match="steps"):
        richardson_path(a=1, b=1, m=2, n=2, g=0, h=0, x0=0, y0=0, years=1, steps=0)
    with pytest.raises(InputError, match="years"):
        richardson_path(a=1, b=1, m=2, n=2, g=0, h=0, x0=0, y0=0, years=-1, steps=5)


def test_cone_hand_worked():
    # vertex_a = (100 + 0.8*200) / (1 - 0.4) = 433.33 ; vertex_b = (200 + 0.5*100) / 0.6 = 416.67
    cone = deterrence_cone(mbar_a=100, mbar_b=200, f_a=0.5, f_b=0.8)
    assert cone.exists is True
    assert cone.vertex_a == pytest.approx(433.333333) and cone.vertex_b == pytest.approx(416.666667)
    assert list(cone.mutual([1000, 300], [1000, 800])) == [True, False]


@settings(max_examples=80, deadline=None)
@given(st.floats(1, 1e4), st.floats(1, 1e4), st.floats(0, 3), st.floats(0, 3))
def test_cone_vertex_satisfies_both_conditions_with_equality(mbar_a, mbar_b, f_a, f_b):
    cone = deterrence_cone(mbar_a=mbar_a, mbar_b=mbar_b, f_a=f_a, f_b=f_b)
    assert cone.exists == (f_a * f_b < 1)
    if not cone.exists:
        assert np.isinf(cone.vertex_a)
        return
    a_star, b_star = cone.vertex_a, cone.vertex_b
    assert a_star - f_b * b_star == pytest.approx(mbar_a, rel=1e-7, abs=1e-6 * a_star)
    assert b_star - f_a * a_star == pytest.approx(mbar_b, rel=1e-7, abs=1e-6 * b_star)
    # (1 + f_b, 1 + f_a) points into the cone: both margins grow by 1 - f_a f_b > 0
    step = 10.0
    assert cone.mutual(a_star + step * (1 + f_b), b_star + step * (1 + f_a))
    back = 0.5 * min(a_star / (1 + f_b), b_star / (1 + f_a))  # stays in the positive quadrant
    assert not cone.mutual(a_star - back * (1 + f_b), b_star - back * (1 + f_a))


def test_required_arsenal_hand_worked_exhausted():
    # k = 1 - 0.5^4 = 0.9375 ; N = (100 + (100/4)*0.9375) / (1 * 0.5) = 246.875
    # slope = 0.9375 / (4 * 1 * 0.5) = 0.46875 ; dN/dPk = 246.875 / 0.5 = 493.75
    r = required_arsenal(retaliation=100, p_kill=0.5, warheads_per_missile=1,
                         interceptors=100, shots_per_rv=4, interceptor_pk=0.5)  # fmt: skip
    assert r.required_arsenal == pytest.approx(246.875) and r.required_missiles == 247
    assert r.slope == pytest.approx(0.46875) and r.slope_counterforce == pytest.approx(493.75)
    assert r.defense_exhausted is True
    # check by counting: 123.44 survivors, 25 engaged, 23.44 killed -> 100 arrive
    assert r.surviving_warheads - 25 * 0.9375 == pytest.approx(100)


def test_required_arsenal_regimes_meet_at_the_boundary():
    # boundary: I (1-p)^n = n R -> I = 4 * 100 * 16 = 6400
    kw = {"retaliation": 100, "p_kill": 0.5, "warheads_per_missile": 1, "shots_per_rv": 4,
          "interceptor_pk": 0.5}  # fmt: skip
    below, above = (
        required_arsenal(interceptors=6399.999, **kw),
        required_arsenal(interceptors=1e5, **kw),
    )
    assert below.defense_exhausted is True and above.defense_exhausted is False
    assert below.required_arsenal == pytest.approx(3200, rel=1e-6)
    assert above.required_arsenal == pytest.approx(3200) and above.slope == 0


@settings(max_examples=60, deadline=None)
@given(st.floats(1, 500), st.floats(0, 0.95), st.integers(1, 10), st.floats(0, 2000),
       st.integers(1, 5), st.floats(0, 1))  # fmt: skip
def test_required_arsenal_rises_with_interceptors_and_counterforce(r, pk, m, i, n, p):
    kw = {"retaliation": r, "warheads_per_missile": m, "shots_per_rv": n, "interceptor_pk": p}
    base = required_arsenal(p_kill=pk, interceptors=i, **kw)
    assert (
        required_arsenal(p_kill=pk, interceptors=i + 10, **kw).required_arsenal
        >= base.required_arsenal - 1e-9
    )
    assert (
        required_arsenal(p_kill=min(pk + 0.01, 0.99), interceptors=i, **kw).required_arsenal
        >= base.required_arsenal - 1e-9
    )
    assert base.slope >= 0


def test_required_arsenal_rejects_certain_kill():
    with pytest.raises(InputError, match="p_kill"):
        required_arsenal(retaliation=100, p_kill=1.0, warheads_per_missile=1, interceptors=0,
                         shots_per_rv=1, interceptor_pk=0.5)  # fmt: skip


def test_reaction_stability():
    assert reaction_stability(slope_a=0.5, slope_b=1.5) == (pytest.approx(0.75), True)
    product, stable = reaction_stability(slope_a=[0.5, 2.0], slope_b=[1.0, 1.0])
    assert list(stable) == [True, False]
