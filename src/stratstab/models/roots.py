"""The smallest factor at which a non-decreasing quantity reaches a requirement.

The assured-retaliation reaction functions ask, again and again, for the smallest
scale factor ``f`` on a side's forces at which the warheads it lands in retaliation
reach its requirement.  Landed warheads are a continuous, non-decreasing function of
``f`` that is zero at ``f = 0`` and piecewise smooth (kinks where the attacker runs
out of weapons or the defense out of interceptors), so a bracketing method with
secant steps finds the crossing in a handful of evaluations where plain bisection
needs twenty or more.

The search is written in *reverse communication*: the caller owns the loop and the
function, and the search only says which factor to try next (:func:`next_factor`)
and learns the value found there (:func:`tell`).  Its state is a small NumPy array.
So one source serves both the readable reference path (a Python loop around the
reference model) and the compiled batch kernel (Numba compiles these functions and
its own loop around the compiled model), and both take the same steps::

    search = new_search(need, start)
    while not math.isnan(f := next_factor(search)):
        tell(search, f, value(f))
    factor = result(search)

References
----------
N. Anderson and A. Bjorck, "A new high order method of regula falsi type for
computing a root of an equation", *BIT* 13 (1973) 253-264; J. A. Ford, "Improved
algorithms of Illinois-type for the numerical solution of nonlinear equations",
University of Essex report CSM-257 (1995), which compares the variants.
"""

from __future__ import annotations

import math

import numpy as np

#: Relative width of the final bracket around the crossing.
RELATIVE_TOLERANCE = 1e-9
#: The largest factor tried; a requirement not met there is unreachable (``inf``).
MAX_FACTOR = 1000.0
#: Safety bound on the number of narrowing steps (they take about five).
MAX_STEPS = 200
#: How far past the proportional guess the first extension of the bracket reaches.
PROPORTIONAL_MARGIN = 1e-3

# Slots of the state array.
_PHASE, _NEED, _LOW, _G_LOW, _HIGH, _G_HIGH, _WIDTH_1, _WIDTH_2, _STEP, _RESULT, _MOVED = range(11)
# Phases: doubling until the requirement is met, narrowing the bracket, finished.
_DOUBLING, _NARROWING, _DONE = 0.0, 1.0, 2.0


def new_search(need: float, start: float) -> np.ndarray:
    """State of a search for the smallest factor whose value reaches ``need``.

    The value must be non-decreasing in the factor and zero at factor 0; the search
    tries ``start`` (> 0) first.  A requirement of zero or less needs no forces: the
    search is then finished at once with the factor 0.
    """
    state = np.zeros(11)
    state[_NEED] = need
    state[_G_LOW] = -need
    state[_HIGH] = start
    if not need > 0.0:
        state[_PHASE] = _DONE
        state[_RESULT] = 0.0
    return state


def next_factor(state: np.ndarray) -> float:
    """The factor to evaluate next, or NaN when the search is finished.

    While the requirement is not met the factor grows: first to just past the
    proportional guess ``factor * need / value`` (at most doubling), then by doubling
    (up to :data:`MAX_FACTOR`; a requirement not met there gives ``inf``).  Then
    the bracket narrows by regula falsi with the Anderson-Bjorck weights, each step
    kept a quarter of the tolerance inside the bracket and a bisection whenever two
    steps have not halved it, until it is narrower than :data:`RELATIVE_TOLERANCE`
    relative.
    """
    phase = state[_PHASE]
    if phase == _DONE:
        return math.nan
    if phase == _DOUBLING:
        return state[_HIGH]
    low, high = state[_LOW], state[_HIGH]
    width = high - low
    step = int(state[_STEP])
    if width < RELATIVE_TOLERANCE * high or step >= MAX_STEPS:
        state[_PHASE] = _DONE
        state[_RESULT] = high
        return math.nan
    # Two steps that have not halved the bracket: bisect once.
    bisect = step >= 2 and width > 0.5 * state[_WIDTH_2]
    state[_WIDTH_2] = state[_WIDTH_1]
    state[_WIDTH_1] = width
    if bisect:
        return 0.5 * (low + high)
    g_low, g_high = state[_G_LOW], state[_G_HIGH]
    x = high - g_high * width / (g_high - g_low)
    margin = 0.25 * RELATIVE_TOLERANCE * high
    return min(max(x, low + margin), high - margin)


def tell(state: np.ndarray, factor: float, value: float) -> None:
    """Record ``value`` found at ``factor`` (the factor :func:`next_factor` gave)."""
    g = value - state[_NEED]
    if state[_PHASE] == _DOUBLING:
        if g >= 0.0:
            state[_G_HIGH] = g
            state[_PHASE] = _NARROWING
            state[_STEP] = 0.0
            return
        state[_LOW] = factor
        state[_G_LOW] = g
        # First miss: a proportional guess just past the crossing (the value is zero at
        # zero and rises about in proportion), at most doubling; later misses double.
        grow = 2.0
        if state[_STEP] == 0.0 and value > 0.0:
            grow = min(2.0, max(state[_NEED] / value, 1.0) * (1.0 + PROPORTIONAL_MARGIN))
        state[_STEP] = 1.0
        if factor >= MAX_FACTOR:
            state[_PHASE] = _DONE
            state[_RESULT] = math.inf
        state[_HIGH] = min(grow * factor, MAX_FACTOR)
        return
    state[_STEP] += 1.0
    # Anderson-Bjorck: when the same end moves twice in a row, the end that stays has
    # its value scaled by how much the moving end's value shrank (by half if it did
    # not), so that the next secant step reaches across the crossing instead of
    # creeping up on it from one side.
    if g >= 0.0:
        if state[_MOVED] == 1.0:
            shrink = 1.0 - g / state[_G_HIGH] if state[_G_HIGH] > 0.0 else 0.5
            state[_G_LOW] *= shrink if shrink > 0.0 else 0.5
        state[_HIGH] = factor
        state[_G_HIGH] = g
        state[_MOVED] = 1.0
    else:
        if state[_MOVED] == -1.0:
            shrink = 1.0 - g / state[_G_LOW] if state[_G_LOW] < 0.0 else 0.5
            state[_G_HIGH] *= shrink if shrink > 0.0 else 0.5
        state[_LOW] = factor
        state[_G_LOW] = g
        state[_MOVED] = -1.0


def result(state: np.ndarray) -> float:
    """The factor found: the upper end of the final bracket, which meets the requirement."""
    return float(state[_RESULT])
