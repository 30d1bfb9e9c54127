"""The search for the smallest sufficient factor (stratstab.models.roots)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stratstab.models.roots import (
    MAX_FACTOR,
    RELATIVE_TOLERANCE,
    new_search,
    next_factor,
    result,
    tell,
)


def search(value, need: float, start: float = 1.0, known: bool = False) -> tuple[float, int]:
    """Run a search the way its callers do; return (factor, evaluations)."""
    state = new_search(need, start)
    calls = 0
    if known:
        tell(state, start, value(start))
    while not math.isnan(f := next_factor(state)):
        calls += 1
        tell(state, f, value(f))
    return result(state), calls


def bisect(value, need: float) -> float:
    """Brute force: the crossing to 1e-14 relative."""
    low, high = 0.0, 1.0
    while value(high) < need:
        low, high = high, 2 * high
    for _ in range(200):
        middle = 0.5 * (low + high)
        low, high = (low, middle) if value(middle) >= need else (middle, high)
    return high


FUNCTIONS = {
    "linear": lambda f: 40.0 * f,
    "convex (kink where the attacker runs short)": lambda f: 10.0 * f + 90.0 * max(f - 2.0, 0.0),
    "concave, saturating": lambda f: 300.0 * (1.0 - math.exp(-f / 3.0)),
    "zero until a threshold": lambda f: 50.0 * max(f - 1.5, 0.0),
    "steep then flat": lambda f: min(500.0 * f, 60.0 + f),
}


@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize("need", [0.5, 37.0, 95.2, 140.0])
@pytest.mark.parametrize("start", [0.05, 1.0, 7.0])
def test_finds_the_smallest_sufficient_factor(name, need, start):
    value = FUNCTIONS[name]
    factor, calls = search(value, need, start)
    root = bisect(value, need)
    assert value(factor) >= need  # the factor returned meets the requirement
    assert factor >= root * (1 - 1e-12)
    assert factor - root <= RELATIVE_TOLERANCE * factor
    assert calls <= 40


def test_secant_steps_beat_bisection_on_smooth_problems():
    # Bisection from [1, 2] to 1e-9 relative takes 30 evaluations.
    _, calls = search(lambda f: 40.0 * f + 5.0 * f * f, 80.0, known=True)
    assert calls <= 8
    # A warm start next to the answer closes in a few more.
    root = bisect(lambda f: 40.0 * f, 95.2)
    _, calls = search(lambda f: 40.0 * f, 95.2, start=root * 1.001)
    assert calls <= 5


def test_no_requirement_needs_no_forces():
    assert search(lambda f: 10.0 * f, 0.0)[0] == 0.0
    assert search(lambda f: 10.0 * f, -3.0)[0] == 0.0


def test_an_unreachable_requirement_gives_infinity():
    factor, calls = search(lambda f: 50.0 * (1 - math.exp(-f)), 60.0)
    assert factor == math.inf
    assert calls <= math.ceil(math.log2(MAX_FACTOR)) + 2


def test_a_value_known_at_the_start_is_not_asked_for_again():
    asked = []

    def value(f: float) -> float:
        asked.append(f)
        return 20.0 * f

    search(value, 55.0, start=1.0, known=True)
    assert asked.count(1.0) == 1  # once, by the caller


@settings(max_examples=150, deadline=None)
@given(
    slopes=st.lists(st.floats(0.05, 400.0), min_size=1, max_size=6),
    knots=st.lists(st.floats(0.01, 20.0), min_size=6, max_size=6, unique=True),
    need=st.floats(0.01, 2000.0),
    start=st.floats(0.01, 50.0),
)
def test_random_piecewise_linear_values(slopes, knots, need, start):
    """Any continuous, increasing, piecewise-linear value through the origin."""
    edges = np.concatenate([[0.0], np.sort(knots)[: len(slopes) - 1], [np.inf]])

    def value(f: float) -> float:
        widths = np.clip(f - edges[:-1], 0.0, np.diff(edges))
        return float(np.dot(widths, slopes))

    factor, calls = search(value, need, start)
    root = bisect(value, need)
    if root > MAX_FACTOR:
        assert factor == math.inf
        return
    assert value(factor) >= need
    assert root * (1 - 1e-12) <= factor <= root * (1 + 2 * RELATIVE_TOLERANCE)
    # The bracket at least halves every three steps; a crossing on a kink between a
    # steep and a nearly flat piece is the slow case.
    assert calls <= 100
