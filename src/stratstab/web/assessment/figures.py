"""Plotly figure specifications and table rows built from assessment results.

Input is the JSON form of results (``Assessment.to_dict()``, ``Comparison.to_dict()``,
``StabilityMap.to_dict()``) and a translator ``t`` for every word a reader sees;
output is plain dicts that the page hands to Plotly.js.  No drawing happens here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stratstab.analysis.spec.lever_table import lever_spec
from stratstab.analysis.spec.outputs import STABILITY_DIRECTION, index_reading

Translate = Callable[..., str]

# Headline quantities shown per side: (key, format) -- the format is a Python spec.
HEADLINE = (
    ("deployed_warheads", ".0f"),
    ("surviving_warheads", ".0f"),
    ("surviving_fraction", ".1%"),
    ("arriving_warheads", ".0f"),
    ("damage_fraction", ".1%"),
    ("c1", ".3f"),
    ("c2", ".3f"),
    ("stability_ratio", ".3f"),
    ("required_arsenal", ".0f"),
    ("reaction_slope_arsenal", ".3f"),
    ("reaction_slope_interceptors", ".3f"),
)
MAP_METRICS = ("crisis", "required-arsenal", "retaliation")
# Differences smaller than this (relative to the larger magnitude) count as equal.
RELATIVE_TOLERANCE = 1e-6
CATEGORY_AXIS = {"automargin": True, "tickfont": {"size": 11}}


def fmt(value: Any, spec: str) -> str:
    """Format a number for a table; text and missing values pass through (None: ∞)."""
    if value is None:
        return "∞"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return format(value, spec)


def lever_label(key: str, locale: str) -> str:
    """``US — Missile-defense interceptors`` for ``US.interceptors``, from the lever table."""
    side, _, name = key.partition(".")
    spec = lever_spec(key)
    label = spec.label.get(locale, spec.label["en"]) if spec else name
    unit = spec.unit.get(locale, "") if spec else ""
    return f"{side} — {label}" + (f" ({unit})" if unit else "")


def reading(index: float, t: Translate) -> str:
    """The one-line interpretation of the crisis-stability index, in the reader's language."""
    return t(f"assess.reading.{index_reading(index)}")


def cost_curve_figure(
    result: dict[str, Any], *, striker: str, title: str, t: Translate
) -> dict[str, Any]:
    """Costs of striking first and of being struck along ``striker``'s counterforce level."""
    curve = result["cost_curves"][striker]
    x = curve["counterforce_warheads"]
    chosen = curve["chosen_index"]
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": x,
            "y": curve["striker_cost"],
            "name": t("assess.fig.striker_cost", side=striker),
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": x,
            "y": curve["victim_cost"],
            "name": t("assess.fig.victim_cost", side=curve["victim"]),
            "line": {"dash": "dash"},
        },
        {
            "type": "scatter",
            "mode": "markers",
            "x": [x[chosen]],
            "y": [curve["striker_cost"][chosen]],
            "name": t("assess.fig.chosen"),
            "marker": {"size": 11, "symbol": "diamond"},
        },
    ]
    layout = {
        "title": {"text": title},
        "xaxis": {"title": {"text": t("assess.fig.counterforce_axis")}, "automargin": True},
        # A cost is own damage plus the weighted survival of the enemy: it can pass 1.
        "yaxis": {
            "title": {"text": t("assess.fig.cost_axis")},
            "rangemode": "tozero",
            "automargin": True,
        },
        "legend": {"orientation": "h", "y": -0.3},
    }
    return {"data": data, "layout": layout}


def survivors_figure(
    result: dict[str, Any], *, side: str, title: str, t: Translate
) -> dict[str, Any]:
    """Deployed and surviving warheads by system after the other side strikes first.

    Horizontal bars: system names are read in full on the category axis.
    """
    survivors = result["per_side"][side]["survivors"]
    names = list(survivors)[::-1]  # first system on top
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": names,
            "x": [survivors[n]["deployed_warheads"] for n in names],
            "name": t("assess.fig.deployed"),
        },
        {
            "type": "bar",
            "orientation": "h",
            "y": names,
            "x": [survivors[n]["warheads"] for n in names],
            "name": t("assess.fig.surviving"),
        },
    ]
    layout = {
        "title": {"text": title},
        "barmode": "group",
        "height": max(260, 90 + 34 * len(names)),
        "xaxis": {"title": {"text": t("assess.fig.warheads_axis")}, "rangemode": "tozero"},
        "yaxis": CATEGORY_AXIS,
        "legend": {"orientation": "h", "y": -0.25},
    }
    return {"data": data, "layout": layout}


