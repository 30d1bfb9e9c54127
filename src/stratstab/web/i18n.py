"""Interface strings in English and Simplified Chinese, read from ``locales/*.yaml``.

Each locale file maps dotted keys to text.  A key missing from Chinese falls back to
English, and a key missing everywhere shows as itself, so a gap is visible but never
breaks a page; ``tests/web`` checks that both files carry the same keys.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from stratstab.errors import InputError

LOCALES_DIR = Path(__file__).parent / "locales"
SUPPORTED_LOCALES = ("en", "zh")
LOCALE_NAMES = {"en": "English", "zh": "简体中文"}


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(_flatten(value, path))
        else:
            flat[path] = str(value)
    return flat


@cache
def catalogue(locale: str) -> dict[str, str]:
    """All strings of one locale as a flat ``{dotted.key: text}`` mapping."""
    if locale not in SUPPORTED_LOCALES:
        raise InputError(f"expected one of {SUPPORTED_LOCALES}", field="locale")
    path = LOCALES_DIR / f"{locale}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise InputError("expected a mapping of keys to text", source=str(path))
    return _flatten(data)


class Translator:
    """Callable that looks up a key in one locale: ``t("nav.home")``.

    Keyword arguments fill ``{name}`` placeholders: ``t("vote.count", n=3)``.
    """

    def __init__(self, locale: str):
        self.locale = locale if locale in SUPPORTED_LOCALES else "en"
        self._strings = catalogue(self.locale)
        self._fallback = catalogue("en")

    def __call__(self, key: str, **values: object) -> str:
        text = self._strings.get(key) or self._fallback.get(key) or key
        return text.format(**values) if values else text

    def pick(self, english: str | None, chinese: str | None) -> str:
        """Of a bilingual pair, the text in this locale, falling back to the other."""
        if self.locale == "zh":
            return chinese or english or ""
        return english or chinese or ""


def negotiate_locale(
    *, user_locale: str | None, cookie_locale: str | None, accept_language: str, default: str
) -> str:
    """The interface language: stored preference, then cookie, then the browser's."""
    for candidate in (user_locale, cookie_locale):
        if candidate in SUPPORTED_LOCALES:
            return candidate
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return default
