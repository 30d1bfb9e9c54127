"""Transparency packages evaluated on a scenario's delegation beliefs.

A package is a set of (giver, measure) items from the catalogue
(``analysis/transparency/data/transparency_measures.yaml``).  For each package this module builds
the receivers' narrowed beliefs and the givers' exposed true values
(:mod:`stratstab.models.transparency`), evaluates each delegation's central belief
(the belief medians) and the actual world in one batch, and reports:

* each view's misperception (mean gap of its outputs from the actual ones) and the
  package's benefit: the drop in the two views' summed misperception;
* the survivability cost to each side: the relative drop of its warheads arriving
  after the other side's full counterforce strike, in the actual world;
* the actual and perceived crisis-stability index.

Packages come reciprocal (both sides give the same measures) and non-reciprocal
(one side gives); the Pareto-efficient ones (benefit up, each side's cost down) and a
gradual sequence (items ordered by benefit per unit of the giver's cost) are marked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from stratstab.analysis.reference.values import actual_values
from stratstab.analysis.spec.beliefs import (
    base_view,
    belief_views,
    is_integer_lever,
    view_distributions,
    view_side,
)
from stratstab.analysis.spec.scenario import Scenario
from stratstab.analysis.uncertainty.monte_carlo import _evaluate
from stratstab.citations import check_primary_url
from stratstab.errors import InputError, NotFoundError, from_validation_error
from stratstab.forces.loader import parse_yaml
from stratstab.models.transparency import (
    combined_factors,
    misperception_distance,
    narrowed_beliefs,
)
from stratstab.models.uncertainty import median

Progress = Callable[[int], None]
CATALOGUE_FILE = "transparency_measures.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MeasureSource(_Strict):
    """Where the measure's precedent is documented."""

    citation: str = Field(min_length=1)
    url: str | None = None

    @field_validator("url")
    @classmethod
    def _primary(cls, url: str | None) -> str | None:
        return None if url is None else check_primary_url(url)


class Measure(_Strict):
    """One transparency measure (see the catalogue file's header for the fields)."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    description: str
    narrows: dict[str, Annotated[float, Field(ge=0.0, le=1.0)]]
    exposes: dict[str, Annotated[float, Field(gt=0.0)]] = Field(default_factory=dict)
    precedent: str
    source: MeasureSource


class Catalogue(_Strict):
    """All measures, ids unique."""

    measures: list[Measure]

    @model_validator(mode="after")
    def _unique(self) -> Catalogue:
        ids = [m.id for m in self.measures]
        if len(set(ids)) != len(ids):
            raise ValueError(f"measure ids must be unique, got {ids}")
        return self

    def get(self, measure_id: str) -> Measure:
        """The measure with this id."""
        for measure in self.measures:
            if measure.id == measure_id:
                return measure
        raise NotFoundError(
            f"no transparency measure {measure_id!r}; known: "
            f"{', '.join(m.id for m in self.measures)}"
        )


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """The built-in catalogue, or one from a YAML file."""
    if path is None:
        entry = resources.files("stratstab.analysis.transparency.data").joinpath(CATALOGUE_FILE)
        text, source = entry.read_text(encoding="utf-8"), CATALOGUE_FILE
    else:
        try:
            text, source = Path(path).read_text(encoding="utf-8"), str(path)
        except OSError as exc:
            raise InputError(
                f"cannot read the catalogue ({exc.strerror})", source=str(path)
            ) from None
    try:
        return Catalogue.model_validate(parse_yaml(text, source=source))
    except ValidationError as exc:
        raise from_validation_error(exc, source=source) from None


@dataclass(frozen=True)
class Package:
    """A set of (giver side, measure id) items."""

    items: tuple[tuple[str, str], ...]

    @property
    def name(self) -> str:
        """``none`` or ``CN:declared-warheads + US:bmd-inventory``."""
        return " + ".join(f"{g}:{m}" for g, m in self.items) or "none"

    @property
    def kind(self) -> str:
        """``none``, ``reciprocal`` (both sides give the same measures) or ``non-reciprocal``."""
        if not self.items:
            return "none"
        by_side: dict[str, set[str]] = {}
        for giver, measure in self.items:
            by_side.setdefault(giver, set()).add(measure)
        sets = list(by_side.values())
        return "reciprocal" if len(sets) == 2 and sets[0] == sets[1] else "non-reciprocal"


def parse_package(text: str, scenario: Scenario, catalogue: Catalogue) -> Package:
    """``"CN:declared-warheads, US:bmd-inventory"``; ``both:ID`` means each side gives ID."""
    items: list[tuple[str, str]] = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        giver, sep, measure = part.partition(":")
        if not sep:
            raise InputError(f"expected GIVER:MEASURE, got {part!r}", field="--package")
        catalogue.get(measure)
        givers = list(scenario.sides) if giver == "both" else [giver]
        for g in givers:
            if g not in scenario.sides:
                raise InputError(
                    f"unknown giver {g!r}; expected one of {list(scenario.sides)} or both",
                    field="--package",
                )
            items.append((g, measure))
    return Package(tuple(dict.fromkeys(items)))


@dataclass
class Context:
    """What package evaluation needs: beliefs per delegation view and the truth."""

    scenario: Scenario
    catalogue: Catalogue
    views: list[str]
    beliefs: dict[str, dict[str, Any]]
    truth: dict[str, float] = field(default_factory=dict)


def make_context(
    scenario: Scenario, catalogue: Catalogue, views: list[str] | None = None
) -> Context:
    """Collect each delegation view's beliefs and the true values of every lever involved."""
    chosen = views if views is not None else belief_views(scenario)[:2]
    if not chosen:
        raise InputError(
            "transparency needs delegation views (beliefs or assumptions)",
            source=scenario.source,
            field="beliefs",
        )
    for view in chosen:
        view_side(scenario, view)
    beliefs = {v: view_distributions(scenario, v) for v in chosen}
    keys = {k for b in beliefs.values() for k in b}
    for measure in catalogue.measures:
        keys |= {f"{side}.{lever}" for side in scenario.sides for lever in measure.exposes}
    return Context(scenario, catalogue, chosen, beliefs, actual_values(scenario, sorted(keys)))


