"""Figures and table rows for the consensus view, built from ``ConsensusResult.to_dict()``."""

from __future__ import annotations

from typing import Any

DELEGATION_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x")


def opinion_map(result: dict[str, Any], *, title: str, ungrouped_label: str) -> dict[str, Any]:
    """Scatter of participants on the Pol.is projection: colour = group, symbol = delegation."""
    delegations = sorted({p["delegation"] or "—" for p in result["participants"]})
    traces: dict[str, dict[str, Any]] = {}
    for person in result["participants"]:
        if person["x"] is None or person["y"] is None:
            continue
        group = person["group"]
        name = ungrouped_label if group is None else f"group {chr(ord('A') + group)}"
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
        trace["text"].append(f"{person['participant']} ({delegation})")
        symbol = DELEGATION_SYMBOLS[delegations.index(delegation) % len(DELEGATION_SYMBOLS)]
        trace["marker"]["symbol"].append(symbol)
    layout = {
        "title": {"text": title},
        "xaxis": {"zeroline": True, "showticklabels": False, "title": {"text": "PC 1"}},
        "yaxis": {"zeroline": True, "showticklabels": False, "title": {"text": "PC 2"}},
        "legend": {"orientation": "h", "y": -0.15},
    }
    return {"data": list(traces.values()), "layout": layout}


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
