"""CLI: stratstab uncertainty, transparency and assurance."""

import json

import pytest
from typer.testing import CliRunner

from stratstab.cli.main import app

SCENARIO = """
name: cli test
forces:
  US: {dataset: us-2024}
  CN: {dataset: china-2024}
counterforce_levels: 11
defenses:
  US: {interceptors: 44, interceptor_pk: 0.5}
beliefs:
  US-view:
    CN.survivability_mobile: {dist: uniform, low: 0.4, high: 0.7}
  CN-view:
    CN.survivability_mobile: {dist: uniform, low: 0.1, high: 0.3}
    US.interceptors: {dist: discrete, values: [44, 100]}
"""


@pytest.fixture()
def scenario_file(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_uncertainty_json_is_reproducible_and_has_provenance(scenario_file, tmp_path):
    args = (
        "uncertainty",
        scenario_file,
        "--samples",
        6,
        "--sobol-samples",
        4,
        "--seed",
        3,
        "--json",
    )
    first, second = run(*args), run(*args)
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["provenance"]["seed"] == 3
    assert set(data["per_view"]) == {"US-view", "CN-view"}
    assert "gap" in data["gaps"]["crisis_stability_index"]
    plot = run(
        "uncertainty", scenario_file, "--samples", 4, "--sobol-samples", 2, "--plot", tmp_path / "p"
    )
    assert plot.exit_code == 0, plot.output
    assert (tmp_path / "p" / "uncertainty-distributions.png").stat().st_size > 0


def test_transparency_package_and_study(scenario_file, tmp_path):
    one = run(
        "transparency", scenario_file, "--package", "CN:base-locations", "--samples", 4, "--json"
    )
    assert one.exit_code == 0, one.output
    data = json.loads(one.stdout)
    assert data["package"]["cost"]["CN"] > 0
    assert set(data["spread"]) == {"US-view", "CN-view"}
    study = run("transparency", scenario_file, "--max-measures", 1, "--plot", tmp_path / "p")
    assert study.exit_code == 0, study.output
    assert "Gradual sequence" in study.output
    assert (tmp_path / "p" / "transparency-pareto.png").exists()


def test_assurance(scenario_file, tmp_path):
    result = run(
        "assurance",
        scenario_file,
        "--samples",
        3,
        "--max-interceptors",
        200,
        "--json",
        "--plot",
        tmp_path / "p",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [c["view"] for c in data["curves"]] == ["as written", "US-view", "CN-view"]
    assert data["curves"][0]["side"] == "CN"
    assert (tmp_path / "p" / "assurance-curves.png").exists()


def test_bad_input_is_one_line_exit_2(scenario_file):
    import subprocess
    import sys

    from stratstab.cli.main import main  # noqa: F401 (the error path lives in main)

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "stratstab",
            "transparency",
            str(scenario_file),
            "--package",
            "CN:nothing",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "nothing" in proc.stderr


def test_assurance_progress_counts_every_draw_and_ends_full(scenario_file, monkeypatch):
    """The bar's total is the draws actually evaluated (one for the scenario as written,
    --samples per view with beliefs), so it moves steadily and ends at 100 %."""
    import contextlib

    from stratstab.cli import assurance as command

    seen: dict[str, list[int]] = {"total": [], "done": []}

    @contextlib.contextmanager
    def recording_bar(total, label, **_):
        seen["total"].append(total)
        yield seen["done"].append

    monkeypatch.setattr(command, "progress_bar", recording_bar)
    result = run("assurance", scenario_file, "--samples", 3, "--max-interceptors", 50, "--json")
    assert result.exit_code == 0, result.output
    assert seen["total"] == [1 + 3 + 3]
    assert seen["done"] == sorted(seen["done"]) and seen["done"][-1] == 7


def test_too_few_sobol_samples_are_flagged_in_json_table_and_figure(scenario_file, tmp_path):
    """Two or more uncertain parameters and a tiny design: the drivers cannot be ranked,
    and the JSON, the printed table and the figure say so."""
    args = ("uncertainty", scenario_file, "--samples", 4, "--sobol-samples", 2, "--seed", 1)
    data = json.loads(run(*args, "--json").stdout)
    drivers = data["drivers"]
    assert drivers["base_samples"] == 2
    assert len(drivers["ranking"]) == 2  # survivability and interceptors
    assert drivers["ranking_resolved"] is False and "too wide" in drivers["warning"]
    for row in drivers["ranking"]:
        low, high = row["mean_total_interval"]
        assert low <= row["mean_total_index"] <= high
    printed = run(*args, "--plot", tmp_path / "p")
    assert "Caution:" in printed.output and "too wide" in " ".join(printed.output.split())
    assert (tmp_path / "p" / "uncertainty-sobol.png").stat().st_size > 0
