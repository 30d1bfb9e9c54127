"""Tables and Plotly figures of an assessment among three or more sides.

Input is the JSON form of :class:`~stratstab.analysis.reference.pairwise.SidesAssessment`
(``to_dict()``: ``pairs``, ``pair_indices``, ``per_side``, ``reaction_matrix`` ...) and
of comparisons of two such assessments; output is rows for the page's tables and plain
dicts for Plotly.js, every word through the translator ``t``.  The triangle figure is
the web counterpart of :func:`stratstab.reports.triangle_figure.triangle_figure` (same
layout: sides at the corners, each pair's Kent–Thaler index on its edge, the reaction
slopes beside it).
"""

from __future__ import annotations

import math
from typing import Any

from stratstab.analysis.spec.outputs import index_reading
from stratstab.web.assessment.figures import Translate, compare_row, fmt, index_bars_figure

READING_COLOURS = {"stable": "#2e7d32", "modest": "#e0a800", "marked": "#b8322a"}
#: Per-side quantities of the requirement table: (key in ``per_side``, format).
SIDE_QUANTITIES = (
    ("deployed_warheads", ".0f"),
    ("required_arsenal", ",.0f"),
    ("required_arsenal_simultaneous", ",.0f"),
)

#: Quantities named by ``assess.sides.quantity.*`` rather than the two-sided ``quantity.*``.
OWN_LABELS = ("arms_race_spectral_radius", "required_arsenal_simultaneous")


def is_sides_result(result: dict[str, Any]) -> bool:
    """True for the report of three or more sides (it names its pairs' indices)."""
    return "pair_indices" in result


def pair_label(first: str, second: str) -> str:
    """``US–CN``: an unordered pair as the tables and figures write it."""
    return f"{first}–{second}"


def pair_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per ordered pair: striker, victim, the pair's index and reading, C1, C2."""
    return [
        {
            "striker": pair["striker"],
            "victim": pair["victim"],
            "index": fmt(pair["crisis_stability_index"], ".3f"),
            "reading": index_reading(pair["crisis_stability_index"]),
            "c1": fmt(pair["c1"], ".3f"),
            "c2": fmt(pair["c2"], ".3f"),
            "ratio": fmt(pair["stability_ratio"], ".3f"),
        }
        for pair in result["pairs"]
    ]


def side_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per side: deployed and required warheads, the binding case and its driver."""
    rows = []
    for side in result["sides"]:
        block = result["per_side"][side]
        rows.append(
            {
                "side": side,
                "deployed": fmt(block["deployed_warheads"], ",.0f"),
                "required": fmt(block["required_arsenal"], ",.0f"),
                "sequential": {
                    other: fmt(value, ",.0f")
                    for other, value in block["required_arsenal_sequential"].items()
                },
                "simultaneous": fmt(block["required_arsenal_simultaneous"], ",.0f"),
                "binding_case": block["binding_case"],
                "driver": block["requirement_driver"] or "—",
                "assured": bool(block["assured_retaliation"]),
            }
        )
    return rows


def reaction_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The reaction matrix as rows: the reacting side, then its slope on every side."""
    sides = result["sides"]
    matrix = result["reaction_matrix"]
    return [
        {
            "side": side,
            "slopes": [
                "—" if other == side else fmt(matrix[side][other], ".3f") for other in sides
            ],
        }
        for side in sides
    ]


def _corners(count: int) -> list[tuple[float, float]]:
    """Corners of a regular polygon on the unit circle, the first at the top."""
    return [
        (
            math.cos(math.pi / 2 + 2 * math.pi * k / count),
            math.sin(math.pi / 2 + 2 * math.pi * k / count),
        )
        for k in range(count)
    ]


