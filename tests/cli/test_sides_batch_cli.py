"""``stratstab sweep`` and ``stratstab uncertainty`` among three sides (the reference
path): outputs named per pair and side, a sweep point equal to ``assess``, bad levers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

import stratstab
from stratstab.analysis.assessment.assess import assess
from stratstab.analysis.spec.outputs import sides_output_names
from stratstab.analysis.spec.scenario import load_builtin_scenario
from stratstab.cli.main import app

THREE = "us-china-russia-2024"
STRATSTAB = [str(Path(sys.executable).with_name("stratstab"))]


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_a_sweep_point_equals_assess_with_the_same_levers(tmp_path):
    out = tmp_path / "three.parquet"
    result = run(
        "sweep",
        THREE,
        "--vary",
        "RU.arsenal_scale=0.7,1.3",
        "--vary",
        "US.interceptors=100:100:1",
        "--view",
        "CN-view",
        "--seed",
        "3",
        "--out",
        out,
        "--json",
        "--plot",
        tmp_path / "figs",
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["rows"] == 2 and summary["chunks"] == 1  # three-sided chunks: 2 rows
    assert summary["evaluations_per_second"] > 0
    figures = {Path(p).name for p in summary["figures"]}
    assert "heatmap_RU_required_arsenal__RU_arsenal_scale__US_interceptors.png" in figures
    frame = pq.read_table(out).to_pandas()
    names = sides_output_names(("US", "CN", "RU"))
    assert list(frame.columns[-len(names) :]) == names
    assert "US-CN.crisis_stability_index" in names and "CN.reaction_slope_arsenal.US" in names
    scenario = load_builtin_scenario(THREE)
    for _, row in frame.iterrows():
        levers = {"RU.arsenal_scale": row["RU.arsenal_scale"], "US.interceptors": 100}
        expected = assess(scenario, "CN-view", levers=levers).headline()
        assert {name: row[name] for name in names} == expected  # exactly, not approximately


def test_crisis_sweep_from_python_names_pairs(tmp_path):
    frame = stratstab.sweep(
        load_builtin_scenario(THREE), ["CN.survivability_mobile=0.2:0.8:3"], outputs="crisis"
    )
    assert len(frame) == 3
    assert "RU>CN.c2" in frame and "arms_race_spectral_radius" not in frame
    indices = frame["US-CN.crisis_stability_index"]
    assert indices.is_monotonic_increasing  # survivable Chinese forces never lower it
    pairs = frame[
        [f"{a}-{b}.crisis_stability_index" for a, b in (("US", "CN"), ("US", "RU"), ("CN", "RU"))]
    ]
    assert (frame["crisis_stability_index"] <= pairs.min(axis=1) + 1e-12).all()


def test_a_lever_of_an_unknown_side_is_one_line_and_exit_2(tmp_path):
    for command in (
        ["sweep", THREE, "--vary", "FR.arsenal_scale=1,2", "--out", str(tmp_path / "x.parquet")],
        ["sweep", THREE, "--vary", "RU.survivability_mobile=0.5:1.5:3"],
    ):
        completed = subprocess.run(
            [*STRATSTAB, *command], capture_output=True, text=True, cwd=tmp_path
        )
        assert completed.returncode == 2, completed.stderr
        lines = completed.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:"), completed.stderr


def test_uncertainty_among_three_sides(tmp_path):
    result = run(
        "uncertainty",
        THREE,
        "--samples",
        2,
        "--sobol-samples",
        0,
        "--seed",
        4,
        "--json",
        "--plot",
        tmp_path,
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["views"] == ["US-view", "CN-view"] and report["samples"] == 2
    outputs = report["per_view"]["US-view"]["outputs"]
    assert {"US-RU.crisis_stability_index", "RU.required_arsenal"} <= set(outputs)
    assert set(report["per_view"]["CN-view"]["p_assured_retaliation"]) == {"US", "CN", "RU"}
    written = assess(load_builtin_scenario(THREE)).headline()
    assert report["actual"] == written
    assert (tmp_path / "uncertainty-distributions.png").exists()
