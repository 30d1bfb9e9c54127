"""The smallest factor at which a non-decreasing quantity reaches a requirement.

The assured-retaliation reaction functions ask, again and again, for the smallest
scale factor ``f`` on a side's forces at which the warheads it lands in retaliation
reach its requirement.  Landed warheads are a continuous, non-decreasing function of
``f`` that is zero at ``f = 0`` and piecewise smooth (kinks where the attacker runs
out of weapons or the defense out of interceptors), so a bracketing method with
secant steps finds the crossing in a handful of evaluations where plain bisection
needs thirty (for the 1e-9 relative width used here).

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
T. J. Dekker, "Finding a zero by means of successive linear interpolation", in
*Constructive Aspects of the Fundamental Theorem of Algebra* (1969); R. P. Brent,
*Algorithms for Minimization without Derivatives* (1973), ch. 4 (secant steps kept
inside a bracket, with bisection when they stall); N. Anderson and A. Bjorck, "A new
high order method of regula falsi type for computing a root of an equation", *BIT* 13
(1973) 253-264 (the weights of the regula falsi fallback).
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
#: How far past the slope hint's Newton step the first step reaches (share of it).
HINT_OVERSHOOT = 0.25

# Slots of the state array: phase and requirement; the bracket ends with their values
# as weighted for regula falsi and as found; the last two points tried and their
# values; the last three bracket widths; steps taken; the result; which end moved
# last; the slope hint.
_PHASE, _NEED, _LOW, _G_LOW, _HIGH, _G_HIGH, _RAW_LOW, _RAW_HIGH = range(8)
_X_LAST, _G_LAST, _X_PREV, _G_PREV, _WIDTH_1, _WIDTH_2, _WIDTH_3 = range(8, 15)
_STEP, _RESULT, _MOVED, _HINT = range(15, 19)
_SLOTS = 19
# Phases: growing until the requirement is met, narrowing the bracket, finished.
_GROWING, _NARROWING, _DONE = 0.0, 1.0, 2.0


def new_search(need: float, start: float, slope: float = math.nan) -> np.ndarray:
    """State of a search for the smallest factor whose value reaches ``need``.

    The value must be non-decreasing in the factor and zero at factor 0; the search
    tries ``start`` (> 0) first.  ``slope``: the value's rise per unit factor near
    ``start``, if known (e.g. from :func:`slope` of a search on a nearby problem):
    the step after ``start`` is then a Newton step, taken a quarter further so that
    it lands across the crossing.  A requirement of zero or less needs no forces: the
    search is then finished at once with the factor 0.
    """
    state = np.zeros(_SLOTS)
    state[_NEED] = need
    state[_G_LOW] = state[_RAW_LOW] = -need
    state[_HIGH] = start
    state[_G_LAST] = -need  # the value is known at factor 0
    state[_X_PREV] = math.nan
    state[_G_PREV] = math.nan
    state[_HINT] = slope if slope > 0.0 else math.nan
    if not need > 0.0:
        state[_PHASE] = _DONE
        state[_RESULT] = 0.0
    return state


def next_factor(state: np.ndarray) -> float:
    """The factor to evaluate next, or NaN when the search is finished.

    While the requirement is not met the factor grows: first by a Newton step with
    the slope hint, or else to just past the proportional guess ``factor * need /
    value`` (at most doubling), then by doubling (up to :data:`MAX_FACTOR`; a
    requirement not met there gives ``inf``).  Then the bracket narrows: a secant
    step through the last two points tried where it falls inside the bracket and
    less than half the step before, else regula falsi on the bracket ends with the
    Anderson-Bjorck weights; a bisection whenever three steps have not halved the
    bracket.  Each step is kept a quarter of the tolerance inside the bracket, and the
    search ends when the bracket is narrower than :data:`RELATIVE_TOLERANCE` relative.
    """
    phase = state[_PHASE]
    if phase == _DONE:
        return math.nan
    if phase == _GROWING:
        return state[_HIGH]
    low, high = state[_LOW], state[_HIGH]
    width = high - low
    step = int(state[_STEP])
    if width < RELATIVE_TOLERANCE * high or step >= MAX_STEPS:
        state[_PHASE] = _DONE
        state[_RESULT] = high
        return math.nan
    margin = 0.25 * RELATIVE_TOLERANCE * high
    bisect = step >= 3 and width > 0.5 * state[_WIDTH_3]
    state[_WIDTH_3] = state[_WIDTH_2]
    state[_WIDTH_2] = state[_WIDTH_1]
    state[_WIDTH_1] = width
    if bisect:
        return 0.5 * (low + high)
    if step == 0 and not math.isnan(state[_HINT]):
        # The start met the requirement: a Newton step down from it.
        x = high - (1.0 + HINT_OVERSHOOT) * state[_G_HIGH] / state[_HINT]
        return min(max(x, low + margin), high - margin)
    x_last, g_last, x_prev, g_prev = state[_X_LAST], state[_G_LAST], state[_X_PREV], state[_G_PREV]
    if g_last != g_prev and not math.isnan(g_prev):
        x = x_last - g_last * (x_last - x_prev) / (g_last - g_prev)
        if low < x < high and (step < 2 or abs(x - x_last) < 0.5 * abs(x_last - x_prev)):
            if abs(x - x_last) < 2.0 * margin:
                # The last point is next to the crossing: step across it by a margin,
                # which closes the bracket at once.
                x = x + margin if x > x_last else x - margin
            return min(max(x, low + margin), high - margin)
    g_low, g_high = state[_G_LOW], state[_G_HIGH]
    x = high - g_high * width / (g_high - g_low)
    return min(max(x, low + margin), high - margin)


def tell(state: np.ndarray, factor: float, value: float) -> None:
    """Record ``value`` found at ``factor`` (the factor :func:`next_factor` gave)."""
    g = value - state[_NEED]
    state[_X_PREV] = state[_X_LAST]
    state[_G_PREV] = state[_G_LAST]
    state[_X_LAST] = factor
    state[_G_LAST] = g
    if state[_PHASE] == _GROWING:
        first = state[_STEP] == 0.0
        state[_STEP] = 0.0
        if g >= 0.0:
            state[_G_HIGH] = state[_RAW_HIGH] = g
            state[_PHASE] = _NARROWING
            if not first:
                state[_HINT] = math.nan  # the hint is for a start above the crossing
            return
        state[_LOW] = factor
        state[_G_LOW] = state[_RAW_LOW] = g
        # First miss: a Newton step with the slope hint, else a proportional guess
        # (the value is zero at zero and rises about in proportion), just past the
        # crossing and at most doubling; later misses double.
        grow = 2.0
        if first and not math.isnan(state[_HINT]):
            reach = factor - (1.0 + HINT_OVERSHOOT) * g / state[_HINT]
            grow = min(2.0, max(reach / factor, 1.0 + PROPORTIONAL_MARGIN))
        elif first and value > 0.0:
            grow = min(2.0, max(state[_NEED] / value, 1.0) * (1.0 + PROPORTIONAL_MARGIN))
        state[_STEP] = -1.0  # not the first any more (reset when narrowing starts)
        if factor >= MAX_FACTOR:
            state[_PHASE] = _DONE
            state[_RESULT] = math.inf
        state[_HIGH] = min(grow * factor, MAX_FACTOR)
        return
    state[_STEP] += 1.0
    # Anderson-Bjorck: when the same end moves twice in a row, the end that stays has
    # its value scaled by how much the moving end's value shrank (by half if it did
    # not), so that the next regula falsi step reaches across the crossing.
    if g >= 0.0:
        if state[_MOVED] == 1.0:
            shrink = 1.0 - g / state[_G_HIGH] if state[_G_HIGH] > 0.0 else 0.5
            state[_G_LOW] *= shrink if shrink > 0.0 else 0.5
        state[_HIGH] = factor
        state[_G_HIGH] = state[_RAW_HIGH] = g
        state[_MOVED] = 1.0
    else:
        if state[_MOVED] == -1.0:
            shrink = 1.0 - g / state[_G_LOW] if state[_G_LOW] < 0.0 else 0.5
            state[_G_HIGH] *= shrink if shrink > 0.0 else 0.5
        state[_LOW] = factor
        state[_G_LOW] = state[_RAW_LOW] = g
        state[_MOVED] = -1.0


def result(state: np.ndarray) -> float:
    """The factor found: the upper end of the final bracket, which meets the requirement."""
    return float(state[_RESULT])


def slope(state: np.ndarray) -> float:
    """The value's rise per unit factor across the last bracket of a finished search."""
    width = state[_HIGH] - state[_LOW]
    if not width > 0.0:
        return math.nan
    return float((state[_RAW_HIGH] - state[_RAW_LOW]) / width)
