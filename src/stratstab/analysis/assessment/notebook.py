"""How an assessment shows itself in a notebook: a one-line repr, a table, HTML, a figure.

An :class:`~stratstab.analysis.assessment.assess.Assessment` holds every exchange
curve level by level; printing all of it floods a notebook cell.  These functions give
the short forms an analyst reads: a one-line ``repr``, a pandas frame with one row per
side (pandas does the tabular work), and an HTML table for Jupyter's rich display.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Any

from stratstab.analysis.spec.outputs import PER_SIDE_OUTPUTS, index_reading

if TYPE_CHECKING:
    import pandas as pd

    from stratstab.analysis.assessment.assess import Assessment

#: Per-side columns of :func:`assessment_frame`, after the scenario-wide ones.
FRAME_COLUMNS = (
    "deployed_warheads",
    "interceptors",
    "surviving_fraction",
    *PER_SIDE_OUTPUTS,
    "stability_ratio",
)
#: Rows of the HTML summary: (per-side key, label, format).
HTML_ROWS = (
    ("deployed_warheads", "deployed warheads", "{:,.0f}"),
    ("surviving_warheads", "warheads surviving a first strike", "{:,.0f}"),
    ("arriving_warheads", "retaliating warheads arriving", "{:,.0f}"),
    ("damage_fraction", "damage to the first striker (share of value)", "{:.2f}"),
    ("c1", "cost of striking first (C1)", "{:.3f}"),
    ("c2", "cost of being struck first (C2)", "{:.3f}"),
    ("required_arsenal", "arsenal needed for assured retaliation", "{:,.0f}"),
    ("reaction_slope_arsenal", "reaction slope to the other's arsenal", "{:.3f}"),
)


def _number(value: float, pattern: str = "{:.3f}") -> str:
    return pattern.format(value) if math.isfinite(value) else str(value)


def assessment_repr(assessment: Assessment) -> str:
    """One line: scenario, view, crisis-stability index and arms-race slope product."""
    index = assessment.crisis_stability_index
    product, stable = assessment.arms_race
    view = assessment.resolved.view
    return (
        f"<Assessment {assessment.resolved.scenario.name!r}"
        f"{'' if view is None else f' view={view!r}'}: "
        f"crisis-stability index {_number(index)} ({index_reading(index)}), "
        f"arms-race slope product {_number(product)} ({'stable' if stable else 'unstable'})>"
    )


def assessment_frame(assessment: Assessment) -> pd.DataFrame:
    """One row per side: the scenario-wide headline numbers, then the side's own.

    Rows from several assessments (views, scenarios) stack with ``pandas.concat``:
    the ``scenario`` and ``view`` columns tell them apart.
    """
    import pandas as pd

    product, stable = assessment.arms_race
    rows = []
    for side in assessment.sides:
        report = assessment.side_report(side)
        row: dict[str, Any] = {
            "scenario": assessment.resolved.scenario.name,
            "view": assessment.resolved.view,
            "side": side,
            "posture": report["posture"],
            "crisis_stability_index": assessment.crisis_stability_index,
            "arms_race_slope_product": product,
            "arms_race_stable": stable,
        }
        row.update({name: float(report[name]) for name in FRAME_COLUMNS})
        rows.append(row)
    return pd.DataFrame(rows).set_index("side")


def assessment_html(assessment: Assessment) -> str:
    """A small HTML table for Jupyter: headline line, then the sides side by side."""
    index = assessment.crisis_stability_index
    product, stable = assessment.arms_race
    view = assessment.resolved.view
    sides = assessment.sides
    reports = {side: assessment.side_report(side) for side in sides}
    head = "".join(f"<th>{html.escape(side)}</th>" for side in sides)
    body = "".join(
        f"<tr><td>{html.escape(label)}</td>"
        + "".join(f"<td>{_number(float(reports[s][key]), fmt)}</td>" for s in sides)
        + "</tr>"
        for key, label, fmt in HTML_ROWS
    )
    return (
        "<div class='stratstab-assessment'>"
        f"<p><strong>{html.escape(assessment.resolved.scenario.name)}</strong>"
        f"{'' if view is None else ' — view ' + html.escape(view)}<br>"
        f"crisis-stability index <strong>{_number(index)}</strong> "
        f"({index_reading(index)}); arms-race slope product {_number(product)} "
        f"({'stable' if stable else 'unstable'})</p>"
        f"<table><thead><tr><th></th>{head}</tr></thead><tbody>{body}</tbody></table>"
        "</div>"
    )
