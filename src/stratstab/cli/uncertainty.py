"""``stratstab uncertainty``: Monte Carlo over each delegation's beliefs, gaps and their drivers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from stratstab.analysis.spec.beliefs import belief_views
from stratstab.analysis.spec.scenario import load_scenario
from stratstab.analysis.uncertainty.misperception import (
    Misperception,
    evaluations_needed,
    key_outputs,
    misperception,
)
from stratstab.cli.common import console, error_console, print_json
from stratstab.provenance import provenance

SCENARIO_ARG = typer.Argument(
    help="Scenario file, or a built-in id (default: us-china-2024-baseline)."
)


@contextmanager
def progress_bar(
    total: int, label: str, *, quiet: bool = False
) -> Iterator[Callable[[int], None] | None]:
    """A Rich progress bar on standard error; yields a callback taking the count done."""
    if quiet or total <= 0:
        yield None
        return
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(
        *columns,
        console=error_console,
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=done)


def result_provenance(
    scenario: Any, *, seed: int | None, parameters: dict[str, Any]
) -> dict[str, Any]:
    """Provenance of a result: version, datasets, scenario and run parameters, seed."""
    from stratstab.analysis.reference.inputs import resolve

    resolved = resolve(scenario)
    return provenance(
        datasets={f.dataset_id: f.dataset_version for f in resolved.forces.values()},
        parameters={"scenario": scenario.model_dump(mode="json"), **parameters},
        seed=seed,
        scenario=scenario.name,
    )


def report(result: Misperception, *, samples: int, sobol_samples: int) -> dict[str, Any]:
    """The JSON report of ``stratstab uncertainty``."""
    return {
        "scenario": result.scenario.name,
        "views": result.views,
        "seed": result.seed,
        "samples": samples,
        "actual": result.actual,
        "per_view": {v: r.summary() for v, r in result.results.items()},
        "gaps": result.gaps(),
        "drivers": result.drivers.to_dict(),
        "provenance": result_provenance(
            result.scenario,
            seed=result.seed,
            parameters={"samples": samples, "sobol_samples": sobol_samples, "views": result.views},
        ),
    }


def _print(data: dict[str, Any], sides: tuple[str, ...]) -> None:
    views = data["views"]
    console.rule(f"[bold]{data['scenario']}[/bold] — beliefs of {', '.join(views)}")
    table = Table(title=f"Medians (5–95 %) over {data['samples']} draws, seed {data['seed']}")
    table.add_column("output")
    table.add_column("as written", justify="right")
    for view in views:
        table.add_column(view, justify="right")
    if len(views) >= 2:
        table.add_column("gap", justify="right")
    for name in key_outputs(sides):
        row = [name, f"{data['actual'][name]:,.3g}"]
        for view in views:
            s = data["per_view"][view]["outputs"][name]
            row.append(f"{s['q50']:,.3g} ({s['q05']:,.3g}–{s['q95']:,.3g})")
        if len(views) >= 2:
            row.append(f"{data['gaps'][name]['gap']:+,.3g}")
        table.add_row(*row)
    for side in sides:
        table.add_row(
            f"P({side} assured retaliation)",
            "",
            *[f"{data['per_view'][v]['p_assured_retaliation'][side]:.0%}" for v in views],
            *([""] if len(views) >= 2 else []),
        )
    console.print(table)
    ranking = data["drivers"]["ranking"]
    if ranking:
        drivers = Table(
            title="Parameters driving the gap (Sobol total index, mean over key outputs)"
        )
        drivers.add_column("parameter")
        drivers.add_column("total index", justify="right")
        drivers.add_column("interval", justify="right")
        for row in ranking:
            low, high = row["mean_total_interval"]
            drivers.add_row(
                row["parameter"], f"{row['mean_total_index']:.2f}", f"{low:.2f} to {high:.2f}"
            )
        console.print(drivers)
        if data["drivers"]["warning"]:
            console.print(f"[bold red]Caution:[/bold red] {data['drivers']['warning']}")
    elif len(sides) > 2:
        console.print(
            "[dim]drivers of the gap not computed: pass --sobol-samples N (N rounded up to a "
            "power of two; N x (parameters + 2) three-sided evaluations)[/dim]"
        )
    console.print(
        f"[dim]seed {data['seed']} · parameters {data['provenance']['parameters_digest']}[/dim]"
    )


#: Defaults (draws per view, Sobol base samples) for two sides (the compiled kernel,
#: thousands of evaluations a second) and for three or more (the reference path, a few
#: seconds an evaluation: the drivers are asked for explicitly).
DEFAULTS = {"two sides": (200, 64), "more sides": (16, 0)}


def default_sizes(sides: int, samples: int | None, sobol_samples: int | None) -> tuple[int, int]:
    """``--samples`` and ``--sobol-samples`` as given, else sized for the number of sides."""
    draws, sobol = DEFAULTS["two sides" if sides == 2 else "more sides"]
    return (
        draws if samples is None else samples,
        sobol if sobol_samples is None else sobol_samples,
    )


def uncertainty(
    scenario: Annotated[str | None, SCENARIO_ARG] = None,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            min=1,
            help="Monte Carlo draws per view (default 200; 16 among three sides).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random generator.")] = 0,
    sobol_samples: Annotated[
        int | None,
        typer.Option(
            "--sobol-samples",
            min=0,
            help="Base samples of the Sobol design (0: skip the drivers; default 64, "
            "0 among three sides, where each costs (parameters + 2) evaluations of seconds).",
        ),
    ] = None,
    view: Annotated[
        list[str] | None, typer.Option("--view", help="Views to compare (default: first two).")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the JSON report.")] = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write PNG figures to this folder.")
    ] = None,
) -> None:
    """Monte Carlo over each delegation's beliefs: distributions, gaps, and what drives them."""
    loaded = load_scenario(scenario)
    samples, sobol_samples = default_sizes(len(loaded.sides), samples, sobol_samples)
    views = list(view) if view else belief_views(loaded)[:2]
    total = (
        evaluations_needed(loaded, views, samples=samples, sobol_samples=sobol_samples)
        if views
        else 0
    )
    with progress_bar(total, "evaluating") as progress:
        result = misperception(
            loaded,
            views=views or None,
            samples=samples,
            seed=seed,
            sobol_samples=sobol_samples,
            progress=progress,
        )
    data = report(result, samples=samples, sobol_samples=sobol_samples)
    if plot is not None:
        from stratstab.reports.uncertainty_figures import distributions_figure, save, sobol_figure

        paths = [
            save(distributions_figure(result), plot, "uncertainty-distributions.png"),
            save(sobol_figure(result), plot, "uncertainty-sobol.png"),
        ]
        if not json_output:
            for path in paths:
                console.print(f"wrote {path}")
    if json_output:
        print_json(data)
    else:
        _print(data, loaded.sides)
