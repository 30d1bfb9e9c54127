"""Arms-race stability: Richardson dynamics, the Intriligator-Brito deterrence cone,
and the assured-retaliation reaction function against counterforce plus missile defense.

Pure NumPy/SciPy, keyword-only arguments, no I/O.

References
----------
L. F. Richardson, *Arms and Insecurity* (1960); M. D. Intriligator and D. L. Brito,
"Can Arms Races Lead to the Outbreak of War?", *Journal of Conflict Resolution* 28(1),
1984, 63-84 (and "Formal Models of Arms Races", *J. Peace Science* 1976); REFERENCES §4.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from stratstab.errors import InputError
from stratstab.models import _validate as v


@dataclass(frozen=True)
class Richardson:
    """Equilibrium of the Richardson model.

    x_star, y_star: equilibrium arms levels (same unit as x, y; ``inf`` when m n = a b,
    i.e. the two reaction lines are parallel and no single equilibrium exists).
    stable: True iff every path converges to the equilibrium (m n > a b).
    eigenvalues: the two real eigenvalues (per year) of the linear system, shape (..., 2).
    """

    x_star: Any
    y_star: Any
    stable: Any
    eigenvalues: Any


def _richardson_coefficients(**values: ArrayLike) -> dict[str, np.ndarray]:
    out = {k: v.non_negative(values[k], name=k) for k in ("a", "b", "m", "n")}
    out.update({k: v.finite(values[k], name=k) for k in ("g", "h")})
    return out


def richardson_equilibrium(
    *, a: ArrayLike, b: ArrayLike, m: ArrayLike, n: ArrayLike, g: ArrayLike, h: ArrayLike
) -> Richardson:
    """Equilibrium and stability of ``dx/dt = a y - m x + g``, ``dy/dt = b x - n y + h``.

    a, b: defense (reaction) coefficients, per year (>= 0); m, n: fatigue/expense
    coefficients, per year (>= 0); g, h: grievances, arms units per year (any sign).
    ``x* = (a h + n g) / (m n - a b)``, ``y* = (b g + m h) / (m n - a b)``; the
    eigenvalues of ``[[-m, a], [b, -n]]`` are
    ``(-(m+n) +- sqrt((m-n)^2 + 4ab)) / 2``; stable iff ``m n > a b``.
    Degenerate ``m n = a b``: no isolated equilibrium; x*, y* = inf and stable = False.

    References: Richardson (1960); REFERENCES §4.
    """
    c = _richardson_coefficients(a=a, b=b, m=m, n=n, g=g, h=h)
    det = c["m"] * c["n"] - c["a"] * c["b"]
    degenerate = det == 0
    safe = np.where(degenerate, 1.0, det)
    with np.errstate(over="ignore"):  # a nearly parallel pair of lines: huge, then inf
        x_star = np.where(degenerate, np.inf, (c["a"] * c["h"] + c["n"] * c["g"]) / safe)
        y_star = np.where(degenerate, np.inf, (c["b"] * c["g"] + c["m"] * c["h"]) / safe)
    root = np.sqrt((c["m"] - c["n"]) ** 2 + 4.0 * c["a"] * c["b"])
    trace = -(c["m"] + c["n"])
    fast = (trace - root) / 2.0
    # The slow eigenvalue from det / fast avoids cancellation when det is tiny.
    slow = np.where(fast != 0, det / np.where(fast != 0, fast, 1.0), (trace + root) / 2.0)
    eigenvalues = np.stack(np.broadcast_arrays(fast, slow), axis=-1)
    stable = (det > 0) & (trace < 0)
    stable_out = bool(stable) if np.ndim(stable) == 0 else stable
    return Richardson(v.result(x_star), v.result(y_star), stable_out, eigenvalues)


@dataclass(frozen=True)
class RichardsonPath:
    """Exact trajectory of the Richardson model: times (years) and arms levels x, y."""

    t_years: np.ndarray
    x: np.ndarray
    y: np.ndarray


def richardson_path(
    *,
    a: float,
    b: float,
    m: float,
    n: float,
    g: float,
    h: float,
    x0: float,
    y0: float,
    years: float,
    steps: int,
) -> RichardsonPath:
    """Exact solution of the Richardson system at ``steps + 1`` evenly spaced times.

    Uses the matrix exponential of the augmented system ``d/dt [x, y, 1] = M [x, y, 1]``
    with ``M = [[-m, a, g], [b, -n, h], [0, 0, 0]]``, which is exact (no time-stepping
    error) and also covers the degenerate case m n = a b.  Units as in
    :func:`richardson_equilibrium`; x0, y0 arms levels at t = 0; years > 0 horizon.

    References: Richardson (1960); linear ODE solution by matrix exponential.
    """
    c = _richardson_coefficients(a=a, b=b, m=m, n=n, g=g, h=h)
    if any(np.ndim(x) for x in c.values()):
        raise InputError("richardson_path takes scalar coefficients", field="a")
    start = [float(v.finite(x0, name="x0")), float(v.finite(y0, name="y0")), 1.0]
    horizon = float(v.positive(years, name="years", unit="years"))
    n_steps = int(v.count(steps, name="steps"))
    if n_steps < 1:
        raise InputError("expected a whole number >= 1, got 0", field="steps")
    system = np.array(
        [[-c["m"], c["a"], c["g"]], [c["b"], -c["n"], c["h"]], [0.0, 0.0, 0.0]], dtype=np.float64
    )
    times = np.linspace(0.0, horizon, n_steps + 1)
    # One exact step propagator applied repeatedly: exact up to rounding, and far
    # cheaper than a matrix exponential per output time.
    from scipy.linalg import expm  # loaded on first use (a few tenths of a second)

    step = expm(system * (horizon / n_steps))
    states = np.empty((n_steps + 1, 3))
    states[0] = start
    for k in range(n_steps):
        states[k + 1] = step @ states[k]
    return RichardsonPath(times, states[:, 0], states[:, 1])


@dataclass(frozen=True)
class Cone:
    """Intriligator-Brito cone of mutual deterrence in the (M_A, M_B) missile plane.

    B deters A iff ``M_B - f_A M_A >= Mbar_B``; A deters B iff ``M_A - f_B M_B >= Mbar_A``.
    exists: True iff ``f_A f_B < 1``; vertex_a, vertex_b: the corner where both hold with
    equality (missiles; ``inf`` when the cone does not exist).
    """

    mbar_a: Any
    mbar_b: Any
    f_a: Any
    f_b: Any
    exists: Any
    vertex_a: Any
    vertex_b: Any

    def a_deters_b(self, m_a: ArrayLike, m_b: ArrayLike) -> Any:
        """True where A's missiles surviving B's full strike reach ``Mbar_A``."""
        m_a, m_b = v.non_negative(m_a, name="m_a"), v.non_negative(m_b, name="m_b")
        return m_a - self.f_b * m_b >= self.mbar_a

    def b_deters_a(self, m_a: ArrayLike, m_b: ArrayLike) -> Any:
        """True where B's missiles surviving A's full strike reach ``Mbar_B``."""
        m_a, m_b = v.non_negative(m_a, name="m_a"), v.non_negative(m_b, name="m_b")
        return m_b - self.f_a * m_a >= self.mbar_b

    def mutual(self, m_a: ArrayLike, m_b: ArrayLike) -> Any:
        """True inside the cone of mutual deterrence."""
        return self.a_deters_b(m_a, m_b) & self.b_deters_a(m_a, m_b)


def deterrence_cone(
    *, mbar_a: ArrayLike, mbar_b: ArrayLike, f_a: ArrayLike, f_b: ArrayLike
) -> Cone:
    """The Intriligator-Brito cone of mutual deterrence.

    mbar_a, mbar_b: missiles each side needs to inflict unacceptable damage (>= 0);
    f_a: B missiles destroyed per attacking A missile, f_b: A missiles destroyed per
    attacking B missile (>= 0).  Vertex ``M_A* = (Mbar_A + f_B Mbar_B) / (1 - f_A f_B)``,
    ``M_B* = (Mbar_B + f_A Mbar_A) / (1 - f_A f_B)``, existing iff ``f_A f_B < 1``.

    References: Intriligator & Brito, *JCR* 28(1) 1984; REFERENCES §4.
    """
    mbar_a = v.non_negative(mbar_a, name="mbar_a")
    mbar_b = v.non_negative(mbar_b, name="mbar_b")
    f_a = v.non_negative(f_a, name="f_a")
    f_b = v.non_negative(f_b, name="f_b")
    gap = 1.0 - f_a * f_b
    exists = gap > 0
    safe = np.where(exists, gap, 1.0)
    vertex_a = np.where(exists, (mbar_a + f_b * mbar_b) / safe, np.inf)
    vertex_b = np.where(exists, (mbar_b + f_a * mbar_a) / safe, np.inf)
    exists_out = bool(exists) if np.ndim(exists) == 0 else exists
    return Cone(
        v.result(mbar_a), v.result(mbar_b), v.result(f_a), v.result(f_b),
        exists_out, v.result(vertex_a), v.result(vertex_b),
    )  # fmt: skip


@dataclass(frozen=True)
class RequiredArsenal:
    """Missiles needed for assured retaliation against counterforce and missile defense.

    required_arsenal: missiles N (real); required_missiles: N rounded up.
    slope: dN/dI, extra missiles per extra enemy interceptor (0 when not exhausted).
    slope_counterforce: dN/dP_k, extra missiles per unit rise of the enemy's per-missile
    kill probability.  defense_exhausted: True where the interceptor inventory runs out.
    surviving_warheads: warheads left after the counterforce strike at N.
    """

    required_arsenal: Any
    required_missiles: Any
    slope: Any
    slope_counterforce: Any
    defense_exhausted: Any
    surviving_warheads: Any


#: How the defense fires in :func:`required_arsenal` (stated in the calculators' output).
REQUIRED_ARSENAL_DOCTRINE = (
    "fixed salvo: the defense fires shots_per_rv at each RV it engages until the "
    "interceptors run out, and the rest pass unengaged (the open-literature reaction function)"
)


def required_arsenal(
    *,
    retaliation: ArrayLike,
    p_kill: ArrayLike,
    warheads_per_missile: ArrayLike,
    interceptors: ArrayLike,
    shots_per_rv: ArrayLike,
    interceptor_pk: ArrayLike,
) -> RequiredArsenal:
    """Assured-retaliation reaction function: missiles needed for R penetrating warheads.

    Survivors ``S = N (1 - P_k) m``.  The defense fires n interceptors at each RV it
    engages (kill ``k = 1 - (1-p)^n``).  Regime 1, defense exhausted
    (``I (1-p)^n < n R``): it engages I/n RVs and the rest pass, so
    ``N = (R + (I/n) k) / (m (1 - P_k))`` and ``dN/dI = k / (n m (1 - P_k))``.  Regime 2,
    defense not exhausted: every RV is engaged, ``N = R / ((1-p)^n m (1 - P_k))`` and
    ``dN/dI = 0``.  The two agree at the boundary.  In both, ``dN/dP_k = N / (1 - P_k)``.

    Units: retaliation R in warheads that must arrive (>= 0); p_kill P_k probability a
    missile is destroyed by the first strike (< 1); warheads_per_missile m (> 0);
    interceptors I (>= 0); shots_per_rv n (whole number >= 1); interceptor_pk p.

    References: REFERENCES §4 (reaction function against counterforce and BMD).
    """
    r = v.non_negative(retaliation, name="retaliation")
    p_k = v.probability(p_kill, name="p_kill")
    m = v.positive(warheads_per_missile, name="warheads_per_missile")
    i = v.non_negative(interceptors, name="interceptors")
    n = v.count(shots_per_rv, name="shots_per_rv")
    p = v.probability(interceptor_pk, name="interceptor_pk")
    if (p_k >= 1).any():
        raise InputError("expected < 1: no arsenal survives a certain kill", field="p_kill")
    if (n < 1).any():
        raise InputError("expected a whole number >= 1", field="shots_per_rv")
    surviving_share = m * (1.0 - p_k)
    leak = (1.0 - p) ** n
    kill = 1.0 - leak
    exhausted = i * leak < n * r
    with np.errstate(divide="ignore"):
        n_full = np.where(exhausted, 0.0, r / np.where(leak > 0, leak, 1.0) / surviving_share)
    n_exhausted = (r + i / n * kill) / surviving_share
    need = np.where(exhausted, n_exhausted, n_full)
    slope = np.where(exhausted, kill / (n * surviving_share), 0.0)
    exhausted_out = bool(exhausted) if np.ndim(exhausted) == 0 else exhausted
    return RequiredArsenal(
        v.result(need), v.result(np.ceil(need - 1e-9)), v.result(slope),
        v.result(need / (1.0 - p_k)), exhausted_out, v.result(need * surviving_share),
    )  # fmt: skip


def reaction_stability(*, slope_a: ArrayLike, slope_b: ArrayLike) -> tuple[Any, Any]:
    """Arms-race stability of two reaction functions: ``(product, stable)``.

    slope_a = dN_A/dN_B and slope_b = dN_B/dN_A (dimensionless, >= 0).  Iterated
    best responses converge (the race is damped) iff the product is below 1.

    References: REFERENCES §4; standard reaction-function stability condition.
    """
    product = v.non_negative(slope_a, name="slope_a") * v.non_negative(slope_b, name="slope_b")
    stable = product < 1
    return v.result(product), (bool(stable) if np.ndim(stable) == 0 else stable)
