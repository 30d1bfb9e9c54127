"""Figures and table rows for the consensus view, built from ``ConsensusResult.to_dict()``."""

from __future__ import annotations

from typing import Any

DELEGATION_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x")


DELEGATION_GLYPHS = ("●", "■", "◆", "▲", "✚", "✖")  # the same shapes, for HTML legends
YOU_ARE_HERE_SYMBOL = "star"


def group_letter(group: int | str) -> str:
    """An opinion group's letter: 0 -> A."""
    return chr(ord("A") + int(group))


def delegation_markers(delegations: list[str]) -> dict[str, tuple[str, str]]:
    """``code -> (Plotly symbol, HTML glyph)``, in the order the opinion map uses."""
    return {
        code: (
            DELEGATION_SYMBOLS[index % len(DELEGATION_SYMBOLS)],
            DELEGATION_GLYPHS[index % len(DELEGATION_GLYPHS)],
        )
        for index, code in enumerate(sorted(delegations))
    }


def opinion_map(
    result: dict[str, Any],
    *,
    title: str,
    ungrouped_label: str,
    group_label: str = "group {letter}",
    axis_labels: tuple[str, str] = ("PC 1", "PC 2"),
    you_label: str = "you are here",
    viewer: str | None = None,
) -> dict[str, Any]:
    """Scatter of participants on the Pol.is projection: colour = group, symbol = delegation.

    Hover shows a point's delegation and group only (no names).  The ``viewer``'s own
    point is drawn again as a large star named ``you_label``.  Every text on the figure
    comes in through the arguments, so it follows the page's language.
    """
    markers = delegation_markers(sorted({p["delegation"] or "—" for p in result["participants"]}))
    traces: dict[str, dict[str, Any]] = {}
    you = None
    for person in result["participants"]:
        if person["x"] is None or person["y"] is None:
            continue
        group = person["group"]
        name = ungrouped_label if group is None else group_label.format(letter=group_letter(group))
        trace = traces.setdefault(
            name,
            {
                "type": "scatter",
                "mode": "markers",
                "name": name,
                "x": [],
                "y": [],
                "text": [],
                "marker": {"size": 12, "symbol": [], "line": {"width": 1, "color": "#333"}},
                "hovertemplate": "%{text}<extra>%{fullData.name}</extra>",
            },
        )
        delegation = person["delegation"] or "—"
        trace["x"].append(person["x"])
        trace["y"].append(person["y"])
        trace["text"].append(delegation)
        trace["marker"]["symbol"].append(markers[delegation][0])
        if viewer is not None and person["participant"] == viewer:
            you = person
    data = sorted(traces.values(), key=lambda t: (t["name"] == ungrouped_label, t["name"]))
    if you is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": you_label,
                "x": [you["x"]],
                "y": [you["y"]],
                "text": [you_label],
                "textposition": "top center",
                "marker": {
                    "size": 22,
                    "symbol": YOU_ARE_HERE_SYMBOL,
                    "color": "rgba(0,0,0,0)",
                    "line": {"width": 2.5, "color": "#111"},
                },
                "hoverinfo": "skip",
            }
        )
    layout = {
        "title": {"text": title},
        "xaxis": {"zeroline": True, "showticklabels": False, "title": {"text": axis_labels[0]}},
        "yaxis": {"zeroline": True, "showticklabels": False, "title": {"text": axis_labels[1]}},
        "legend": {"orientation": "h", "y": -0.15},
        "margin": {"l": 40, "r": 10, "t": 50, "b": 40},
    }
    return {"data": data, "layout": layout}


def viewer_group(result: dict[str, Any], viewer: str) -> tuple[bool, int | None]:
    """(whether the viewer is on the map, their opinion group or None)."""
    for person in result["participants"]:
        if person["participant"] == viewer:
            return person["x"] is not None, person["group"]
    return False, None


def finding_sentence(finding: Any, t: Any, names: dict[str, str]) -> str:
    """The plain-language sentence of a :class:`~stratstab.dialogue.findings.Finding`."""
    count = "2" if finding.n_delegations == 2 else "n"
    if finding.kind == "delegations_agree":
        return t(f"cons.say.agree_{count}", n=finding.n_delegations)
    if finding.kind == "delegations_reject":
        return t(f"cons.say.reject_{count}", n=finding.n_delegations)
    if finding.kind == "delegations_split":
        separator = t("cons.list_separator")
        return t(
            "cons.say.split",
            agree=separator.join(names.get(c, c) for c in finding.agreeing),
            disagree=separator.join(names.get(c, c) for c in finding.disagreeing),
        )
    if finding.kind == "groups_split":
        return t("cons.say.groups")
    return t("cons.say.unclear")


def kind_title(kind: str, n_delegations: int, t: Any) -> str:
    """Heading of a kind of finding (both/all N delegations agree, …)."""
    count = "2" if n_delegations == 2 else "n"
    if kind in ("delegations_agree", "delegations_reject"):
        return t(f"cons.kind.{kind}_{count}", n=n_delegations)
    return t(f"cons.kind.{kind}")


def topic_name(catalogue: Any, topic_id: str, locale: str) -> str:
    """A catalogue topic's name in ``locale`` (the id itself for an unknown topic)."""
    topic = next((t for t in catalogue.topics if t.id == topic_id), None)
    if topic is None:
        return topic_id
    return topic.name_zh if locale == "zh" and topic.name_zh else topic.name_en


def percent(value: float | None) -> str:
    """A rate as a whole percentage, or an em dash."""
    return "—" if value is None else f"{100 * value:.0f}%"


def interval(bounds: list[float] | None) -> str:
    """An interval as ``[lo–hi]`` in percent."""
    if not bounds or bounds[0] is None:
        return "—"
    return f"[{100 * bounds[0]:.0f}–{100 * bounds[1]:.0f}%]"


def agreement_rows(result: dict[str, Any], delegations: list[str]) -> list[dict[str, Any]]:
    """Per statement: agree/disagree/pass counts, agree rate and interval per delegation."""
    rows = []
    for statement in result["statements"]:
        cells = []
        for code in delegations:
            block = statement.get("by_delegation", {}).get(code)
            if block is None:
                cells.append(None)
                continue
            cells.append(
                {
                    "agree": block["agree"],
                    "disagree": block["disagree"],
                    "pass": block["pass"],
                    "rate": percent(block.get("agree_rate")),
                    "interval": interval(block.get("agree_rate_interval")),
                }
            )
        rows.append(
            {
                "statement": statement["statement"],
                "text": statement.get("text", ""),
                "overall": percent(statement.get("agree_rate")),
                "cells": cells,
            }
        )
    return rows
