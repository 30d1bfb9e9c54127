"""Figures for assessments (matplotlib, written as PNG files)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import matplotlib

# Files are drawn without a display; a notebook (or a user who chose a backend) keeps its own.
if "matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND"):
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from stratstab.analysis.assessment.assess import Assessment  # noqa: E402
from stratstab.analysis.assessment.pairwise import SidesAssessment  # noqa: E402
from stratstab.analysis.reference.arms_race import reaction_curve  # noqa: E402
from stratstab.errors import InputError  # noqa: E402

SIDE_COLOURS = ("#1f5fa8", "#b8322a")


def _output_dir(directory: Path) -> Path:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot create the plot folder ({exc.strerror})", source=str(directory)
        ) from None
    return directory


#: The figures :meth:`Assessment.plot` draws, by kind.
FIGURE_KINDS = ("costs", "survivors", "reactions")


def assessment_figure(assessment: Assessment, kind: str = "costs") -> plt.Figure:
    """Figure ``kind`` of an assessment: ``costs`` (each striker's cost curves and stop
    point), ``survivors`` (surviving warheads per system) or ``reactions`` (reaction
    functions).  The same figures ``stratstab assess --plot`` writes."""
    makers = {
        "costs": cost_curves_figure,
        "survivors": survivors_figure,
        "reactions": reaction_functions_figure,
    }
    if kind not in makers:
        raise InputError(f"expected one of {', '.join(FIGURE_KINDS)}, got {kind!r}", field="kind")
    return makers[kind](assessment)


def survivors_figure(assessment: Assessment) -> plt.Figure:
    """Deployed vs surviving warheads per system, each side under the other's strike."""
    report = assessment.to_dict(include_curves=False)
    figure, axes = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    for axis, side, colour in zip(axes, report["sides"], SIDE_COLOURS, strict=True):
        rows = report["per_side"][side]["survivors"]
        names = list(rows)
        y = np.arange(len(names))
        axis.barh(
            y, [rows[n]["deployed_warheads"] for n in names], color="#d9d9d9", label="deployed"
        )
        axis.barh(y, [rows[n]["warheads"] for n in names], color=colour, label="surviving")
        axis.set_yticks(y, names)
        axis.invert_yaxis()
        axis.set_xlabel("warheads")
        other = [s for s in report["sides"] if s != side][0]
        axis.set_title(f"{side} after {other}'s counterforce strike")
        axis.legend(loc="lower right")
    figure.suptitle(report["scenario"])
    return figure


def cost_curves_figure(assessment: Assessment) -> plt.Figure:
    """Both sides' costs along each striker's counterforce level, with the stop point."""
    figure, axes = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    for axis, striker in zip(axes, assessment.sides, strict=True):
        curve = assessment.curves[striker]
        axis.plot(
            curve.levels,
            curve.striker_cost,
            color=SIDE_COLOURS[assessment.sides.index(striker)],
            label=f"{striker} cost (striker)",
        )
        axis.plot(
            curve.levels,
            curve.victim_cost,
            color=SIDE_COLOURS[assessment.sides.index(curve.victim)],
            linestyle="--",
            label=f"{curve.victim} cost (victim)",
        )
        chosen = curve.choice.index
        axis.axvline(curve.levels[chosen], color="#555555", linewidth=0.8)
        axis.annotate(
            "stop rule",
            (curve.levels[chosen], curve.striker_cost[chosen]),
            textcoords="offset points",
            xytext=(6, 8),
            fontsize=8,
        )
        axis.set_xlabel(f"{striker} warheads used on counterforce")
        axis.set_ylabel("Kent–Thaler cost")
        axis.set_title(f"{striker} strikes first")
        axis.legend(fontsize=8)
    figure.suptitle(f"Cost curves — crisis-stability index {assessment.crisis_stability_index:.3f}")
    return figure


def reaction_functions_figure(assessment: Assessment, points: int = 13) -> plt.Figure:
    """Assured-retaliation reaction functions of both sides in one arsenal plane."""
    a, b = assessment.sides
    resolved = assessment.resolved
    scales = np.linspace(0.25, 3.0, points)
    b_warheads, a_required = reaction_curve(resolved, a, scales)
    a_warheads, b_required = reaction_curve(resolved, b, scales)
    figure, axis = plt.subplots(figsize=(6.5, 5.5), constrained_layout=True)
    axis.plot(
        a_required, b_warheads, color=SIDE_COLOURS[0], label=f"{a} requirement given {b}'s arsenal"
    )
    axis.plot(
        a_warheads, b_required, color=SIDE_COLOURS[1], label=f"{b} requirement given {a}'s arsenal"
    )
    axis.scatter(
        [resolved.forces[a].total_warheads],
        [resolved.forces[b].total_warheads],
        color="black",
        zorder=3,
        label="deployed today",
    )
    axis.set_xlabel(f"{a} deployed strategic warheads")
    axis.set_ylabel(f"{b} deployed strategic warheads")
    product, stable = assessment.arms_race
    axis.set_title(
        f"Reaction functions — slope product {product:.3f} ({'stable' if stable else 'unstable'})"
    )
    axis.legend(fontsize=8)
    return figure


def write_assessment_figures(
    assessment: Assessment | SidesAssessment, directory: Path
) -> list[Path]:
    """Write the assessment's PNG figures; return their paths.

    Two sides: survivors.png, cost_curves.png and reaction_functions.png.  Three or
    more: triangle.png (pairwise indices, reaction slopes, requirements).
    """
    folder = _output_dir(Path(directory))
    written = []
    if isinstance(assessment, SidesAssessment):
        from stratstab.reports.triangle_figure import triangle_figure

        builders: tuple[tuple[str, Any], ...] = (("triangle.png", triangle_figure),)
    else:
        builders = (
            ("survivors.png", survivors_figure),
            ("cost_curves.png", cost_curves_figure),
            ("reaction_functions.png", reaction_functions_figure),
        )
    for name, build in builders:
        figure = build(assessment)
        path = folder / name
        figure.savefig(path, dpi=130)
        plt.close(figure)
        written.append(path)
    return written
