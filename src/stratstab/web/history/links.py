"""Link glossary terms where they appear in page text (a Jinja filter).

``{{ text|glossary_links }}`` escapes ``text`` and wraps the first mention of each
glossary term in a link to its definition, with the short definition (in the page's
language) as a tooltip.  Only the matched spans become markup; every character of
the text itself passes through :func:`markupsafe.escape`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from stratstab.history import load_glossary, term_spans
from stratstab.history.schema import GlossaryTerm

TOOLTIP_MAX_CHARS = 160
_SENTENCE_END = re.compile(r"(?<=[.。!?！？])\s*")


@cache
def _terms_by_id() -> dict[str, GlossaryTerm]:
    return {t.id: t for t in load_glossary()}


def short_definition(item: GlossaryTerm, *, locale: str) -> str:
    """The first sentence of a term's definition in ``locale``, cut to a tooltip's length."""
    text = item.definition.text(locale)
    first = _SENTENCE_END.split(text, maxsplit=1)[0].strip() or text
    if len(first) > TOOLTIP_MAX_CHARS:
        first = first[: TOOLTIP_MAX_CHARS - 1].rstrip() + "…"
    return first


def link_terms(
    text: object,
    *,
    locale: str = "en",
    skip: Iterable[str] = (),
    every_mention: bool = False,
) -> Markup:
    """``text`` as safe HTML with glossary mentions linked to ``/glossary/{id}``.

    Terms in ``skip`` stay plain (a term's own page should not link to itself).  Only
    the first mention of each term is linked unless ``every_mention``.
    """
    plain = "" if text is None else str(text)
    if not plain:
        return Markup("")
    terms = _terms_by_id()
    seen = set(skip)
    pieces: list[str] = []
    cursor = 0
    for start, end, term_id in term_spans(plain, terms=tuple(terms.values())):
        if term_id in seen:
            continue
        if not every_mention:
            seen.add(term_id)
        title = short_definition(terms[term_id], locale=locale)
        pieces.append(escape(plain[cursor:start]))
        pieces.append(
            Markup('<a class="term" href="/glossary/{}" title="{}" data-term="{}">{}</a>').format(
                term_id, title, term_id, plain[start:end]
            )
        )
        cursor = end
    pieces.append(escape(plain[cursor:]))
    return Markup("").join(pieces)


@pass_context
def _glossary_links_filter(context: Context, text: object, *skip: str) -> Markup:
    return link_terms(text, locale=context.get("locale", "en"), skip=skip)


def install(environment: Environment) -> None:
    """Register ``glossary_links`` on a Jinja environment (idempotent)."""
    environment.filters["glossary_links"] = _glossary_links_filter
