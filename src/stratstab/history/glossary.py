"""The bilingual glossary: look terms up and find which ones a text mentions.

``find_terms`` lets reports and web pages link each concept they mention to its
definition, in English or Chinese text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from stratstab.history.loader import _bundled, not_found, read_glossary_file
from stratstab.history.schema import GlossaryTerm


def load_glossary(path: Path | str | None = None) -> list[GlossaryTerm]:
    """All glossary terms, sorted by English term; the bundled file unless ``path``."""
    terms = list(_bundled()[1]) if path is None else list(read_glossary_file(Path(path)).terms)
    return sorted(terms, key=lambda t: t.term_en.lower())


def term(term_id: str, *, terms: Sequence[GlossaryTerm] | None = None) -> GlossaryTerm:
    """The glossary term ``term_id``; NotFoundError with close matches otherwise."""
    pool = load_glossary() if terms is None else terms
    for item in pool:
        if item.id == term_id:
            return item
    raise not_found("glossary term", term_id, (t.id for t in pool))


def lookup(query: str, *, terms: Sequence[GlossaryTerm] | None = None) -> GlossaryTerm:
    """A term by id, English or Chinese name, abbreviation or alias (case-insensitive)."""
    pool = load_glossary() if terms is None else terms
    wanted = query.strip().casefold()
    for item in pool:
        names = [item.id, item.term_en, item.term_zh, item.abbreviation or ""]
        names += item.aliases_en + item.aliases_zh
        if wanted in (n.casefold() for n in names if n):
            return item
    return term(query, terms=pool)


def _patterns(terms: tuple[GlossaryTerm, ...]) -> list[tuple[re.Pattern[str], str, int]]:
    """One compiled pattern per surface form, longest first so longer names win."""
    forms: list[tuple[str, str, bool]] = []
    for item in terms:
        for name in [item.term_en, *item.aliases_en]:
            forms.append((name, item.id, False))
        # Two-letter abbreviations (DE) are too ambiguous to detect in running text.
        if item.abbreviation and len(item.abbreviation) >= 3:
            forms.append((item.abbreviation, item.id, True))
        for name in [item.term_zh, *item.aliases_zh]:
            forms.append((name, item.id, True))
    out = []
    for text, tid, exact_case in sorted(forms, key=lambda f: -len(f[0])):
        # A space or hyphen in a name matches either, so "first strike" finds "first-strike".
        escaped = r"[\s\-]+".join(re.escape(part) for part in re.split(r"[\s\-]+", text))
        # Latin forms must stand as words; Chinese forms are matched as substrings.
        if re.search(r"[A-Za-z0-9]", text):
            escaped = rf"(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])"
        flags = 0 if exact_case else re.IGNORECASE
        out.append((re.compile(escaped, flags), tid, len(text)))
    return out


_CACHE: dict[tuple[str, ...], list[tuple[re.Pattern[str], str, int]]] = {}


def _compiled(terms: tuple[GlossaryTerm, ...]) -> list[tuple[re.Pattern[str], str, int]]:
    # Glossary models hold lists and are unhashable; key the cache on their JSON instead.
    key = tuple(t.model_dump_json() for t in terms)
    if key not in _CACHE:
        if len(_CACHE) > 4:
            _CACHE.clear()
        _CACHE[key] = _patterns(terms)
    return _CACHE[key]


def term_spans(
    text: str, *, terms: Sequence[GlossaryTerm] | None = None
) -> list[tuple[int, int, str]]:
    """Where glossary terms occur in ``text``: ``(start, end, term_id)``, in text order.

    Longer names take precedence over names they contain ("first-strike stability"
    is not also counted as a bare "strategic stability" hit), and abbreviations
    match only in their exact case so that ordinary words are not mistaken for them.
    Web pages use the spans to link each mention to its definition.
    """
    pool = tuple(load_glossary() if terms is None else terms)
    taken = [False] * len(text)
    spans: list[tuple[int, int, str]] = []
    for pattern, tid, _ in _compiled(pool):
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            for k in range(start, end):
                taken[k] = True
            spans.append((start, end, tid))
    return sorted(spans)


def find_terms(text: str, *, terms: Sequence[GlossaryTerm] | None = None) -> list[str]:
    """Glossary term ids mentioned in ``text`` (English or Chinese), in order of first use.

    The matching rules are those of :func:`term_spans`.
    """
    return list(dict.fromkeys(tid for _, _, tid in term_spans(text, terms=terms)))
