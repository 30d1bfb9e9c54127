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
from stratstab.exercises.wording import T

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


def _print_run(record: dict, *, lang: str = "en") -> None:
    zh = lang == "zh"
    name = record.get("name_zh") if zh and record.get("name_zh") else record["name"]
    headers = ("回合", "指数", "升级", "风险") if zh else ("turn", "index", "escalation", "risk")
    table = Table(headers[0], *record["actors"], *headers[1:], title=name)
    for turn in record["turns"]:
        moves = [
            f"{(d['label_zh'] if zh and d.get('label_zh') else d['label'])} [{d['score']}]"
            for d in turn["decisions"].values()
        ]
        m = turn["measures"]
        table.add_row(
            str(turn["turn"]),
            *moves,
            f"{m['crisis_stability_index']:.3f}",
            f"{m['escalation_level']:.1f}",
            f"{m['nuclear_use_risk'] * 100:.2f} %",
        )
    console.print(table)
    s = record["summary"]
    peaks = ", ".join(f"{side} {score}" for side, score in s["peak_score"].items())
    damage = ", ".join(f"{side} {v * 100:.1f} %" for side, v in s["damage_end"].items())
    if zh:
        console.print(
            f"结束方式：{T['ended_' + record['ended_by']][1]}，"
            f"共 {record['turns_played']} 回合；最高行动级别 {peaks}；"
            f"指数 {s['index_start']:.3f} → {s['index_end']:.3f}（最低 {s['index_min']:.3f}）；"
            f"全程无人决定的核使用风险 {s['cumulative_risk'] * 100:.2f}%；价值损失 {damage}；"
            f"{s['messages']} 条消息，{s['deadlines_missed']} 次逾期未确认",
            markup=False,
        )
        return
    console.print(
        f"ended by {record['ended_by']} after {record['turns_played']} turns; "
        f"peak scores {peaks}; index {s['index_start']:.3f} -> "
        f"{s['index_end']:.3f} (min {s['index_min']:.3f}); risk of nuclear use nobody chose "
        f"over the run {s['cumulative_risk'] * 100:.2f} %; damage {damage}; "
        f"{s['messages']} messages, {s['deadlines_missed']} acknowledgement deadlines missed",
        markup=False,
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
    lang: Annotated[
        str, typer.Option("--lang", help="Language of the table and the report: en or zh.")
    ] = "en",
    json_output: Json = False,
) -> None:
    """Play an exercise to the end and print (or write) what happened."""
    if lang not in ("en", "zh"):
        error_console.print(f"--lang must be en or zh, got {lang!r}", markup=False)
        raise typer.Exit(2)
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
        paths = write_report(record, report, cited_history=list(loaded.exercise.history), lang=lang)
        note = (
            "" if any(p.suffix == ".pdf" for p in paths) else " (HTML only: no PDF converter found)"
        )
        error_console.print("report: " + ", ".join(str(p) for p in paths) + note, markup=False)
    if json_output:
        print_json(record)
    else:
        _print_run(record, lang=lang)


@app.command("report")
def report_command(
    run_id: Annotated[str, typer.Argument(metavar="RUN", help="Id of a run stored by the web.")],
    out: Annotated[
        Path,
        typer.Option("--out", help="Folder for report.html (and report.pdf where chromium is)."),
    ] = Path("."),
    lang: Annotated[str, typer.Option("--lang", help="Language of the report: en or zh.")] = "en",
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also print a PDF.")] = True,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="SQLAlchemy URL (default: STRATSTAB_DATABASE_URL, else the embedded SQLite file).",
        ),
    ] = None,
) -> None:
    """Write the after-action report of a finished run played through the web workbench.

    The run is rebuilt from the database (set-up, every stored move, the control log),
    so the report is the one the web shows.  This reads the whole run: it is for the
    operator of the workbench, who can read the database anyway.
    """
    if lang not in ("en", "zh"):
        error_console.print(f"--lang must be en or zh, got {lang!r}", markup=False)
        raise typer.Exit(2)
    from stratstab import db
    from stratstab.exercises.store import RunRepository
    from stratstab.web.database import open_database
    from stratstab.web.exercises.runs import RunStore, loaded_exercise

    engine = open_database(db.database_url(database_url))
    store = RunStore(RunRepository(db.make_session_factory(engine)))
    row = store.repository.run(run_id)
    if row is None:
        error_console.print(f"no exercise run {run_id!r} in this database", markup=False)
        raise typer.Exit(2)
    state = store.load(row).state()
    if state.status != "finished":
        error_console.print(
            f"run {run_id} is still at turn {state.turn}: the report is ready once it ends",
            markup=False,
        )
        raise typer.Exit(2)
    cited = list(loaded_exercise(row.exercise_id).exercise.history)
    paths = write_report(state.record(), out, cited_history=cited, lang=lang, pdf=pdf)
    note = "" if any(p.suffix == ".pdf" for p in paths) or not pdf else " (HTML only: no chromium)"
    console.print("report: " + ", ".join(str(p) for p in paths) + note, markup=False)
