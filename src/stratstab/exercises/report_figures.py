"""Figures of the after-action report as inline SVG text (matplotlib, no files).

Four figures, each with a legend: the escalation level with every side's moves, the
risk of nuclear use nobody chose per turn, the crisis-stability index, and the channel's
credibility.  Sides are told apart by colour, marker and line style, and their markers
are set slightly apart on the turn axis, so that no side's line hides another's.  With
three or more sides the index figure has two panels: the system index (the weakest
pair's) above and every pair's index below, so the system line never lies on the
weakest pair's.
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
from matplotlib.ticker import MaxNLocator  # noqa: E402

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
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # turns are whole numbers
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
) -> str:
    """One measure per turn (turn 0 is the starting position), with its legend."""
    figure, axes = _axes(title, ylabel, lang)
    axes.plot(range(len(values)), values, marker="o", color=colour, label=title, linewidth=1.5)
    if log:
        axes.set_yscale("log")
    if ylim is not None:
        axes.set_ylim(*ylim)
    axes.legend(loc="best", fontsize=8, framealpha=0.9)
    return _svg(figure)


PAIR_STYLES = (
    {"color": "#1f5f8b", "marker": "s", "linestyle": "--"},
    {"color": "#c62828", "marker": "^", "linestyle": ":"},
    {"color": "#8e6c00", "marker": "D", "linestyle": "-."},
    {"color": "#6a4c93", "marker": "v", "linestyle": (0, (5, 1, 1, 1))},
    {"color": "#00838f", "marker": "P", "linestyle": (0, (1, 2))},
    {"color": "#5d4037", "marker": "X", "linestyle": (0, (8, 2))},
)


def pair_index_svg(
    system: list[float],
    pairs: dict[str, list[float]],
    weakest: list[str],
    *,
    lang: str,
) -> str:
    """The system index above, every pair's index below, in two panels on one turn axis.

    The system index is the weakest pair's, so drawn on one axes the two lines would lie
    on top of each other.  The upper panel draws the system index alone and writes the
    weakest pair's name where it changes; the lower panel draws every pair with its own
    colour, marker and dash, the markers set slightly apart on the turn axis so pairs of
    equal value stay visible.  ``weakest`` names the weakest pair per position (turn 0
    first).
    """
    with matplotlib.rc_context({"font.family": FONT_FAMILY}):
        figure, (top, bottom) = plt.subplots(
            2, 1, figsize=(7.2, 5.4), sharex=True, gridspec_kw={"height_ratios": [1, 1.4]}
        )
    top.set_title(_t("fig_index", lang))
    turns = range(len(system))
    top.plot(
        turns,
        system,
        marker="o",
        color="#2e7d32",
        linewidth=2,
        label=_t("index_system", lang),
    )
    previous = None
    for turn, (value, name) in enumerate(zip(system, weakest, strict=False)):
        if name and name != previous:
            top.annotate(
                name,
                (turn, value),
                textcoords="offset points",
                xytext=(4, 7),
                fontsize=7,
                color="#2e7d32",
            )
        previous = name
    for i, (label, series) in enumerate(pairs.items()):
        offset = (i - (len(pairs) - 1) / 2) * DODGE
        bottom.plot(
            [t + offset for t in range(len(series))],
            series,
            markersize=5,
            linewidth=1.3,
            label=label,
            **PAIR_STYLES[i % len(PAIR_STYLES)],
        )
    for axes, ylabel in (
        (top, _t("axis_index_system", lang)),
        (bottom, _t("axis_index_pair", lang)),
    ):
        axes.set_ylim(0.0, 1.05)
        axes.set_ylabel(ylabel)
        axes.grid(alpha=0.3)
        axes.legend(loc="lower left", fontsize=8, framealpha=0.9)
    bottom.set_xlabel(_t("axis_turn", lang))
    bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
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
        "index": _index_svg(record, lang),
        "credibility": line_svg(
            s["credibility_trajectory"],
            title=_t("fig_credibility", lang),
            ylabel=_t("axis_credibility", lang),
            lang=lang,
            ylim=(0.0, 1.0),
            colour="#6a4c93",
        ),
    }


def _index_svg(record: dict[str, Any], lang: str) -> str:
    """One line for two sides; the system index and every pair's in two panels for more."""
    trajectory = record["summary"]["index_trajectory"]
    positions = [record.get("measures", {})] + [t.get("measures", {}) for t in record["turns"]]
    if not positions[0].get("pair_indices"):
        return line_svg(
            trajectory,
            title=_t("fig_index", lang),
            ylabel=_t("axis_index", lang),
            lang=lang,
            ylim=(0.0, 1.0),
            colour="#2e7d32",
        )
    keys = list(positions[0]["pair_indices"])
    pairs = {
        pair_name(key, lang): [p["pair_indices"][key] for p in positions if "pair_indices" in p]
        for key in keys
    }
    weakest = [
        pair_name(p["weakest_pair"], lang) if p.get("weakest_pair") else "" for p in positions
    ]
    return pair_index_svg(trajectory, pairs, weakest, lang=lang)
