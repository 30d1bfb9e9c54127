"""``stratstab map``: values equal individual assessments; bad axes are one line, exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stratstab.analysis.assessment.assess import assess
from stratstab.analysis.spec.scenario import load_scenario
from stratstab.cli.main import app

STRATSTAB = [str(Path(sys.executable).with_name("stratstab"))]
X = "US.interceptors=0:300:7"
Y = "CN.survivability_mobile=0.1:0.9:5"


def _map(*extra: str) -> dict:
    result = CliRunner().invoke(
        app, ["map", "us-china-2024-baseline", "--x", X, "--y", Y, "--json", *extra]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("metric", ["crisis", "required-arsenal", "retaliation"])
def test_cells_equal_individual_assessments(metric):
    data = _map("--metric", metric)
    scenario = load_scenario()
    views = list(scenario.assumptions)
    assert [p["view"] for p in data["panels"]][:: 1 if metric == "crisis" else 2] == views
    xs, ys = data["x"]["values"], data["y"]["values"]
    assert len(xs) == 7 and len(ys) == 5
    for panel in data["panels"]:
        for i, j in [(0, 0), (2, 3), (4, 6)]:
            levers = {"US.interceptors": int(xs[j]), "CN.survivability_mobile": ys[i]}
            report = assess(scenario, panel["view"], levers=levers, method="reference").to_dict()
            if metric == "crisis":
                expected = report["crisis_stability_index"]
            else:
                side = report["per_side"][panel["side"]]
                expected = (
                    side["required_arsenal"]
                    if metric == "required-arsenal"
                    else side["arriving_after_full_counterforce"] / side["retaliation_requirement"]
                )
            assert panel["values"][i][j] == pytest.approx(expected, rel=1e-6)


def test_one_view_and_plots(tmp_path):
    result = CliRunner().invoke(
        app,
        ["map", "us-china-2024-baseline", "--x", X, "--y", Y, "--view", "CN-view"]
        + ["--plot", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    assert "CN-view" in result.output and "US-view" not in result.output
    assert [p.name for p in tmp_path.glob("*.png")] == ["map-crisis-CN-view.png"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--x", "CN.arsenal_scale=-1:2:5", "--y", Y], "Arsenal size must be a positive multiple"),
        (["--x", "US.posture=0:1:2", "--y", Y], "cannot be a map axis"),
        (["--x", "XX.interceptors=0:9:2", "--y", Y], "side must be one of US, CN"),
        (["--x", "US.interceptors=0:100", "--y", Y], "expected LEVER=start:stop:steps"),
        (["--x", "US.interceptors=0:100:1", "--y", Y], "steps must be a whole number"),
        (["--x", X, "--y", X], "same lever"),
        (["--x", X, "--y", Y, "--metric", "cost"], "--metric must be one of"),
        (["--x", X, "--y", Y, "--view", "nobody"], "nobody"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message):
    done = subprocess.run(
        [*STRATSTAB, "map", "us-china-2024-baseline", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
