"""Translations of statements: written by a person, optionally suggested by a model.

A translator, facilitator or admin writes the text of a statement in the language
its author did not use.  Where the operator has configured an OpenAI-compatible
endpoint (``STRATSTAB_TRANSLATION_LLM_URL``), they may ask it for a suggestion first;
the suggestion is stored as such, shown labelled as machine output, and becomes the
statement's text only when a person accepts it.  Without that setting no text is
ever sent anywhere.  The prompt carries the glossary's agreed renderings of the terms
the statement uses, so "no-first-use" becomes 不首先使用 and not a paraphrase.
"""

from __future__ import annotations

import httpx

from stratstab.chat_client import ChatError, chat_url, check_url, complete
from stratstab.dialogue.language import check_language, other_language
from stratstab.dialogue.records import StatementInfo
from stratstab.dialogue.store import DialogueStore
from stratstab.errors import InputError, StratstabError
from stratstab.history.glossary import find_terms, load_glossary
from stratstab.web.dialogues.access import Viewer, require
from stratstab.web.dialogues.service import check_entry, find_statement
from stratstab.web.settings import Settings

MAX_TRANSLATION_CHARS = 2000
LANGUAGE_NAMES = {"en": "English", "zh": "Simplified Chinese"}
SYSTEM_PROMPT = (
    "You translate statements made in a strategic stability dialogue between nuclear "
    "powers, from {source} into {target}. Keep the meaning exact and the register of a "
    "diplomatic text; do not soften, strengthen, explain or add anything. Use the given "
    "renderings of technical terms. Answer with the translation only."
)


class TranslationUnavailable(StratstabError):
    """Machine translation is not configured or its endpoint failed (HTTP 409 / 502)."""

    def __init__(self, message: str, *, configured: bool) -> None:
        super().__init__(message)
        self.configured = configured
        self.http_status = 502 if configured else 409
        # The endpoint's own words stay in the server log; the reader gets the key's text.
        self.with_key("tr.failed" if configured else "tr.not_configured")


def machine_translation_enabled(settings: Settings) -> bool:
    """Whether the operator configured a translation endpoint."""
    return bool(settings.translation_llm_url)


def _visible_to_translator(
    store: DialogueStore, viewer: Viewer, slug: str, statement_id: str
) -> StatementInfo:
    check_entry(store, viewer, slug)
    require(viewer.translates, "only translators and facilitators translate")
    return find_statement(store, viewer, slug, statement_id).info


def save_translation(
    store: DialogueStore, viewer: Viewer, slug: str, statement_id: str, *, language: str, text: str
) -> StatementInfo:
    """Write (or clear, with empty ``text``) the statement's text in ``language``."""
    check_language(language)
    if len(text) > MAX_TRANSLATION_CHARS:
        raise InputError(f"at most {MAX_TRANSLATION_CHARS} characters", field="text").with_key(
            "dlgerr.too_long", n=MAX_TRANSLATION_CHARS
        )
    _visible_to_translator(store, viewer, slug, statement_id)
    return store.set_translation(
        slug, statement_id, language=language, text=text, translated_by=viewer.username
    )


def glossary_hints(text: str) -> list[tuple[str, str]]:
    """(English, Chinese) names of the glossary terms ``text`` mentions."""
    terms = {t.id: t for t in load_glossary()}
    return [(terms[i].term_en, terms[i].term_zh) for i in find_terms(text) if i in terms]


def request_suggestion(
    settings: Settings, text: str, *, source: str, client: httpx.Client | None = None
) -> str:
    """Ask the configured endpoint for a translation of ``text`` out of ``source``."""
    if not settings.translation_llm_url:
        raise TranslationUnavailable("machine translation is not configured", configured=False)
    target = other_language(source)
    hints = glossary_hints(text)
    user = text
    if hints:
        rendered = "; ".join(f"{en} = {zh}" for en, zh in hints)
        user = f"Terms: {rendered}\n\nStatement:\n{text}"
    messages = [
        {
            "role": "system",
            "content": SYSTEM_PROMPT.format(
                source=LANGUAGE_NAMES[source], target=LANGUAGE_NAMES[target]
            ),
        },
        {"role": "user", "content": user},
    ]
    timeout_s = settings.translation_llm_timeout_s
    try:
        url = chat_url(check_url(settings.translation_llm_url))
        with client or httpx.Client(timeout=timeout_s) as http:
            answer = complete(
                http,
                url,
                model=settings.translation_llm_model,
                messages=messages,
                timeout_s=timeout_s,
            )
    except ChatError as exc:
        raise TranslationUnavailable(
            f"machine translation failed: {exc}", configured=True
        ) from None
    answer = answer.strip()
    if not answer:
        raise TranslationUnavailable("machine translation came back empty", configured=True)
    return answer[:MAX_TRANSLATION_CHARS]


def suggest_translation(
    store: DialogueStore,
    viewer: Viewer,
    slug: str,
    statement_id: str,
    *,
    settings: Settings,
    client: httpx.Client | None = None,
) -> StatementInfo:
    """Store a machine suggestion for the statement's other language and return it."""
    info = _visible_to_translator(store, viewer, slug, statement_id)
    text = request_suggestion(
        settings, info.original_text, source=info.original_language, client=client
    )
    source = f"{settings.translation_llm_model} @ {settings.translation_llm_url}"
    return store.set_suggestion(
        slug,
        statement_id,
        language=other_language(info.original_language),
        text=text,
        source=source,
    )


def accept_suggestion(
    store: DialogueStore, viewer: Viewer, slug: str, statement_id: str
) -> StatementInfo:
    """Make the pending machine suggestion the statement's translation (as it stands)."""
    info = _visible_to_translator(store, viewer, slug, statement_id)
    if not info.suggestion_text or info.suggestion_language is None:
        raise InputError("there is no machine suggestion to accept", field="suggestion").with_key(
            "dlgerr.no_suggestion"
        )
    return store.set_translation(
        slug,
        statement_id,
        language=info.suggestion_language,
        text=info.suggestion_text,
        translated_by=f"{viewer.username} (machine suggestion accepted)",
    )


def discard_suggestion(
    store: DialogueStore, viewer: Viewer, slug: str, statement_id: str
) -> StatementInfo:
    """Drop the pending machine suggestion."""
    info = _visible_to_translator(store, viewer, slug, statement_id)
    return store.set_suggestion(
        slug, statement_id, language=info.original_language, text="", source=""
    )
