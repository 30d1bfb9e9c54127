"""``stratstab sweep``: headline outputs over a grid (or Latin hypercube) of levers.

``STRATSTAB_SWEEP_PAUSE=N:PATH`` (for tests of interruption and resumption): after N
chunks of this run are written, the sweep creates PATH and waits there until it is
interrupted or killed, so a test acts at a known point instead of racing the sweep.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from stratstab.analysis.batch.schedule import run_sweep
from stratstab.analysis.batch.store import parts_folder
from stratstab.analysis.batch.sweep import SweepSpec, sweep_spec
from stratstab.analysis.spec.scenario import load_scenario
from stratstab.cli.common import console, error_console, print_json
from stratstab.errors import InputError

VARY_HELP = (
    "Lever to vary, PARAM=start:stop:steps (e.g. US.interceptors=0:400:21) or "
    "PARAM=a,b,c (e.g. CN.posture=day-to-day,generated). Repeat for more axes."
)


PAUSE_VARIABLE = "STRATSTAB_SWEEP_PAUSE"


def pause_hook(setting: str | None) -> Callable[[], None]:
    """A callback for each finished chunk that holds the sweep as ``STRATSTAB_SWEEP_PAUSE``
    asks (``N:PATH``); does nothing when the variable is unset."""
    if not setting:
        return lambda: None
    count, _, marker = setting.partition(":")
    if not count.isdigit() or not marker:
        raise InputError(f"expected N:PATH, got {setting!r}", source=PAUSE_VARIABLE)
    seen = 0

    def after_chunk() -> None:
        nonlocal seen
        seen += 1
        if seen == int(count):
            Path(marker).write_text("paused\n", encoding="utf-8")
            while True:  # until SIGINT (KeyboardInterrupt) or SIGKILL
                time.sleep(3600)

    return after_chunk


class RateColumn(ProgressColumn):
    """Evaluations per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f} eval/s", style="progress.data.speed")


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]sweep"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=error_console,
        transient=False,
        redirect_stdout=False,
        redirect_stderr=False,
    )


def _spec(
    scenario_path: str | None,
    vary: list[str],
    *,
    samples: int,
    seed: int | None,
    design: str,
    points: int | None,
    view: str | None,
    chunk_size: int,
    outputs: str = "all",
    slopes: str = "secant",
) -> SweepSpec:
    return sweep_spec(
        load_scenario(scenario_path),
        vary,
        samples=samples,
        seed=seed,
        design=design,
        points=points,
        view=view,
        chunk_size=chunk_size,
        outputs=outputs,
        slopes=slopes,
    )


