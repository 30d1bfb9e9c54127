"""Argument checks shared by the model functions.

Every public model function turns its numeric keyword arguments into float arrays
through these helpers, so a bad value (a probability of 1.5, a negative yield, a
fractional number of shots) fails early with an :class:`~stratstab.errors.InputError`
whose ``field`` is the parameter name.  Nothing here does I/O.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from stratstab.errors import InputError

FloatArray = NDArray[np.float64]


def as_float(value: ArrayLike, *, name: str) -> FloatArray:
    """Return ``value`` as a float64 array; reject NaN and non-numeric input."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(
            f"expected a number or array of numbers, got {value!r}", field=name
        ) from None
    if np.isnan(array).any():
        raise InputError("expected a number, got NaN", field=name)
    return array


def _first_bad(array: FloatArray, bad: NDArray[np.bool_]) -> float:
    return float(array[bad].flat[0])


def finite(value: ArrayLike, *, name: str) -> FloatArray:
    """Any finite real number."""
    array = as_float(value, name=name)
    bad = ~np.isfinite(array)
    if bad.any():
        raise InputError(f"expected a finite number, got {_first_bad(array, bad)}", field=name)
    return array


def positive(value: ArrayLike, *, name: str, unit: str = "") -> FloatArray:
    """A finite number strictly greater than zero."""
    array = as_float(value, name=name)
    bad = ~(np.isfinite(array) & (array > 0))
    if bad.any():
        suffix = f" {unit}" if unit else ""
        raise InputError(
            f"expected a finite number > 0{suffix}, got {_first_bad(array, bad)}", field=name
        )
    return array


def non_negative(value: ArrayLike, *, name: str, allow_inf: bool = False) -> FloatArray:
    """A number >= 0 (finite unless ``allow_inf``)."""
    array = as_float(value, name=name)
    ok = array >= 0
    if not allow_inf:
        ok &= np.isfinite(array)
    if (~ok).any():
        raise InputError(f"expected a number >= 0, got {_first_bad(array, ~ok)}", field=name)
    return array


def probability(value: ArrayLike, *, name: str) -> FloatArray:
    """A probability in the closed interval [0, 1]."""
    array = as_float(value, name=name)
    bad = ~((array >= 0) & (array <= 1))
    if bad.any():
        raise InputError(
            f"expected a probability between 0 and 1, got {_first_bad(array, bad)}", field=name
        )
    return array


def count(value: ArrayLike, *, name: str, allow_inf: bool = False) -> FloatArray:
    """A whole number >= 0 (as float64 so it broadcasts with the other inputs)."""
    array = non_negative(value, name=name, allow_inf=allow_inf)
    finite_part = np.where(np.isfinite(array), array, 0.0)
    bad = finite_part != np.floor(finite_part)
    if bad.any():
        raise InputError(f"expected a whole number >= 0, got {_first_bad(array, bad)}", field=name)
    return array


def choice(value: Any, *, name: str, allowed: tuple[str, ...]) -> str:
    """One of a fixed set of strings."""
    if value not in allowed:
        raise InputError(f"expected one of {', '.join(allowed)}, got {value!r}", field=name)
    return str(value)


def result(array: ArrayLike) -> Any:
    """Return a 0-d result as a ``numpy.float64`` scalar, anything else as an array."""
    out = np.asarray(array, dtype=np.float64)
    return np.float64(out) if out.ndim == 0 else out
