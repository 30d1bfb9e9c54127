"""The outcome report of a dialogue: HTML (printable), PDF and JSON, in English or Chinese.

:func:`outcome_report` is the one entry point; the API route, the web page's download
links and ``stratstab dialogue report`` all call it.  It collects everything through
the same service functions the pages use, for the given :class:`Viewer`, so a report
holds exactly what its reader may see:

* statements: accepted and unsealed ones only (the public record), in the reader's
  language first with the original beside it;
* consensus: the plain-language findings of :mod:`stratstab.dialogue.findings`, the
  bridging statements and cruxes behind them, and the opinion groups;
* scope: the positions the reader may read; a position another party has not yet
  revealed leaves no trace (no topic, no count);
* rounds, the ledger with its history, participants (or, under the Chatham House
  option, only how many per delegation), and provenance.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Response

from stratstab import __version__
from stratstab.dialogue.catalogue import load_catalogue
from stratstab.dialogue.membership import MEMBER_ROLES
from stratstab.dialogue.store import DialogueStore
from stratstab.errors import InputError
from stratstab.provenance import provenance
from stratstab.reports.pdf import html_to_pdf
from stratstab.web.dialogues import members, outcome, scope_service, service, views
from stratstab.web.dialogues.access import ACCOUNT_PREFIX, Viewer
from stratstab.web.i18n import SUPPORTED_LOCALES, Translator
from stratstab.web.templating import templates

REPORT_FORMATS = ("html", "pdf", "json")
WORKBENCH_CSS = Path(__file__).parent.parent / "static" / "css" / "stratstab.css"
REPORT_CSS = WORKBENCH_CSS.with_name("report.css")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json",
}


@dataclass(frozen=True)
class ReportFile:
    """A rendered report: its bytes, media type and a file name to save it under."""

    content: bytes
    media_type: str
    filename: str


def file_response(made: ReportFile) -> Response:
    """HTML opens in the browser (and prints); PDF and JSON download."""
    disposition = "inline" if made.media_type.startswith("text/html") else "attachment"
    return Response(
        made.content,
        media_type=made.media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{made.filename}"',
            "Cache-Control": "no-store",  # a reader's report is theirs alone
        },
    )


def _participants(store: DialogueStore, slug: str, codes: list[str], *, names: bool) -> dict:
    """Who takes part: the dialogue's members by delegation, each with their role.

    Membership decides, never activity: a member who has not voted or written yet is
    listed, and writing a statement that is still pending or sealed changes nothing
    here (it would tell other parties that the delegation has unpublished material).
    Participants without an account (added on the command line or imported from
    Pol.is) are listed under their delegation without a role.
    """
    by_delegation: dict[str, list[dict]] = {code: [] for code in codes}
    others: list[dict] = []
    for member in members.member_list(store, slug):
        entry = {"name": member.display_name or member.username, "role": member.role}
        (by_delegation[member.party] if member.party in by_delegation else others).append(entry)
    for person in store.participants(slug):
        if person.external_id.startswith(ACCOUNT_PREFIX):
            continue  # an account: listed above by its membership
        entry = {"name": person.display_name or person.external_id, "role": None}
        (by_delegation[person.delegation] if person.delegation in by_delegation else others).append(
            entry
        )
    order = {role: index for index, role in enumerate(MEMBER_ROLES)}

    def ordered(entries: list[dict]) -> list[dict]:
        return sorted(entries, key=lambda e: (order.get(e["role"], len(order)), e["name"]))

    return {
        "counts": {code: len(people) for code, people in by_delegation.items()},
        "others": len(others),
        "names": {code: ordered(p) for code, p in by_delegation.items()} if names else None,
        "other_names": ordered(others) if names else None,
    }


def _scope(store: DialogueStore, viewer: Viewer, slug: str) -> dict[str, Any]:
    """Readable positions only: another party's unrevealed position leaves no trace."""
    view = scope_service.scope_view(store, viewer, slug)
    rows = []
    for topic in view.catalogue.topics:
        cells = {}
        for code in view.delegations:
            cell = view.cells.get(topic.id, {}).get(code)
            if cell is None or isinstance(cell, str):
                continue
            cells[code] = {
                "stance": cell.stance,
                "priority": cell.priority,
                "linked_topics": list(cell.linked_topics),
                "note": cell.note,
                "revealed": bool(cell.revealed or not cell.sealed),
            }
        if cells:
            rows.append(
                {
                    "topic": topic.id,
                    "name_en": topic.name_en,
                    "name_zh": topic.name_zh,
                    "positions": cells,
                }
            )
    return {"rows": rows, "agenda": view.analysis}


