"""``stratstab history``: agreements, channels and dialogues since 1963, and the glossary."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from stratstab.cli.common import console, print_json
from stratstab.errors import InputError
from stratstab.history import (
    by_decade,
    filter_entries,
    get_entry,
    load_glossary,
    load_history,
    lookup,
    timeline,
)
from stratstab.history.schema import PARTY_NAMES, Entry, GlossaryTerm

app = typer.Typer(
    help="Bilingual history of agreements and risk-reduction channels, and the glossary.",
    no_args_is_help=True,
)

Lang = Annotated[str, typer.Option("--lang", help="Language of the text: en or zh.")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _lang(value: str) -> str:
    if value not in ("en", "zh"):
        raise InputError(f"expected en or zh, got {value!r}", field="--lang")
    return value


def _dates(entry: Entry) -> str:
    d = entry.dates
    parts = [
        f"signed {d.signed}" if d.signed else "",
        f"in force {d.in_force}" if d.in_force else "",
    ]
    parts.append(f"ended {d.ended}" if d.ended else "")
    return "; ".join(p for p in parts if p) or entry.first_date()


def entry_json(entry: Entry) -> dict[str, Any]:
    """The JSON shape of one entry (the schema's own field names)."""
    return entry.model_dump(mode="json")


@app.command("list")
def list_entries(
    entry_type: Annotated[
        str | None, typer.Option("--type", help="treaty, agreement, channel, statement, dialogue.")
    ] = None,
    party: Annotated[
        str | None, typer.Option("--party", help="Party code, e.g. US, CN, RU (RU includes USSR).")
    ] = None,
    status: Annotated[str | None, typer.Option("--status", help="e.g. 'in force'.")] = None,
    as_json: Json = False,
) -> None:
    """List history entries, oldest first."""
    entries = filter_entries(load_history(), entry_type=entry_type, party=party, status=status)
    if as_json:
        print_json([entry_json(e) for e in entries])
        return
    table = Table(title=f"{len(entries)} entries / 条目")
    for column in ("id", "name", "名称", "type", "parties", "dates", "status"):
        table.add_column(column, overflow="fold")
    for e in entries:
        table.add_row(
            e.id,
            e.short_name or e.name_en,
            e.name_zh,
            e.type,
            ", ".join(e.parties),
            _dates(e),
            e.status,
        )
    console.print(table)


def _show_text(entry: Entry, lang: str) -> None:
    zh = lang == "zh"
    name = entry.name_zh if zh else entry.name_en
    console.print(f"[bold]{name}[/bold]  ({entry.id})")
    if zh:
        console.print(entry.name_en, style="dim")
    else:
        console.print(entry.name_zh, style="dim")
    parties = ", ".join(PARTY_NAMES[p][1 if zh else 0] for p in entry.parties)
    console.print(f"{'缔约方' if zh else 'Parties'}: {parties}")
    console.print(
        f"{'类型' if zh else 'Type'}: {entry.type}    {'状态' if zh else 'Status'}: {entry.status}"
    )
    if entry.status_note:
        console.print(entry.status_note.text(lang))
    console.print(f"{'日期' if zh else 'Dates'}: {_dates(entry)}")
    for ev in entry.events:
        console.print(f"  {ev.date}  {ev.zh if zh else ev.en}")
    sections = [
        ("主要条款" if zh else "Main provisions", entry.provisions),
        ("核查与数据交换" if zh else "Verification and data exchange", entry.verification),
        ("对中美对话的启示" if zh else "Lesson for a China–US dialogue", entry.lesson),
    ]
    for title, text in sections:
        console.print(f"\n[bold]{title}[/bold]\n{text.text(lang)}")
    if entry.glossary_terms:
        console.print(f"\n{'术语' if zh else 'Glossary'}: {', '.join(entry.glossary_terms)}")
    console.print(f"\n[bold]{'来源' if zh else 'Sources'}[/bold]")
    for s in entry.sources:
        console.print(f"- {s.title}, {s.publisher} ({s.dates_text(lang)}). {s.url}", markup=False)
    flag = "verified" if entry.verified else f"NOT verified: {entry.verification_note}"
    console.print(f"\n{'日期核实' if zh else 'Dates'}: {flag}", markup=False)


@app.command("show")
def show(
    entry_id: Annotated[str, typer.Argument(help="Entry id, e.g. new-start.")],
    as_json: Json = False,
    lang: Lang = "en",
) -> None:
    """Show one entry in English or Chinese, with its sources."""
    lang = _lang(lang)
    entry = get_entry(entry_id)
    if as_json:
        print_json(entry_json(entry))
    else:
        _show_text(entry, lang)


@app.command("timeline")
def show_timeline(
    from_year: Annotated[int | None, typer.Option("--from", help="First year (YYYY).")] = None,
    to_year: Annotated[int | None, typer.Option("--to", help="Last year (YYYY).")] = None,
    party: Annotated[str | None, typer.Option("--party", help="Party code, e.g. CN.")] = None,
    as_json: Json = False,
    lang: Lang = "en",
) -> None:
    """Every signature, entry into force, end and milestone, grouped by decade."""
    lang = _lang(lang)
    events = timeline(from_year=from_year, to_year=to_year, party=party)
    if as_json:
        print_json([ev.to_dict() for ev in events])
        return
    for decade, group in by_decade(events).items():
        console.print(
            f"\n[bold]{decade}s[/bold]" if lang == "en" else f"\n[bold]{decade}年代[/bold]"
        )
        for ev in group:
            label = ev.label_zh if lang == "zh" else ev.label_en
            console.print(f"  {ev.date_as_given:<10}  {label}  [dim]({ev.entry_id})[/dim]")


def _term_text(item: GlossaryTerm, lang: str) -> None:
    head = f"{item.term_en} / {item.term_zh}"
    if item.abbreviation:
        head += f" ({item.abbreviation})"
    console.print(f"[bold]{head}[/bold]  ({item.id})")
    console.print(item.definition.text(lang))
    if item.related:
        console.print(f"{'相关' if lang == 'zh' else 'Related'}: {', '.join(item.related)}")
    if item.computed_by:
        console.print(f"{'计算' if lang == 'zh' else 'Computed by'}: {item.computed_by}")


@app.command("glossary")
def glossary(
    query: Annotated[
        str | None, typer.Argument(help="Term id, name (English or Chinese) or abbreviation.")
    ] = None,
    as_json: Json = False,
    lang: Lang = "en",
) -> None:
    """List the glossary, or define one term."""
    lang = _lang(lang)
    if query is not None:
        item = lookup(query)
        if as_json:
            print_json(item.model_dump(mode="json"))
        else:
            _term_text(item, lang)
        return
    terms = load_glossary()
    if as_json:
        print_json([t.model_dump(mode="json") for t in terms])
        return
    table = Table(title=f"{len(terms)} terms / 术语")
    for column in ("id", "term", "术语", "abbr."):
        table.add_column(column, overflow="fold")
    for t in terms:
        table.add_row(t.id, t.term_en, t.term_zh, t.abbreviation or "")
    console.print(table)