def headline_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per headline quantity with a formatted value per side."""
    sides = result["sides"]
    return [
        {"key": key, "values": [fmt(result["per_side"][s][key], spec) for s in sides]}
        for key, spec in HEADLINE
    ]


def _differs(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        scale = max(abs(a), abs(b), 1e-12)
        return abs(a - b) / scale > RELATIVE_TOLERANCE
    return a != b


def comparison_rows(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows (side, quantity, left, right, difference, changed, effect) for the table."""
    left, right = comparison["views"][:2]
    results = comparison["results"]
    rows = [
        compare_row(
            "",
            key,
            ".3f",
            results[left][key],
            results[right][key],
        )
        for key in ("crisis_stability_index", "arms_race_slope_product")
    ]
    for side in results[left]["sides"]:
        for key, spec in HEADLINE:
            rows.append(
                compare_row(
                    side,
                    key,
                    spec,
                    results[left]["per_side"][side][key],
                    results[right]["per_side"][side][key],
                )
            )
    return rows


def compare_row(side: str, key: str, spec: str, a: Any, b: Any) -> dict[str, Any]:
    """One compared row; its effect on stability read through ``STABILITY_DIRECTION``."""
    changed = _differs(a, b)
    numeric = isinstance(a, int | float) and isinstance(b, int | float)
    difference = b - a if changed and numeric else None
    direction = "" if difference is None else ("up" if difference > 0 else "down")
    sign = STABILITY_DIRECTION.get(key, 0)
    effect = ""
    if difference is not None and sign:
        effect = "better" if difference * sign > 0 else "worse"
    return {
        "side": side,
        "key": key,
        "left": fmt(a, spec),
        "right": fmt(b, spec),
        "difference": fmt(difference, "+" + spec) if difference is not None else "",
        "changed": changed,
        "direction": direction,
        "effect": effect,
    }


def comparison_figure(comparison: dict[str, Any], *, title: str, t: Translate) -> dict[str, Any]:
    """Grouped bars of the cost-based stability numbers (all in 0-1) under both sets."""
    views = comparison["views"][:2]
    results = comparison["results"]
    sides = results[views[0]]["sides"]
    categories = [t("quantity.crisis_stability_index")] + [
        t("assess.fig.ratio_of", side=s) for s in sides
    ]
    values = {
        view: [results[view]["crisis_stability_index"]]
        + [results[view]["per_side"][s]["stability_ratio"] for s in sides]
        for view in views
    }
    return index_bars_figure(categories, values, title=title, t=t)


def index_bars_figure(
    categories: list[str], values: dict[str, list[float]], *, title: str, t: Translate
) -> dict[str, Any]:
    """Grouped horizontal bars of numbers in 0-1, one group per category, one bar per
    compared set (``values[set]`` in the order of ``categories``; first on top)."""
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": categories[::-1],
            "x": row[::-1],
            "name": view,
        }
        for view, row in values.items()
    ]
    layout = {
        "title": {"text": title},
        "barmode": "group",
        "height": max(300, 160 + 36 * len(categories)),
        "xaxis": {"range": [0, 1], "title": {"text": t("assess.fig.index_axis")}},
        "yaxis": CATEGORY_AXIS,
        "legend": {"orientation": "h", "y": -0.3},
    }
    return {"data": data, "layout": layout}


def map_figure(
    result: dict[str, Any], index: int, *, title: str, x_title: str, y_title: str, t: Translate
) -> dict[str, Any]:
    """One panel of a stability map as a heat map; cells carry their lever values."""
    panel = result["panels"][index]
    crisis = panel["output"] == "crisis_stability_index"
    trace: dict[str, Any] = {
        "type": "heatmap",
        "x": result["x"]["values"],
        "y": result["y"]["values"],
        "z": panel["values"],
        "colorscale": "Viridis" if crisis else "Magma",
        "colorbar": {"thickness": 12, "title": {"text": t(f"assess.map.unit.{panel['output']}")}},
        "hovertemplate": f"{x_title}: %{{x}}<br>{y_title}: %{{y}}<br>%{{z:.3g}}<extra></extra>",
    }
    if crisis:
        trace.update({"zmin": 0.0, "zmax": 1.0})
    layout = {
        "title": {"text": title, "font": {"size": 14}},
        "xaxis": {"title": {"text": x_title}, "automargin": True},
        "yaxis": {"title": {"text": y_title}, "automargin": True},
        "height": 360,
    }
    return {"data": [trace], "layout": layout}
