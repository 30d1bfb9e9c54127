"""``stratstab sweep`` on the command line: output, errors, plots, resume after a kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from stratstab.cli.main import app
from stratstab.errors import InputError
from tests.waiting import HANG_GUARD_S, wait_until

SCENARIO = {
    "name": "US forces on both sides (CLI sweep tests)",
    "forces": {"A": {"dataset": "us-2024"}, "B": {"dataset": "us-2024"}},
    "defenses": {"A": {"interceptors": 44, "interceptor_pk": 0.5, "shots_per_rv": 4}},
    "counterforce_levels": 21,
}
STRATSTAB = [str(Path(sys.executable).with_name("stratstab"))]


@pytest.fixture()
def scenario_file(tmp_path):
    path = tmp_path / "usus.yaml"
    path.write_text(yaml.safe_dump(SCENARIO), encoding="utf-8")
    return path


def run(args: list[str]):
    return CliRunner().invoke(app, args)


def test_sweep_writes_parquet_and_json_summary(scenario_file, tmp_path):
    out = tmp_path / "grid.parquet"
    result = run(
        [
            "sweep",
            str(scenario_file),
            "--vary",
            "A.interceptors=0:100:3",
            "--vary",
            "B.posture=day-to-day,generated",
            "--out",
            str(out),
            "--seed",
            "5",
            "--chunk-size",
            "4",
            "--json",
            "--plot",
            str(tmp_path / "figs"),
        ]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{") :])
    assert summary["rows"] == 6 and summary["chunks"] == 2 and summary["seed"] == 5
    frame = pq.read_table(out).to_pandas()
    assert sorted(set(frame["B.posture"])) == ["day-to-day", "generated"]
    assert len(summary["figures"]) == 3
    assert all(Path(p).stat().st_size > 1000 for p in summary["figures"])


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("A.warp=0:1:3", "unknown lever"),
        ("A.w80=500:100:3", "stop (100) is below start (500)"),
        ("A.w80=100:500:0", "steps must be a whole number >= 1"),
        ("A.w80=ten:500:3", "is not a number"),
        ("A.w80=100:500", "start:stop:steps"),
        ("A.interceptor_pk=0:2:3", "share between 0 and 1, e.g. 0.5; got 2"),
        ("Z.w80=1:2:2", "SIDE.name"),
        ("A.interceptors=0:10:4", "whole numbers"),
    ],
)
def test_bad_vary_specs_raise_input_errors(scenario_file, tmp_path, spec, message):
    result = run(
        ["sweep", str(scenario_file), "--vary", spec, "--out", str(tmp_path / "x.parquet")]
    )
    assert isinstance(result.exception, InputError)
    assert message in str(result.exception) and "--vary" in str(result.exception)
    assert not (tmp_path / "x.parquet.parts").exists()


def test_bad_vary_is_one_line_and_exit_2(scenario_file, tmp_path):
    completed = subprocess.run(
        [
            *STRATSTAB,
            "sweep",
            str(scenario_file),
            "--vary",
            "A.w80=500:100:3",
            "--out",
            str(tmp_path / "x.parquet"),
        ],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 2
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and "stop (100) is below start (500)" in lines[0]


def test_samples_without_beliefs_is_a_clear_error(scenario_file, tmp_path):
    result = run(
        [
            "sweep",
            str(scenario_file),
            "--vary",
            "A.w80=100:300:2",
            "--samples",
            "10",
            "--out",
            str(tmp_path / "x.parquet"),
        ]
    )
    assert isinstance(result.exception, InputError)
    assert "--samples needs belief distributions in the scenario" in str(result.exception)


def test_resume_after_killed_sweep_matches_uninterrupted_run(scenario_file, tmp_path):
    args = [
        "sweep",
        str(scenario_file),
        "--vary",
        "A.interceptors=0:300:7",
        "--vary",
        "B.survivability_ssbn=0:1:6",
        "--chunk-size",
        "1",  # 42 chunks: the kill lands part-way even on a fast machine
        "--seed",
        "9",
    ]
    full = tmp_path / "full.parquet"
    assert (
        subprocess.run([*STRATSTAB, *args, "--out", str(full)], capture_output=True).returncode == 0
    )
    out = tmp_path / "killed.parquet"
    parts = tmp_path / "killed.parquet.parts"
    paused = tmp_path / "paused"
    process = subprocess.Popen(
        [*STRATSTAB, *args, "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "STRATSTAB_SWEEP_PAUSE": f"3:{paused}"},
    )
    _wait_for(paused, process)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    done_before = len(list(parts.glob("chunk-*.parquet")))
    assert not out.exists() and done_before == 3
    resumed = subprocess.run(
        [*STRATSTAB, *args, "--out", str(out), "--resume", "--json"], capture_output=True, text=True
    )
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["chunks_resumed"] >= done_before
    assert pq.read_table(out).to_pandas().equals(pq.read_table(full).to_pandas())


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_for(marker, process):
    """Wait until the sweep, held by STRATSTAB_SWEEP_PAUSE, has created ``marker``: it
    waits there until stopped, so the test acts at a known point however busy the
    machine is."""
    wait_until(marker.exists, "the sweep's pause", still_possible=lambda: process.poll() is None)


def test_interrupting_a_sweep_says_how_to_resume(scenario_file, tmp_path):
    out = tmp_path / "stopped.parquet"
    parts = tmp_path / "stopped.parquet.parts"
    paused = tmp_path / "paused"
    process = subprocess.Popen(
        [
            *STRATSTAB,
            "sweep",
            str(scenario_file),
            "--vary",
            "A.interceptors=0:290:3",
            "--vary",
            "B.survivability_ssbn=0:1:3",
            "--chunk-size",
            "1",
            "--out",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "STRATSTAB_SWEEP_PAUSE": f"1:{paused}"},
        # A shell's background job (nohup, `cmd &`) starts with SIGINT ignored, and the
        # child would inherit that and never see the interrupt: give it the default.
        preexec_fn=_interruptible,
    )
    _wait_for(paused, process)
    process.send_signal(signal.SIGINT)
    try:
        _, errors = process.communicate(timeout=HANG_GUARD_S)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    assert process.returncode == 130, errors
    assert "--resume" in errors and str(parts) in errors.replace("\n", "")
    assert len(list(parts.glob("chunk-*.parquet"))) == 1 and not out.exists()
    assert not out.with_name(out.name + ".tmp").exists()


def test_pause_setting_is_checked():
    from stratstab.cli.sweep import pause_hook

    pause_hook(None)()  # unset: nothing happens
    with pytest.raises(InputError, match="N:PATH"):
        pause_hook("soon")


def test_crisis_outputs_skip_the_reaction_functions(scenario_file, tmp_path):
    common = ["sweep", str(scenario_file), "--vary", "A.interceptors=0:100:3", "--seed", "2"]
    run([*common, "--out", str(tmp_path / "all.parquet")])
    result = run([*common, "--outputs", "crisis", "--out", str(tmp_path / "crisis.parquet")])
    assert result.exit_code == 0, result.output
    full = pq.read_table(tmp_path / "all.parquet").to_pandas()
    crisis = pq.read_table(tmp_path / "crisis.parquet").to_pandas()
    assert "A.required_arsenal" not in crisis.columns
    assert "arms_race_slope_product" not in crisis.columns
    for column in ["crisis_stability_index", "A.c1", "B.c2", "B.surviving_warheads"]:
        assert crisis[column].tolist() == full[column].tolist()


def test_crisis_outputs_cannot_be_plotted(scenario_file, tmp_path):
    result = run(
        [
            "sweep",
            str(scenario_file),
            "--vary",
            "A.interceptors=0:100:3",
            "--outputs",
            "crisis",
            "--plot",
            str(tmp_path / "figs"),
        ]
    )
    assert isinstance(result.exception, InputError)
    assert "--outputs all" in str(result.exception)
    assert not (tmp_path / "figs").exists()


def test_sweep_takes_derivative_slopes(scenario_file, tmp_path):
    from stratstab.analysis.batch.evaluate import evaluate_batch
    from stratstab.analysis.spec.scenario import load_scenario

    out = tmp_path / "slopes.parquet"
    args = ["sweep", str(scenario_file), "--vary", "A.interceptors=0:100:3", "--json"]
    result = run([*args, "--slopes", "derivative", "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out).to_pydict()
    expected = evaluate_batch(
        load_scenario(str(scenario_file)),
        {"A.interceptors": [0.0, 50.0, 100.0]},
        slopes="derivative",
    )
    for name in ("B.reaction_slope_arsenal", "B.reaction_slope_interceptors"):
        assert table[name] == pytest.approx(list(expected[name]))
    bad = run([*args, "--slopes", "tangent", "--out", str(tmp_path / "bad.parquet")])
    assert bad.exit_code == 2
