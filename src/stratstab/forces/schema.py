"""Pydantic models of the force datasets: posture by delivery system and inventories.

Two kinds of dataset exist, told apart by ``kind``:

* ``posture`` (:class:`Dataset`): one country's nuclear forces by delivery system, each
  number an :class:`~stratstab.forces.estimate.Estimate` with a source key;
* ``inventory`` (:class:`InventoryDataset`): warhead counts for many states at once
  (the SIPRI Yearbook world nuclear forces table).

Source keys are checked against the dataset's ``sources`` list while validating, so a
dangling key fails with the exact field path of the number that cites it.

References: H. M. Kristensen, M. Korda et al., FAS/Bulletin of the Atomic Scientists
"Nuclear Notebook" series (2024); SIPRI Yearbook 2024, chapter 7.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from stratstab.errors import NotFoundError
from stratstab.forces.estimate import (
    CountEstimate,
    Estimate,
    PositiveEstimate,
    ProbabilityEstimate,
    Source,
    StrictModel,
    Which,
    reset_known_keys,
    set_known_source_keys,
)

SystemKind = Literal["icbm", "slbm", "bomber", "irbm", "mrbm", "cruise-missile", "non-strategic"]
Basing = Literal["silo", "road-mobile", "rail-mobile", "ssbn", "bomber"]

# Fields of a delivery system that hold an Estimate, in table order; the dotted
# names are the override keys accepted by apply_overrides.
ESTIMATE_FIELDS: tuple[str, ...] = (
    "launchers",
    "warheads_per_launcher",
    "deployed_warheads",
    "stored_warheads",
    "yield_kt",
    "cep_m",
    "reliability",
    "hardness_psi",
    "aim_points",
    "home_hardness_psi",
    "survivability.day_to_day",
    "survivability.generated",
)


class Survivability(StrictModel):
    """Fraction of launchers away from their aim points (dispersed, at sea, airborne).

    Such launchers cannot be targeted by a counterforce strike.  Silo-based systems
    carry 0 here: whether a silo survives is computed by the exchange model from SSPK.
    """

    day_to_day: ProbabilityEstimate
    generated: ProbabilityEstimate

    @model_validator(mode="after")
    def _generated_not_lower(self) -> Survivability:
        if self.generated.central < self.day_to_day.central:
            raise ValueError(
                f"generated ({self.generated.central:g}) must not be below day_to_day "
                f"({self.day_to_day.central:g}): generating forces only disperses more"
            )
        return self


class DeliverySystem(StrictModel):
    """One delivery system (missile type, submarine class or bomber type) and its numbers.

    Units: yields in kilotons, CEP in metres, hardness in psi overpressure; counts are
    numbers of launchers, warheads and aim points.  ``launchers`` are loaded, operational
    launchers; ``aim_points`` are the targets that hold them when caught at home (silos,
    garrisons, submarine ports, bomber bases).
    """

    name: str = Field(min_length=1)
    kind: SystemKind
    basing: Basing
    strategic: bool = Field(description="Counts in a central US-China/US-Russia exchange.")
    warhead_type: str | None = Field(default=None, description="Warhead/re-entry vehicle.")
    launchers: CountEstimate
    warheads_per_launcher: CountEstimate
    deployed_warheads: CountEstimate
    stored_warheads: CountEstimate | None = None
    yield_kt: PositiveEstimate
    cep_m: PositiveEstimate
    reliability: ProbabilityEstimate
    hardness_psi: PositiveEstimate | None = None
    aim_points: CountEstimate
    home_hardness_psi: PositiveEstimate | None = None
    survivability: Survivability
    notes: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> DeliverySystem:
        if self.basing == "silo":
            if self.hardness_psi is None:
                raise ValueError("hardness_psi is required for silo-based systems")
            if self.aim_points.central < self.launchers.central:
                raise ValueError(
                    f"aim_points ({self.aim_points.central:g}) must be at least launchers "
                    f"({self.launchers.central:g}) for silo basing: one silo per missile"
                )
            if self.survivability.generated.central > 0:
                raise ValueError(
                    "survivability must be 0 for silo basing (silo survival comes from SSPK)"
                )
        elif self.home_hardness_psi is None:
            raise ValueError(
                f"home_hardness_psi is required for basing {self.basing!r} "
                "(hardness of garrisons, ports or bases)"
            )
        capacity = self.launchers.value("high") * self.warheads_per_launcher.value("high")
        if self.deployed_warheads.central > capacity * 1.000001:
            raise ValueError(
                f"deployed_warheads ({self.deployed_warheads.central:g}) exceeds what the "
                f"launchers can carry (launchers.high x warheads_per_launcher.high = {capacity:g})"
            )
        return self

    def estimate(self, field: str) -> Estimate | None:
        """The Estimate at a dotted field name such as ``"survivability.generated"``."""
        value: Any = self
        for part in field.split("."):
            value = getattr(value, part)
        return value

    def estimates(self) -> Iterator[tuple[str, Estimate]]:
        """Every (dotted field name, Estimate) pair present on this system."""
        for field in ESTIMATE_FIELDS:
            estimate = self.estimate(field)
            if estimate is not None:
                yield field, estimate

    def values(self, which: Which = "central") -> dict[str, Any]:
        """Plain per-system record: descriptors plus one float per estimate field.

        Missing optional estimates (e.g. ``hardness_psi`` of a mobile system) are NaN.
        """
        record: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "basing": self.basing,
            "strategic": self.strategic,
        }
        for field in ESTIMATE_FIELDS:
            estimate = self.estimate(field)
            key = field.replace(".", "_")
            record[key] = float("nan") if estimate is None else estimate.value(which)
        return record


class Totals(StrictModel):
    """Country-level warhead totals as published, for cross-checking the systems.

    ``deployed_by_kind`` holds the source's deployed warheads per kind of delivery
    system (e.g. FAS: about 870 on Russian ICBMs); the dataset then checks that its
    systems of each kind add up to that figure, and that the kinds add up to
    ``deployed``.
    """

    stockpile: CountEstimate | None = None
    deployed: CountEstimate | None = None
    deployed_by_kind: dict[SystemKind, CountEstimate] | None = None
    stored: CountEstimate | None = None
    retired: CountEstimate | None = None
    notes: str | None = None


def _source_keys_of(data: Any) -> frozenset[str] | None:
    """Keys of the raw (or already built) ``sources`` list, for the Estimate check."""
    if isinstance(data, StrictModel):
        return frozenset(s.key for s in getattr(data, "sources", []))
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        return None
    keys = set()
    for entry in data["sources"]:
        if isinstance(entry, Source):
            keys.add(entry.key)
        elif isinstance(entry, dict) and isinstance(entry.get("key"), str):
            keys.add(entry["key"])
    return frozenset(keys)


class _CitedDataset(StrictModel):
    """Fields and checks shared by both dataset kinds."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    as_of: date
    description: str | None = None
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="wrap")
    @classmethod
    def _with_source_keys(cls, data: Any, handler: Any) -> Any:
        token = set_known_source_keys(_source_keys_of(data))
        try:
            return handler(data)
        finally:
            reset_known_keys(token)

    @field_validator("sources")
    @classmethod
    def _unique_keys(cls, sources: list[Source]) -> list[Source]:
        seen: set[str] = set()
        for source in sources:
            if source.key in seen:
                raise ValueError(f"duplicate source key {source.key!r}")
            seen.add(source.key)
        return sources

    def source(self, key: str) -> Source:
        """The source with this key (NotFoundError listing the keys otherwise)."""
        for source in self.sources:
            if source.key == key:
                return source
        raise NotFoundError(
            f"dataset {self.id!r} has no source {key!r}; sources: "
            + ", ".join(s.key for s in self.sources)
        )

    def cited_estimates(self) -> Iterator[tuple[str, Estimate]]:
        """Every (field path, Estimate) in the dataset; subclasses enumerate theirs."""
        return iter(())

    @model_validator(mode="after")
    def _all_sources_resolve(self) -> _CitedDataset:
        # Second line of defence for datasets assembled from ready-made objects,
        # which pydantic does not revalidate field by field.
        keys = {s.key for s in self.sources}
        for path, estimate in self.cited_estimates():
            if estimate.source not in keys:
                raise ValueError(
                    f"{path}.source: unknown source key {estimate.source!r}; "
                    f"expected one of: {', '.join(sorted(keys))}"
                )
        return self


