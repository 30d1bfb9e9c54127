"""Figures of the after-action report as inline SVG text (matplotlib, no files)."""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from stratstab.exercises.ladder import LADDER  # noqa: E402


def _svg(figure: plt.Figure) -> str:
    buffer = io.StringIO()
    # A fixed hash salt and no date keep the SVG identical from run to run.
    with matplotlib.rc_context({"svg.hashsalt": "stratstab", "svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog so it can sit inside HTML


def escalation_svg(curves: dict[str, list[int]], *, title: str = "Escalation by turn") -> str:
    """Step plot of each side's ladder score per turn, with the rung names on the axis."""
    figure, axes = plt.subplots(figsize=(7.0, 3.2))
    for side, scores in curves.items():
        turns = list(range(1, len(scores) + 1))
        axes.step(turns, scores, where="mid", marker="o", label=side)
    axes.set_yticks([r.score for r in LADDER], [r.label for r in LADDER], fontsize=8)
    axes.set_ylim(-0.3, LADDER[-1].score + 0.3)
    axes.set_xlabel("turn")
    axes.set_title(title)
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left")
    return _svg(figure)


def index_svg(index_by_turn: list[float], *, title: str = "Crisis-stability index by turn") -> str:
    """The Kent–Thaler index after each turn (turn 0: the starting position)."""
    figure, axes = plt.subplots(figsize=(7.0, 3.0))
    axes.plot(range(len(index_by_turn)), index_by_turn, marker="o", color="tab:green")
    axes.set_ylim(0.0, 1.0)
    axes.set_xlabel("turn (0 = start)")
    axes.set_ylabel("index (1 = most stable)")
    axes.set_title(title)
    axes.grid(alpha=0.3)
    return _svg(figure)


def figures(record: dict[str, Any]) -> dict[str, str]:
    """Both report figures for a run record (``Recorder.to_dict()``)."""
    sides = list(record["actors"])
    curves = {s: [t["decisions"][s]["score"] for t in record["turns"]] for s in sides}
    return {
        "escalation": escalation_svg(curves),
        "index": index_svg(record["summary"]["index_trajectory"]),
    }
