"""``stratstab assurance``: missile defense against assured retaliation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from stratstab.analysis.spec.beliefs import belief_views
from stratstab.analysis.spec.scenario import load_scenario
from stratstab.analysis.transparency.assurance import assurance_curves, draw_count
from stratstab.cli.common import console, print_json
from stratstab.cli.uncertainty import SCENARIO_ARG, progress_bar, result_provenance


def _print(data: dict[str, Any]) -> None:
    first = data["curves"][0]
    console.rule(
        f"[bold]{data['scenario']}[/bold] — assurance of {first['side']} against "
        f"{first['defender']} missile defense"
    )
    table = Table(
        title=f"At {first['side']}'s deployed arsenal "
        f"({first['deployed_warheads']:,.0f} warheads), "
        f"confidence {first['confidence']:.0%}"
    )
    for column in (
        "view",
        "largest interceptor count",
        f"{first['side']} warheads needed at "
        f"{first['current_interceptors']} / 500 / 1000 interceptors",
    ):
        table.add_column(column)
    for c in data["curves"]:
        count = c["max_interceptors_at_current_arsenal"]
        induced = c["induced_arsenal"]
        needed = [
            f"{x:,.0f}"
            for x in (
                _at(induced, c["current_interceptors"]),
                _at(induced, 500),
                _at(induced, 1000),
            )
        ]
        table.add_row(
            c["view"],
            "none (not assured even without defense)" if count < 0 else f"{count:,}",
            " / ".join(needed),
        )
    console.print(table)


def _at(induced: dict[str, list[float]], interceptors: int) -> float:
    grid, values = induced["interceptors"], induced["required_warheads"]
    if interceptors > grid[-1]:
        return float("nan")
    import numpy as np

    return float(np.interp(interceptors, grid, values))


def assurance(
    scenario: Annotated[str | None, SCENARIO_ARG] = None,
    side: Annotated[
        str | None,
        typer.Option(
            "--side", help="Retaliating side (default: the one facing the larger defense)."
        ),
    ] = None,
    confidence: Annotated[
        float,
        typer.Option("--confidence", help="Share of belief draws that must meet the requirement."),
    ] = 0.9,
    samples: Annotated[int, typer.Option("--samples", min=1, help="Belief draws per view.")] = 100,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    interceptor_pk: Annotated[float | None, typer.Option("--interceptor-pk", min=0, max=1)] = None,
    discrimination: Annotated[float | None, typer.Option("--discrimination", min=0, max=1)] = None,
    max_interceptors: Annotated[int, typer.Option("--max-interceptors", min=1)] = 1000,
    view: Annotated[
        list[str] | None, typer.Option("--view", help="Views (default: as written and every view).")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the JSON report.")] = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write PNG figures to this folder.")
    ] = None,
) -> None:
    """Assurance curves: the defense compatible with assured retaliation, and the arsenal
    it induces."""
    loaded = load_scenario(scenario)
    views: list[str | None] = list(view) if view else [None, *belief_views(loaded)]
    chosen_side = side or max(
        loaded.sides, key=lambda s: (loaded.defenses.get(loaded.other(s)) or _none()).interceptors
    )
    defender = loaded.other(chosen_side)
    levers: dict[str, Any] = {}
    if interceptor_pk is not None:
        levers[f"{defender}.interceptor_pk"] = interceptor_pk
    if discrimination is not None:
        levers[f"{defender}.discrimination"] = discrimination
    curves = []
    counts = [draw_count(loaded, view=v, side=chosen_side, samples=samples) for v in views]
    starts = [sum(counts[:i]) for i in range(len(views))]
    with progress_bar(sum(counts), "belief draws") as progress:
        for i, v in enumerate(views):
            step = None if progress is None else (lambda k, i=i: progress(starts[i] + k))
            curves.append(
                assurance_curves(
                    loaded,
                    view=v,
                    side=chosen_side,
                    confidence=confidence,
                    samples=samples,
                    seed=seed,
                    levers=levers or None,
                    max_interceptors_count=max_interceptors,
                    progress=step,
                )
            )
    data = {
        "scenario": loaded.name,
        "curves": [c.to_dict() for c in curves],
        "provenance": result_provenance(
            loaded,
            seed=seed,
            parameters={
                "side": chosen_side,
                "confidence": confidence,
                "samples": samples,
                "levers": levers,
                "max_interceptors": max_interceptors,
                "views": [v or "as written" for v in views],
            },
        ),
    }
    if plot is not None:
        from stratstab.reports.uncertainty_figures import assurance_figure, save

        path = save(assurance_figure(curves), plot, "assurance-curves.png")
        if not json_output:
            console.print(f"wrote {path}")
    if json_output:
        print_json(data)
    else:
        _print(data)


def _none() -> Any:
    from stratstab.analysis.spec.scenario import DefenseSpec

    return DefenseSpec()
