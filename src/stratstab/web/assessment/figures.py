"""Plotly figure specifications and table rows built from assessment results.

Input is the JSON form of results (``Assessment.to_dict()``, ``Comparison.to_dict()``);
output is plain dicts that the page hands to Plotly.js.  No drawing happens here.
"""

from __future__ import annotations

from typing import Any

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
# Differences smaller than this (relative to the larger magnitude) count as equal.
RELATIVE_TOLERANCE = 1e-6


def fmt(value: Any, spec: str) -> str:
    """Format a number for a table; text and missing values pass through."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—" if value is None else str(value)
    return format(value, spec)


def cost_curve_figure(result: dict[str, Any], *, striker: str, title: str) -> dict[str, Any]:
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
            "name": f"{striker} cost (strikes first)",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": x,
            "y": curve["victim_cost"],
            "name": f"{curve['victim']} cost (struck first)",
            "line": {"dash": "dash"},
        },
        {
            "type": "scatter",
            "mode": "markers",
            "x": [x[chosen]],
            "y": [curve["striker_cost"][chosen]],
            "name": "chosen strike",
            "marker": {"size": 11, "symbol": "diamond"},
        },
    ]
    layout = {
        "title": {"text": title},
        "xaxis": {"title": {"text": "counterforce warheads used"}},
        "yaxis": {"title": {"text": "cost (0–1)"}, "rangemode": "tozero"},
        "legend": {"orientation": "h", "y": -0.25},
    }
    return {"data": data, "layout": layout}


def survivors_figure(result: dict[str, Any], *, side: str, title: str) -> dict[str, Any]:
    """Deployed and surviving warheads by system after the other side strikes first."""
    survivors = result["per_side"][side]["survivors"]
    names = list(survivors)
    data = [
        {
            "type": "bar",
            "x": names,
            "y": [survivors[n]["deployed_warheads"] for n in names],
            "name": "deployed",
        },
        {
            "type": "bar",
            "x": names,
            "y": [survivors[n]["warheads"] for n in names],
            "name": "surviving",
        },
    ]
    layout = {
        "title": {"text": title},
        "barmode": "group",
        "yaxis": {"title": {"text": "warheads"}},
        "legend": {"orientation": "h", "y": -0.3},
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
    """Rows (side, quantity, left, right, difference, changed) for the side-by-side table."""
    left, right = comparison["views"][:2]
    results = comparison["results"]
    rows = [
        _row(
            "",
            "crisis_stability_index",
            ".3f",
            results[left]["crisis_stability_index"],
            results[right]["crisis_stability_index"],
        )
    ]
    rows.append(
        _row(
            "",
            "arms_race_slope_product",
            ".3f",
            results[left]["arms_race_slope_product"],
            results[right]["arms_race_slope_product"],
        )
    )
    for side in results[left]["sides"]:
        for key, spec in HEADLINE:
            rows.append(
                _row(
                    side,
                    key,
                    spec,
                    results[left]["per_side"][side][key],
                    results[right]["per_side"][side][key],
                )
            )
    return rows


def _row(side: str, key: str, spec: str, a: Any, b: Any) -> dict[str, Any]:
    changed = _differs(a, b)
    difference = (
        b - a if changed and isinstance(a, int | float) and isinstance(b, int | float) else None
    )
    direction = "" if difference is None else ("up" if difference > 0 else "down")
    return {
        "side": side,
        "key": key,
        "left": fmt(a, spec),
        "right": fmt(b, spec),
        "difference": fmt(difference, "+" + spec) if difference is not None else "",
        "changed": changed,
        "direction": direction,
    }


def comparison_figure(comparison: dict[str, Any], *, title: str) -> dict[str, Any]:
    """Grouped bars of the cost-based stability numbers under both assumption sets."""
    views = comparison["views"][:2]
    results = comparison["results"]
    sides = results[views[0]]["sides"]
    categories = ["crisis stability index"] + [f"{s} stability ratio" for s in sides]
    data = []
    for view in views:
        values = [results[view]["crisis_stability_index"]]
        values += [results[view]["per_side"][s]["stability_ratio"] for s in sides]
        data.append({"type": "bar", "x": categories, "y": values, "name": view})
    layout = {
        "title": {"text": title},
        "barmode": "group",
        "yaxis": {"rangemode": "tozero"},
        "legend": {"orientation": "h", "y": -0.25},
    }
    return {"data": data, "layout": layout}
