"""``stratstab forces``: list and show the cited force datasets.

Thin commands over :mod:`stratstab.forces`: load, then print a Rich table or JSON.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from stratstab.cli.common import console, print_json
from stratstab.forces import (
    Dataset,
    Estimate,
    InventoryDataset,
    list_datasets,
    load_dataset,
)
from stratstab.forces.estimate import Source

app = typer.Typer(
    help="Cited force datasets: list them, show one by system with its sources.",
    no_args_is_help=True,
)

ASSUMPTION_MARK = "†"


class EstimateChoice(StrEnum):
    """Which value of each estimate the table shows."""

    low = "low"
    central = "central"
    high = "high"


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@app.command("list")
def list_command(json_output: JsonOpt = False) -> None:
    """List the built-in datasets: id, kind, country, title, as-of date, systems, warheads.

    With --json: an array of objects with keys id, kind, country, title, as_of,
    version, systems (delivery systems, or states for an inventory) and
    total_warheads (stockpile, or the world total for an inventory).
    """
    summaries = list_datasets()
    if json_output:
        print_json(
            [
                {
                    "id": s.id,
                    "kind": s.kind,
                    "country": s.country,
                    "title": s.title,
                    "as_of": s.as_of.isoformat(),
                    "version": s.version,
                    "systems": s.systems,
                    "total_warheads": s.total_warheads,
                }
                for s in summaries
            ]
        )
        return
    table = Table(title="Built-in force datasets", title_justify="left")
    for column in ("id", "kind", "country"):
        table.add_column(column, no_wrap=True)
    table.add_column("title")
    table.add_column("as of", no_wrap=True)
    table.add_column("systems", justify="right")
    table.add_column("warheads", justify="right")
    for s in summaries:
        table.add_row(
            s.id,
            s.kind,
            s.country or "—",
            s.title,
            s.as_of.isoformat(),
            str(s.systems),
            _number(s.total_warheads),
        )
    console.print(table)
    console.print("Show one with: stratstab forces show ID  (systems = states for inventories)")


@app.command("show")
def show_command(
    dataset: Annotated[str, typer.Argument(help="Built-in dataset id or path to a YAML file.")],
    json_output: JsonOpt = False,
    estimate: Annotated[
        EstimateChoice,
        typer.Option("--estimate", help="Which value of each estimate the table shows."),
    ] = EstimateChoice.central,
) -> None:
    """Show a dataset: one row per delivery system (or state), then its numbered sources.

    With --json: the full validated dataset as stored (every estimate with central,
    low, high, source, assumption and basis; the sources list; totals), whatever
    --estimate says. Its keys are the field names of the YAML schema.
    """
    loaded = load_dataset(dataset)
    if json_output:
        print_json(loaded.model_dump(mode="json"))
        return
    which = estimate.value
    console.print(f"[bold]{loaded.title}[/bold]")
    country = f" · country {loaded.country}" if isinstance(loaded, Dataset) else ""
    console.print(
        f"id {loaded.id} · version {loaded.version} · as of {loaded.as_of.isoformat()}"
        f"{country} · showing {which} estimates"
    )
    if isinstance(loaded, Dataset):
        _posture_table(loaded, which)
        _totals(loaded, which)
    else:
        _inventory_table(loaded, which)
    _sources(loaded.sources)


def _number(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.3g}" if abs(value) >= 1 else f"{value:.2f}"


def _cell(estimate: Estimate | None, which: str) -> str:
    if estimate is None:
        return "—"
    mark = ASSUMPTION_MARK if estimate.assumption else ""
    return _number(estimate.value(which)) + mark  # type: ignore[arg-type]


# Two tables rather than one wide one, so that each fits an 80-column terminal.
_FORCE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("launchers", "launchers"),
    ("warheads_per_launcher", "warheads/ launcher"),
    ("deployed_warheads", "deployed"),
    ("stored_warheads", "stored"),
    ("yield_kt", "yield kt"),
)
_TARGETING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("cep_m", "CEP m"),
    ("reliability", "relia- bility"),
    ("hardness_psi", "silo psi"),
    ("aim_points", "aim points"),
    ("home_hardness_psi", "home psi"),
    ("survivability.day_to_day", "surv. d2d"),
    ("survivability.generated", "surv. gen"),
)
_BASING_SHORT = {"road-mobile": "road", "rail-mobile": "rail"}


def _system_table(
    dataset: Dataset, which: str, title: str, columns: tuple[tuple[str, str], ...]
) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("system")
    table.add_column("basing")
    for _, header in columns:
        table.add_column(header, justify="right")
    for system in dataset.systems:
        name = system.name if system.strategic else f"{system.name} (non-strategic)"
        cells = [_cell(system.estimate(field), which) for field, _ in columns]
        table.add_row(name, _BASING_SHORT.get(system.basing, system.basing), *cells)
    return table


def _posture_table(dataset: Dataset, which: str) -> None:
    console.print(_system_table(dataset, which, "Forces", _FORCE_COLUMNS))
    console.print(_system_table(dataset, which, "Accuracy and vulnerability", _TARGETING_COLUMNS))
    console.print(
        f"{ASSUMPTION_MARK} assumption: an unpublished value (accuracy, hardness, reliability, "
        "survivability, splits) following the public estimate named in its basis (see --json). "
        "silo psi: silo hardness; home psi: hardness of garrisons, ports or bases; "
        "surv.: share of launchers away from their aim points, day-to-day (d2d) and generated."
    )


def _totals(dataset: Dataset, which: str) -> None:
    totals = dataset.totals
    summed = dataset.deployed_warheads(which)  # type: ignore[arg-type]
    parts = [f"deployed warheads summed over systems: {_number(summed)}"]
    if totals is not None:
        for name in ("stockpile", "deployed", "stored", "retired"):
            parts.append(f"{name} {_cell(getattr(totals, name), which)}")
    console.print("Totals: " + "; ".join(parts))


def _inventory_table(dataset: InventoryDataset, which: str) -> None:
    table = Table(title_justify="left")
    table.add_column("state")
    table.add_column("code")
    for header in ("deployed", "stored", "retired", "total", "previous year"):
        table.add_column(header, justify="right")
    rows = list(dataset.states) + ([dataset.world] if dataset.world else [])
    for row in rows:
        cells = [
            _cell(getattr(row, name), which) if getattr(row, name) else _missing(row.notes, name)
            for name in ("deployed", "stored", "retired", "total", "total_previous_year")
        ]
        table.add_row(row.state, row.code, *cells)
    console.print(table)
    console.print("–  nil or a negligible number;  ..  not applicable or not available")


def _missing(notes: str | None, field: str) -> str:
    """The source's own symbol for a missing value, as recorded in the row's notes."""
    return ".." if notes and f"{field}: '..'" in notes else "–"


def _sources(sources: list[Source]) -> None:
    console.print("[bold]Sources[/bold]")
    for number, source in enumerate(sources, start=1):
        doi = f" doi:{source.doi}" if source.doi else ""
        where = (
            f" published {source.published}.{doi} {source.url} (accessed {source.accessed})"
            if source.url
            else ""
        )
        console.print(
            f"[{number}] {source.key}: {source.citation.short()} {source.citation.publisher}."
            + where,
            markup=False,
        )
