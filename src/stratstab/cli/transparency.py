"""``stratstab transparency``: value and cost of transparency packages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from stratstab.analysis.spec.scenario import load_scenario
from stratstab.analysis.transparency.measures import (
    evaluate_packages,
    load_catalogue,
    make_context,
    parse_package,
)
from stratstab.analysis.transparency.report import (
    enumerate_packages,
    package_spread,
    single_items,
    transparency_study,
)
from stratstab.cli.common import console, print_json
from stratstab.cli.uncertainty import SCENARIO_ARG, progress_bar, result_provenance


def _row_text(row: dict[str, Any], sides: tuple[str, str]) -> list[str]:
    return [
        row["package"],
        row["kind"],
        f"{row['benefit']:+.3f}",
        *[f"{row['cost'][s]:+.1%}" for s in sides],
        f"{row['crisis_stability_index']['actual']:.3f}",
    ]


def _table(title: str, rows: list[dict[str, Any]], sides: tuple[str, str]) -> Table:
    table = Table(title=title)
    for column in ("package", "kind", "benefit", *[f"cost to {s}" for s in sides], "crisis index"):
        table.add_column(column, justify="left" if column in ("package", "kind") else "right")
    for row in rows:
        table.add_row(*_row_text(row, sides))
    return table


def _print(data: dict[str, Any], sides: tuple[str, str]) -> None:
    console.rule(f"[bold]{data['scenario']}[/bold] — transparency ({', '.join(data['views'])})")
    console.print(
        f"Misperception with no measures: {data['baseline']['total_misperception']:.3f} "
        "(mean relative gap of each view's outputs from the as-written ones, summed over views)"
    )
    if "package" in data:
        console.print(_table("Package", [data["package"]], sides))
        return
    console.print(_table("Single measures", data["items"], sides))
    for kind in ("reciprocal", "non-reciprocal"):
        console.print(
            _table(
                f"Best {kind} packages (Pareto-efficient, largest benefit minus cost)",
                data["best"][kind],
                sides,
            )
        )
    sequence = Table(title="Gradual sequence (benefit per unit of the giver's cost)")
    for column in ("step", "measure", "benefit", "cost to giver", "cumulative benefit"):
        sequence.add_column(column, justify="left" if column == "measure" else "right")
    for step in data["sequence"]:
        sequence.add_row(
            str(step["step"]),
            step["item"],
            f"{step['item_benefit']:+.3f}",
            f"{step['item_cost_to_giver']:.1%}",
            f"{step['cumulative']['benefit']:+.3f}",
        )
    console.print(sequence)


def transparency(
    scenario: Annotated[str | None, SCENARIO_ARG] = None,
    package: Annotated[
        str | None,
        typer.Option(
            "--package",
            help="Evaluate one package, e.g. 'CN:declared-warheads,US:bmd-inventory' "
            "or 'both:base-locations'.",
        ),
    ] = None,
    max_measures: Annotated[
        int, typer.Option("--max-measures", min=1, max=4, help="Largest package size to enumerate.")
    ] = 2,
    samples: Annotated[
        int,
        typer.Option(
            "--samples",
            min=0,
            help=("With --package: Monte Carlo draws per view for the spread before and after."),
        ),
    ] = 0,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    catalogue: Annotated[
        Path | None, typer.Option("--catalogue", help="Another measures file.")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the JSON report.")] = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write PNG figures to this folder.")
    ] = None,
) -> None:
    """Transparency measures: who gains how much clarity, at what cost in survivability."""
    loaded = load_scenario(scenario)
    ctx = make_context(loaded, load_catalogue(catalogue))
    if package is not None:
        chosen = parse_package(package, loaded, ctx.catalogue)
        base, row = evaluate_packages(ctx, [chosen])
        data: dict[str, Any] = {
            "scenario": loaded.name,
            "views": ctx.views,
            "baseline": base,
            "package": row,
        }
        if samples:
            data["spread"] = {
                v: package_spread(ctx, chosen, v, samples=samples, seed=seed) for v in ctx.views
            }
    else:
        total = (
            2
            * (len(single_items(ctx)) + len(enumerate_packages(ctx, max_measures=max_measures)) + 2)
            * (len(ctx.views) + 1)
        )
        with progress_bar(total, "packages") as progress:
            counter = _Counter(progress)
            data = {
                "scenario": loaded.name,
                **transparency_study(ctx, max_measures=max_measures, progress=counter),
            }
    data["provenance"] = result_provenance(
        loaded,
        seed=seed if samples else None,
        parameters={
            "package": package,
            "max_measures": max_measures,
            "samples": samples,
            "catalogue": [m.model_dump() for m in ctx.catalogue.measures],
        },
    )
    if plot is not None and package is None:
        from stratstab.reports.uncertainty_figures import pareto_figure, save

        path = save(pareto_figure(data, loaded.sides), plot, "transparency-pareto.png")
        if not json_output:
            console.print(f"wrote {path}")
    if json_output:
        print_json(data)
    else:
        _print(data, loaded.sides)


class _Counter:
    """Turns the per-call counts of several batches into one running total."""

    def __init__(self, progress: Any) -> None:
        self.progress, self.offset, self.last = progress, 0, 0

    def __call__(self, done: int) -> None:
        if done < self.last:
            self.offset += self.last
        self.last = done
        if self.progress is not None:
            self.progress(self.offset + done)