def _effects(
    ctx: Context, package: Package
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """(exposure factors by lever key, narrowing factors by lever key per view)."""
    exposure = combined_factors(
        [{f"{g}.{k}": v for k, v in ctx.catalogue.get(m).exposes.items()} for g, m in package.items]
    )
    narrowing = {}
    for view in ctx.views:
        receiver = view_side(ctx.scenario, view)
        parts = []
        for giver, measure_id in package.items:
            if giver == receiver:
                continue
            for pattern, factor in ctx.catalogue.get(measure_id).narrows.items():
                parts.append(
                    {k: factor for k in ctx.beliefs[view] if fnmatchcase(k, f"{giver}.{pattern}")}
                )
        narrowing[view] = combined_factors(parts)
    return exposure, narrowing


def package_levers(
    ctx: Context, package: Package
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Lever values of the actual world and of each view's central belief after ``package``."""
    exposure, narrowing = _effects(ctx, package)
    actual = {k: ctx.truth[k] * f for k, f in exposure.items()}
    views = {}
    for view in ctx.views:
        after = narrowed_beliefs(
            ctx.beliefs[view], factors=narrowing[view], exposure=exposure, truth=ctx.truth
        )
        levers = {k: median(d) for k, d in after.items()}
        levers.update({k: v for k, v in actual.items() if k not in levers})
        views[view] = levers
    return actual, views


def _batch(
    ctx: Context, rows: list[dict[str, float]], view: str | None, progress: Progress | None
) -> dict[str, np.ndarray]:
    keys = sorted({k for r in rows for k in r})
    defaults = {k: ctx.truth[k] for k in keys}
    arrays = {k: np.array([r.get(k, defaults[k]) for r in rows], dtype=float) for k in keys}
    arrays = {k: np.rint(v) if is_integer_lever(k) else v for k, v in arrays.items()}
    if not keys:
        one = _evaluate(ctx.scenario, {}, view)
        return {k: np.repeat(v, len(rows)) for k, v in one.items()}
    return _evaluate(ctx.scenario, arrays, view, progress)


ABSOLUTE = ("crisis_stability_index",)


def _relative(sides: Sequence[str]) -> list[str]:
    return [f"{s}.arriving_after_full_counterforce" for s in sides]


def evaluate_packages(
    ctx: Context, packages: Sequence[Package], progress: Progress | None = None
) -> list[dict[str, Any]]:
    """Score each package against no transparency at all (see the module docstring)."""
    packages = [Package(()), *packages]
    levers = [package_levers(ctx, p) for p in packages]
    n = len(packages)

    def step(offset: int) -> Progress | None:
        return None if progress is None else (lambda k: progress(offset + k))

    actual = _batch(ctx, [a for a, _ in levers], None, step(0))
    perceived = {
        v: _batch(ctx, [vs[v] for _, vs in levers], base_view(ctx.scenario, v), step(n * (i + 1)))
        for i, v in enumerate(ctx.views)
    }
    sides = ctx.scenario.sides
    rows = []
    for i, package in enumerate(packages):
        real = {k: float(v[i]) for k, v in actual.items()}
        misperception = {
            v: misperception_distance(
                {k: float(a[i]) for k, a in perceived[v].items()},
                real,
                absolute=ABSOLUTE,
                relative=_relative(sides),
            )
            for v in ctx.views
        }
        rows.append(
            {
                "package": package.name,
                "kind": package.kind,
                "items": [list(x) for x in package.items],
                "misperception": misperception,
                "total_misperception": sum(misperception.values()),
                "crisis_stability_index": {
                    "actual": real["crisis_stability_index"],
                    **{v: float(perceived[v]["crisis_stability_index"][i]) for v in ctx.views},
                },
                "arriving_after_full_counterforce": {
                    s: real[f"{s}.arriving_after_full_counterforce"] for s in sides
                },
            }
        )
    base = rows[0]
    for row in rows:
        row["benefit"] = base["total_misperception"] - row["total_misperception"]
        row["cost"] = {
            s: 1.0
            - row["arriving_after_full_counterforce"][s]
            / max(base["arriving_after_full_counterforce"][s], 1e-12)
            for s in sides
        }
    return rows
