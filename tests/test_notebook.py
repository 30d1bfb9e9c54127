"""The example notebook runs top to bottom, as an analyst would run it."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "first-assessment.ipynb"


def test_first_assessment_notebook_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("STRATSTAB_HOME", str(tmp_path))
    # A notebook user's kernel draws inline; the suite's file-only backend must not leak in.
    monkeypatch.delenv("MPLBACKEND", raising=False)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # A generous guard against a hung kernel, not a performance check.
    client = nbclient.NotebookClient(
        notebook, timeout=900, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()
    outputs = [cell.outputs for cell in notebook.cells if cell.cell_type == "code"]
    text = "\n".join(
        str(output.get("text", "")) + str(output.get("data", {}).get("text/plain", ""))
        for cell in outputs
        for output in cell
    )
    assert "<Assessment 'US–China 2024 baseline'" in text
    assert "unknown lever 'interceptor'" in text
    html = [
        output["data"]["text/html"]
        for cell in outputs
        for output in cell
        if "text/html" in output.get("data", {})
    ]
    assert any("crisis-stability index" in page for page in html)
    assert any(output.get("data", {}).get("image/png") for cell in outputs for output in cell)
    assert not [o for cell in outputs for o in cell if o.get("output_type") == "error"]