def _outward(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """Unit normal of the edge a–b pointing away from the centre."""
    (xa, ya), (xb, yb) = a, b
    nx, ny = -(yb - ya), xb - xa
    norm = math.hypot(nx, ny) or 1.0
    nx, ny = nx / norm, ny / norm
    if nx * (xa + xb) + ny * (ya + yb) < 0:
        nx, ny = -nx, -ny
    return nx, ny


def triangle_figure(result: dict[str, Any], *, t: Translate) -> dict[str, Any]:
    """Pair indices on the edges, reaction slopes beside them, requirements at the corners."""
    sides = result["sides"]
    corners = dict(zip(sides, _corners(len(sides)), strict=True))
    matrix = result["reaction_matrix"]
    data: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for entry in result["pair_indices"]:
        a, b = entry["sides"]
        index = entry["crisis_stability_index"]
        reading = index_reading(index)
        colour = READING_COLOURS[reading]
        (xa, ya), (xb, yb) = corners[a], corners[b]
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [xa, xb],
                "y": [ya, yb],
                "line": {"color": colour, "width": 2 + 6 * (1 - index)},
                "name": f"{pair_label(a, b)} {index:.3f}: {t('assess.sides.reading.' + reading)}",
                "hoverinfo": "name",
            }
        )
        annotations.append(
            {
                "x": (xa + xb) / 2,
                "y": (ya + yb) / 2,
                "text": f"<b>{index:.3f}</b>",
                "showarrow": False,
                "bgcolor": "white",
                "bordercolor": colour,
                "borderwidth": 2,
                "font": {"size": 13},
            }
        )
        nx, ny = _outward(corners[a], corners[b])
        for reacting, towards, shift in ((a, b, 0.10), (b, a, 0.34)):
            (x0, y0), (x1, y1) = corners[towards], corners[reacting]
            start = (x0 + 0.35 * (x1 - x0) + shift * nx, y0 + 0.35 * (y1 - y0) + shift * ny)
            end = (x0 + 0.65 * (x1 - x0) + shift * nx, y0 + 0.65 * (y1 - y0) + shift * ny)
            annotations.append(
                {
                    "x": end[0],
                    "y": end[1],
                    "ax": start[0],
                    "ay": start[1],
                    "xref": "x",
                    "yref": "y",
                    "axref": "x",
                    "ayref": "y",
                    "showarrow": True,
                    "arrowhead": 2,
                    "arrowcolor": "#555555",
                    "text": "",
                }
            )
            annotations.append(
                {
                    "x": (start[0] + end[0]) / 2 + 0.11 * nx,
                    "y": (start[1] + end[1]) / 2 + 0.11 * ny,
                    "text": f"{reacting}←{towards} {fmt(matrix[reacting][towards], '.3f')}",
                    "showarrow": False,
                    "font": {"size": 10, "color": "#333333"},
                }
            )
    for side, (x, y) in corners.items():
        block = result["per_side"][side]
        lines = [
            f"<b>{side}</b>",
            t("assess.sides.fig.deployed", n=fmt(block["deployed_warheads"], ",.0f")),
            t("assess.sides.fig.required", n=fmt(block["required_arsenal"], ",.0f")),
            t("assess.sides.fig.driver", side=block["requirement_driver"] or "—"),
        ]
        annotations.append(
            {
                "x": x * 1.2,
                "y": y * 1.2 + (0.08 if y > 0 else -0.1),
                "text": "<br>".join(lines),
                "showarrow": False,
                "bgcolor": "#f4f6fa",
                "bordercolor": "#1f5fa8",
                "borderwidth": 1,
                "font": {"size": 11},
            }
        )
    weakest = pair_label(*result["weakest_pair"])
    title = t(
        "assess.sides.fig.title",
        index=fmt(result["crisis_stability_index"], ".3f"),
        pair=weakest,
        radius=fmt(result["arms_race_spectral_radius"], ".3f"),
    )
    # No fixed aspect ratio: on a phone the triangle stretches to the chart's height
    # instead of shrinking to the screen's width, so its labels stay apart.
    hidden = {"visible": False, "range": [-1.55, 1.55], "fixedrange": True}
    layout = {
        "title": {"text": title, "font": {"size": 13}},
        "xaxis": hidden,
        "yaxis": {**hidden, "range": [-1.15, 1.6]},
        "annotations": annotations,
        "height": 640,
        "showlegend": True,
        # A vertical legend below the drawing: long reading words wrap on no screen.
        "legend": {
            "orientation": "v",
            "x": 0,
            "y": 0,
            "yanchor": "top",
            "title": {"text": t("assess.sides.fig.edge"), "side": "top"},
        },
        "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
    }
    return {"data": data, "layout": layout}


def comparison_rows(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows (side or pair, quantity, left, right, difference, effect) of two sets compared."""
    left, right = (comparison["results"][v] for v in comparison["views"][:2])
    rows = [
        compare_row("", key, ".3f", left[key], right[key])
        for key in ("crisis_stability_index", "arms_race_spectral_radius")
    ]
    right_pairs = {tuple(p["sides"]): p for p in right["pair_indices"]}
    for entry in left["pair_indices"]:
        pair = tuple(entry["sides"])
        rows.append(
            compare_row(
                pair_label(*pair),
                "crisis_stability_index",
                ".3f",
                entry["crisis_stability_index"],
                right_pairs[pair]["crisis_stability_index"],
            )
        )
    right_ordered = {(p["striker"], p["victim"]): p for p in right["pairs"]}
    for pair in left["pairs"]:
        other = right_ordered[(pair["striker"], pair["victim"])]
        label = f"{pair['striker']}→{pair['victim']}"
        rows += [compare_row(label, key, ".3f", pair[key], other[key]) for key in ("c1", "c2")]
    for side in left["sides"]:
        a, b = left["per_side"][side], right["per_side"][side]
        rows += [compare_row(side, key, spec, a[key], b[key]) for key, spec in SIDE_QUANTITIES]
    for row in rows:
        row["label_key"] = _label_key(row)
    return rows


def _label_key(row: dict[str, Any]) -> str:
    """The locale key naming a compared row's quantity (the system index has its own)."""
    if row["key"] in OWN_LABELS or (row["key"] == "crisis_stability_index" and not row["side"]):
        return f"assess.sides.quantity.{row['key']}"
    return f"quantity.{row['key']}"


def comparison_figure(comparison: dict[str, Any], *, title: str, t: Translate) -> dict[str, Any]:
    """Grouped bars of the system index and every pair's index under both sets."""
    views = comparison["views"][:2]
    results = comparison["results"]
    pairs = [tuple(e["sides"]) for e in results[views[0]]["pair_indices"]]
    categories = [t("assess.sides.system_index")] + [pair_label(*p) for p in pairs]
    values = {}
    for view in views:
        by_pair = {tuple(e["sides"]): e for e in results[view]["pair_indices"]}
        values[view] = [results[view]["crisis_stability_index"]]
        values[view] += [by_pair[p]["crisis_stability_index"] for p in pairs]
    return index_bars_figure(categories, values, title=title, t=t)
