"""Bilingual history of arms-control agreements and risk-reduction channels, and glossary.

Public API::

    load_history(path=None) -> list[Entry]
    get_entry(entry_id) -> Entry
    timeline(entries=None, *, from_year=None, to_year=None, entry_type=None, party=None)
    load_glossary(path=None) -> list[GlossaryTerm]
    term(term_id) -> GlossaryTerm
    find_terms(text) -> list[str]        # glossary ids mentioned in an English/Chinese text
    term_spans(text) -> list[(start, end, term_id)]   # where they are mentioned
"""

from stratstab.history.glossary import find_terms, load_glossary, lookup, term, term_spans
from stratstab.history.loader import get_entry, load_history
from stratstab.history.schema import Entry, GlossaryTerm
from stratstab.history.timeline import TimelineEvent, by_decade, filter_entries, timeline

__all__ = [
    "Entry",
    "GlossaryTerm",
    "TimelineEvent",
    "by_decade",
    "filter_entries",
    "find_terms",
    "get_entry",
    "load_glossary",
    "load_history",
    "lookup",
    "term",
    "term_spans",
    "timeline",
]
