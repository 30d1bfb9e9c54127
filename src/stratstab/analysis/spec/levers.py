"""Levers: the one syntax for changing a scenario.

A lever is a dotted key and a value.  The same keys serve the ``levers`` block of a
scenario file, each delegation's ``assumptions`` view, the web explorer's form
controls and parameter sweeps.

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

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from stratstab.analysis.spec.blocks import DefenseLayerSpec, DefenseSpec, RetaliationSpec, ValueSpec
from stratstab.errors import InputError, from_validation_error
from stratstab.forces import apply_overrides

if TYPE_CHECKING:
    from stratstab.analysis.spec.scenario import Scenario

SURVIVABILITY_LEVERS = {
    "survivability_mobile": ("road-mobile", "rail-mobile"),
    "survivability_ssbn": ("ssbn",),
    "survivability_bomber": ("bomber",),
}
PROBABILITY_LEVERS = {"launch_under_attack", *SURVIVABILITY_LEVERS}
POSITIVE_LEVERS = {"arsenal_scale", "w80", "retaliation_warheads"}


def _defense_fields() -> set[str]:
    # Defense levers set the first layer; further layers are fixed by the scenario file.
    return set(DefenseLayerSpec.model_fields)


def lever_names(sides: tuple[str, ...]) -> list[str]:
    """Every side-level lever key for the given sides (dataset overrides not listed)."""
    names = [
        "posture",
        *sorted(_defense_fields()),
        *sorted(PROBABILITY_LEVERS),
        *sorted(POSITIVE_LEVERS),
    ]
    return [f"{side}.{name}" for side in sides for name in names]


def _number(value: Any, *, key: str, source: str, field_path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(
            f"expected a finite number for lever {key!r}, got {value!r}",
            source=source,
            field=field_path,
        )
    return float(value)


def _check_side_lever(name: str, value: Any, *, key: str, source: str, field_path: str) -> None:
    if name == "posture":
        if value not in ("day-to-day", "generated"):
            raise InputError(
                "expected 'day-to-day' or 'generated'", source=source, field=field_path
            )
    elif name in PROBABILITY_LEVERS:
        number = _number(value, key=key, source=source, field_path=field_path)
        if not 0.0 <= number <= 1.0:
            raise InputError(
                f"expected a probability in [0, 1], got {value}", source=source, field=field_path
            )
    elif name in POSITIVE_LEVERS:
        if _number(value, key=key, source=source, field_path=field_path) <= 0:
            raise InputError(
                f"expected a positive number, got {value}", source=source, field=field_path
            )
    elif name in _defense_fields():
        try:
            DefenseSpec.model_validate({name: value})
        except ValidationError as exc:
            raise from_validation_error(
                exc, source=source, prefix=field_path.rsplit(".", 1)[0]
            ) from None
    else:
        raise InputError(
            f"unknown lever {name!r}; expected one of posture, arsenal_scale, "
            "survivability_mobile, survivability_ssbn, survivability_bomber, launch_under_attack, "
            "w80, retaliation_warheads, a defense field, or SYSTEM.field",
            source=source,
            field=field_path,
        )


def validate_levers(
    scenario: Scenario, levers: dict[str, Any], *, source: str, prefix: str = "levers"
) -> None:
    """Check every lever key and value; raise :class:`InputError` naming the bad one."""
    overrides: dict[str, dict[str, Any]] = {}
    for key, value in levers.items():
        field_path = f"{prefix}.{key}"
        side, _, rest = str(key).partition(".")
        if side not in scenario.forces or not rest:
            raise InputError(
                f"lever keys look like SIDE.name with SIDE one of {list(scenario.forces)}",
                source=source,
                field=field_path,
            )
        if "." in rest:
            overrides.setdefault(side, {})[rest] = value
        else:
            _check_side_lever(rest, value, key=key, source=source, field_path=field_path)
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
