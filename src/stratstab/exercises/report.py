"""The after-action report: one self-contained, printable HTML page in English or Chinese.

Sections: summary, lessons, setting and objectives, the turns (injects, decisions with
their stated reasons and the adjudicated outcome in words), figures (escalation,
risk of nuclear use nobody chose, crisis-stability index, channel credibility), the
channel log with missed deadlines, and the history entries that speak to the run.
The page carries the workbench's own style sheet, so it looks like the workbench on
screen and in print.  All text from scenario files and players is HTML-escaped; text
a player wrote stays in the language it was written in, with the translation beside it
where one exists.  A PDF is printed from the HTML by chromium where it is installed.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from importlib.resources import files
from pathlib import Path
from typing import Any

from stratstab.errors import InputError
from stratstab.exercises.ladder import LADDER, NUCLEAR_USE_SCORE
from stratstab.exercises.lessons import lessons
from stratstab.exercises.report_figures import figures
from stratstab.exercises.wording import T, player_name, side_name
from stratstab.reports.pdf import PdfUnavailable, pdf_converter, print_to_pdf

LANGS = ("en", "zh")

REPORT_STYLE = """
main.report { max-width: 62rem; background: var(--paper); padding: 1.5rem 2rem;
  border-radius: 6px; }
.report table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
.report td, .report th { border: 1px solid var(--line); padding: .3rem .45rem; vertical-align: top;
  font-size: .92rem; text-align: left; }
.report th { background: var(--wash); }
.report .missed { color: var(--disagree); font-weight: 600; }
.report .met { color: var(--agree); }
.report .fig svg { max-width: 100%; height: auto; }
.report .turn { border-left: 3px solid var(--line); padding-left: .8rem; margin: 1rem 0; }
.report .outcome { background: var(--wash); padding: .4rem .6rem; border-radius: 4px; }
.report .translation { color: var(--muted); border-left: 3px solid var(--line);
  padding-left: .5rem; display: block; margin-top: .2rem; }
