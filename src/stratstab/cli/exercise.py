"""``stratstab exercise``: tabletop crisis exercises adjudicated by the assessment models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from stratstab.cli.common import console, error_console, print_json
from stratstab.exercises import build_players, list_exercises, load_exercise, parse_players
from stratstab.exercises.engine import ExerciseModel
from stratstab.exercises.report import write_report

app = typer.Typer(
    help="Tabletop crisis exercises with a risk-reduction channel.", no_args_is_help=True
)

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


@app.command("list")
def list_command(json_output: Json = False) -> None:
    """List the built-in exercise scenarios."""
    rows = list_exercises()
    if json_output:
        print_json(rows)
        return
    table = Table("id", "name", "turns", "sides")
    for row in rows:
        table.add_row(row["id"], row["name"], str(row["turns"]), " vs ".join(row["sides"]))
    console.print(table)


def _print_run(record: dict) -> None:
    table = Table("turn", *record["actors"], "index", title=record["name"])
    for turn in record["turns"]:
        moves = [f"{d['label']} [{d['score']}]" for d in turn["decisions"].values()]
        table.add_row(str(turn["turn"]), *moves, f"{turn['reading']['crisis_stability_index']:.3f}")
    console.print(table)
    s = record["summary"]
    console.print(
        f"ended by {record['ended_by']} after {record['turns_played']} turns; "
        f"peak scores {s['peak_score']}; index {s['index_start']:.3f} -> "
        f"{s['index_end']:.3f} (min {s['index_min']:.3f}); {s['messages']} messages, "
        f"{s['deadlines_missed']} acknowledgement deadlines missed"
    )


@app.command("run")
def run_command(
    scenario: Annotated[str, typer.Argument(help="Built-in exercise id or a YAML file.")],
    players: Annotated[
        str | None,
        typer.Option(
            "--players",
            help="SIDE=PLAYER,... with PLAYER cautious, hawkish, tit-for-tat, human "
            "or llm:URL (OpenAI-compatible endpoint). Default: tit-for-tat.",
        ),
    ] = None,
    turns: Annotated[
        int | None,
        typer.Option("--turns", min=1, max=50, help="Turns to play (default: the scenario's)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed for injects and ties.")] = 0,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Write the after-action report (HTML, and PDF if chromium exists) here.",
        ),
    ] = None,
    llm_model: Annotated[
        str, typer.Option("--llm-model", help="Model name sent to llm:URL.")
    ] = "default",
    llm_timeout_s: Annotated[
        float, typer.Option("--llm-timeout", min=0.1, help="Seconds to wait per LLM reply.")
    ] = 30.0,
    json_output: Json = False,
) -> None:
    """Play an exercise to the end and print (or write) what happened."""
    loaded = load_exercise(scenario)
    kinds = parse_players(players, sides=loaded.exercise.sides)
    built = build_players(
        kinds,
        seed=seed,
        prompt=lambda text: typer.prompt(text, default="", show_default=False),
        show=error_console.print if json_output else console.print,
        llm_model=llm_model,
        llm_timeout_s=llm_timeout_s,
    )
    record = ExerciseModel(loaded, built, seed=seed, turns=turns).run().to_dict()
    if report is not None:
        paths = write_report(record, report, cited_history=list(loaded.exercise.history))
        note = (
            "" if any(p.suffix == ".pdf" for p in paths) else " (HTML only: no PDF converter found)"
        )
        error_console.print("report: " + ", ".join(str(p) for p in paths) + note, markup=False)
    if json_output:
        print_json(record)
    else:
        _print_run(record)
