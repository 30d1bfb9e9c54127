"""The after-action report: one self-contained HTML page, and a PDF where a converter exists.

Sections: summary, setting and objectives, timeline (injects, moves, channel state),
escalation curve per actor, crisis-stability index per turn, channel log with response
times, decisions with their stated reasons, and the history entries that speak to what
happened (found through the glossary terms the run's text mentions).  All text from
scenario files and players is HTML-escaped.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from stratstab.errors import InputError
from stratstab.exercises.report_figures import figures
from stratstab.reports.pdf import PdfUnavailable, pdf_converter, print_to_pdf

STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #ccc;
padding:.25rem .4rem;vertical-align:top;font-size:.9rem}th{background:#f3f3f3}
.missed{color:#a00}.fig svg{max-width:100%;height:auto}"""


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


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
            "cited_by_scenario": e.id in cited,
            "shared_terms": shared,
        }
        for *_, e, shared in ranked[:limit]
    ]


def _timeline(record: dict[str, Any]) -> str:
    rows = []
    for turn in record["turns"]:
        for inject in turn["injects"]:
            rows.append([turn["turn"], "inject", f"to {inject['to']}", inject["text"]])
        if not turn["channel_up"]:
            rows.append([turn["turn"], "channel", "", "risk-reduction channel down"])
        for side, d in turn["decisions"].items():
            rows.append([turn["turn"], "move", side, f"{d['label']} ({d['rung']}, {d['score']})"])
        rows.append([turn["turn"], "index", "", f"{turn['reading']['crisis_stability_index']:.3f}"])
    return _table(["turn", "kind", "who", "what"], rows)


def _channel(record: dict[str, Any]) -> str:
    rows = []
    for m in record["channel_log"]:
        response = "—" if m["response_minutes"] is None else f"{m['response_minutes']} min"
        rows.append(
            [
                m["seq"],
                m["sent_turn"],
                f"{m['sender']} → {m['recipient']}",
                m["kind"],
                m["text"],
                m["delivered_turn"] if m["delivered_turn"] is not None else "not delivered",
                response,
                "missed" if m["deadline_missed"] else "met",
            ]
        )
    if not rows:
        return "<p>No messages were sent.</p>"
    return _table(
        [
            "#",
            "sent (turn)",
            "from → to",
            "kind",
            "text",
            "delivered (turn)",
            "response time",
            "ack deadline",
        ],
        rows,
    )


def _decisions(record: dict[str, Any]) -> str:
    rows = [
        [t["turn"], side, d["label"], d["rung"], d["reason"]]
        for t in record["turns"]
        for side, d in t["decisions"].items()
    ]
    return _table(["turn", "side", "decision", "rung", "stated reason"], rows)


def _summary(record: dict[str, Any]) -> str:
    s = record["summary"]
    rows = [
        ["players", ", ".join(f"{k}: {v}" for k, v in record["players"].items())],
        ["seed", record["seed"]],
        ["turns played", record["turns_played"]],
        ["ended by", record["ended_by"]],
        ["peak escalation score", ", ".join(f"{k}: {v}" for k, v in s["peak_score"].items())],
        [
            "index start → end (min)",
            f"{s['index_start']:.3f} → {s['index_end']:.3f} ({s['index_min']:.3f})",
        ],
        [
            "messages / acknowledged / deadlines missed",
            f"{s['messages']} / {s['acknowledged']} / {s['deadlines_missed']}",
        ],
    ]
    return _table(["", ""], rows)


def render_report(record: dict[str, Any], *, cited_history: list[str] | None = None) -> str:
    """The after-action report of a run record (``Recorder.to_dict()``) as HTML text."""
    figs = figures(record)
    actors = "".join(
        f"<li><b>{escape(side)} — {escape(a['name'])}</b>: "
        + "; ".join(escape(o) for o in a["objectives"])
        + "</li>"
        for side, a in record["actors"].items()
    )
    history = "".join(
        f"<li><b>{escape(h['name_en'])}</b> ({escape(h['name_zh'])}, {escape(h['date'])}): "
        f"{escape(h['lesson'])}</li>"
        for h in related_history(record, cited=cited_history or [])
    )
    sections = [
        ("summary", "Summary", _summary(record)),
        (
            "setting",
            "Setting and objectives",
            f"<p>{escape(record['setting'])}</p><ul>{actors}</ul>",
        ),
        ("timeline", "Timeline", _timeline(record)),
        (
            "escalation",
            "Escalation curve per actor",
            f"<div class='fig'>{figs['escalation']}</div>",
        ),
        ("index", "Crisis-stability index per turn", f"<div class='fig'>{figs['index']}</div>"),
        ("channel", "Risk-reduction channel log", _channel(record)),
        ("decisions", "Decisions and stated reasons", _decisions(record)),
        ("history", "History that speaks to this run", f"<ul>{history}</ul>"),
    ]
    body = "".join(
        f"<section id='{sid}'><h2>{escape(title)}</h2>{html}</section>"
        for sid, title, html in sections
    )
    title = escape(f"After-action report: {record['name']}")
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>{STYLE}</style></head><body><h1>{title}</h1>{body}"
        f"<footer><small>stratstab {escape(record['stratstab_version'])}</small></footer>"
        "</body></html>"
    )


def write_report(
    record: dict[str, Any],
    directory: Path,
    *,
    cited_history: list[str] | None = None,
    pdf: bool = True,
    timeout_s: float = 60.0,
) -> list[Path]:
    """Write ``report.html`` (and ``report.pdf`` if a converter exists); return the paths."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create report directory: {exc}", source=str(directory)) from None
    html_path = directory / "report.html"
    html_path.write_text(render_report(record, cited_history=cited_history), encoding="utf-8")
    written = [html_path]
    if pdf and pdf_converter() is not None:
        pdf_path = directory / "report.pdf"
        try:
            print_to_pdf(html_path, pdf_path, timeout_s=timeout_s)
        except PdfUnavailable:
            return written  # the HTML stands on its own; the caller reports "HTML only"
        written.append(pdf_path)
    return written
