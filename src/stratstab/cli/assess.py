"""``stratstab assess``: crisis and arms-race stability of a scenario."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.table import Table

from stratstab.analysis.assessment.assess import assess as run_assessment
from stratstab.analysis.assessment.assess import compare
from stratstab.analysis.spec.outputs import index_reading, stability_effect
from stratstab.analysis.spec.scenario import list_builtin_scenarios, load_scenario
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


#: Rows of the per-side table: (key in the report, label, how the value is written).
#: Kinds: "count" (0 decimals), "count1" (1 decimal), "share2"/"ratio3" (2/3 decimals),
#: "yesno" and "text".
SIDE_ROWS: tuple[tuple[str, str, str], ...] = (
    ("posture", "posture", "text"),
    ("deployed_warheads", "deployed strategic warheads", "count"),
    ("interceptors", "interceptors", "count"),
    (
        "counterforce_warheads_received",
        "counterforce warheads received (other side's stop rule)",
        "count",
    ),
    ("surviving_warheads", "surviving warheads", "count"),
    ("retaliation_launched", "retaliation launched", "count"),
    ("arriving_warheads", "warheads arriving after defenses", "count1"),
    ("damage_fraction", "damage fraction inflicted in retaliation", "share2"),
    ("c1", "C1: cost of striking first", "ratio3"),
    ("c2", "C2: cost of being struck first", "ratio3"),
    ("stability_ratio", "C1/C2 (capped at 1)", "ratio3"),
    ("retaliation_requirement", "retaliation requirement (arriving warheads)", "count1"),
    ("arriving_after_full_counterforce", "arriving after the other's full counterforce", "count1"),
    ("assured_retaliation", "assured retaliation holds", "yesno"),
    ("required_arsenal", "required arsenal (warheads)", "count"),
    ("reaction_slope_arsenal", "reaction slope vs other's arsenal", "ratio3"),
    ("reaction_slope_interceptors", "reaction slope vs other's interceptors", "ratio3"),
)
DIGITS = {"count": 0, "count1": 1, "share2": 2, "ratio3": 3}


def _value(value: Any, kind: str) -> str:
    if kind == "text":
        return str(value)
    if kind == "yesno":
        return "yes" if value else "NO"
    return _fmt(float(value), DIGITS[kind])


def _side_table(report: dict[str, Any]) -> Table:
    sides = report["sides"]
    table = Table(title="Per side", show_lines=False)
    table.add_column("quantity")
    for side in sides:
        table.add_column(side, justify="right")
    for key, label, kind in SIDE_ROWS:
        cells = []
        for side in sides:
            row = report["per_side"][side]
            cell = _value(row[key], kind)
            if key == "surviving_warheads":
                cell += f" ({row['surviving_fraction']:.0%})"
            layers = row.get("interceptors_by_layer", [])
            if key == "interceptors" and len(layers) > 1:
                cell = " + ".join(_value(count, kind) for count in layers)
            cells.append(cell)
        table.add_row(label, *cells)
    return table


EFFECT_STYLE = {"better": "green", "worse": "red", "neutral": ""}


def _difference(key: str, new: Any, base: Any, kind: str) -> str:
    """New minus base, coloured by what it means for stability (not by its sign)."""
    if kind == "text":
        return "" if new == base else f"{base} → {new}"
    if kind == "yesno":
        if bool(new) == bool(base):
            return ""
        effect = stability_effect(key, float(bool(new)) - float(bool(base)))
        return f"[{EFFECT_STYLE[effect]}]{'now holds' if new else 'no longer holds'} ({effect})[/]"
    difference = float(new) - float(base)
    if not math.isfinite(difference):
        return "" if new == base else "∞"
    if difference == 0:
        return "0"
    if round(difference, DIGITS[kind]) == 0:
        return "≈0"  # a change below the shown precision
    effect = stability_effect(key, difference, scale=max(abs(float(new)), abs(float(base))))
    text = f"{difference:+,.{DIGITS[kind]}f}"
    return text if effect == "neutral" else f"[{EFFECT_STYLE[effect]}]{text} ({effect})[/]"


def comparison_table(result: dict[str, Any]) -> Table:
    """One table: every view's numbers side by side and each view's difference from the
    first, coloured by better (green) or worse (red) for stability."""
    views = result["views"]
    reports = [result["results"][view] for view in views]
    first = reports[0]
    table = Table(title=f"{first['scenario']}: {' vs '.join(views)}")
    table.add_column("quantity")
    for view in views:
        table.add_column(view, justify="right")
    for view in views[1:]:
        table.add_column(f"{view} − {views[0]}", justify="right")
    overall = (
        ("crisis_stability_index", "crisis-stability index (Kent–Thaler)", "ratio3"),
        ("arms_race_slope_product", "arms-race reaction-slope product", "ratio3"),
    )
    for number, (key, label, kind) in enumerate(overall):
        values = [report[key] for report in reports]
        diffs = [_difference(key, value, values[0], kind) for value in values[1:]]
        table.add_row(label, *[_value(v, kind) for v in values], *diffs,
                      end_section=number == len(overall) - 1)  # fmt: skip
    for side in first["sides"]:
        for number, (key, label, kind) in enumerate(SIDE_ROWS):
            values = [report["per_side"][side][key] for report in reports]
            diffs = [_difference(key, value, values[0], kind) for value in values[1:]]
            table.add_row(f"{side} · {label}", *[_value(v, kind) for v in values], *diffs,
                          end_section=number == len(SIDE_ROWS) - 1)  # fmt: skip
    return table


def print_comparison(result: dict[str, Any]) -> None:
    """The comparison table with its legend and provenance."""
    console.print(comparison_table(result))
    console.print(
        "Differences are read for stability, not by sign: [green]better[/] or [red]worse[/] "
        "(e.g. a higher crisis-stability index is better, a higher required arsenal worse; "
        "directions: stratstab.analysis.spec.outputs)."
    )


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
    if report.get("reaction_slopes") == "derivative":
        console.print("Reaction slopes: point derivatives (implicit differentiation)")
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
    slopes: Annotated[
        Literal["secant", "derivative"],
        typer.Option(
            "--slopes",
            help="secant (default): reaction slopes over +-10 % of the other side's arsenal "
            "and a tenth of its interceptors; derivative: point derivatives by implicit "
            "differentiation (see docs/models.md). Two-sided scenarios.",
        ),
    ] = "secant",
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
        result = compare(loaded, method=method, slopes=slopes).to_dict()
        if json_output:
            print_json(result)
            return
        if len(loaded.sides) > 2:
            from stratstab.cli.assess_sides import print_sides_comparison

            print_sides_comparison(result)
            return
        print_comparison(result)
        return
    assessment = run_assessment(loaded, view, method=method, slopes=slopes)
    report = assessment.to_dict()
    if plot is not None:
        from stratstab.reports.figures import write_assessment_figures

        paths = write_assessment_figures(assessment, plot)
        if not json_output:
            for path in paths:
                console.print(f"wrote {path}")
    if json_output:
        print_json(report)
    elif len(report["sides"]) > 2:
        from stratstab.cli.assess_sides import print_sides_report

        print_sides_report(report)
    else:
        print_report(report)