def sweep(
    scenario: Annotated[
        str | None, typer.Argument(help="Scenario file or built-in id (default: the baseline).")
    ] = None,
    vary: Annotated[list[str] | None, typer.Option("--vary", help=VARY_HELP)] = None,
    samples: Annotated[
        int,
        typer.Option(
            help="Monte Carlo samples per design point, drawn from the "
            "scenario's beliefs (0: none)."
        ),
    ] = 0,
    seed: Annotated[
        int | None, typer.Option(help="Seed (default: a fresh one, recorded in the output).")
    ] = None,
    design: Annotated[
        Literal["full", "lhs"],
        typer.Option(help="Full factorial grid, or a Latin hypercube over the axes' ranges."),
    ] = "full",
    points: Annotated[
        int | None, typer.Option(help="Design points of --design lhs (default: the grid's size).")
    ] = None,
    view: Annotated[
        str | None,
        typer.Option(help="Assumption set to apply; with --samples, whose beliefs to draw."),
    ] = None,
    out: Annotated[Path, typer.Option(help="Parquet file to write.")] = Path("results.parquet"),
    scheduler: Annotated[
        str, typer.Option(help="local, processes, or tcp://HOST:PORT of a Dask scheduler.")
    ] = "local",
    workers: Annotated[
        int | None,
        typer.Option(help="Worker processes for --scheduler processes (default: cores)."),
    ] = None,
    chunk_size: Annotated[
        int,
        typer.Option(
            help="Evaluations per chunk; bounds memory (about 1 MB per 1,000 per worker)."
        ),
    ] = 20_000,
    plot: Annotated[
        Path | None,
        typer.Option(
            help="Write heat maps (PNG) of the crisis-stability index and "
            "required arsenals over each pair of varied levers."
        ),
    ] = None,
    outputs: Annotated[
        Literal["all", "crisis"],
        typer.Option(
            help="all: every headline output; crisis: the crisis-stability index and "
            "exchange outputs only (skips the reaction functions, about 4x faster)."
        ),
    ] = "all",
    slopes: Annotated[
        Literal["secant", "derivative"],
        typer.Option(
            help="secant: reaction slopes over +-10 % of the other side's arsenal and a "
            "tenth of its interceptors; derivative: point derivatives by implicit "
            "differentiation (about half the reaction cost; see docs/models.md)."
        ),
    ] = "secant",
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue an interrupted sweep writing to --out.")
    ] = False,
    json: Annotated[
        bool, typer.Option("--json", help="Print a JSON summary instead of text.")
    ] = False,
) -> None:
    """Evaluate the headline outputs over a design of lever values, in chunks, to Parquet."""
    if plot is not None and outputs != "all":
        raise InputError(
            "--plot draws required arsenals too: it needs --outputs all", source="--plot"
        )
    spec = _spec(
        scenario,
        vary or [],
        samples=samples,
        seed=seed,
        design=design,
        points=points,
        view=view,
        chunk_size=chunk_size,
        outputs=outputs,
        slopes=slopes,
    )
    started = time.perf_counter()
    after_chunk = pause_hook(os.environ.get(PAUSE_VARIABLE))
    reported: list[int] = []

    def advance(done: int) -> None:
        bar.update(task, completed=done)
        if reported and done > reported[-1]:
            after_chunk()
        reported.append(done)

    with _progress() as bar:
        task = bar.add_task("sweep", total=spec.total_rows)
        stages = {
            "preparing": "preparing (a first run on this machine compiles the model, ~10 s)",
            "evaluating": "sweep",
        }
        try:
            result = run_sweep(
                spec,
                out=out,
                scheduler=scheduler,
                workers=workers,
                resume=resume,
                progress=advance,
                stage=lambda name: bar.update(task, description=stages[name]),
            )
        except KeyboardInterrupt:
            bar.stop()
            print(
                f"interrupted: finished chunks are kept in {parts_folder(out)}; "
                "run the same command with --resume to continue",
                file=sys.stderr,
            )
            raise typer.Exit(130) from None
    elapsed = time.perf_counter() - started
    figures: list[str] = []
    if plot is not None:
        from stratstab.reports.sweep_figures import write_sweep_figures

        figures = [str(p) for p in write_sweep_figures(result.path, plot)]
    summary = {
        "out": str(result.path),
        "rows": result.rows,
        "chunks": result.chunks,
        "chunks_resumed": result.chunks_resumed,
        "workers": result.workers,
        "seed": spec.seed,
        "seconds": round(elapsed, 3),
        "seconds_evaluating": round(result.seconds_evaluating, 3),
        # Rows evaluated in this run per second of evaluation (start-up excluded).
        "evaluations_per_second": round(
            (result.rows - result.rows_resumed) / max(result.seconds_evaluating, 1e-9), 1
        ),
        "figures": figures,
    }
    if json:
        print_json(summary)
        return
    console.print(
        f"{result.rows:,} evaluations in {elapsed:.1f} s "
        f"({result.seconds_evaluating:.1f} s evaluating, "
        f"{summary['evaluations_per_second']:,.0f}/s, {result.workers} worker(s), "
        f"seed {spec.seed})"
    )
    console.print(
        f"results: {result.path}"
        + (f" ({result.chunks_resumed} chunk(s) resumed)" if result.chunks_resumed else ""),
        soft_wrap=True,
    )
    for path in figures:
        console.print(f"figure: {path}", soft_wrap=True)
