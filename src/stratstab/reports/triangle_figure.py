"""The triangle figure of an assessment among three (or more) sides, labelled in EN and 中文.

Each side sits at a corner with its deployed and required warheads and the adversary
that drives its requirement; each edge carries the pair's Kent–Thaler index, coloured
by its reading; beside each edge, two arrows give the reaction slopes (extra warheads
one side needs per extra warhead of the other).  The system index (the lowest pair)
and the spectral radius of the reaction matrix head the figure.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from stratstab.analysis.reference.pairwise import SidesAssessment  # noqa: E402
from stratstab.analysis.spec.outputs import index_reading  # noqa: E402

# Chinese labels need a CJK font where one is installed (Debian: fonts-noto-cjk).
FONT_FAMILY = ["DejaVu Sans", "Noto Sans CJK SC"]
READING_COLOURS = {"stable": "#2e7d32", "modest": "#e0a800", "marked": "#b8322a"}
READING_WORDS = {
    "stable": "stable / 稳定",
    "modest": "modest incentive / 轻度先发动机",
    "marked": "marked incentive / 明显先发动机",
}


def _corners(count: int) -> list[tuple[float, float]]:
    """Corners of a regular polygon, the first at the top (unit circle)."""
    return [
        (
            math.cos(math.pi / 2 + 2 * math.pi * k / count),
            math.sin(math.pi / 2 + 2 * math.pi * k / count),
        )
        for k in range(count)
    ]


def triangle_figure(assessment: SidesAssessment) -> plt.Figure:
    """Pairwise indices on the edges, reaction slopes beside them, requirements at the corners."""
    sides = assessment.sides
    corners = dict(zip(sides, _corners(len(sides)), strict=True))
    with plt.rc_context({"font.family": FONT_FAMILY}):
        figure, axis = plt.subplots(figsize=(8.6, 8.6))
        for (a, b), index in assessment.pair_indices.items():
            (xa, ya), (xb, yb) = corners[a], corners[b]
            colour = READING_COLOURS[index_reading(index)]
            axis.plot([xa, xb], [ya, yb], color=colour, linewidth=2 + 6 * (1 - index), zorder=1)
            mx, my = (xa + xb) / 2, (ya + yb) / 2
            axis.text(
                mx,
                my,
                f"{index:.3f}",
                ha="center",
                va="center",
                fontsize=12,
                fontweight="bold",
                zorder=3,
                bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": colour},
            )
            # Reaction slopes: arrows offset outwards from the edge, one per direction.
            nx, ny = -(yb - ya), xb - xa
            norm = math.hypot(nx, ny) or 1.0
            nx, ny = nx / norm, ny / norm
            if nx * mx + ny * my < 0:  # point away from the centre
                nx, ny = -nx, -ny
            for reacting, towards, shift in ((a, b, 0.14), (b, a, 0.40)):
                slope = assessment.race.slopes[(reacting, towards)]
                (x0, y0), (x1, y1) = corners[towards], corners[reacting]
                start = (x0 + 0.35 * (x1 - x0) + shift * nx, y0 + 0.35 * (y1 - y0) + shift * ny)
                end = (x0 + 0.65 * (x1 - x0) + shift * nx, y0 + 0.65 * (y1 - y0) + shift * ny)
                axis.annotate(
                    "", xy=end, xytext=start, arrowprops={"arrowstyle": "->", "color": "#555555"}
                )
                axis.text(
                    (start[0] + end[0]) / 2 + 0.11 * nx,
                    (start[1] + end[1]) / 2 + 0.11 * ny,
                    f"{reacting}←{towards} {slope:.3f}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="#333333",
                )
        for side, (x, y) in corners.items():
            need = assessment.race.requirements[side]
            deployed = assessment.resolved.forces[side].total_warheads
            required = "∞" if not math.isfinite(need.required) else f"{need.required:,.0f}"
            text = (
                f"{side}\n"
                f"deployed / 部署 {deployed:,.0f}\n"
                f"required / 所需 {required}\n"
                f"driven by / 主要来自 {need.driver or '—'}"
            )
            axis.text(
                x * 1.18,
                y * 1.18,
                text,
                ha="center",
                va="center",
                fontsize=9,
                zorder=4,
                bbox={"boxstyle": "round", "facecolor": "#f4f6fa", "edgecolor": "#1f5fa8"},
            )
        axis.set_xlim(-1.75, 1.75)
        axis.set_ylim(-2.0, 1.55)
        axis.set_aspect("equal")
        axis.axis("off")
        weakest = "–".join(assessment.weakest_pair)
        axis.set_title(
            f"{assessment.resolved.scenario.name}\n"
            f"System index (lowest pair {weakest}) / 系统危机稳定指数（最低一对）: "
            f"{assessment.crisis_stability_index:.3f}   ·   "
            f"spectral radius / 谱半径: {assessment.race.spectral_radius:.3f}",
            fontsize=10,
        )
        handles = [
            Line2D([0], [0], color=colour, linewidth=4, label=READING_WORDS[key])
            for key, colour in READING_COLOURS.items()
        ]
        handles.append(
            Line2D(
                [0],
                [0],
                color="#555555",
                marker=">",
                linewidth=1,
                label="X←Y slope: extra X warheads per Y warhead / 反应斜率",
            )
        )
        axis.legend(
            handles=handles,
            loc="lower center",
            fontsize=8,
            ncol=2,
            frameon=False,
            title="Edge: pair's Kent–Thaler index / 边：双方危机稳定指数",
            title_fontsize=8,
        )
        figure.subplots_adjust(left=0.02, right=0.98, top=0.9, bottom=0.02)
    return figure
