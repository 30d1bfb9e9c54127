"""``stratstab assess``: crisis and arms-race stability of a scenario."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from stratstab.analysis.assess import assess as run_assessment
from stratstab.analysis.assess import compare, index_reading
from stratstab.analysis.scenario import list_builtin_scenarios, load_scenario
from stratstab.cli.common import console, print_json

JSON_HELP = (
    "Print the documented JSON report (docs/assess-json.md) instead of tables. "
    "Top-level keys: schema_version, scenario, view, sides, crisis_stability_index, "
    "arms_race_slope_product, arms_race_stable, per_side, cost_curves, provenance."
)

READINGS = {
    "stable": "no side gains by striking first",
    "modest": "a modest first-strike incentive",
    "marked": "a marked first-strike incentive",
}


def _fmt(value: float, digits: int = 0) -> str:
    if value == float("inf"):
        return "∞"
    return f"{value:,.{digits}f}"


def _side_table(report: dict[str, Any]) -> Table:
    sides = report["sides"]
    table = Table(title="Per side", show_lines=False)
    table.add_column("quantity")
    for side in sides:
        table.add_column(side, justify="right")
    rows = [
        ("posture", lambda r: r["posture"]),
        ("deployed strategic warheads", lambda r: _fmt(r["deployed_warheads"])),
        ("interceptors", lambda r: _fmt(r["interceptors"])),
        (
            "counterforce warheads received (other side's stop rule)",
            lambda r: _fmt(r["counterforce_warheads_received"]),
        ),
        (
            "surviving warheads",
            lambda r: f"{_fmt(r['surviving_warheads'])} ({r['surviving_fraction']:.0%})",
        ),
        ("retaliation launched", lambda r: _fmt(r["retaliation_launched"])),
        ("warheads arriving after defenses", lambda r: _fmt(r["arriving_warheads"], 1)),
        ("damage fraction inflicted in retaliation", lambda r: f"{r['damage_fraction']:.2f}"),
        ("C1: cost of striking first", lambda r: f"{r['c1']:.3f}"),
        ("C2: cost of being struck first", lambda r: f"{r['c2']:.3f}"),
        ("C1/C2 (capped at 1)", lambda r: f"{r['stability_ratio']:.3f}"),
        (
            "retaliation requirement (arriving warheads)",
            lambda r: _fmt(r["retaliation_requirement"], 1),
        ),
        (
            "arriving after the other's full counterforce",
            lambda r: _fmt(r["arriving_after_full_counterforce"], 1),
        ),
        ("assured retaliation holds", lambda r: "yes" if r["assured_retaliation"] else "NO"),
        ("required arsenal (warheads)", lambda r: _fmt(r["required_arsenal"])),
        ("reaction slope vs other's arsenal", lambda r: f"{r['reaction_slope_arsenal']:.3f}"),
        (
            "reaction slope vs other's interceptors",
            lambda r: f"{r['reaction_slope_interceptors']:.3f}",
        ),
    ]
    for label, getter in rows:
        table.add_row(label, *[getter(report["per_side"][side]) for side in sides])
    return table


def _survivor_table(report: dict[str, Any], side: str) -> Table:
    other = [s for s in report["sides"] if s != side][0]
    table = Table(title=f"{side} forces after {other}'s counterforce strike")
    for column in ("system", "basing", "deployed", "surviving", "share"):
        table.add_column(column, justify="left" if column in ("system", "basing") else "right")
    for name, row in report["per_side"][side]["survivors"].items():
        share = row["warheads"] / row["deployed_warheads"] if row["deployed_warheads"] else 0.0
        table.add_row(
            name,
            row["basing"],
            _fmt(row["deployed_warheads"]),
            _fmt(row["warheads"]),
            f"{share:.0%}",
        )
    return table


def print_report(report: dict[str, Any]) -> None:
    """Render an assessment report as Rich tables with a one-line reading of the index."""
    view = f" — view: {report['view']}" if report["view"] else ""
    console.rule(f"[bold]{report['scenario']}[/bold]{view}")
    index = report["crisis_stability_index"]
    reading = READINGS[index_reading(index)]
    console.print(f"Crisis-stability index (Kent–Thaler): [bold]{index:.3f}[/bold]  ({reading})")
    stable = "stable" if report["arms_race_stable"] else "UNSTABLE"
    console.print(
        f"Arms-race reaction-slope product: [bold]{report['arms_race_slope_product']:.3f}[/bold]"
        f"  ({stable}: product below 1 is stable)"
    )
    console.print(_side_table(report))
    for side in report["sides"]:
        console.print(_survivor_table(report, side))
    provenance = report["provenance"]
    datasets = ", ".join(f"{k} v{v}" for k, v in provenance["datasets"].items())
    console.print(
        f"[dim]stratstab {provenance['stratstab_version']} · datasets: {datasets} · "
        f"parameters {provenance['parameters_digest']}[/dim]"
    )


def assess(
    scenario: Annotated[
        str | None,
        typer.Argument(help="Scenario file, or a built-in id (default: us-china-2024-baseline)."),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot", help="Write PNG figures (survivors, cost curves, reaction functions) here."
        ),
    ] = None,
    view: Annotated[
        str | None,
        typer.Option("--view", help="Assess under one named assumption set of the scenario."),
    ] = None,
    compare_views: Annotated[
        bool,
        typer.Option(
            "--compare", help="Assess under every assumption set and show them side by side."
        ),
    ] = False,
    list_builtin: Annotated[
        bool, typer.Option("--list", help="List the built-in scenarios.")
    ] = False,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="reference (default): every step in the readable NumPy reference; kernel: "
            "the reaction functions in the compiled kernel (same numbers; loading it costs "
            "about 0.7 s of CPU, more than it saves on a few assessments).",
        ),
    ] = "reference",
) -> None:
    """Assess crisis stability and arms-race stability of a scenario."""
    if list_builtin:
        rows = list_builtin_scenarios()
        if json_output:
            print_json(rows)
            return
        for row in rows:
            console.print(f"[bold]{row['id']}[/bold]  {row['name']}")
        return
    loaded = load_scenario(scenario)
    if compare_views:
        result = compare(loaded, method=method).to_dict()
        if json_output:
            print_json(result)
            return
        for name in result["views"]:
            print_report(result["results"][name])
        return
    assessment = run_assessment(loaded, view, method=method)
    report = assessment.to_dict()
    if plot is not None:
        from stratstab.reports.figures import write_assessment_figures

        paths = write_assessment_figures(assessment, plot)
        if not json_output:
            for path in paths:
                console.print(f"wrote {path}")
    if json_output:
        print_json(report)
    else:
        print_report(report)
