"""Scenario files: which forces, defenses, postures and assumptions to assess.

A scenario is a YAML file validated by the pydantic models below.  Two or more sides
face each other (``doctrine`` says how each splits its forces over its adversaries and
what it holds back against third parties); each side's forces come from a cited
dataset (with optional overrides),
and everything else has documented defaults.  ``levers`` and the named views in
``assumptions`` use one syntax (see :mod:`stratstab.analysis.spec.levers`), so a web form,
a sweep and a delegation's view all change a scenario the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, ValidationError, field_validator, model_validator

from stratstab.analysis.spec.beliefs import validate_beliefs
from stratstab.analysis.spec.blocks import (
    CostSpec,
    DefenseSpec,
    DoctrineSpec,
    ForceSpec,
    Posture,
    Probability,
    RetaliationSpec,
    StrikeSpec,
    UseSpec,
    ValueSpec,
    Whole,
    _Strict,
    defense_from_layers,
)
from stratstab.analysis.spec.levers import levers_source, validate_levers
from stratstab.errors import InputError, NotFoundError, from_validation_error
from stratstab.forces.catalog import BUILTIN_ONLY, LOCAL_FILES, DatasetCatalog
from stratstab.forces.loader import parse_yaml
from stratstab.forces.schema import Dataset
from stratstab.models.trilateral import check_doctrine
from stratstab.packaged import builtin_yaml_files, read_builtin_or_path

BUILTIN_PACKAGE = "stratstab.analysis.scenarios"
DEFAULT_SCENARIO = "us-china-2024-baseline"
#: Sides a scenario may have (the models are written for N; tested at 2 and 3).
MIN_SIDES, MAX_SIDES = 2, 4


class Scenario(_Strict):
    """A validated scenario.  See ``docs/scenarios.md`` for every field."""

    name: str
    description: str = ""
    forces: dict[str, ForceSpec]
    defenses: dict[str, DefenseSpec] = Field(default_factory=dict)
    posture: dict[str, Posture] = Field(default_factory=dict)
    launch_under_attack: dict[str, Probability] = Field(default_factory=dict)
    value_targets: dict[str, ValueSpec] = Field(default_factory=dict)
    assured_retaliation: dict[str, RetaliationSpec] = Field(default_factory=dict)
    strike: dict[str, StrikeSpec] = Field(default_factory=dict)
    doctrine: dict[str, DoctrineSpec] = Field(default_factory=dict)
    cost: CostSpec = CostSpec()
    use: UseSpec = UseSpec()
    lethal_radius_method: Literal["rule-2.62", "brode"] = "rule-2.62"
    counterforce_levels: Annotated[Whole, Field(ge=3, le=2001)] = 201
    levers: dict[str, Any] = Field(default_factory=dict)
    assumptions: dict[str, dict[str, Any]] = Field(default_factory=dict)
    beliefs: dict[str, dict[str, Any]] = Field(default_factory=dict)  # see analysis.beliefs
    source: str | None = Field(default=None, exclude=True)
    # Each side's dataset, resolved once by the loader's catalog (see forces.catalog).
    _datasets: dict[str, Dataset] = PrivateAttr(default_factory=dict)

    @field_validator("defenses", mode="before")
    @classmethod
    def _layer_lists(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {side: defense_from_layers(spec) for side, spec in value.items()}
        return value

    @model_validator(mode="after")
    def _sides_known(self) -> Scenario:
        sides = list(self.forces)
        if not MIN_SIDES <= len(sides) <= MAX_SIDES:
            raise ValueError(
                f"forces must name {MIN_SIDES} to {MAX_SIDES} sides, got {len(sides)}: {sides}"
            )
        for block in (
            "defenses",
            "posture",
            "launch_under_attack",
            "value_targets",
            "assured_retaliation",
            "strike",
            "doctrine",
        ):
            unknown = sorted(set(getattr(self, block)) - set(sides))
            if unknown:
                raise ValueError(f"{block} names unknown side(s) {unknown}; sides are {sides}")
        try:
            check_doctrine(
                sides,
                {side: spec.weights for side, spec in self.doctrine.items()},
                {side: spec.reserve for side, spec in self.doctrine.items()},
            )
        except InputError as exc:
            raise ValueError(f"{exc.field}: {exc.message}") from None
        return self

    @property
    def sides(self) -> tuple[str, ...]:
        """The side codes in file order."""
        return tuple(self.forces)

    def opponents(self, side: str) -> tuple[str, ...]:
        """Every side facing ``side``, in file order."""
        return tuple(s for s in self.forces if s != side)

    def dataset_of(self, side: str) -> Dataset:
        """The side's dataset as published (overrides not yet applied).

        Resolved by the catalog the scenario was loaded with; a scenario built in code
        resolves built-in ids only.
        """
        if side not in self._datasets:
            self._datasets[side] = BUILTIN_ONLY.load_posture(
                self.forces[side].dataset, source=self.source, field=f"forces.{side}.dataset"
            )
        return self._datasets[side]

    def carrying_datasets_to(self, other: Scenario) -> Scenario:
        """``other`` (a changed copy of this scenario) with this one's resolved datasets."""
        other._datasets.update(self._datasets)
        return other

    def other(self, side: str) -> str:
        """The side facing ``side`` in a two-sided scenario.

        Raises :class:`InputError` for three or more sides, where a side faces several
        (see :meth:`opponents`): the calling analysis is two-sided only.
        """
        if len(self.forces) != 2:
            raise InputError(
                f"scenario {self.name!r} has {len(self.forces)} sides; this analysis "
                "takes two-sided scenarios only (stratstab assess takes any number)",
                source=self.source,
            )
        first, second = self.sides
        return second if side == first else first

    def with_levers(self, levers: dict[str, Any]) -> Scenario:
        """A copy with extra levers applied after the file's own (later wins)."""
        validate_levers(self, levers, source=levers_source(self))
        merged = {**self.levers, **levers}
        return self.model_copy(update={"levers": merged})

    def view_levers(self, view: str | None) -> dict[str, Any]:
        """The levers of a named assumption set (``None``: the scenario as written)."""
        if view is None:
            return {}
        if view not in self.assumptions:
            raise NotFoundError(
                f"scenario {self.name!r} has no assumption set {view!r}; "
                f"available: {', '.join(self.assumptions) or 'none'}"
            )
        return self.assumptions[view]


