"""Airbursts: peak overpressure against burst height, and the best height for a hardness.

Brode's analytic fit gives the peak static overpressure at the ground for a burst of
yield Y at height h and ground range d, over an ideal surface at sea level.  With
lengths in kilofeet scaled by ``Y_kt^(1/3)``, ``x = d / Y^(1/3)``, ``y = h / Y^(1/3)``,
slant ``r = sqrt(x^2 + y^2)`` and ``z = h / d``::

    dP = 10.47 / r^a(z) + b(z) / r^c(z) + d(z) e(z) / (1 + f(z) r^g(z)) + h(z, r, y)
         + j(y) / r^k(y)                                                    [psi]

with the shape functions a ... k below.  At h = 0 it is the surface-burst fit of
:func:`stratstab.models.effects.brode_surface_overpressure_psi`.  The functions have
no physical meaning of their own; the fit reproduces the Carpenter height-of-burst
curves to about 4 % typically, 11 % at worst, and is less reliable above about
100 psi (calculation, not test data).

The **optimum height of burst** for a hardness H is the height that carries the
pressure H out to the largest ground range.  For soft targets it is well above the
ground, because the reflected shock joins the incident one (the Mach stem).  For very
hard targets it tends to zero, a surface burst.

References: H. L. Brode, *Airblast From Nuclear Bursts - Analytic Approximations*,
PSR Report 1419-3, Pacific-Sierra Research, 1986, pp. 60-71 (also implemented in the
MIT-licensed ``glasstone`` library); Glasstone & Dolan, *The Effects of Nuclear
Weapons*, 3rd ed., 1977, ch. III (height-of-burst curves).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import brentq, minimize_scalar

from stratstab.models import _validate as v
from stratstab.models.effects import METRES_PER_KILOFOOT


def _shape(z: np.ndarray, r: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Brode's fit for 1 kt in scaled kilofeet (z = h/d, slant r, scaled height y)."""
    a = 1.22 - 3.908 * z**2 / (1 + 810.2 * z**5)
    b = (
        2.321
        + 6.195 * z**18 / (1 + 1.113 * z**18)
        - 0.03831 * z**17 / (1 + 0.02415 * z**17)
        + 0.6692 / (1 + 4164 * z**8)
    )
    c = 4.153 - 1.149 * z**18 / (1 + 1.641 * z**18) - 1.1 / (1 + 2.771 * z**2.5)
    d = -4.166 + 25.76 * z**1.75 / (1 + 1.382 * z**18) + 8.257 * z / (1 + 3.219 * z)
    e = 1 - 0.004642 * z**18 / (1 + 0.003886 * z**18)
    f = 0.6096 + 2.879 * z**9.25 / (1 + 2.359 * z**14.5) - 17.5 * z**2 / (1 + 71.66 * z**3)
    g = 1.83 + 5.361 * z**2 / (1 + 0.3139 * z**6)
    h = (
        8.808 * z**1.5 / (1 + 154.5 * z**3.5)
        - (0.2905 + 64.67 * z**5) / (1 + 441.5 * z**5)
        - 1.389 * z / (1 + 49.03 * z**5)
        + 1.094 * r**2 / ((781.2 - 123.4 * r + 37.98 * r**1.5 + r**2) * (1 + 2 * y))
    )
    j = 0.000629 * y**4 / (3.493e-9 + y**4) - 2.67 * y**2 / (1 + 1e7 * y**4.3)
    k = 5.18 + 0.2803 * y**3.5 / (3.788e-6 + y**4)
    return 10.47 / r**a + b / r**c + d * e / (1 + f * r**g) + h + j / r**k


def airburst_overpressure_psi(
    *, yield_kt: ArrayLike, ground_range_m: ArrayLike, burst_height_m: ArrayLike
) -> Any:
    """Peak static overpressure (psi) at ``ground_range_m`` from a burst at ``burst_height_m``.

    Parameters: yield_kt (> 0), ground_range_m (> 0: the fit is singular below the
    burst), burst_height_m (>= 0; 0 is a surface burst).

    References: Brode (1986), PSR Report 1419-3, pp. 60-71.
    """
    scale = np.cbrt(v.positive(yield_kt, name="yield_kt", unit="kt"))
    ground = v.positive(ground_range_m, name="ground_range_m", unit="m") / METRES_PER_KILOFOOT
    height = v.non_negative(burst_height_m, name="burst_height_m") / METRES_PER_KILOFOOT
    x, y = ground / scale, height / scale
    return v.result(_shape(height / ground, np.hypot(x, y), y))


def _scaled_reach_kft(hardness_psi: float, scaled_height: float) -> float:
    """Largest scaled ground range (kft/kt^(1/3)) where a 1 kt burst at the scaled height
    still produces ``hardness_psi``; 0 if it does nowhere."""

    def excess(x: float) -> float:
        one = np.array([x])
        z = np.array([scaled_height]) / one
        return float(_shape(z, np.hypot(one, scaled_height), np.array([scaled_height]))[0])

    grid = np.geomspace(1e-3, 60.0, 400)
    pressures = np.array([excess(x) for x in grid])
    above = np.flatnonzero(pressures >= hardness_psi)
    if above.size == 0:
        return 0.0
    last = above[-1]
    if last == grid.size - 1:
        return float(grid[-1])
    return float(brentq(lambda x: excess(x) - hardness_psi, grid[last], grid[last + 1], xtol=1e-10))


def optimum_burst_height(*, yield_kt: float, hardness_psi: float) -> dict[str, float]:
    """Burst height that destroys targets of ``hardness_psi`` out to the largest range.

    Returns ``burst_height_m``, ``ground_range_m`` (the lethal ground range at that
    height) and ``surface_ground_range_m`` (the same for a surface burst), all scaled
    from 1 kt by ``Y^(1/3)``.  Searched over scaled heights up to 3 kft/kt^(1/3) on a
    grid, then refined by a bounded scalar search.

    References: Brode (1986); Glasstone & Dolan (1977), ch. III.
    """
    scale = float(np.cbrt(v.positive(yield_kt, name="yield_kt", unit="kt")))
    hardness = float(v.positive(hardness_psi, name="hardness_psi", unit="psi"))
    heights = np.linspace(0.0, 3.0, 61)
    reach = np.array([_scaled_reach_kft(hardness, h) for h in heights])
    best = int(np.argmax(reach))
    low, high = heights[max(best - 1, 0)], heights[min(best + 1, heights.size - 1)]
    refined = minimize_scalar(
        lambda h: -_scaled_reach_kft(hardness, h),
        bounds=(low, high),
        method="bounded",
        options={"xatol": 1e-6},
    )
    height, distance = (
        (float(refined.x), -float(refined.fun))
        if -refined.fun >= reach[best]
        else (float(heights[best]), float(reach[best]))
    )
    kilofeet_to_m = METRES_PER_KILOFOOT * scale
    return {
        "burst_height_m": height * kilofeet_to_m,
        "ground_range_m": distance * kilofeet_to_m,
        "surface_ground_range_m": float(reach[0]) * kilofeet_to_m,
    }
