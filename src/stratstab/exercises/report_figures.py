"""Figures of the after-action report as inline SVG text (matplotlib, no files).

Four figures, each with a legend: the escalation level with every side's moves, the
risk of nuclear use nobody chose per turn, the crisis-stability index, and the channel's
credibility.  Sides are told apart by colour, marker and line style, and their markers
are set slightly apart on the turn axis, so that no side's line hides another's.
Labels follow the report's language; the SVG keeps text as text, so the reader's own
fonts draw the Chinese.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from stratstab.exercises.ladder import LADDER  # noqa: E402
from stratstab.exercises.wording import T, pair_name, side_name  # noqa: E402

SIDE_STYLES = (
    {"color": "#1f5fa8", "marker": "o", "linestyle": "-"},
    {"color": "#b8322a", "marker": "s", "linestyle": "--"},
    {"color": "#2e7d32", "marker": "^", "linestyle": ":"},
    {"color": "#6a4c93", "marker": "D", "linestyle": "-."},
)
DODGE = 0.08  # turns: how far apart the sides' markers sit


def _t(key: str, lang: str) -> str:
    return T[key][1 if lang == "zh" else 0]


# Chinese labels are measured with a CJK font where one is installed; the SVG keeps text
# as text either way, so the reader's browser draws it with its own fonts.
FONT_FAMILY = ["DejaVu Sans", "Noto Sans CJK SC"]


def _svg(figure: plt.Figure) -> str:
    buffer = io.StringIO()
    # A fixed hash salt and no date keep the SVG identical from run to run.
    with (
        matplotlib.rc_context({"svg.hashsalt": "stratstab", "svg.fonttype": "none"}),
        warnings.catch_warnings(),
    ):
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog so it can sit inside HTML


def _axes(title: str, ylabel: str, lang: str) -> tuple[plt.Figure, plt.Axes]:
    with matplotlib.rc_context({"font.family": FONT_FAMILY}):
        figure, axes = plt.subplots(figsize=(7.2, 3.2))
    axes.set_title(title)
    axes.set_xlabel(_t("axis_turn", lang))
    axes.set_ylabel(ylabel)
    axes.grid(alpha=0.3)
    return figure, axes


def escalation_svg(record: dict[str, Any], *, lang: str = "en") -> str:
    """The escalation level as a band, and each side's move per turn, set apart."""
    sides = list(record["actors"])
    figure, axes = _axes(_t("fig_escalation", lang), "", lang)
    levels = record["summary"]["escalation_trajectory"]
    axes.fill_between(
        range(len(levels)),
        levels,
        step="mid",
        color="#f0c36d",
        alpha=0.35,
        label=_t("escalation_level", lang),
    )
    axes.step(range(len(levels)), levels, where="mid", color="#b26a00", linewidth=1.2)
    for i, side in enumerate(sides):
        offset = (i - (len(sides) - 1) / 2) * DODGE
        turns = [t["turn"] + offset for t in record["turns"]]
        scores = [t["decisions"][side]["score"] for t in record["turns"]]
        axes.plot(
            turns,
            scores,
            label=side_name(side, lang),
            markersize=6,
            **SIDE_STYLES[i % len(SIDE_STYLES)],
        )
    labels = [r.label_zh if lang == "zh" else r.label for r in LADDER]
    axes.set_yticks([r.score for r in LADDER], labels, fontsize=8)
    axes.set_ylim(-0.3, LADDER[-1].score + 0.3)
    axes.legend(loc="upper left", fontsize=8, framealpha=0.9)
    return _svg(figure)


def line_svg(
    values: list[float],
    *,
    title: str,
    ylabel: str,
    lang: str,
    ylim: tuple[float, float] | None = None,
    log: bool = False,
    colour: str = "#1f5f8b",
    others: dict[str, list[float]] | None = None,
) -> str:
    """One measure per turn (turn 0 is the starting position), with its legend.

    ``others`` adds thinner dashed lines with their own markers (e.g. every pair's index
    under the system index), drawn over the main line so that none hides it.
    """
    figure, axes = _axes(title, ylabel, lang)
    label = title
    if others:
        label += "（体系：最弱的一对）" if lang == "zh" else " (system: weakest pair)"
    axes.plot(
        range(len(values)),
        values,
        marker="o",
        color=colour,
        label=label,
        linewidth=3 if others else 1.5,
    )
    styles = [("#1f5f8b", "s", "--"), ("#c62828", "^", ":"), ("#8e6c00", "D", "-.")]
    for i, (label, series) in enumerate((others or {}).items()):
        line_colour, marker, dash = styles[i % len(styles)]
        axes.plot(
            range(len(series)),
            series,
            marker=marker,
            markersize=4,
            linestyle=dash,
            linewidth=1.2,
            color=line_colour,
            label=label,
        )
    if log:
        axes.set_yscale("log")
    if ylim is not None:
        axes.set_ylim(*ylim)
    axes.legend(loc="best", fontsize=8, framealpha=0.9)
    return _svg(figure)


def figures(record: dict[str, Any], *, lang: str = "en") -> dict[str, str]:
    """The report's figures for a run record (``Recorder.to_dict()``)."""
    s = record["summary"]
    risk_percent = [max(p * 100, 1e-6) for p in s["risk_trajectory"]]
    return {
        "escalation": escalation_svg(record, lang=lang),
        "risk": line_svg(
            risk_percent,
            title=_t("fig_risk", lang),
            ylabel=_t("axis_risk", lang),
            lang=lang,
            log=True,
            colour="#c62828",
        ),
        "index": line_svg(
            s["index_trajectory"],
            others=_pair_series(record, lang),
            title=_t("fig_index", lang),
            ylabel=_t("axis_index", lang),
            lang=lang,
            ylim=(0.0, 1.0),
            colour="#2e7d32",
        ),
        "credibility": line_svg(
            s["credibility_trajectory"],
            title=_t("fig_credibility", lang),
            ylabel=_t("axis_credibility", lang),
            lang=lang,
            ylim=(0.0, 1.0),
            colour="#6a4c93",
        ),
    }


def _pair_series(record: dict[str, Any], lang: str) -> dict[str, list[float]]:
    """Every pair's index per turn (turn 0 first) in a run of three or more sides."""
    positions = [record.get("measures", {})] + [t.get("measures", {}) for t in record["turns"]]
    keys = list(positions[0].get("pair_indices", {}))
    return {
        pair_name(key, lang): [p["pair_indices"][key] for p in positions if "pair_indices" in p]
        for key in keys
    }