class Dataset(_CitedDataset):
    """A country's nuclear posture by delivery system (``kind: posture``)."""

    kind: Literal["posture"] = "posture"
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO-like code: US, CN, RU ...")
    systems: list[DeliverySystem] = Field(min_length=1)
    totals: Totals | None = None
    notes: str | None = None

    @field_validator("systems")
    @classmethod
    def _unique_names(cls, systems: list[DeliverySystem]) -> list[DeliverySystem]:
        seen: set[str] = set()
        for system in systems:
            if system.name.casefold() in seen:
                raise ValueError(f"duplicate system name {system.name!r}")
            seen.add(system.name.casefold())
        return systems

    def cited_estimates(self) -> Iterator[tuple[str, Estimate]]:
        for index, system in enumerate(self.systems):
            for field, estimate in system.estimates():
                yield f"systems[{index}].{field}", estimate
        if self.totals is not None:
            for name in ("stockpile", "deployed", "stored", "retired"):
                estimate = getattr(self.totals, name)
                if estimate is not None:
                    yield f"totals.{name}", estimate
            for kind, estimate in (self.totals.deployed_by_kind or {}).items():
                yield f"totals.deployed_by_kind.{kind}", estimate

    @model_validator(mode="after")
    def _systems_match_published_totals(self) -> Dataset:
        """Systems of each kind add up to the published deployed warheads of that kind.

        A dataset whose numbers a scenario or the command line has overridden (it cites
        a ``user_supplied`` source) describes other forces on purpose: not checked.
        """
        by_kind = self.totals.deployed_by_kind if self.totals is not None else None
        if not by_kind or any(source.user_supplied for source in self.sources):
            return self
        for kind, published in by_kind.items():
            total = sum(s.deployed_warheads.central for s in self.systems if s.kind == kind)
            if abs(total - published.central) > 0.5:
                raise ValueError(
                    f"totals.deployed_by_kind.{kind}: the {kind} systems hold {total:g} deployed "
                    f"warheads, but the published figure is {published.central:g}"
                )
        deployed = self.totals.deployed if self.totals is not None else None
        listed = sum(e.central for e in by_kind.values())
        if deployed is not None and abs(listed - deployed.central) > 0.5:
            raise ValueError(
                f"totals.deployed_by_kind adds up to {listed:g}, totals.deployed is "
                f"{deployed.central:g}"
            )
        return self

    @property
    def system_names(self) -> list[str]:
        """Names of the delivery systems, in dataset order."""
        return [system.name for system in self.systems]

    def system(self, name: str) -> DeliverySystem:
        """The system with this name (exact, then case-insensitive match).

        Raises NotFoundError listing the valid names.
        """
        for system in self.systems:
            if system.name == name:
                return system
        for system in self.systems:
            if system.name.casefold() == name.casefold():
                return system
        raise NotFoundError(
            f"dataset {self.id!r} has no system {name!r}; systems: " + ", ".join(self.system_names)
        )

    def records(
        self, which: Which = "central", *, strategic_only: bool = False
    ) -> list[dict[str, Any]]:
        """One plain dict per system (see :meth:`DeliverySystem.values`)."""
        return [
            system.values(which)
            for system in self.systems
            if system.strategic or not strategic_only
        ]

    def table(
        self, which: Which = "central", *, strategic_only: bool = False
    ) -> dict[str, np.ndarray]:
        """Column arrays over systems, for vectorised models.

        Keys are ``name``, ``kind``, ``basing`` (object arrays), ``strategic`` (bool) and
        one float array per estimate field with dots replaced by underscores
        (``survivability_day_to_day``); absent optional values are NaN.
        """
        records = self.records(which, strategic_only=strategic_only)
        keys = ["name", "kind", "basing", "strategic"] + [
            f.replace(".", "_") for f in ESTIMATE_FIELDS
        ]
        columns: dict[str, np.ndarray] = {}
        for key in keys:
            column = [record[key] for record in records]
            if key in ("name", "kind", "basing"):
                columns[key] = np.array(column, dtype=object)
            elif key == "strategic":
                columns[key] = np.array(column, dtype=bool)
            else:
                columns[key] = np.array(column, dtype=float)
        return columns

    def deployed_warheads(self, which: Which = "central", *, strategic_only: bool = False) -> float:
        """Sum of deployed warheads over systems."""
        return float(
            sum(
                s.deployed_warheads.value(which)
                for s in self.systems
                if s.strategic or not strategic_only
            )
        )


