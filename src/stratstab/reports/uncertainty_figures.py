"""Figures for beliefs, misperception, transparency packages and assurance curves (PNG)."""

from __future__ import annotations

from pathlib import Path
from textwrap import fill
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from stratstab.analysis.spec.labels import label  # noqa: E402
from stratstab.analysis.transparency.assurance import AssuranceCurves  # noqa: E402
from stratstab.analysis.uncertainty.misperception import Misperception, key_outputs  # noqa: E402
from stratstab.reports.figures import SIDE_COLOURS, _output_dir  # noqa: E402


def distributions_figure(result: Misperception) -> plt.Figure:
    """Histogram of each key output under each view, with the as-written value."""
    outputs = key_outputs(result.scenario.sides)
    figure, axes = plt.subplots(
        1, len(outputs), figsize=(3.4 * len(outputs), 3.4), constrained_layout=True
    )
    for axis, name in zip(np.atleast_1d(axes), outputs, strict=True):
        for colour, view in zip(SIDE_COLOURS, result.views, strict=False):
            values = result.results[view].outputs[name]
            values = values[np.isfinite(values)]
            if values.size:
                axis.hist(values, bins=20, alpha=0.55, color=colour, label=view)
        axis.axvline(result.actual[name], color="black", linewidth=1, label="as written")
        axis.set_title(fill(label(name), 34), fontsize=9)
    np.atleast_1d(axes)[0].legend(fontsize=8)
    figure.suptitle(
        f"{result.scenario.name}: outputs under each delegation's beliefs (seed {result.seed})"
    )
    return figure


def sobol_figure(result: Misperception) -> plt.Figure:
    """First-order and total Sobol indices of each parameter, averaged over the key outputs."""
    drivers = result.drivers
    figure, axis = plt.subplots(
        figsize=(8, 1.2 + 0.5 * max(len(drivers.parameters), 1)), constrained_layout=True
    )
    if drivers.indices:
        mean = drivers.mean_indices()
        order = np.argsort(mean["total"])
        y = np.arange(len(order))
        for offset, key, colour, name in (
            (0.2, "total", SIDE_COLOURS[1], "total"),
            (-0.2, "first_order", SIDE_COLOURS[0], "first order"),
        ):
            value, interval = mean[key][order], mean[f"{key}_interval"][order]
            error = np.abs(np.vstack([value - interval[:, 0], interval[:, 1] - value]))
            axis.barh(y + offset, value, height=0.4, color=colour, label=name)
            axis.errorbar(
                value, y + offset, xerr=error, fmt="none", ecolor="black", capsize=2, lw=0.8
            )
        axis.set_yticks(y, [fill(label(drivers.parameters[i]), 40) for i in order], fontsize=8)
        axis.axvline(0, color="black", linewidth=0.6)
        # Indices lie in [0, 1]; noisy estimates and their whiskers are cut at the frame.
        axis.set_xlim(-0.3, 1.1)
        axis.legend(fontsize=8)
        warning = drivers.warning()
        if warning:
            axis.set_title(
                fill("Caution: " + warning, 95), fontsize=8, color="#b00020", loc="left", y=1.0
            )
            figure.suptitle("What drives the gap between the delegations' views")
    confidence = next(iter(drivers.indices.values())).confidence if drivers.indices else 0.9
    axis.set_xlabel(
        f"Sobol index, mean over key outputs\n(whiskers: {confidence:.0%} bootstrap intervals; "
        f"{drivers.base_samples} base samples)"
    )
    if not figure._suptitle:
        axis.set_title("What drives the gap between the delegations' views")
    return figure


def pareto_figure(study: dict[str, Any], sides: tuple[str, str]) -> plt.Figure:
    """Benefit against total survivability cost of every package; efficient ones ringed."""
    figure, axis = plt.subplots(figsize=(7.5, 5.2), constrained_layout=True)
    styles = {"reciprocal": ("o", SIDE_COLOURS[0]), "non-reciprocal": ("s", SIDE_COLOURS[1])}
    for kind, (marker, colour) in styles.items():
        rows = [r for r in study["packages"] if r["kind"] == kind]
        cost = [sum(r["cost"][s] for s in sides) for r in rows]
        axis.scatter(
            cost, [r["benefit"] for r in rows], marker=marker, color=colour, alpha=0.5, label=kind
        )
        efficient = [(c, r["benefit"]) for c, r in zip(cost, rows, strict=True) if r["pareto"]]
        if efficient:
            axis.scatter(
                *zip(*efficient, strict=True),
                marker=marker,
                facecolors="none",
                edgecolors="black",
                s=90,
            )
    path = [(0.0, 0.0)] + [
        (sum(s["cumulative"]["cost"][x] for x in sides), s["cumulative"]["benefit"])
        for s in study["sequence"]
    ]
    axis.plot(
        *zip(*path, strict=True), color="#555555", linewidth=1, marker=".", label="gradual sequence"
    )
    axis.set_xlabel("survivability cost (sum over sides of relative loss of retaliation)")
    axis.set_ylabel("benefit (drop in misperception)")
    axis.set_title("Transparency packages (ringed: Pareto-efficient)")
    axis.legend(fontsize=8)
    return figure


def assurance_figure(curves: list[AssuranceCurves]) -> plt.Figure:
    """Assurance curve and induced arsenal for each view."""
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    for i, c in enumerate(curves):
        label = f"{c.view or 'as written'} ({c.confidence:.0%})"
        values = c.assurance_curve().astype(float)
        left.plot(
            c.scales * c.deployed_warheads,
            np.where(values < 0, np.nan, values),
            label=label,
            color=f"C{i}",
        )
        right.plot(c.interceptors, c.induced_arsenal(), label=label, color=f"C{i}")
    first = curves[0]
    left.axvline(first.deployed_warheads, color="black", linewidth=0.8)
    left.set_xscale("log")
    left.set_xlabel(f"{first.side} deployed strategic warheads")
    left.set_ylabel(f"largest {first.defender} interceptor count")
    left.set_title("Assurance curve")
    right.axvline(first.current_interceptors, color="black", linewidth=0.8)
    right.axhline(first.deployed_warheads, color="black", linewidth=0.8, linestyle=":")
    right.set_xlabel(f"{first.defender} interceptors")
    right.set_ylabel(f"{first.side} warheads needed")
    right.set_title("Arsenal induced by a defense build-up")
    left.legend(fontsize=8)
    return figure


def save(figure: plt.Figure, directory: Path, name: str) -> Path:
    """Write ``figure`` as ``directory/name`` (PNG) and close it."""
    path = _output_dir(directory) / name
    figure.savefig(path, dpi=130)
    plt.close(figure)
    return path