def scenario_from_dict(
    data: Any, *, source: str, datasets: DatasetCatalog = BUILTIN_ONLY
) -> Scenario:
    """Validate a mapping as a scenario; errors name ``source`` and the field path.

    ``datasets`` is the loading context: which dataset references may be resolved
    (default: built-in ids only; the command line passes one that reads local files).
    """
    if not isinstance(data, dict):
        raise InputError("expected a mapping of scenario fields at the top level", source=source)
    try:
        scenario = Scenario.model_validate({**data, "source": source})
    except ValidationError as exc:
        raise from_validation_error(exc, source=source) from None
    for side, spec in scenario.forces.items():
        scenario._datasets[side] = datasets.load_posture(
            spec.dataset, source=source, field=f"forces.{side}.dataset"
        )
    validate_levers(scenario, scenario.levers, source=source, prefix="levers")
    for view, levers in scenario.assumptions.items():
        validate_levers(scenario, levers, source=source, prefix=f"assumptions.{view}")
    validate_beliefs(scenario, source=source)
    return scenario


def require_sides_at_most(scenario: Scenario, max_sides: int, *, key: str) -> Scenario:
    """``scenario`` if it has at most ``max_sides`` sides, else a clear :class:`InputError`.

    For the parts of stratstab that are still two-sided (the stability map and the
    compiled kernel); the error carries the locale key ``key`` for the web.
    """
    count = len(scenario.sides)
    if count > max_sides:
        raise InputError(
            f"this part of stratstab takes scenarios of at most {max_sides} sides; "
            f"{scenario.name!r} has {count} (stratstab assess takes any number)",
            source=scenario.source,
            field="forces",
        ).with_key(key, sides=count)
    return scenario


def scenario_from_yaml_text(
    text: str, *, source: str = "<text>", datasets: DatasetCatalog = BUILTIN_ONLY
) -> Scenario:
    """Parse and validate scenario YAML given as text (e.g. an upload)."""
    return scenario_from_dict(parse_yaml(text, source=source), source=source, datasets=datasets)


def list_builtin_scenarios(*, max_sides: int | None = None) -> list[dict[str, str]]:
    """Built-in scenarios as ``{"id", "name", "description"}``, sorted by id.

    ``max_sides``: leave out scenarios with more sides (None: all).
    """
    out = []
    for scenario_id, entry in sorted(builtin_yaml_files(BUILTIN_PACKAGE).items()):
        scenario = scenario_from_yaml_text(entry.read_text(encoding="utf-8"), source=entry.name)
        if max_sides is not None and len(scenario.sides) > max_sides:
            continue
        out.append({"id": scenario_id, "name": scenario.name, "description": scenario.description})
    return out


def load_builtin_scenario(scenario_id: str) -> Scenario:
    """A built-in scenario by id (NotFoundError listing them); never reads a path."""
    builtins = builtin_yaml_files(BUILTIN_PACKAGE)
    if scenario_id not in builtins:
        raise NotFoundError(
            f"no built-in scenario {scenario_id[:60]!r} (built-in: {', '.join(sorted(builtins))})"
        )
    text = builtins[scenario_id].read_text(encoding="utf-8")
    return scenario_from_yaml_text(text, source=f"{scenario_id} (built-in)")


def load_scenario(path_or_id: str | Path | None = None) -> Scenario:
    """Load a built-in scenario by id, or a scenario file by path (default: the baseline).

    For the user's own machine: datasets may be built-in ids or local file paths.
    """
    key = str(path_or_id) if path_or_id is not None else DEFAULT_SCENARIO
    found = read_builtin_or_path(key, package=BUILTIN_PACKAGE, kind="scenario")
    return scenario_from_yaml_text(found.text, source=found.source, datasets=LOCAL_FILES)