def build_report(
    store: DialogueStore,
    viewer: Viewer,
    slug: str,
    *,
    lang: str = "en",
    chatham_house: bool = False,
    seed: int = 0,
    generated_at: datetime | None = None,
    consensus: outcome.ConsensusView | None = None,
) -> dict[str, Any]:
    """Everything the report shows, as plain data (the JSON format is this mapping)."""
    if lang not in SUPPORTED_LOCALES:
        raise InputError(f"expected one of {', '.join(SUPPORTED_LOCALES)}", field="lang").with_key(
            "dlgerr.lang"
        )
    dialogue, codes = service.enter(store, viewer, slug)
    consensus = consensus or outcome.consensus_view(store, viewer, slug, seed=seed)
    public = {
        sid: info
        for sid, info in consensus.statements.items()
        if info.moderation == "accepted" and not info.sealed
    }
    findings = [f for f in consensus.findings if f.statement in public]
    result = consensus.result or {}
    cruxes = [c for c in result.get("cruxes", []) if c["statement"] in public]
    bridging = [b for b in result.get("bridging", []) if b["statement"] in public]
    votes = store.current_votes(slug)
    counted_votes = sum(1 for v in votes if v.statement in public)
    when = generated_at or datetime.now(UTC)
    return {
        "dialogue": {
            "slug": dialogue.slug,
            "title_en": dialogue.title,
            "title_zh": dialogue.title_zh,
            "track": dialogue.track,
            "description": dialogue.description,
        },
        "language": lang,
        "chatham_house": chatham_house,
        "delegations": [
            {"code": d.code, "name_en": d.name_en, "name_zh": d.name_zh}
            for d in store.delegations(slug)
        ],
        "participants": _participants(store, slug, codes, names=not chatham_house),
        "rounds": [r.to_dict() for r in store.rounds(slug)],
        "statements": [
            {
                "id": info.external_id,
                "text_en": info.text_en,
                "text_zh": info.text_zh,
                "original_language": info.original_language,
                "topics": list(info.topics),
            }
            for info in public.values()
        ],
        "findings": [f.to_dict() for f in findings],
        "summary": consensus.summary,
        "bridging": _strip(bridging),
        "cruxes": _strip(cruxes),
        "groups": result.get("groups", []),
        "scope": _scope(store, viewer, slug),
        "ledger": [row.to_dict() for row in store.ledger(slug)],
        "provenance": {
            **provenance(parameters={"seed": seed, "lang": lang}, seed=seed),
            "stratstab_version": __version__,
            "dialogue": dialogue.slug,
            "statement_ids": sorted(public, key=_natural),
            "votes_counted": counted_votes,
            "consensus_method": (result.get("provenance") or {}).get("method"),
            "generated_at": when.isoformat(timespec="seconds"),
            "generated_by": None if chatham_house else viewer.username,
            "reader_role": viewer.role,
            "reader_delegation": viewer.delegation,
        },
    }


def _natural(statement_id: str) -> tuple[int, str]:
    return (int(statement_id), "") if statement_id.isdigit() else (10**9, statement_id)


def _strip(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Crux and bridging entries without their statement text (the report has both texts)."""
    return [{k: v for k, v in e.items() if k != "text"} for e in entries]


def render_html(report: dict[str, Any], *, consensus: outcome.ConsensusView) -> str:
    """The printable, self-contained HTML report in ``report["language"]``."""
    lang = report["language"]
    t = Translator(lang)
    statements = {sid: consensus.statements[sid] for sid in report["provenance"]["statement_ids"]}
    template = templates.env.get_template("dialogues/report.html")
    return template.render(
        report=report,
        t=t,
        locale=lang,
        views=views,
        statements=statements,
        findings=[f for f in consensus.findings if f.statement in statements],
        delegations=consensus.delegations,
        names=consensus.names(lang),
        markers=consensus.markers,
        catalogue=load_catalogue(),
        css=_print_css(),
    )


def _print_css() -> str:
    """The workbench's style sheet, then the report's own print rules."""
    return WORKBENCH_CSS.read_text(encoding="utf-8") + REPORT_CSS.read_text(encoding="utf-8")


PUBLIC_READER = "public-record"


def report_viewer(store: DialogueStore, username: str | None, slug: str) -> Viewer:
    """The reader of a report made outside the web: an account, or the public record.

    Without ``username`` the reader is an observer, who sees no sealed material of any
    party.  With it, the account's role in dialogue ``slug``; an unknown or disabled
    account is an :class:`InputError`.
    """
    if username is None:
        return Viewer(username=PUBLIC_READER, role="observer", delegation=None)
    account = store.active_account(username)
    if account is None:
        raise InputError(f"no active account {username!r}", field="--as")
    return members.viewer_for(store, account, slug)


def outcome_report(
    store: DialogueStore,
    viewer: Viewer,
    slug: str,
    *,
    fmt: str = "html",
    lang: str = "en",
    chatham_house: bool = False,
    seed: int = 0,
) -> ReportFile:
    """The outcome report of ``slug`` as ``viewer`` may read it, in ``fmt`` and ``lang``."""
    if fmt not in REPORT_FORMATS:
        raise InputError(f"expected one of {', '.join(REPORT_FORMATS)}", field="format").with_key(
            "dlgerr.format"
        )
    consensus = outcome.consensus_view(store, viewer, slug, seed=seed)
    report = build_report(
        store,
        viewer,
        slug,
        lang=lang,
        chatham_house=chatham_house,
        seed=seed,
        consensus=consensus,
    )
    stem = f"{slug}-report-{lang}"
    if fmt == "json":
        content = json.dumps(report, ensure_ascii=False, indent=2, default=str).encode()
        return ReportFile(content, MEDIA_TYPES["json"], f"{stem}.json")
    html = render_html(report, consensus=consensus)
    if fmt == "html":
        return ReportFile(html.encode(), MEDIA_TYPES["html"], f"{stem}.html")
    return ReportFile(html_to_pdf(html), MEDIA_TYPES["pdf"], f"{stem}.pdf")
