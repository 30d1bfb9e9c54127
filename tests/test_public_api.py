"""The public Python API: the ``stratstab`` namespace, loaded lazily, and what an
analyst sees of an assessment in a notebook."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import stratstab as ss

PUBLIC = [
    "__version__",
    "Scenario",
    "load_scenario",
    "list_scenarios",
    "scenario_from_dict",
    "lever_table",
    "LeverSpec",
    "assess",
    "compare",
    "Assessment",
    "Comparison",
    "evaluate_many",
    "evaluate_batch",
    "sweep",
    "monte_carlo",
    "MonteCarloResult",
    "VoteMatrix",
    "ConsensusResult",
    "analyze_votes",
    "analyze_polis",
    "read_polis_export",
    "StratstabError",
    "InputError",
    "NotFoundError",
]
POLIS_EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "polis" / "seattle-15-per-hour"


def test_the_namespace_is_pinned():
    assert ss.__all__ == PUBLIC
    for name in PUBLIC:
        assert getattr(ss, name) is not None, name
        assert name in dir(ss)
    with pytest.raises(AttributeError, match="no attribute 'asess'"):
        ss.asess  # noqa: B018


def test_importing_stratstab_loads_no_numerics():
    code = (
        "import sys, stratstab; "
        "print(sorted(m for m in ('numpy', 'pandas', 'scipy', 'pydantic', 'sqlalchemy') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def result():
    return ss.assess(ss.load_scenario("us-china-2024-baseline"))


def test_repr_is_one_short_line(result):
    text = repr(result)
    assert "\n" not in text and len(text) < 200
    assert text.startswith("<Assessment 'US–China 2024 baseline': crisis-stability index ")
    assert f"{result.crisis_stability_index:.3f}" in text


def test_html_is_a_small_escaped_table(result):
    page = result._repr_html_()
    assert len(page) < 5000
    assert "<table>" in page and "<th>US</th>" in page and "<th>CN</th>" in page
    assert "US–China 2024 baseline" in page


def test_to_frame_has_one_row_per_side(result):
    frame = result.to_frame()
    assert list(frame.index) == ["US", "CN"]
    assert frame.loc["CN", "required_arsenal"] == pytest.approx(
        result.side_report("CN")["required_arsenal"]
    )
    assert (frame["crisis_stability_index"] == result.crisis_stability_index).all()
    assert frame.loc["US", "surviving_warheads"] == pytest.approx(
        result.headline()["US.surviving_warheads"]
    )


def test_plot_draws_each_kind_and_refuses_others(result):
    for kind in ("costs", "survivors", "reactions"):
        figure = result.plot(kind)
        assert figure.axes
    with pytest.raises(ss.InputError, match="expected one of costs, survivors, reactions"):
        result.plot("pie")


def test_comparison_repr_and_frame():
    comparison = ss.compare(ss.load_scenario("us-china-2024-baseline"))
    assert repr(comparison).startswith("<Comparison of 2 views")
    frame = comparison.to_frame()
    assert frame.index.names == ["compared", "side"]
    assert len(frame) == 4


def test_sweep_returns_a_frame_matching_batch_evaluation():
    scenario = ss.load_scenario("us-china-2024-baseline")
    table = ss.sweep(scenario, ["US.interceptors=0:200:3"], outputs="crisis")
    assert list(table["US.interceptors"]) == [0.0, 100.0, 200.0]
    direct = ss.evaluate_batch(
        scenario, {"US.interceptors": np.array([0.0, 100.0, 200.0])}, outputs="crisis"
    )
    assert np.allclose(table["crisis_stability_index"], direct["crisis_stability_index"])
    assert table.attrs["provenance"]["seed"] == 0


def test_sweep_bad_options_are_input_errors():
    scenario = ss.load_scenario("us-china-2024-baseline")
    with pytest.raises(ss.InputError, match="unknown lever 'interceptor'"):
        ss.sweep(scenario, ["US.interceptor=0:200:3"])
    with pytest.raises(ss.InputError, match="at least one"):
        ss.sweep(scenario, [])


def test_dialogue_analysis_on_a_polis_export():
    found = ss.analyze_polis(POLIS_EXAMPLE, seed=0)
    again = ss.analyze_votes(votes=_matrix(), seed=0)
    assert isinstance(found, ss.ConsensusResult)
    assert found.to_dict() == again.to_dict()


def _matrix():
    from stratstab.dialogue.polis import read_export, vote_matrix

    return vote_matrix(read_export(POLIS_EXAMPLE))


def test_the_readme_python_example_runs_as_written(tmp_path):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = readme.split("```python\n")[1:]
    assert blocks, "README.md has a Python section"
    code = "\n".join(block.split("```", 1)[0] for block in blocks)
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"STRATSTAB_HOME": str(tmp_path), "MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert "<Assessment 'US–China 2024 baseline'" in done.stdout
    assert "unknown lever 'interceptor'" in done.stdout


def test_three_sided_results_are_short_and_tabular():
    result = ss.assess(ss.load_scenario("us-china-russia-2024"))
    text = repr(result)
    assert "\n" not in text and len(text) < 200 and "3 sides" in text
    frame = result.to_frame()
    assert frame.index.names == ["striker", "victim"] and len(frame) == 6
    assert frame["crisis_stability_index"].min() == pytest.approx(result.crisis_stability_index)


def test_public_functions_return_no_any():
    import inspect
    import typing

    import pandas as pd

    for name in PUBLIC[1:]:
        value = getattr(ss, name)
        if inspect.isclass(value) or not callable(value):
            continue
        # Names imported for type checkers only (pandas) are supplied here.
        hints = typing.get_type_hints(value, localns={"pd": pd})
        assert "return" in hints, name
        assert "Any" not in str(hints["return"]), (name, hints["return"])


def test_the_package_is_typed():
    assert (Path(ss.__file__).parent / "py.typed").exists()
