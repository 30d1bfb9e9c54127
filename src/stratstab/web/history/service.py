"""History and glossary for the web: filtering, search and the lifespan chart.

Everything reads the bundled datasets through :mod:`stratstab.history`; nothing here
is stored per user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from stratstab.errors import InputError
from stratstab.history import (
    Entry,
    GlossaryTerm,
    TimelineEvent,
    by_decade,
    filter_entries,
    get_entry,
    load_glossary,
    load_history,
    term,
    timeline,
)
from stratstab.history.schema import PARTY_NAMES, date_parts
from stratstab.history.timeline import entry_events
from stratstab.web.history.schemas import (
    EntryDetail,
    EntrySummary,
    TermPublic,
    TimelineEventPublic,
    TimelineFilter,
)

# Colours of entry types in the lifespan chart (colour-blind-safe Okabe–Ito palette).
TYPE_COLOURS = {
    "treaty": "#0072B2",
    "agreement": "#009E73",
    "channel": "#D55E00",
    "statement": "#CC79A7",
    "dialogue": "#E69F00",
}


def _check_years(chosen: TimelineFilter) -> None:
    if chosen.from_year and chosen.to_year and chosen.from_year > chosen.to_year:
        raise InputError(
            f"from_year {chosen.from_year} is after to_year {chosen.to_year}", field="from_year"
        )


def _matches_text(entry: Entry, query: str | None) -> bool:
    if not query:
        return True
    wanted = query.strip().casefold()
    names = (entry.id, entry.name_en, entry.name_zh, entry.short_name or "")
    return any(wanted in name.casefold() for name in names)


def events(chosen: TimelineFilter) -> list[TimelineEvent]:
    """Dated facts of the entries that pass ``chosen``, oldest first."""
    _check_years(chosen)
    pool = filter_entries(
        load_history(), entry_type=chosen.type, party=chosen.party, status=chosen.status
    )
    pool = [e for e in pool if _matches_text(e, chosen.q)]
    return timeline(pool, from_year=chosen.from_year, to_year=chosen.to_year)


def entries(chosen: TimelineFilter) -> list[Entry]:
    """Entries that pass ``chosen``; a year range keeps entries with a fact inside it."""
    in_range = {ev.entry_id for ev in events(chosen)}
    return [e for e in load_history() if e.id in in_range]


def decades(found: Sequence[TimelineEvent]) -> dict[int, list[TimelineEvent]]:
    """Events grouped by decade for the page."""
    return by_decade(found)


def all_decades() -> list[int]:
    """Every decade in which the bundled history has a dated fact."""
    return sorted(by_decade(timeline()))


def summary(entry: Entry) -> EntrySummary:
    """The list form of an entry."""
    return EntrySummary(
        id=entry.id,
        name_en=entry.name_en,
        name_zh=entry.name_zh,
        short_name=entry.short_name,
        type=entry.type,
        parties=list(entry.parties),
        status=entry.status,
        signed=entry.dates.signed,
        in_force=entry.dates.in_force,
        ended=entry.dates.ended,
        first_date=entry.first_date(),
    )


def detail(entry_id: str) -> EntryDetail:
    """Everything about one entry (NotFoundError with close ids otherwise)."""
    entry = get_entry(entry_id)
    data = entry.model_dump()
    return EntryDetail(
        **summary(entry).model_dump(),
        **{
            key: data[key]
            for key in (
                "status_note",
                "provisions",
                "verification",
                "lesson",
                "events",
                "glossary_terms",
                "sources",
                "verified",
                "verification_note",
            )
        },
    )


def event_public(event: TimelineEvent) -> TimelineEventPublic:
    """The JSON form of a timeline event."""
    return TimelineEventPublic(**event.to_dict())


def party_name(code: str, *, locale: str) -> str:
    """A party's name in the interface language."""
    english, chinese = PARTY_NAMES.get(code, (code, code))
    return chinese if locale == "zh" else english


def search_terms(query: str | None) -> list[GlossaryTerm]:
    """Terms whose names, abbreviation, aliases or definition contain ``query``.

    Matches in a name come before matches only in the definition.
    """
    pool = load_glossary()
    if not query or not query.strip():
        return pool
    wanted = query.strip().casefold()
    by_name, by_text = [], []
    for item in pool:
        names = [item.id, item.term_en, item.term_zh, item.abbreviation or ""]
        names += item.aliases_en + item.aliases_zh
        if any(wanted in n.casefold() for n in names if n):
            by_name.append(item)
        elif wanted in item.definition.en.casefold() or wanted in item.definition.zh:
            by_text.append(item)
    return by_name + by_text


def entries_for_term(term_id: str) -> list[Entry]:
    """History entries tagged with a glossary term, oldest first."""
    return [e for e in load_history() if term_id in e.glossary_terms]


def term_public(item: GlossaryTerm) -> TermPublic:
    """The JSON form of a glossary term, with the entries that use it."""
    return TermPublic(
        **item.model_dump(),
        history_entries=[e.id for e in entries_for_term(item.id)],
    )


def get_term(term_id: str) -> GlossaryTerm:
    """One glossary term (NotFoundError with close ids otherwise)."""
    return term(term_id)


def _iso(value: str) -> str:
    year, month, day = date_parts(value)
    return f"{year:04d}-{month:02d}-{(day or 1):02d}"


# Entries without an end date that still hold today; others stop at their last dated fact.
ONGOING_STATUSES = {"in force", "operating", "standing", "suspended"}


def _end(entry: Entry, *, today: dt.date) -> str:
    if entry.dates.ended:
        return _iso(entry.dates.ended)
    if entry.status in ONGOING_STATUSES:
        return today.isoformat()
    return max(ev.date for ev in entry_events(entry))


def lifespan_figure(found: Sequence[Entry], *, locale: str, today: dt.date) -> dict[str, Any]:
    """A Plotly figure: one bar per entry from its first date to its end.

    An entry that still holds runs to ``today``; a concluded meeting, a treaty never in
    force or a lapsed channel stops at its last dated fact.  Month-only dates are drawn
    from the first of the month, as the timeline sorts them.
    """
    rows = sorted(found, key=lambda e: e.first_date())
    traces = []
    for entry_type, colour in TYPE_COLOURS.items():
        chosen = [e for e in rows if e.type == entry_type]
        if not chosen:
            continue
        starts = [_iso(e.first_date()) for e in chosen]
        ends = [_end(e, today=today) for e in chosen]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": entry_type,
                "line": {"color": colour, "width": 6},
                "marker": {"size": 7},
                # One segment per entry: start, end, then a gap (None) before the next.
                "x": [v for s, e in zip(starts, ends, strict=True) for v in (s, e, None)],
                "y": [v for e in chosen for v in (e.short_name or e.name_en,) * 2 + (None,)],
                "hovertemplate": "%{y}<br>%{x}<extra>" + entry_type + "</extra>",
            }
        )
    labels = [e.short_name or e.name_en for e in rows]
    return {
        "data": traces,
        "layout": {
            "height": max(220, 18 * len(rows) + 120),
            "xaxis": {"type": "date", "title": {"text": "年份" if locale == "zh" else "year"}},
            "yaxis": {
                "categoryorder": "array",
                "categoryarray": list(reversed(labels)),
                "automargin": True,
                "tickfont": {"size": 10},
            },
            "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom"},
            "margin": {"t": 30, "r": 16, "b": 48, "l": 10},
        },
    }
