"""``stratstab forces list|show``: text, JSON and errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from stratstab.cli.main import app, main
from tests.waiting import HANG_GUARD_S

runner = CliRunner()


def _run(*args: str):
    result = runner.invoke(app, ["forces", *args], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    return result.output


def test_list_text_shows_every_dataset():
    output = _run("list")
    for dataset_id in ("us-2024", "china-2024", "russia-2024", "sipri-2024"):
        assert dataset_id in output
    assert "3,708" in output and "12,121" in output


def test_list_json():
    data = json.loads(_run("list", "--json"))
    by_id = {d["id"]: d for d in data}
    assert by_id["china-2024"] == {
        "id": "china-2024",
        "kind": "posture",
        "country": "CN",
        "title": "Chinese nuclear forces, 2024",
        "as_of": "2024-01-15",
        "version": "2024.1",
        "systems": 13,
        "total_warheads": 500.0,
    }


def test_show_text_has_systems_assumption_marks_and_sources():
    output = _run("show", "us-2024")
    assert "Minuteman III" in output and "B-52H" in output
    assert "†" in output and "assumption" in output
    assert "[1] fas-us-2024" in output
    assert "1,770" in output  # deployed total


def test_show_estimate_changes_the_numbers():
    central = _run("show", "china-2024")
    high = _run("show", "china-2024", "--estimate", "high")
    assert "showing high estimates" in high and "showing central estimates" in central
    assert central != high


def test_show_inventory_uses_sipri_symbols():
    output = _run("show", "sipri-2024")
    assert "North Korea" in output and ".." in output and "–" in output


def test_show_json_is_the_full_dataset(minimal, write_yaml):
    data = json.loads(_run("show", "china-2024", "--json"))
    assert data["id"] == "china-2024" and data["kind"] == "posture"
    df41 = next(s for s in data["systems"] if s["name"] == "DF-41")
    assert df41["survivability"]["day_to_day"]["low"] == 0.1
    assert df41["cep_m"]["assumption"] is True and df41["cep_m"]["basis"]
    path = write_yaml(minimal)
    assert json.loads(_run("show", str(path), "--json"))["id"] == "tiny"


def _main(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """Run the real entry point (with its error handling) in-process."""
    monkeypatch.setattr(sys, "argv", ["stratstab", "forces", *args])
    with pytest.raises(SystemExit) as info:
        main()
    captured = capsys.readouterr()
    return int(info.value.code or 0), captured.out, captured.err


def test_unknown_id_is_one_line_and_exit_2(monkeypatch, capsys):
    code, out, err = _main(monkeypatch, capsys, "show", "china-2099")
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "china-2024" in lines[0] and "Traceback" not in err


def test_bad_file_is_one_line_naming_file_and_field(monkeypatch, capsys, minimal, write_yaml):
    minimal["systems"][0]["reliability"]["central"] = 1.5
    path = write_yaml(minimal)
    code, _, err = _main(monkeypatch, capsys, "show", str(path))
    assert code == 2
    assert str(path) in err and "systems[0].reliability" in err and "at most 1" in err
    assert "Traceback" not in err


def test_module_entry_point_exits_2_on_unknown_id():
    result = subprocess.run(
        [sys.executable, "-m", "stratstab", "forces", "show", "nope"],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert result.returncode == 2 and "nope" in result.stderr and "Traceback" not in result.stderr


def test_bad_estimate_choice_is_a_usage_error():
    result = runner.invoke(app, ["forces", "show", "us-2024", "--estimate", "best"])
    assert result.exit_code == 2
