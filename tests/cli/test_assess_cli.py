"""`stratstab assess` as a user runs it: output, JSON, figures and every bad-input class."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.waiting import HANG_GUARD_S

BASE = """\
name: test scenario
forces:
  US: {dataset: us-2024}
  CN: {dataset: china-2024}
"""
BASE3 = BASE + "  RU: {dataset: russia-2024}\n"


def run(*args, cwd=None):
    """Run the real command in a subprocess (slow: for the few end-to-end checks)."""
    return subprocess.run(
        [sys.executable, "-m", "stratstab", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=HANG_GUARD_S,
    )


@pytest.fixture()
def invoke(capsys, monkeypatch):
    """Run ``stratstab.cli.main.main`` in-process; return (exit code, stdout, stderr)."""
    from stratstab.cli.main import main

    def call(*args):
        monkeypatch.setattr(sys, "argv", ["stratstab", *args])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out = capsys.readouterr()
        return code, out.out, out.err

    return call


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_scenario_prints_report():
    result = run("assess")
    assert result.returncode == 0, result.stderr
    assert "US–China 2024 baseline" in result.stdout
    assert "Crisis-stability index" in result.stdout
    assert "required arsenal" in result.stdout


def test_json_output_parses_and_has_documented_keys():
    result = run("assess", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert 0 <= report["crisis_stability_index"] <= 1
    assert set(report["per_side"]) == {"US", "CN"}
    assert "survivors" in report["per_side"]["CN"]


def test_plot_writes_three_figures(tmp_path):
    result = run("assess", "--plot", str(tmp_path / "figs"))
    assert result.returncode == 0, result.stderr
    for name in ("survivors.png", "cost_curves.png", "reaction_functions.png"):
        path = tmp_path / "figs" / name
        assert path.stat().st_size > 10_000
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_compare_prints_one_table_with_both_views_and_the_difference():
    result = run("assess", "--compare")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("┏") == 1, "one table, not one report per view"
    header = next(line for line in out.splitlines() if "quantity" in line)
    assert "US-view" in header and "CN-view" in header and "CN-view − US-view" in header
    assert "(worse)" in out and "(better)" in out


def _compare_result(**changes):
    """A two-view result where the second view changes the given quantities."""
    from stratstab.analysis.assessment.assess import compare
    from stratstab.analysis.spec.scenario import load_scenario

    result = compare(load_scenario(None)).to_dict()
    first, second = result["views"]
    result["results"][second] = json.loads(json.dumps(result["results"][first]))
    for key, (base, new) in changes.items():
        side, _, name = key.rpartition(".")
        for view, value in ((first, base), (second, new)):
            block = result["results"][view]
            (block["per_side"][side] if side else block)[name] = value
    return result


def test_difference_is_coloured_by_stability_not_by_sign():
    from stratstab.cli.assess import comparison_table

    result = _compare_result(
        crisis_stability_index=(0.5, 0.6),  # up: better
        **{"CN.required_arsenal": (400.0, 500.0),  # up: worse
           "US.c2": (0.9, 0.8),  # down: better (less pressure to pre-empt)
           "US.surviving_warheads": (1000.0, 900.0)},  # down: worse
    )  # fmt: skip
    table = comparison_table(result)
    labels = table.columns[0]._cells
    difference = dict(zip(labels, table.columns[3]._cells, strict=True))
    assert difference["crisis-stability index (Kent–Thaler)"] == "[green]+0.100 (better)[/]"
    assert difference["CN · required arsenal (warheads)"] == "[red]+100 (worse)[/]"
    assert difference["US · C2: cost of being struck first"] == "[green]-0.100 (better)[/]"
    assert difference["US · surviving warheads"] == "[red]-100 (worse)[/]"
    assert difference["US · interceptors"] == "0"


def test_every_compared_quantity_has_a_stability_direction():
    from stratstab.analysis.spec.outputs import (
        PER_SIDE_OUTPUTS,
        STABILITY_DIRECTION,
        stability_effect,
    )
    from stratstab.cli.assess import SIDE_ROWS

    assert {key for key, _, _ in SIDE_ROWS} <= set(STABILITY_DIRECTION)
    assert set(PER_SIDE_OUTPUTS) <= set(STABILITY_DIRECTION)
    assert stability_effect("CN.required_arsenal", +1.0) == "worse"
    assert stability_effect("crisis_stability_index", +0.1) == "better"
    assert stability_effect("interceptors", +10) == "neutral"


def test_list_builtin_json():
    result = run("assess", "--list", "--json")
    ids = {row["id"] for row in json.loads(result.stdout)}
    assert "us-china-2024-baseline" in ids and len(ids) >= 4


BAD_INPUTS = {
    "yaml syntax": (BASE + "posture: {US: generated\n", "invalid YAML at line 6"),
    "negative count": (BASE + "defenses:\n  US: {interceptors: -5}\n", "defenses.US.interceptors"),
    "probability above one": (
        BASE + "defenses:\n  US: {interceptor_pk: 1.5}\n",
        "defenses.US.interceptor_pk",
    ),
    "unknown key": (BASE + "postures: {US: generated}\n", "postures: unknown key"),
    "unknown side": (BASE + "posture: {RU: generated}\n", "unknown side"),
    "unknown system in override": (
        BASE.replace(
            "{dataset: china-2024}", "{dataset: china-2024, overrides: {DF-99.launchers: 5}}"
        ),
        "DF-99",
    ),
    "unknown system in targets": (
        BASE + "strike:\n  US: {targets: [DF-99]}\n",
        "strike.US.targets",
    ),
    "bad lever": (
        BASE + "levers: {CN.survivability_mobile: 2}\n",
        "levers.CN.survivability_mobile",
    ),
    "bad posture": (BASE + "posture: {US: alert}\n", "posture.US"),
    "unknown dataset": (BASE.replace("us-2024", "us-1999"), "us-1999"),
    "not a mapping": ("- just\n- a list\n", "expected a mapping"),
    # Once tracebacks or silently accepted:
    "inventory dataset as a side": (
        BASE.replace("us-2024", "sipri-2024"),
        "forces.US.dataset: dataset 'sipri-2024' is an inventory table",
    ),
    "nan arsenal scale": (BASE + "levers: {US.arsenal_scale: .nan}\n", "levers.US.arsenal_scale"),
    "inf arsenal scale": (BASE + "levers: {US.arsenal_scale: .inf}\n", "levers.US.arsenal_scale"),
    "nan retaliation": (
        BASE + "levers: {CN.retaliation_warheads: .nan}\n",
        "levers.CN.retaliation_warheads",
    ),
    "inf enemy weight": (BASE + "cost: {enemy_weight: .inf}\n", "cost.enemy_weight"),
    "nan value target": (BASE + "value_targets: {US: {w80: .nan}}\n", "value_targets.US.w80"),
    "boolean interceptors lever": (
        BASE + "levers: {US.interceptors: true}\n",
        "levers.US.interceptors",
    ),
    "boolean interceptors": (
        BASE + "defenses:\n  US: {interceptors: true}\n",
        "defenses.US.interceptors",
    ),
    "boolean counterforce levels": (BASE + "counterforce_levels: yes\n", "counterforce_levels"),
    # Three sides: the targeting doctrine.
    "side targeting itself": (
        BASE3 + "doctrine:\n  US: {weights: {US: 1.0}}\n",
        "doctrine.US.weights: side 'US' cannot target itself",
    ),
    "doctrine weights not summing to 1": (
        BASE3 + "doctrine:\n  US: {weights: {CN: 0.5, RU: 0.4}}\n",
        "weights must sum to 1, got 0.9",
    ),
    "doctrine aims at an unknown side": (
        BASE3 + "doctrine:\n  US: {weights: {CN: 0.5, FR: 0.5}}\n",
        "unknown side 'FR'",
    ),
    "doctrine of an unknown side": (
        BASE3 + "doctrine:\n  UK: {reserve: 0.1}\n",
        "doctrine names unknown side(s) ['UK']",
    ),
    "reserve of everything": (BASE3 + "doctrine:\n  US: {reserve: 1.0}\n", "doctrine.US.reserve"),
    "five sides": (
        BASE3 + "  FR: {dataset: us-2024}\n  UK: {dataset: us-2024}\n",
        "forces must name 2 to 4 sides, got 5",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_gives_one_line_and_exit_2(tmp_path, invoke, case):
    text, expected = BAD_INPUTS[case]
    path = write(tmp_path, text)
    code, out, err = invoke("assess", str(path))
    assert code == 2, (out, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert str(path) in lines[0] or "us-1999" in lines[0]
    assert expected in lines[0]


def test_bad_input_from_subprocess_has_no_traceback(tmp_path):
    path = write(tmp_path, BASE + "defenses:\n  US: {interceptor_pk: 1.5}\n")
    result = run("assess", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "defenses.US.interceptor_pk" in result.stderr


def test_missing_file_is_clear(invoke):
    code, _, err = invoke("assess", "no/such/scenario.yaml")
    assert code == 2
    assert "no such scenario file" in err


def test_unknown_view_is_clear(invoke):
    code, _, err = invoke("assess", "--view", "EU-view")
    assert code == 2
    assert "US-view" in err and "EU-view" in err


def test_every_scenario_problem_is_listed_at_once(tmp_path, invoke):
    """A scenario with several mistakes names each of them, not the first and a count."""
    path = write(
        tmp_path,
        BASE.replace("{dataset: us-2024}", "{dataset: us-2024, colour: red}")
        + "posture: {US: sideways}\ndefenses:\n  US: {interceptors: -4, interceptor_pk: 3}\n",
    )
    code, out, err = invoke("assess", str(path))
    assert code == 2 and "Traceback" not in err
    assert "more problem" not in err
    lines = err.strip().splitlines()
    assert lines[0] == f"error: {path}: 4 problems"
    for field in ("forces.US.colour", "posture.US", "defenses.US.interceptors",
                  "defenses.US.interceptor_pk"):  # fmt: skip
        assert sum(line.strip().startswith(field + ":") for line in lines[1:]) == 1, err


def test_three_sided_json_has_pairs_and_spectral_radius(invoke):
    code, out, _ = invoke("assess", "us-china-russia-2024", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["sides"] == ["US", "CN", "RU"]
    assert {(p["striker"], p["victim"]) for p in report["pairs"]} == {
        (a, b) for a in report["sides"] for b in report["sides"] if a != b
    }
    assert report["crisis_stability_index"] == min(
        p["crisis_stability_index"] for p in report["pairs"]
    )
    assert 0 <= report["arms_race_spectral_radius"] < 1
    assert report["arms_race_stable"] is True
    for side in report["sides"]:
        assert report["per_side"][side]["requirement_driver"] in report["sides"]


def test_three_sided_table_names_the_weakest_pair(invoke):
    code, out, _ = invoke("assess", "us-china-russia-2024")
    assert code == 0
    assert "System crisis-stability index (lowest pair, US–CN)" in out
    assert "requirement driven by" in out


def test_three_sided_compare_shows_every_pair_and_requirement(invoke):
    code, out, _ = invoke("assess", "us-china-russia-2024", "--compare")
    assert code == 0
    for text in ("US-view", "CN-view", "index US–CN", "index CN–RU", "RU · required arsenal"):
        assert text in out
    code, out, _ = invoke("assess", "us-china-russia-2024", "--compare", "--json")
    assert code == 0
    result = json.loads(out)
    difference = result["differences"]["CN-view"]
    assert set(difference["pair_indices"]) == {"US-CN", "US-RU", "CN-RU"}
    assert difference["crisis_stability_index"] == pytest.approx(
        result["results"]["CN-view"]["crisis_stability_index"]
        - result["results"]["US-view"]["crisis_stability_index"]
    )


def test_three_sided_plot_writes_the_triangle(tmp_path, invoke):
    code, out, _ = invoke("assess", "us-china-russia-2024", "--plot", str(tmp_path))
    assert code == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["triangle.png"]
    assert (tmp_path / "triangle.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
