"""Scope memo: the scope analysis as bilingual Markdown or standalone HTML (pure).

Both renderers build the same sections from :func:`memo_sections`: Warner's levels,
each delegation's implied level, distances, shared / contested topics, conditions,
the staged agenda and every delegation's stated positions with notes.  The HTML is one
file with inline CSS and no external asset (delegations may be air-gapped); all text
is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from stratstab.dialogue.scope import Catalogue, ScopeAnalysis, ScopePositionData

Table = tuple[list[str], list[list[str]]]

STANCE_LABEL = {
    "include": "include / 纳入",
    "exclude": "exclude / 排除",
    "only-if-linked": "only if linked / 挂钩条件下纳入",
}


def _topic(catalogue: Catalogue, topic_id: str) -> str:
    topic = catalogue.topic(topic_id)
    return f"{topic.name_en} / {topic.name_zh}"


def _level(catalogue: Catalogue, level_id: str) -> str:
    level = catalogue.level(level_id)
    return f"{level.name_en} / {level.name_zh}"


def memo_sections(
    catalogue: Catalogue, analysis: ScopeAnalysis, positions: Sequence[ScopePositionData]
) -> list[tuple[str, list[str], Table | None]]:
    """(heading, paragraphs, table or None) for every section of the memo."""
    name = lambda t: _topic(catalogue, t)  # noqa: E731 - short local alias
    levels = (
        ["level / 层次", "definition", "定义"],
        [[_level(catalogue, lv.id), lv.definition_en, lv.definition_zh] for lv in catalogue.levels],
    )
    implied = (
        ["delegation / 代表团", "implied level / 隐含层次"],
        [[d, _level(catalogue, lv)] for d, lv in analysis.implied_levels.items()],
    )
    distances = (
        ["delegations / 代表团", "distance / 距离 (0 = same, 1 = opposite)"],
        [[f"{a} – {b}", f"{value:.2f}"] for (a, b), value in analysis.distances.items()],
    )
    agenda_rows = [
        [
            str(stage.number),
            stage.kind,
            name(item.topic),
            str(item.priority_sum),
            f"{item.disagreement:.1f}",
            ", ".join(item.requires) or "—",
        ]
        for stage in analysis.stages
        for item in stage.items
    ]
    agenda = (
        ["stage / 阶段", "kind", "topic / 议题", "priority sum", "gap", "linked to"],
        agenda_rows,
    )
    stated = (
        ["delegation", "topic / 议题", "stance / 立场", "priority", "linked to", "note / 说明"],
        [
            [
                p.delegation,
                name(p.topic),
                STANCE_LABEL[p.stance],
                str(p.priority),
                ", ".join(p.linked_topics) or "—",
                p.note or "—",
            ]
            for p in positions
        ],
    )
    listing = lambda ids: ", ".join(name(t) for t in ids) or "none / 无"  # noqa: E731
    conditions = [
        f"{d}: {name(t)} only if linked to {', '.join(name(x) for x in links)}"
        for d, t, links in analysis.conditions
    ]
    deferred = [f"{name(t)}: {reason}" for t, reason in analysis.deferred]
    return [
        ("Warner's three levels / 战略稳定的三个层次", [], levels),
        ("Level implied by each position / 各方立场隐含的层次", [], implied),
        (
            "Distance between positions / 立场距离",
            [
                "Priority-weighted mean gap in willingness to discuss each topic "
                "(include 1, only-if-linked 0.5, exclude 0)."
            ],
            distances,
        ),
        (
            "Topics in common and in dispute / 共同议题与争议议题",
            [
                f"Shared / 共同纳入: {listing(analysis.shared)}",
                f"Contested / 存在争议: {listing(analysis.contested)}",
                f"Out of scope / 不在范围内: {listing(analysis.out_of_scope)}",
                *(["Conditions / 挂钩条件:", *conditions] if conditions else []),
            ],
            None,
        ),
        (
            "Proposed staged agenda / 建议的分阶段议程",
            [
                "Stage 1 holds the topics every delegation includes; later stages hold "
                "contested topics from the nearest to the farthest.",
                *(["Deferred / 暂缓:", *deferred] if deferred else []),
            ],
            agenda,
        ),
        ("Stated positions / 各方立场", [], stated),
    ]


def render_markdown(
    catalogue: Catalogue,
    analysis: ScopeAnalysis,
    positions: Sequence[ScopePositionData],
    *,
    title: str,
) -> str:
    """The scope memo as Markdown (table cells have ``|`` escaped)."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [f"# Scope memo / 范围备忘录: {title}", ""]
    for heading, paragraphs, table in memo_sections(catalogue, analysis, positions):
        lines += [f"## {heading}", ""]
        lines += [f"- {p}" if not p.endswith(":") else p for p in paragraphs]
        if paragraphs:
            lines.append("")
        if table is not None:
            header, rows = table
            lines.append("| " + " | ".join(cell(h) for h in header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
            lines.append("")
    return "\n".join(lines)


_STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC",sans-serif;max-width:60rem;
margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f2f2}
"""


def render_html(
    catalogue: Catalogue,
    analysis: ScopeAnalysis,
    positions: Sequence[ScopePositionData],
    *,
    title: str,
) -> str:
    """The scope memo as one standalone HTML page (inline CSS, every text escaped)."""
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Scope memo: {esc(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>Scope memo / 范围备忘录: {esc(title)}</h1>",
    ]
    for heading, paragraphs, table in memo_sections(catalogue, analysis, positions):
        parts.append(f"<section><h2>{esc(heading)}</h2>")
        parts += [f"<p>{esc(p)}</p>" for p in paragraphs]
        if table is not None:
            header, rows = table
            parts.append("<table><thead><tr>")
            parts += [f"<th>{esc(h)}</th>" for h in header]
            parts.append("</tr></thead><tbody>")
            for row in rows:
                parts.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>")
            parts.append("</tbody></table>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
