"""Levers: the one syntax for changing a scenario.

A lever is a dotted key and a value.  The same keys serve the ``levers`` block of a
scenario file, each delegation's ``assumptions`` view, the web explorer's form
controls and parameter sweeps.  What each side-level lever accepts (kind, unit, bounds,
whole numbers or not) is one row of the lever table
(:mod:`stratstab.analysis.spec.lever_table`); every entry point checks a lever through
:func:`validate_levers`, so the same bad lever gets the same message everywhere.

``SIDE.posture``                 ``day-to-day`` or ``generated``
``SIDE.<defense field>``         any field of the side's defense block, e.g. ``US.interceptors``
``SIDE.arsenal_scale``           multiply the side's launchers, warheads and aim points (> 0)
``SIDE.survivability_mobile``    survivability of road/rail-mobile launchers in the active posture
``SIDE.survivability_ssbn``      share of SSBNs at sea in the active posture
``SIDE.survivability_bomber``    share of bombers on alert in the active posture
``SIDE.launch_under_attack``     share of silo warheads saved by launch under attack
``SIDE.w80``                     warheads that destroy 80 % of the side's value
``SIDE.retaliation_warheads``    arriving warheads the side needs for assured retaliation
``SIDE.SYSTEM.field``            a dataset override, e.g. ``CN.DF-41.launchers``
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stratstab.analysis.spec.blocks import DefenseSpec, RetaliationSpec, ValueSpec
from stratstab.analysis.spec.lever_table import (
    lever_table,
    survivability_levers,
    unknown_lever,
    value_problem,
)
from stratstab.errors import InputError
from stratstab.forces import apply_overrides

if TYPE_CHECKING:
    from stratstab.analysis.spec.scenario import Scenario

# Derived from the lever table (one row per lever: kind, bounds, basings ...).
SURVIVABILITY_LEVERS = survivability_levers()
PROBABILITY_LEVERS = frozenset(n for n, s in lever_table().items() if s.kind == "probability")
POSITIVE_LEVERS = frozenset(
    n for n, s in lever_table().items() if s.kind in ("positive", "multiple")
)


def lever_names(sides: tuple[str, ...]) -> list[str]:
    """Every side-level lever key for the given sides, in table order (overrides not listed)."""
    return [f"{side}.{name}" for side in sides for name in lever_table()]


def _check_side_lever(name: str, value: Any, *, source: str, field_path: str) -> None:
    spec = lever_table().get(name)
    if spec is None:
        raise InputError(unknown_lever(name), source=source, field=field_path)
    problem = value_problem(spec, value)
    if problem is not None:
        raise InputError(problem, source=source, field=field_path)


def levers_source(scenario: Scenario) -> str:
    """The origin named in lever errors: the scenario's file, or ``<levers>``."""
    return scenario.source or "<levers>"


def split_key(
    scenario: Scenario, key: Any, *, source: str, field: str, what: str = "lever"
) -> tuple[str, str]:
    """``SIDE.rest`` split at the first dot; InputError unless SIDE is a side of the scenario."""
    side, _, rest = str(key).partition(".")
    if side not in scenario.forces or not rest:
        raise InputError(
            f"{what} keys look like SIDE.name with SIDE one of {list(scenario.forces)}",
            source=source,
            field=field,
        )
    return side, rest


def validate_levers(
    scenario: Scenario, levers: dict[str, Any], *, source: str, prefix: str = "levers"
) -> None:
    """Check every lever key and value; raise :class:`InputError` naming the bad one."""
    overrides: dict[str, dict[str, Any]] = {}
    for key, value in levers.items():
        field_path = f"{prefix}.{key}"
        side, rest = split_key(scenario, key, source=source, field=field_path)
        if "." in rest:
            overrides.setdefault(side, {})[rest] = value
        else:
            _check_side_lever(rest, value, source=source, field_path=field_path)
    for side, side_overrides in overrides.items():
        dataset = scenario.dataset_of(side)
        try:
            apply_overrides(dataset, side_overrides)
        except InputError as exc:
            raise InputError(
                exc.message, source=source, field=f"{prefix}.{side}.{exc.field or ''}".rstrip(".")
            ) from None


@dataclass
class SideModifiers:
    """Levers that act on a side's force arrays rather than on the scenario's blocks."""

    arsenal_scale: float = 1.0
    survivability: dict[str, float] = field(default_factory=dict)  # basing -> value


def fold_levers(
    scenario: Scenario, levers: dict[str, Any]
) -> tuple[Scenario, dict[str, SideModifiers]]:
    """Apply levers: return the scenario with its blocks updated, plus per-side modifiers."""
    data = scenario.model_dump()
    modifiers = {side: SideModifiers() for side in scenario.sides}
    for key, value in levers.items():
        side, _, name = str(key).partition(".")
        if "." in name:
            data["forces"][side]["overrides"][name] = value
        elif name == "posture":
            data["posture"][side] = value
        elif name == "launch_under_attack":
            data["launch_under_attack"][side] = float(value)
        elif name == "w80":
            data["value_targets"][side] = ValueSpec(w80=float(value)).model_dump()
        elif name == "retaliation_warheads":
            data["assured_retaliation"][side] = RetaliationSpec(
                arriving_warheads=float(value)
            ).model_dump()
        elif name == "arsenal_scale":
            modifiers[side].arsenal_scale = float(value)
        elif name in SURVIVABILITY_LEVERS:
            for basing in SURVIVABILITY_LEVERS[name]:
                modifiers[side].survivability[basing] = float(value)
        else:
            defense = data["defenses"].get(side) or DefenseSpec().model_dump()
            defense[name] = value
            data["defenses"][side] = defense
    data["levers"] = {}
    data["source"] = scenario.source
    return scenario.carrying_datasets_to(type(scenario).model_validate(data)), modifiers