.report .lessons li { margin-bottom: .4rem; }
.report .meta { color: var(--muted); font-size: .9rem; }
@media print { body { background: #fff; } main.report { padding: 0; max-width: none; }
  .report section { break-inside: avoid-page; } .report .turn { break-inside: avoid; } }
"""


@lru_cache(maxsize=1)
def workbench_style() -> str:
    """The workbench's style sheet (a package data file), so reports look like its pages."""
    return (files("stratstab") / "web/static/css/stratstab.css").read_text(encoding="utf-8")


def _t(key: str, lang: str) -> str:
    return T[key][1 if lang == "zh" else 0]


def _pick(record: dict[str, Any], key: str, lang: str) -> str:
    """A text field in ``lang`` (``key_zh`` for Chinese), falling back to English."""
    if lang == "zh" and record.get(f"{key}_zh"):
        return str(record[f"{key}_zh"])
    return str(record.get(key, ""))


def _table(headers: list[str], rows: list[list[str]], *, raw: bool = False) -> str:
    """An HTML table; cells are escaped unless ``raw`` (then the caller escaped them)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    cell = (lambda c: str(c)) if raw else (lambda c: escape(str(c)))
    body = "".join("<tr>" + "".join(f"<td>{cell(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _rung_label(score: int, lang: str) -> str:
    band = LADDER[min(max(int(round(score)), 0), NUCLEAR_USE_SCORE)]
    return band.label_zh if lang == "zh" else band.label


def _percent(value: float) -> str:
    return f"{value * 100:.2f} %"


def _summary(record: dict[str, Any], lang: str) -> str:
    s = record["summary"]

    def per_side(values: dict[str, Any], fmt) -> str:
        return "; ".join(f"{side_name(k, lang)} {fmt(v)}" for k, v in values.items())

    rows = [
        [_t("players", lang), per_side(record["players"], lambda v: player_name(v, lang))],
        [_t("seed", lang), str(record["seed"])],
        [_t("turns_played", lang), f"{record['turns_played']} / {record['turns_planned']}"],
        [_t("ended_by", lang), _t(f"ended_{record['ended_by']}", lang)],
        [
            _t("peak_move", lang),
            per_side(s["peak_score"], lambda v: f"{_rung_label(v, lang)} ({v})"),
        ],
        [
            _t("index_start_end", lang),
            f"{s['index_start']:.2f} → {s['index_end']:.2f} ({_t('lowest', lang)} "
            f"{s['index_min']:.2f})",
        ],
        [
            _t("escalation_peak", lang),
            f"{max(s['escalation_trajectory']):.1f} "
            f"({_rung_label(max(s['escalation_trajectory']), lang)})",
        ],
        [_t("cumulative_risk", lang), _percent(s["cumulative_risk"])],
        [_t("damage", lang), per_side(s["damage_end"], lambda v: f"{v * 100:.1f} %")],
        [_t("detonations", lang), per_side(s["detonations_end"], str)],
        [
            _t("credibility", lang),
            f"{s['credibility_trajectory'][0]:.2f} → {s['credibility_trajectory'][-1]:.2f}",
        ],
        [
            _t("traffic", lang),
            f"{s['messages']} / {s['acknowledged']} / {s['deadlines_missed']}",
        ],
    ]
    return _table([_t("measure", lang), _t("value", lang)], rows)


def _source(source: str | dict[str, str], lang: str) -> str:
    """One source of the scenario: a plain citation, or title, publisher, date, what the
    scenario takes from it, and a link to the primary publication with its access date."""
    if isinstance(source, str):
        return escape(source)
    text = (
        f"{escape(source['publisher'])}, <i>{escape(source['title'])}</i> "
        f"({escape(source['published'])})"
    )
    used_for = (lang == "zh" and source.get("used_for_zh")) or source.get("used_for")
    if used_for:
        text += f": {escape(used_for)}"
    if source.get("url"):
        url = escape(source["url"])
        text += f"; <a href='{url}'>{url}</a> ({escape(_t('accessed', lang))} {source['accessed']})"
    return text


def _setting(record: dict[str, Any], lang: str) -> str:
    items = []
    for side, actor in record["actors"].items():
        objectives = actor.get("objectives_zh") if lang == "zh" else None
        objectives = objectives or actor["objectives"]
        # Each objective is a sentence of its own: a nested list, not "…crisis.; Keep…".
        nested = "".join(f"<li>{escape(o)}</li>" for o in objectives)
        items.append(f"<li><b>{escape(side_name(side, lang))}</b><ul>{nested}</ul></li>")
    sources = "".join(f"<li>{_source(source, lang)}</li>" for source in record.get("sources", []))
    cited = f"<h3>{escape(_t('sources', lang))}</h3><ol>{sources}</ol>" if sources else ""
    return f"<p>{escape(_pick(record, 'setting', lang))}</p><ul>{''.join(items)}</ul>{cited}"


def _bilingual_text(text: str, translation: str) -> str:
    if translation:
        return f"{escape(text)}<span class='translation'>{escape(translation)}</span>"
    return escape(text)


def _turns(record: dict[str, Any], lang: str) -> str:
    out = []
    for turn in record["turns"]:
        heading = f"第 {turn['turn']} 回合" if lang == "zh" else f"Turn {turn['turn']}"
        parts = [f"<h3>{escape(heading)}</h3>"]
        if not turn["channel_up"]:
            parts.append(f"<p class='missed'>{escape(_t('channel_down', lang))}</p>")
        for inject in turn["injects"]:
            to = _t("to_all", lang) if inject["to"] == "all" else side_name(inject["to"], lang)
            parts.append(
                f"<p><b>{escape(_t('inject', lang))}</b> ({escape(to)}): "
                f"{escape(_pick(inject, 'text', lang))}</p>"
            )
        rows = []
        for side, d in turn["decisions"].items():
            reason = d.get("reason_zh") if lang == "zh" and d.get("reason_zh") else d["reason"]
            rows.append(
                [
                    escape(side_name(side, lang)),
                    escape(_pick(d, "label", lang))
                    + f"<br><small>{escape(_rung_label(d['score'], lang))}</small>",
                    escape(reason),
                    f"<div class='outcome'>{escape(d['outcome'][lang])}</div>",
                ]
            )
        parts.append(
            _table(
                [
                    _t("side", lang),
                    _t("decision", lang),
                    _t("stated_reason", lang),
                    _t("outcome", lang),
                ],
                rows,
                raw=True,
            )
        )
        parts.append(f"<p class='outcome'>{escape(turn['outcome'][lang])}</p>")
        out.append(f"<div class='turn'>{''.join(parts)}</div>")
    return "".join(out)


def _channel(record: dict[str, Any], lang: str) -> str:
    rows = []
    for m in record["channel_log"]:
        response = "—" if m["response_minutes"] is None else f"{m['response_minutes']} min"
        delivered = (
            str(m["delivered_turn"])
            if m["delivered_turn"] is not None
            else _t("not_delivered", lang)
        )
        status = (
            f"<span class='missed'>{escape(_t('missed', lang))}</span>"
            if m["deadline_missed"]
            else f"<span class='met'>{escape(_t('met', lang))}</span>"
        )
        rows.append(
            [
                str(m["seq"]),
                str(m["sent_turn"]),
                escape(f"{side_name(m['sender'], lang)} → {side_name(m['recipient'], lang)}"),
                escape(_t(f"kind_{m['kind']}", lang)),
                _bilingual_text(m["text"], m.get("translation", "")),
                escape(delivered),
                escape(response),
                status,
            ]
        )
    if not rows:
        return f"<p>{escape(_t('no_messages', lang))}</p>"
    headers = [
        "#",
        "sent_turn",
        "from_to",
        "kind",
        "text",
        "delivered_turn",
        "response_time",
        "ack_deadline",
    ]
    return _table([h if h == "#" else _t(h, lang) for h in headers], rows, raw=True)


def _run_text(record: dict[str, Any]) -> str:
    """All text of what happened: injects fired, moves chosen, reasons and messages."""
    parts = [record.get("setting", "")]
    for turn in record["turns"]:
        parts += [i["text"] for i in turn["injects"]]
        parts += [d["label"] + " " + d["reason"] for d in turn["decisions"].values()]
    parts += [m["text"] for m in record.get("channel_log", [])]
    return "\n".join(parts)


def related_history(record: dict[str, Any], *, cited: list[str], limit: int = 8) -> list[dict]:
    """History entries cited by the scenario plus those sharing glossary terms with the run."""
    from stratstab.history import find_terms, load_history

    terms = set(find_terms(_run_text(record))) | {"hotline"}  # the run used a channel
    ranked = []
    for entry in load_history():
        shared = sorted(terms & set(entry.glossary_terms))
        if entry.id in cited or shared:
            ranked.append((entry.id not in cited, -len(shared), entry.first_date(), entry, shared))
    ranked.sort(key=lambda r: r[:3])
    return [
        {
            "id": e.id,
            "name_en": e.name_en,
            "name_zh": e.name_zh,
            "date": e.first_date(),
            "lesson": e.lesson.en,
            "lesson_zh": e.lesson.zh,
            "cited_by_scenario": e.id in cited,
            "shared_terms": shared,
        }
        for *_, e, shared in ranked[:limit]
    ]


def _history(record: dict[str, Any], cited: list[str], lang: str) -> str:
    items = []
    for h in related_history(record, cited=cited):
        name, other = (h["name_zh"], h["name_en"]) if lang == "zh" else (h["name_en"], h["name_zh"])
        lesson = h["lesson_zh"] if lang == "zh" else h["lesson"]
        items.append(
            f"<li><b>{escape(name)}</b> ({escape(other)}, {escape(h['date'])}): "
            f"{escape(lesson)}</li>"
        )
    return f"<ul>{''.join(items)}</ul>"


def render_report(
    record: dict[str, Any], *, cited_history: list[str] | None = None, lang: str = "en"
) -> str:
    """The after-action report of a run record (``Recorder.to_dict()``) as HTML text."""
    if lang not in LANGS:
        raise InputError(f"unknown report language {lang!r}; expected one of {list(LANGS)}")
    figs = figures(record, lang=lang)
    lesson_items = "".join(f"<li>{escape(text)}</li>" for text in lessons(record, lang=lang))
    fig_html = "".join(
        f"<figure class='fig' id='fig-{key}'>{svg}</figure>" for key, svg in figs.items()
    )
    sections = [
        ("summary", _t("summary", lang), _summary(record, lang)),
        ("lessons", _t("lessons", lang), f"<ol class='lessons'>{lesson_items}</ol>"),
        ("setting", _t("setting", lang), _setting(record, lang)),
        ("figures", _t("figures", lang), fig_html),
        ("turns", _t("turns", lang), _turns(record, lang)),
        ("channel", _t("channel_log", lang), _channel(record, lang)),
        ("history", _t("history", lang), _history(record, cited_history or [], lang)),
    ]
    body = "".join(
        f"<section id='{sid}'><h2>{escape(title)}</h2>{html}</section>"
        for sid, title, html in sections
    )
    name = _pick(record, "name", lang)
    title = escape(f"{_t('title', lang)}: {name}")
    html_lang = "zh-Hans" if lang == "zh" else "en"
    meta = escape(
        f"stratstab {record['stratstab_version']} · {_t('exercise', lang)} {record['exercise']}"
        f" · {_t('seed', lang)} {record['seed']}"
    )
    return (
        f"<!DOCTYPE html><html lang='{html_lang}'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title><style>{workbench_style()}{REPORT_STYLE}</style></head>"
        f"<body><main class='report'><h1>{title}</h1><p class='meta'>{meta}</p>{body}"
        f"<footer class='meta'>{escape(_t('footer', lang))}</footer></main></body></html>"
    )


def html_to_pdf(html_path: Path, pdf_path: Path, *, timeout_s: float = 60.0) -> bool:
    """Print ``html_path`` to ``pdf_path`` with chromium; ``False`` when none can."""
    if pdf_converter() is None:
        return False
    try:
        print_to_pdf(html_path, pdf_path, timeout_s=timeout_s)
    except PdfUnavailable:
        return False  # the HTML stands on its own; the caller reports "HTML only"
    return True


def write_report(
    record: dict[str, Any],
    directory: Path,
    *,
    cited_history: list[str] | None = None,
    pdf: bool = True,
    lang: str = "en",
    timeout_s: float = 60.0,
) -> list[Path]:
    """Write ``report.html`` (and ``report.pdf`` if a converter exists); return the paths."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create report directory: {exc}", source=str(directory)) from None
    html_path = directory / "report.html"
    html_path.write_text(
        render_report(record, cited_history=cited_history, lang=lang), encoding="utf-8"
    )
    written = [html_path]
    pdf_path = directory / "report.pdf"
    if pdf and html_to_pdf(html_path, pdf_path, timeout_s=timeout_s):
        written.append(pdf_path)
    return written
