"""Check lever arrays for a batch and bring them to one length.

Validation is vectorised: a numeric lever is checked through the scalar rules of
:func:`stratstab.analysis.spec.levers.validate_levers` at its smallest and largest value
(the rules are intervals), plus a whole-number check where the field needs one; a
structural lever is checked once per distinct value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from stratstab.analysis.batch.inputs import INTEGER_DEFENSE_FIELDS, is_structural, lever_name
from stratstab.analysis.spec.levers import levers_source, validate_levers
from stratstab.analysis.spec.scenario import Scenario
from stratstab.errors import InputError


def _plain(value: Any) -> Any:
    """A Python value for the scalar validators; whole floats become ints."""
    item = value.item() if isinstance(value, np.generic) else value
    if isinstance(item, float) and item.is_integer():
        return int(item)
    return item


def _size(arrays: dict[str, np.ndarray], source: str) -> int:
    lengths = {key: a.shape[0] for key, a in arrays.items() if a.ndim == 1}
    if len(set(lengths.values())) > 1:
        raise InputError(f"lever arrays must have one length, got {lengths}", source=source)
    return next(iter(lengths.values()), 1)


def _first_bad(values: np.ndarray, bad: np.ndarray) -> Any:
    return _plain(values.reshape(-1)[np.flatnonzero(bad.reshape(-1))[0]])


def _numeric(scenario: Scenario, key: str, values: np.ndarray) -> np.ndarray:
    """Float array of a numeric lever; a bad entry gets the scalar check's own message."""
    source = levers_source(scenario)
    if values.dtype.kind not in "iuf":  # text, flags or objects: check each like one lever
        for value in values.reshape(-1).tolist():
            validate_levers(scenario, {key: value}, source=source)
    numbers = np.asarray(values, dtype=float)
    if not np.isfinite(numbers).all():
        validate_levers(scenario, {key: _first_bad(numbers, ~np.isfinite(numbers))}, source=source)
    if lever_name(key) in INTEGER_DEFENSE_FIELDS and not np.all(numbers == np.floor(numbers)):
        validate_levers(
            scenario, {key: _first_bad(numbers, numbers != np.floor(numbers))}, source=source
        )
    if numbers.size:
        # The table's rules are intervals: the two extremes stand for every value.
        for extreme in (numbers.min(), numbers.max()):
            validate_levers(scenario, {key: _plain(extreme)}, source=source)
    return numbers


def _structural(scenario: Scenario, key: str, values: np.ndarray) -> np.ndarray:
    plain = np.empty(values.shape, dtype=object)
    if values.ndim and values.dtype != object:
        # Convert each distinct value once (sweeps repeat a few values many times).
        distinct, inverse = np.unique(values, return_inverse=True)
        converted = np.empty(distinct.size, dtype=object)
        converted[:] = [_plain(v) for v in distinct.tolist()]
        plain[:] = converted[inverse.reshape(-1)]
    elif values.ndim:
        plain[:] = [_plain(v) for v in values.tolist()]
    else:
        plain[()] = _plain(values.item())
    for value in set(plain.ravel().tolist()):
        validate_levers(scenario, {key: value}, source=levers_source(scenario))
    return plain


def lever_arrays(
    scenario: Scenario, levers: Mapping[str, Any]
) -> tuple[dict[str, np.ndarray], int]:
    """Validate ``levers`` (key -> 1-D array or scalar) and return equal-length arrays.

    Numeric levers become float arrays; structural ones (overrides, posture,
    shoot-look-shoot) object arrays of Python values.  Raises :class:`InputError`
    naming the lever on a bad key, value or length.
    """
    raw: dict[str, np.ndarray] = {}
    for key, value in levers.items():
        array = np.asarray(value)
        if array.ndim > 1:
            raise InputError(
                f"expected a 1-D array, got shape {array.shape}",
                source=levers_source(scenario),
                field=str(key),
            )
        raw[str(key)] = array
    size = _size(raw, levers_source(scenario))
    out: dict[str, np.ndarray] = {}
    for key, array in raw.items():
        checked = (
            _structural(scenario, key, array)
            if is_structural(key)
            else _numeric(scenario, key, array)
        )
        out[key] = np.broadcast_to(checked, (size,)).copy() if checked.ndim == 0 else checked
    return out, size
