"""``stratstab map``: a stability map over two levers, under each assumption set."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.table import Table

from stratstab.analysis.batch.stability_map import METRICS, StabilityMap, parse_axis, stability_map
from stratstab.analysis.spec.scenario import load_scenario
from stratstab.cli.common import console, print_json
from stratstab.errors import InputError

OUTPUT_LABELS = {
    "crisis_stability_index": "crisis-stability index (0-1, higher is more stable)",
    "required_arsenal": "warheads needed for assured retaliation",
    "retaliation_share": "arriving after a full counterforce strike ÷ requirement (>= 1 assured)",
}
SUMMARY_CELLS = 6  # rows and columns of the sampled table printed per panel


def _cell(value: float) -> str:
    if not math.isfinite(value):
        return "∞" if value > 0 else "—"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3f}"


def _panel_table(result: StabilityMap, index: int) -> Table:
    panel = result.panels[index]
    view = panel.view or "as written"
    title = f"{view}" + (f" — {panel.side}" if panel.side else "")
    table = Table(title=f"{title}: {OUTPUT_LABELS[panel.output]}")
    rows = np.unique(np.linspace(0, len(result.y.values) - 1, SUMMARY_CELLS).round().astype(int))
    columns = np.unique(np.linspace(0, len(result.x.values) - 1, SUMMARY_CELLS).round().astype(int))
    table.add_column(f"{result.y.key} \\ {result.x.key}")
    for j in columns:
        table.add_column(f"{result.x.values[j]:.3g}", justify="right")
    for i in rows[::-1]:  # highest y first, as on a map
        table.add_row(
            f"{result.y.values[i]:.3g}", *[_cell(float(panel.values[i, j])) for j in columns]
        )
    return table


def map_command(
    scenario: Annotated[str, typer.Argument(help="Scenario file, or a built-in id.")],
    x: Annotated[
        str,
        typer.Option(
            "--x", help="Horizontal axis: LEVER=start:stop:steps, e.g. US.interceptors=0:400:50."
        ),
    ],
    y: Annotated[
        str,
        typer.Option(
            "--y", help="Vertical axis: LEVER=start:stop:steps, e.g. CN.arsenal_scale=0.5:3:50."
        ),
    ],
    metric: Annotated[
        str,
        typer.Option("--metric", help=f"What to map: {', '.join(METRICS)}."),
    ] = "crisis",
    view: Annotated[
        list[str] | None,
        typer.Option("--view", help="Assumption set to map (repeat; default: every set)."),
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the axes and every panel's grid as JSON.")
    ] = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write one PNG heat map per panel here.")
    ] = None,
) -> None:
    """Map crisis stability, required arsenal or assured retaliation over two levers."""
    if metric not in METRICS:
        raise InputError(f"--metric must be one of {', '.join(METRICS)}, got {metric!r}")
    loaded = load_scenario(scenario)
    x_axis = parse_axis(x, loaded, source="--x")
    y_axis = parse_axis(y, loaded, source="--y")
    result = stability_map(loaded, x_axis, y_axis, metric=metric, views=view or None)
    if plot is not None:
        from stratstab.reports.map_figures import write_map_figures

        paths = write_map_figures(result, plot)
        if not json_output:
            for path in paths:
                console.print(f"wrote {path}")
    if json_output:
        print_json(result.to_dict())
        return
    cells = len(x_axis.values) * len(y_axis.values)
    console.rule(f"[bold]{result.scenario}[/bold] — {metric} over {x_axis.key} × {y_axis.key}")
    console.print(f"{cells:,} cells per panel, {len(result.panels)} panel(s); sampled cells:")
    for index in range(len(result.panels)):
        console.print(_panel_table(result, index))
