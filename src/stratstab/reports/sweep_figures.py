"""Heat maps of a sweep's results over pairs of varied levers (matplotlib PNG files).

For every pair of varied levers, the crisis-stability index and each side's required
arsenal are averaged over everything else (Monte Carlo samples, other levers) and
drawn as a heat map.  Full-factorial sweeps use their grid values; Latin-hypercube
sweeps are binned onto a 20 x 20 grid over the two ranges.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from stratstab.analysis.batch.store import read_metadata  # noqa: E402
from stratstab.analysis.spec.labels import label  # noqa: E402
from stratstab.errors import InputError  # noqa: E402

LHS_BINS = 20


def heatmap_table(frame: pd.DataFrame, x: str, y: str, value: str, *, binned: bool) -> pd.DataFrame:
    """Mean of ``value`` per (y, x) cell; rows are y values, columns x values."""
    data = frame[[x, y, value]].replace([np.inf, -np.inf], np.nan)
    if binned:
        for key in (x, y):
            edges = np.linspace(data[key].min(), data[key].max(), LHS_BINS + 1)
            centres = 0.5 * (edges[1:] + edges[:-1])
            index = np.clip(np.searchsorted(edges, data[key], side="right") - 1, 0, LHS_BINS - 1)
            data[key] = centres[index]
    return data.groupby([y, x])[value].mean().unstack(x)


def heatmap_figure(table: pd.DataFrame, *, x: str, y: str, value: str) -> plt.Figure:
    """One heat map with labelled axes and a colour bar."""
    figure, axis = plt.subplots(figsize=(6.4, 4.8), constrained_layout=True)
    image = axis.imshow(
        table.to_numpy(dtype=float),
        origin="lower",
        aspect="auto",
        cmap="viridis" if value == "crisis_stability_index" else "magma",
    )
    for setter, labels in ((axis.set_xticks, table.columns), (axis.set_yticks, table.index)):
        step = max(1, len(labels) // 8)
        positions = np.arange(0, len(labels), step)
        setter(
            positions,
            [f"{v:.3g}" if isinstance(v, float) else str(v) for v in np.asarray(labels)[positions]],
        )
    axis.set_xlabel(label(x))
    axis.set_ylabel(label(y))
    figure.colorbar(image, ax=axis, label=label(value))
    axis.set_title(f"{label(value)}\nmean over the other inputs", fontsize=10)
    return figure


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


def write_sweep_figures(results: Path, directory: Path) -> list[Path]:
    """Write heat maps for every pair of varied levers of the sweep in ``results``."""
    meta = read_metadata(results)["sweep"]
    axes = [a["key"] for a in meta["axes"]]
    if len(axes) < 2:
        raise InputError(
            "heat maps need at least two varied levers (--vary twice)", source="--plot"
        )
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot create the plot folder ({exc.strerror})", source=str(directory)
        ) from None
    sides = list(meta["scenario"]["forces"])
    values = ["crisis_stability_index", *[f"{side}.required_arsenal" for side in sides]]
    frame = pq.read_table(results, columns=list(dict.fromkeys([*axes, *values]))).to_pandas()
    written = []
    for x, y in combinations(axes, 2):
        for value in values:
            table = heatmap_table(frame, x, y, value, binned=meta["design"] == "lhs")
            figure = heatmap_figure(table, x=x, y=y, value=value)
            path = directory / f"heatmap_{_safe(value)}__{_safe(x)}__{_safe(y)}.png"
            figure.savefig(path, dpi=110)
            plt.close(figure)
            written.append(path)
    return written