class StateInventory(StrictModel):
    """One state's row of an inventory table (warheads).

    A value the source gives as '..' (not available) or '–' (nil or negligible) is
    null here, and ``notes`` must then say which it was.
    """

    state: str = Field(min_length=1)
    code: str = Field(pattern=r"^[A-Z]{2}$")
    deployed: CountEstimate | None
    stored: CountEstimate | None
    retired: CountEstimate | None
    total: CountEstimate
    total_previous_year: CountEstimate | None = None
    notes: str | None = None

    @model_validator(mode="after")
    def _nulls_explained(self) -> StateInventory:
        empty = [n for n in ("deployed", "stored", "retired") if getattr(self, n) is None]
        if empty and not self.notes:
            raise ValueError(f"{', '.join(empty)} is null: notes must say why ('..' or '–')")
        parts = sum(
            getattr(self, n).central for n in ("deployed", "stored", "retired") if n not in empty
        )
        if abs(parts - self.total.central) > 0.5:
            raise ValueError(
                f"deployed + stored + retired = {parts:g} differs from total "
                f"({self.total.central:g})"
            )
        return self


class InventoryDataset(_CitedDataset):
    """Warhead inventories of several states (``kind: inventory``)."""

    kind: Literal["inventory"] = "inventory"
    states: list[StateInventory] = Field(min_length=1)
    world: StateInventory | None = Field(
        default=None, description="The source's world total row, checked against the states."
    )
    notes: str | None = None

    @model_validator(mode="after")
    def _world_is_sum(self) -> InventoryDataset:
        if self.world is None:
            return self
        for name in ("deployed", "stored", "retired", "total", "total_previous_year"):
            reported = getattr(self.world, name)
            if reported is None:
                continue
            summed = sum(
                getattr(s, name).central for s in self.states if getattr(s, name) is not None
            )
            if abs(summed - reported.central) > 0.5:
                raise ValueError(
                    f"world.{name} ({reported.central:g}) differs from the sum over "
                    f"states ({summed:g})"
                )
        return self

    def cited_estimates(self) -> Iterator[tuple[str, Estimate]]:
        rows = [(f"states[{i}]", s) for i, s in enumerate(self.states)]
        if self.world is not None:
            rows.append(("world", self.world))
        for path, row in rows:
            for name in ("deployed", "stored", "retired", "total", "total_previous_year"):
                estimate = getattr(row, name)
                if estimate is not None:
                    yield f"{path}.{name}", estimate

    def state(self, code_or_name: str) -> StateInventory:
        """The row for a state code (``CN``) or name (case-insensitive)."""
        wanted = code_or_name.casefold()
        for row in self.states:
            if wanted in (row.code.casefold(), row.state.casefold()):
                return row
        raise NotFoundError(
            f"dataset {self.id!r} has no state {code_or_name!r}; states: "
            + ", ".join(f"{r.code} ({r.state})" for r in self.states)
        )


AnyDataset = Dataset | InventoryDataset
DATASET_MODELS: dict[str, type[Dataset] | type[InventoryDataset]] = {
    "posture": Dataset,
    "inventory": InventoryDataset,
}
