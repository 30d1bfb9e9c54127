"""The ``stratstab exercise`` commands: list, run, JSON, reports, human player, bad input."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from stratstab.cli.main import app
from tests.waiting import HANG_GUARD_S

runner = CliRunner()


def test_list_json_has_ids():
    result = runner.invoke(app, ["exercise", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) >= 4 and all("id" in row and "name" in row for row in rows)


def test_run_json_is_deterministic():
    args = [
        "exercise",
        "run",
        "early-warning-satellite-loss",
        "--players",
        "US=hawkish,CN=tit-for-tat",
        "--seed",
        "5",
        "--turns",
        "4",
        "--json",
    ]
    first, second = runner.invoke(app, args), runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    record = json.loads(first.stdout)
    assert record["players"] == {"US": "hawkish", "CN": "tit-for-tat"}
    assert record["turns_played"] == 4


def test_human_player_through_prompts():
    # Turn 1: an invalid answer first, then option 1, a reason, and a query.
    answers = "99\n1\nWe want the crew found.\nquery\nWhat are your ships doing?\n" + "1\n\n\n" * 2
    result = runner.invoke(
        app,
        ["exercise", "run", "maritime-incident", "--players", "US=human", "--turns", "3", "--json"],
        input=answers,
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout[result.stdout.index("{\n") :])
    assert record["turns"][0]["decisions"]["US"]["reason"] == "We want the crew found."
    assert record["channel_log"][0]["kind"] == "query"


def test_report_written(tmp_path):
    result = runner.invoke(
        app,
        [
            "exercise",
            "run",
            "nc3-cyber-intrusion",
            "--turns",
            "2",
            "--report",
            str(tmp_path / "aar"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "aar" / "report.html").exists()


def test_malformed_scenario_file_one_line_exit_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\nsetting: y\nactors: {US: {name: U, objectives: [a]}, "
        "CN: {name: C, objectives: [b]}}\nactions:\n  - {id: a, label: A, rung: up}\n"
        "  - {id: b, label: B, rung: posturing}\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "stratstab", "exercise", "run", str(bad)],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert "bad.yaml" in lines[0] and "actions[0].rung" in lines[0]


def test_bad_players_and_unknown_scenario():
    result = runner.invoke(app, ["exercise", "run", "maritime-incident", "--players", "RU=hawkish"])
    assert result.exit_code != 0
    result = runner.invoke(app, ["exercise", "run", "no-such-exercise"])
    assert result.exit_code != 0
