"""Tables of ``stratstab assess`` for scenarios of three or more sides."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from stratstab.analysis.spec.outputs import index_reading
from stratstab.cli.assess import READINGS, _difference, _value
from stratstab.cli.common import console


def _cell(value: Any, kind: str) -> str:
    return "—" if value is None else _value(value, kind)


def sides_rows(report: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    """Every number of an N-sided report as (direction key, label, kind, value) rows."""
    rows: list[tuple[str, str, str, Any]] = [
        ("crisis_stability_index", "system crisis-stability index (lowest pair)", "ratio3",
         report["crisis_stability_index"]),
        ("arms_race_spectral_radius", "arms-race spectral radius", "ratio3",
         report["arms_race_spectral_radius"]),
    ]  # fmt: skip
    for entry in report["pair_indices"]:
        a, b = entry["sides"]
        rows.append(
            ("crisis_stability_index", f"index {a}–{b}", "ratio3", entry["crisis_stability_index"])
        )
    for pair in report["pairs"]:
        label = f"{pair['striker']} vs {pair['victim']}"
        rows.append(("c1", f"{label}: C1 (striking first)", "ratio3", pair["c1"]))
        rows.append(("c2", f"{label}: C2 (struck first)", "ratio3", pair["c2"]))
    for side in report["sides"]:
        row = report["per_side"][side]
        rows += [
            ("deployed_warheads", f"{side} · deployed strategic warheads", "count",
             row["deployed_warheads"]),
            ("interceptors", f"{side} · interceptors", "count", row["interceptors"]),
            ("required_arsenal", f"{side} · required arsenal", "count", row["required_arsenal"]),
            ("required_arsenal_simultaneous", f"{side} · required, all strike at once", "count",
             row["required_arsenal_simultaneous"]),
        ]  # fmt: skip
        for other, value in row["required_arsenal_sequential"].items():
            rows.append(
                ("required_arsenal_sequential", f"{side} · required, {other} strikes first",
                 "count", value)
            )  # fmt: skip
        rows += [
            ("posture", f"{side} · requirement driven by", "text", row["requirement_driver"]),
            ("posture", f"{side} · binding case", "text", row["binding_case"]),
            ("assured_retaliation", f"{side} · assured retaliation holds", "yesno",
             row["assured_retaliation"]),
        ]  # fmt: skip
        for other, value in row["reaction_slope_arsenal"].items():
            rows.append(("reaction_slope_arsenal", f"{side} · slope vs {other}'s arsenal",
                         "ratio3", value))  # fmt: skip
        for other, value in row["reaction_slope_interceptors"].items():
            rows.append(("reaction_slope_interceptors",
                         f"{side} · slope vs {other}'s interceptors", "ratio3", value))  # fmt: skip
    return rows


def print_sides_report(report: dict[str, Any]) -> None:
    """Render an N-sided assessment: the system index, every pair, every side."""
    view = f" — view: {report['view']}" if report["view"] else ""
    console.rule(f"[bold]{report['scenario']}[/bold]{view}")
    index = report["crisis_stability_index"]
    weakest = "–".join(report["weakest_pair"])
    console.print(
        f"System crisis-stability index (lowest pair, {weakest}): [bold]{index:.3f}[/bold]"
        f"  ({READINGS[index_reading(index)]})"
    )
    stable = "stable" if report["arms_race_stable"] else "UNSTABLE"
    console.print(
        f"Arms-race spectral radius: [bold]{report['arms_race_spectral_radius']:.3f}[/bold]"
        f"  ({stable}: below 1 is stable)"
    )
    pairs = Table(title="Every ordered pair (C1: striker's cost of going first; C2: its cost "
                  "when the victim goes first)")  # fmt: skip
    for column in ("striker", "victim", "pair index", "C1", "C2", "C1/C2", "counterforce"):
        pairs.add_column(column, justify="left" if column in ("striker", "victim") else "right")
    for pair in report["pairs"]:
        pairs.add_row(
            pair["striker"],
            pair["victim"],
            f"{pair['crisis_stability_index']:.3f}",
            f"{pair['c1']:.3f}",
            f"{pair['c2']:.3f}",
            f"{pair['stability_ratio']:.3f}",
            f"{pair['counterforce_warheads']:,.0f}",
        )
    console.print(pairs)
    table = Table(title="Per side")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    for _, label, kind, value in sides_rows(report)[2 + len(report["pair_indices"]) :]:
        if " · " in label:
            table.add_row(label, _cell(value, kind))
    console.print(table)
    provenance = report["provenance"]
    datasets = ", ".join(f"{k} v{v}" for k, v in provenance["datasets"].items())
    console.print(
        f"[dim]stratstab {provenance['stratstab_version']} · datasets: {datasets} · "
        f"parameters {provenance['parameters_digest']}[/dim]"
    )


def print_sides_comparison(result: dict[str, Any]) -> None:
    """Every view of an N-sided scenario side by side, with differences from the first."""
    views = result["views"]
    rows = [sides_rows(result["results"][view]) for view in views]
    table = Table(title=f"{result['results'][views[0]]['scenario']}: {' vs '.join(views)}")
    table.add_column("quantity")
    for view in views:
        table.add_column(view, justify="right")
    for view in views[1:]:
        table.add_column(f"{view} − {views[0]}", justify="right")
    for number, (key, label, kind, base) in enumerate(rows[0]):
        values = [view_rows[number][3] for view_rows in rows]
        diffs = [_difference(key, value, base, kind) for value in values[1:]]
        table.add_row(label, *[_cell(v, kind) for v in values], *diffs)
    console.print(table)
    console.print(
        "Differences are read for stability, not by sign: [green]better[/] or [red]worse[/]."
    )
