"""Parameter sweeps: designs over lever axes, Monte Carlo samples, chunked evaluation.

A sweep varies levers over a design — the full factorial grid of the ``--vary`` axes
or a Latin hypercube over their ranges — and, optionally, draws ``samples`` Monte
Carlo samples of the scenario's belief distributions at every design point.  Its
rows (design point x sample) are cut into chunks that are evaluated independently
with :func:`stratstab.analysis.batch.evaluate.evaluate_batch`, so memory stays bounded and the
chunks can run anywhere (see :mod:`stratstab.analysis.batch.schedule`).

Seeds: the random stream of design point ``g`` is ``SeedSequence(seed).spawn(2)[1]
.spawn(G)[g]`` (built directly from its spawn key), and the Latin hypercube uses the
first child.  Every row therefore gets the same numbers whatever the chunk size or
the number of workers.  Nothing here does I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from stratstab.analysis.batch.evaluate import batch_output_names, evaluate_batch
from stratstab.analysis.batch.levers import lever_arrays
from stratstab.analysis.reference.arms_race import check_slopes
from stratstab.analysis.reference.inputs import load_side_dataset
from stratstab.analysis.spec.beliefs import (
    base_view,
    draws_to_levers,
    is_integer_lever,
    view_distributions,
)
from stratstab.analysis.spec.scenario import Scenario
from stratstab.errors import InputError
from stratstab.provenance import parameters_digest, provenance

if TYPE_CHECKING:
    import pandas as pd

Design = Literal["full", "lhs"]
NO_BELIEFS = "--samples needs belief distributions in the scenario"


@dataclass(frozen=True)
class Axis:
    """One varied lever: its key and its values (numbers, or choices for lists)."""

    key: str
    values: tuple[Any, ...]
    low: float | None = None
    high: float | None = None

    @property
    def numeric_range(self) -> bool:
        """True for ``start:stop:steps`` axes (a Latin hypercube samples their range)."""
        return self.low is not None


def _parse_number(text: str, *, spec: str, part: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(
            f"{part} {text!r} is not a number (expected PARAM=start:stop:steps)",
            source="--vary",
            field=spec,
        ) from None
    if not math.isfinite(value):
        raise InputError(f"{part} must be finite, got {text!r}", source="--vary", field=spec)
    return value


def _range_axis(key: str, body: str, spec: str) -> Axis:
    parts = body.split(":")
    if len(parts) != 3:
        raise InputError(
            "expected PARAM=start:stop:steps (three numbers separated by ':') or PARAM=a,b,c",
            source="--vary",
            field=spec,
        )
    start = _parse_number(parts[0], spec=spec, part="start")
    stop = _parse_number(parts[1], spec=spec, part="stop")
    steps = _parse_number(parts[2], spec=spec, part="steps")
    if steps < 1 or not steps.is_integer():
        raise InputError(
            f"steps must be a whole number >= 1, got {parts[2]}", source="--vary", field=spec
        )
    if stop < start:
        raise InputError(
            f"stop ({parts[1]}) is below start ({parts[0]})", source="--vary", field=spec
        )
    values = np.linspace(start, stop, int(steps))
    if is_integer_lever(key) and not np.all(values == np.round(values)):
        raise InputError(
            f"{key} takes whole numbers; {body} gives {values[1]:g}; choose steps so that "
            "(stop - start) / (steps - 1) is whole",
            source="--vary",
            field=spec,
        )
    return Axis(key=key, values=tuple(float(v) for v in values), low=start, high=stop)


def _list_value(text: str) -> Any:
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        number = float(text)
    except ValueError:
        return text.strip()
    return int(number) if number.is_integer() else number


def parse_vary(spec: str, scenario: Scenario) -> Axis:
    """Parse ``PARAM=start:stop:steps`` (or ``PARAM=a,b,c``) and check it against ``scenario``.

    Raises :class:`InputError` (source ``--vary``) for a malformed spec, an unknown
    lever, ``stop < start``, ``steps < 1`` or values the lever does not accept.
    """
    key, sep, body = spec.partition("=")
    key = key.strip()
    if not sep or not key or not body.strip():
        raise InputError("expected PARAM=start:stop:steps", source="--vary", field=spec)
    if "," in body or (":" not in body and not _looks_numeric(body)):
        axis = Axis(key=key, values=tuple(_list_value(v) for v in body.split(",") if v.strip()))
    else:
        axis = _range_axis(key, body, spec)
    sample = np.array(list(axis.values) if not axis.numeric_range else [axis.low, axis.high])
    try:
        lever_arrays(scenario, {key: sample})
    except InputError as exc:
        raise InputError(exc.message, source="--vary", field=spec) from None
    return axis


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, eq=False)
class SweepSpec:
    """Everything that determines a sweep's rows and numbers (not how it is run)."""

    scenario: Scenario
    axes: tuple[Axis, ...]
    design: Design = "full"
    points: int | None = None
    samples: int = 0
    seed: int = 0
    view: str | None = None
    sample_view: str | None = None
    chunk_size: int = 20_000
    extra: dict[str, Any] = field(default_factory=dict)
    outputs: str = "all"
    slopes: str = "secant"

    @property
    def grid_size(self) -> int:
        """Design points G."""
        if self.design == "lhs":
            return int(self.points or math.prod(len(a.values) for a in self.axes))
        return math.prod(len(a.values) for a in self.axes)

    @property
    def samples_per_point(self) -> int:
        """Rows per design point (1 without Monte Carlo)."""
        return max(self.samples, 1)

    @property
    def total_rows(self) -> int:
        """Evaluations in the whole sweep."""
        return self.grid_size * self.samples_per_point

    @property
    def chunks(self) -> int:
        """Number of chunks."""
        return -(-self.total_rows // self.chunk_size)

    def record(self) -> dict[str, Any]:
        """JSON-ready description (stored with the results and used to match a resume)."""
        return {
            "scenario": self.scenario.model_dump(mode="json"),
            "axes": [
                {"key": a.key, "values": list(a.values), "low": a.low, "high": a.high}
                for a in self.axes
            ],
            "design": self.design,
            "points": self.grid_size,
            "samples": self.samples,
            "seed": self.seed,
            "view": self.view,
            "sample_view": self.sample_view,
            "chunk_size": self.chunk_size,
            # Only recorded when not the default, so records of earlier sweeps still match.
            **({"outputs": self.outputs} if self.outputs != "all" else {}),
            **({"slopes": self.slopes} if self.slopes != "secant" else {}),
        }

    def digest(self) -> str:
        """Short hash of :meth:`record`."""
        return parameters_digest(self.record())

    def provenance(self) -> dict[str, Any]:
        """Provenance block: version, datasets, parameters digest, seed."""
        datasets = {}
        for side in self.scenario.sides:
            data = load_side_dataset(self.scenario, side)
            datasets[data.id] = str(data.version)
        return provenance(
            datasets=datasets, parameters=self.record(), seed=self.seed, scenario=self.scenario.name
        )


def _design_seed(spec: SweepSpec) -> np.random.SeedSequence:
    return np.random.SeedSequence(spec.seed, spawn_key=(0,))


def _point_seed(spec: SweepSpec, point: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(spec.seed, spawn_key=(1, int(point)))


@lru_cache(maxsize=4)
def _lhs_unit(seed: int, points: int, dims: int) -> np.ndarray:
    """A Latin hypercube in [0, 1)^dims: one point in each of ``points`` strata per axis."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))
    strata = np.stack([rng.permutation(points) for _ in range(dims)], axis=1)
    return (strata + rng.random((points, dims))) / points


def design_points(spec: SweepSpec, points: np.ndarray) -> dict[str, np.ndarray]:
    """Lever values of the given design points (indices into ``range(grid_size)``)."""
    if spec.design == "full":
        shape = tuple(len(a.values) for a in spec.axes)
        index = np.unravel_index(points, shape) if shape else ()
        return {a.key: np.asarray(a.values)[i] for a, i in zip(spec.axes, index, strict=True)}
    unit = _lhs_unit(spec.seed, spec.grid_size, len(spec.axes))[points]
    out: dict[str, np.ndarray] = {}
    for j, axis in enumerate(spec.axes):
        if axis.numeric_range:
            values = axis.low + unit[:, j] * (axis.high - axis.low)
            out[axis.key] = np.round(values) if is_integer_lever(axis.key) else values
        else:
            choices = np.asarray(axis.values)
            out[axis.key] = choices[
                np.minimum((unit[:, j] * len(choices)).astype(int), len(choices) - 1)
            ]
    return out


def _sampled(spec: SweepSpec, points: np.ndarray, first: int, last: int) -> dict[str, np.ndarray]:
    """Monte Carlo draws for rows ``first..last-1``.

    Each design point's generator yields the uniforms that
    :func:`stratstab.analysis.uncertainty.monte_carlo.sample_levers` would draw for it (its whole
    stream, then the rows of this chunk are kept); they are turned into lever values
    in one vectorised call for the chunk.
    """
    distributions = view_distributions(spec.scenario, spec.sample_view)
    per_point = spec.samples
    blocks = []
    for point in np.unique(points):
        rng = np.random.default_rng(_point_seed(spec, point))
        uniforms = rng.random((per_point, len(distributions)))
        lo = max(first, point * per_point) - point * per_point
        hi = min(last, (point + 1) * per_point) - point * per_point
        blocks.append(uniforms[lo:hi])
    return draws_to_levers(distributions, np.concatenate(blocks))


def chunk_rows(spec: SweepSpec, chunk: int) -> tuple[int, int]:
    """First and one-past-last row of ``chunk``."""
    first = chunk * spec.chunk_size
    return first, min(first + spec.chunk_size, spec.total_rows)


def evaluate_chunk(spec: SweepSpec, chunk: int) -> dict[str, np.ndarray]:
    """Columns of one chunk: ``point``, ``sample``, lever values, then the outputs."""
    first, last = chunk_rows(spec, chunk)
    rows = np.arange(first, last)
    points, sample = np.divmod(rows, spec.samples_per_point)
    levers = _sampled(spec, points, first, last) if spec.samples else {}
    levers.update(design_points(spec, points))  # the design fixes what it varies
    columns: dict[str, np.ndarray] = {
        "point": points.astype(np.int64),
        "sample": sample.astype(np.int64),
    }
    columns.update(levers)
    columns.update(
        evaluate_batch(
            spec.scenario, levers, view=spec.view, outputs=spec.outputs, slopes=spec.slopes
        )
    )
    return columns


def output_columns(spec: SweepSpec) -> list[str]:
    """Names of the output columns of every chunk."""
    return batch_output_names(spec.scenario.sides, spec.outputs)


def sample_view(scenario: Scenario, view: str | None) -> str:
    """The view whose beliefs ``--samples`` draws from (``view``, or the only one)."""
    if not scenario.beliefs:
        raise InputError(
            NO_BELIEFS + " (add a 'beliefs' block: see docs/scenarios.md)",
            source=scenario.source,
            field="beliefs",
        )
    if view is None:
        if len(scenario.beliefs) > 1:
            raise InputError(
                f"--samples: choose a delegation's beliefs with --view "
                f"({', '.join(scenario.beliefs)})",
                source=scenario.source,
            )
        return next(iter(scenario.beliefs))
    if view not in scenario.beliefs:
        raise InputError(
            NO_BELIEFS + f": view {view!r} has none (views with beliefs: "
            f"{', '.join(scenario.beliefs)})",
            source=scenario.source,
            field="beliefs",
        )
    return view


def sweep_spec(
    scenario: Scenario,
    vary: list[str],
    *,
    samples: int = 0,
    seed: int | None = 0,
    design: str = "full",
    points: int | None = None,
    view: str | None = None,
    chunk_size: int = 20_000,
    outputs: str = "all",
    slopes: str = "secant",
) -> SweepSpec:
    """A checked sweep over ``vary`` (``PARAM=start:stop:steps`` or ``PARAM=a,b,c`` each).

    ``samples`` Monte Carlo draws of the scenario's beliefs per design point (view
    ``view``, or the only one); ``seed=None`` picks a fresh seed (recorded in the
    provenance); ``slopes``: ``secant`` or ``derivative`` reaction slopes.  Raises
    :class:`InputError` naming the bad option.
    """
    check_slopes(slopes)
    if not vary:
        raise InputError("give at least one --vary PARAM=start:stop:steps", source="--vary")
    axes = tuple(parse_vary(text, scenario) for text in vary)
    keys = [a.key for a in axes]
    if len(set(keys)) != len(keys):
        raise InputError(f"a lever is varied twice: {keys}", source="--vary")
    if samples < 0 or chunk_size < 1 or (points is not None and points < 1):
        raise InputError("--samples must be >= 0, --chunk-size and --points >= 1", source="options")
    chosen_seed = int(np.random.SeedSequence().entropy % 2**63) if seed is None else seed
    beliefs_view = sample_view(scenario, view) if samples else None
    if samples:
        evaluation_view = base_view(scenario, beliefs_view)
    else:
        evaluation_view = view
        scenario.view_levers(view)  # fail early on an unknown view
    return SweepSpec(
        scenario=scenario,
        axes=axes,
        design=design,
        points=points,
        samples=samples,  # type: ignore[arg-type]
        seed=chosen_seed,
        view=evaluation_view,
        sample_view=beliefs_view,
        chunk_size=chunk_size,
        outputs=outputs,
        slopes=slopes,
    )


def sweep(scenario: Scenario, vary: list[str], **options: Any) -> pd.DataFrame:
    """Run a sweep in memory and return one row per evaluation as a pandas frame.

    Same options as :func:`sweep_spec`; columns are ``point``, ``sample``, the varied
    (and sampled) levers, then the outputs.  For sweeps too large for memory, or on
    several machines, use ``stratstab sweep`` (Parquet output, resumable, Dask).
    """
    import pandas as pd

    spec = sweep_spec(scenario, list(vary), **options)
    chunks = [pd.DataFrame(evaluate_chunk(spec, chunk)) for chunk in range(spec.chunks)]
    frame = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()
    frame.attrs["provenance"] = spec.provenance()
    return frame
