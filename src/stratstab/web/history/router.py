"""History timeline, entry pages and glossary: pages (htmx) and JSON API.

The history and the glossary are public reference material drawn from published
sources, so, like the home page, they are open to anonymous visitors as well as to
every role.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from stratstab.errors import from_validation_error
from stratstab.web.history import links, service
from stratstab.web.history.schemas import (
    ENTRY_TYPES,
    PARTIES,
    STATUSES,
    EntryDetail,
    EntrySummary,
    TermPublic,
    TimelineEventPublic,
    TimelineFilter,
)
from stratstab.web.templating import render, templates

links.install(templates.env)

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["history"])

FilterQuery = Annotated[TimelineFilter, Query()]


def _page_filter(request: Request) -> TimelineFilter:
    """The filter form's values; an empty field means "any"."""
    given = {k: v for k, v in request.query_params.items() if v.strip()}
    try:
        return TimelineFilter.model_validate(given)
    except ValidationError as exc:
        raise from_validation_error(exc, source="timeline filter") from None


def _is_htmx(request: Request) -> bool:
    return bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-History-Restore-Request"
    )


@pages.get("/history", response_class=HTMLResponse)
def history_page(request: Request) -> HTMLResponse:
    """The filterable timeline; htmx requests get only the results fragment."""
    chosen = _page_filter(request)
    found_events = service.events(chosen)
    found_entries = service.entries(chosen)
    locale = request.state.translator.locale
    context = {
        "chosen": chosen,
        "decades": service.decades(found_events),
        "all_decades": service.all_decades(),
        "event_count": len(found_events),
        "entry_count": len(found_entries),
        "figure": service.lifespan_figure(found_entries, locale=locale, today=dt.date.today()),
        "entry_types": ENTRY_TYPES,
        "statuses": STATUSES,
        "parties": PARTIES,
        "party_name": service.party_name,
    }
    name = "history/_results.html" if _is_htmx(request) else "history/timeline.html"
    return render(request, name, context)


@pages.get("/history/{entry_id}", response_class=HTMLResponse)
def entry_page(entry_id: str, request: Request) -> HTMLResponse:
    """One entry in both languages: provisions, verification, lesson, sources."""
    entry = service.detail(entry_id)
    context = {
        "entry": entry,
        "party_name": service.party_name,
        "terms": [service.get_term(t) for t in entry.glossary_terms],
    }
    return render(request, "history/entry.html", context)


@pages.get("/glossary", response_class=HTMLResponse)
def glossary_page(
    request: Request, q: Annotated[str | None, Query(max_length=100)] = None
) -> HTMLResponse:
    """Every term in both languages, with a search box (htmx narrows the list)."""
    context = {"terms": service.search_terms(q), "q": q or ""}
    name = "history/_terms.html" if _is_htmx(request) else "history/glossary.html"
    return render(request, name, context)


@pages.get("/glossary/{term_id}", response_class=HTMLResponse)
def term_page(term_id: str, request: Request) -> HTMLResponse:
    """One term: both definitions, related terms and the history entries that use it."""
    item = service.get_term(term_id)
    context = {
        "term": item,
        "related": [service.get_term(r) for r in item.related],
        "entries": service.entries_for_term(item.id),
    }
    return render(request, "history/term.html", context)


@api.get("/history", response_model=list[EntrySummary], summary="List history entries")
def api_entries(chosen: FilterQuery) -> list[EntrySummary]:
    """Agreements, channels, statements and dialogues, oldest first, optionally filtered.

    A year range keeps entries with at least one dated fact inside it.
    """
    return [service.summary(e) for e in service.entries(chosen)]


@api.get("/history/timeline", response_model=list[TimelineEventPublic], summary="History timeline")
def api_timeline(chosen: FilterQuery) -> list[TimelineEventPublic]:
    """Every dated fact (signed, in force, ended, further events) of the filtered entries."""
    return [service.event_public(ev) for ev in service.events(chosen)]


@api.get("/history/{entry_id}", response_model=EntryDetail, summary="One history entry")
def api_entry(entry_id: str) -> EntryDetail:
    """Names, parties, dates, provisions, verification, lesson and sources of one entry."""
    return service.detail(entry_id)


@api.get("/glossary", response_model=list[TermPublic], summary="Glossary")
def api_glossary(q: Annotated[str | None, Query(max_length=100)] = None) -> list[TermPublic]:
    """Glossary terms in English and Chinese; ``q`` searches names and definitions."""
    return [service.term_public(t) for t in service.search_terms(q)]


@api.get("/glossary/{term_id}", response_model=TermPublic, summary="One glossary term")
def api_term(term_id: str) -> TermPublic:
    """One term with both definitions and the history entries tagged with it."""
    return service.term_public(service.get_term(term_id))
