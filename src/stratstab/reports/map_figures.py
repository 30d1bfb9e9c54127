"""Stability-map heat maps as PNG files (matplotlib), one per panel."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from stratstab.analysis.batch.stability_map import StabilityMap  # noqa: E402
from stratstab.reports.figures import _output_dir  # noqa: E402

TITLES = {
    "crisis_stability_index": "Crisis-stability index (0-1, higher is more stable)",
    "required_arsenal": "Warheads needed for assured retaliation",
    "retaliation_share": "Retaliation arriving ÷ requirement (>= 1: assured)",
}


def map_figure(result: StabilityMap, index: int) -> plt.Figure:
    """One panel as a heat map over the two levers, with a colour bar."""
    panel = result.panels[index]
    figure, axis = plt.subplots(figsize=(6.4, 4.8), constrained_layout=True)
    values = np.where(np.isfinite(panel.values), panel.values, np.nan)
    x, y = np.asarray(result.x.values), np.asarray(result.y.values)
    image = axis.pcolormesh(
        x,
        y,
        values,
        shading="nearest",
        cmap="viridis" if panel.output == "crisis_stability_index" else "magma",
        vmin=0.0 if panel.output == "crisis_stability_index" else None,
        vmax=1.0 if panel.output == "crisis_stability_index" else None,
    )
    axis.set_xlabel(result.x.key)
    axis.set_ylabel(result.y.key)
    figure.colorbar(image, ax=axis)
    where = panel.view or "as written"
    side = f", {panel.side}" if panel.side else ""
    axis.set_title(f"{TITLES[panel.output]}\n{result.scenario} — {where}{side}", fontsize=10)
    return figure


def write_map_figures(result: StabilityMap, directory: Path) -> list[Path]:
    """Write every panel of ``result`` to ``directory``; return the paths."""
    folder = _output_dir(directory)
    paths = []
    for index, panel in enumerate(result.panels):
        name = "-".join(
            part.replace(" ", "_")
            for part in ("map", result.metric, panel.view or "as-written", panel.side or "")
            if part
        )
        path = folder / f"{name}.png"
        figure = map_figure(result, index)
        figure.savefig(path, dpi=120)
        plt.close(figure)
        paths.append(path)
    return paths
