"""Beliefs: each delegation's distributions over uncertain parameters of a scenario.

A scenario's optional ``beliefs`` block maps a delegation view (by convention named
``SIDE-view``, e.g. ``US-view``) to lever keys and distributions::

    beliefs:
      US-view:
        CN.survivability_mobile: {dist: triangular, low: 0.3, mode: 0.5, high: 0.8}
        CN.arsenal_scale: {dist: lognormal, median: 1.0, sigma_log: 0.15, low: 0.7, high: 1.4}
        US.interceptor_pk: {dist: uniform, low: 0.4, high: 0.6}
        CN.DF-41.launchers: {dist: discrete, values: [40, 60, 80], weights: [1, 2, 1]}
        US.interceptors: 44          # a bare number is a fixed (certain) value

Keys use the one lever syntax (:mod:`stratstab.analysis.spec.levers`); only numeric levers
can be uncertain.  A view's full belief also contains the numeric levers of its
``assumptions`` set, as fixed values (the beliefs block wins where both name a key).
The scenario *as written* (no view) stands for the actual world: its values are what
transparency measures reveal.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from stratstab.analysis.spec.lever_table import integer_levers, non_numeric_levers
from stratstab.analysis.spec.levers import split_key, validate_levers
from stratstab.errors import InputError, NotFoundError, from_validation_error
from stratstab.models.uncertainty import (
    Discrete,
    Distribution,
    Fixed,
    Triangular,
    TruncatedLognormal,
    TruncatedNormal,
    Uniform,
)

if TYPE_CHECKING:
    from stratstab.analysis.spec.scenario import Scenario

# From the lever table: whole-number levers (sampled values are rounded) and the levers
# that take a choice or a flag (no distribution).
INTEGER_LEVERS = integer_levers()
NON_NUMERIC_LEVERS = non_numeric_levers()


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FixedSpec(_Spec):
    """A certain value."""

    dist: Literal["fixed"]
    value: float

    def build(self) -> Distribution:
        return Fixed(self.value)


class UniformSpec(_Spec):
    """Uniform on ``[low, high]``."""

    dist: Literal["uniform"]
    low: float
    high: float

    def build(self) -> Distribution:
        return Uniform(self.low, self.high)


class TriangularSpec(_Spec):
    """Triangular with ``low <= mode <= high``."""

    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    def build(self) -> Distribution:
        return Triangular(self.low, self.mode, self.high)


class NormalSpec(_Spec):
    """Normal(``mu``, ``sigma``) before truncation to ``[low, high]``."""

    dist: Literal["normal"]
    mu: float
    sigma: Annotated[float, Field(gt=0)]
    low: float = -math.inf
    high: float = math.inf

    def build(self) -> Distribution:
        return TruncatedNormal(self.mu, self.sigma, self.low, self.high)


class LognormalSpec(_Spec):
    """Lognormal with the given ``median`` and log-space ``sigma_log``, truncated."""

    dist: Literal["lognormal"]
    median: Annotated[float, Field(gt=0)]
    sigma_log: Annotated[float, Field(gt=0)]
    low: Annotated[float, Field(ge=0)] = 0.0
    high: float = math.inf

    def build(self) -> Distribution:
        return TruncatedLognormal(math.log(self.median), self.sigma_log, self.low, self.high)


class DiscreteSpec(_Spec):
    """Finitely many ``values`` with optional ``weights`` (default equal)."""

    dist: Literal["discrete"]
    values: Annotated[list[float], Field(min_length=1)]
    weights: list[Annotated[float, Field(ge=0)]] | None = None

    def build(self) -> Distribution:
        weights = self.weights if self.weights is not None else [1.0] * len(self.values)
        return Discrete(tuple(self.values), tuple(weights))


SPECS: dict[str, type[Any]] = {
    "fixed": FixedSpec,
    "uniform": UniformSpec,
    "triangular": TriangularSpec,
    "normal": NormalSpec,
    "lognormal": LognormalSpec,
    "discrete": DiscreteSpec,
}
DIST_NAMES = tuple(SPECS)


def parse_distribution(value: Any, *, source: str, field: str) -> Distribution:
    """A distribution from a bare number or a ``{dist: ..., ...}`` mapping."""
    if isinstance(value, bool):
        raise InputError(
            f"expected a number or a distribution, got {value!r}", source=source, field=field
        )
    if isinstance(value, int | float):
        return Fixed(float(value))
    if not isinstance(value, dict) or value.get("dist") not in DIST_NAMES:
        raise InputError(
            "expected a number or a mapping with dist: one of " + ", ".join(DIST_NAMES),
            source=source,
            field=field,
        )
    try:
        spec = SPECS[value["dist"]].model_validate(value)
    except ValidationError as exc:
        raise from_validation_error(exc, source=source, prefix=field) from None
    try:
        return spec.build()
    except InputError as exc:
        raise InputError(exc.message, source=source, field=field) from None


def lever_kind(key: str) -> str:
    """The lever name after ``SIDE.`` (``SYSTEM.field`` keys give the field)."""
    _, _, rest = key.partition(".")
    return rest.rsplit(".", 1)[-1] if "." in rest else rest


def is_integer_lever(key: str) -> bool:
    """Whether sampled values of this lever must be whole numbers."""
    return lever_kind(key) in INTEGER_LEVERS


def _check_support(
    scenario: Scenario, key: str, dist: Distribution, *, source: str, field: str
) -> None:
    """Both ends of the belief must be values the lever accepts."""
    if lever_kind(key) in NON_NUMERIC_LEVERS:
        raise InputError(
            "only numeric levers can carry a belief distribution", source=source, field=field
        )
    low, high = dist.support()
    for end in (low, high):
        value: float | int = round(end) if is_integer_lever(key) else end
        if not math.isfinite(end):
            raise InputError(
                f"the belief is unbounded ({low:g} to {high:g}); give low and high "
                "bounds the lever accepts",
                source=source,
                field=field,
            )
        try:
            validate_levers(scenario, {key: value}, source=source, prefix="beliefs")
        except InputError as exc:
            raise InputError(
                f"belief range {low:g} to {high:g} is not allowed: {exc.message}",
                source=source,
                field=field,
            ) from None


def validate_beliefs(scenario: Scenario, *, source: str) -> None:
    """Check every belief of every view; raise :class:`InputError` naming the bad one."""
    for view, block in scenario.beliefs.items():
        if not isinstance(block, dict):
            raise InputError(
                "expected a mapping of lever keys to distributions",
                source=source,
                field=f"beliefs.{view}",
            )
        for key, value in block.items():
            field = f"beliefs.{view}.{key}"
            split_key(scenario, key, source=source, field=field, what="belief")
            dist = parse_distribution(value, source=source, field=field)
            _check_support(scenario, str(key), dist, source=source, field=field)


def belief_views(scenario: Scenario) -> list[str]:
    """Views with beliefs, then assumption sets without beliefs, in file order."""
    return list(dict.fromkeys([*scenario.beliefs, *scenario.assumptions]))


def view_distributions(scenario: Scenario, view: str) -> dict[str, Distribution]:
    """A view's full belief: numeric assumption levers as fixed values, then its beliefs."""
    if view not in scenario.beliefs and view not in scenario.assumptions:
        raise NotFoundError(
            f"scenario {scenario.name!r} has no view {view!r}; available: "
            f"{', '.join(belief_views(scenario)) or 'none'}"
        )
    out: dict[str, Distribution] = {}
    for key, value in scenario.assumptions.get(view, {}).items():
        if lever_kind(key) not in NON_NUMERIC_LEVERS and not isinstance(value, bool):
            out[key] = Fixed(float(value))
    source = scenario.source or "<scenario>"
    for key, value in scenario.beliefs.get(view, {}).items():
        out[key] = parse_distribution(value, source=source, field=f"beliefs.{view}.{key}")
    return out


def base_view(scenario: Scenario, view: str | None) -> str | None:
    """The assumption set applied underneath a view's beliefs (None if it has none)."""
    return view if view is not None and view in scenario.assumptions else None


def view_side(scenario: Scenario, view: str) -> str:
    """The delegation a view belongs to: the side code before the first ``-``."""
    side = view.split("-", 1)[0]
    if side not in scenario.forces:
        raise InputError(
            f"cannot tell whose view {view!r} is; name delegation views "
            f"SIDE-view with SIDE one of {list(scenario.forces)}",
            source=scenario.source,
            field=f"beliefs.{view}",
        )
    return side


def draws_to_levers(
    distributions: Mapping[str, Distribution], uniforms: np.ndarray
) -> dict[str, np.ndarray]:
    """Lever arrays from a ``(n, d)`` matrix of uniforms (column j for the j-th key).

    Whole-number levers (interceptors, shots per RV) are rounded to integers.
    """
    out: dict[str, np.ndarray] = {}
    for j, (key, dist) in enumerate(distributions.items()):
        values = dist.ppf(uniforms[:, j])
        out[key] = np.rint(values) if is_integer_lever(key) else values
    return out
