"""The two statement languages and how a text's language is recognised.

A statement keeps one text per language (``en``, ``zh``) and names the one its author
wrote (the original).  Where nothing says which it is, the script decides: a text
whose letters are mostly CJK ideographs is Chinese, anything else English.  That is
all the detection the workbench needs for its two languages; it never guesses
between languages of the same script.
"""

from __future__ import annotations

from stratstab.errors import InputError

LANGUAGES = ("en", "zh")
LANGUAGE_TAGS = {"en": "en", "zh": "zh-Hans"}  # for HTML lang attributes


def _is_ideograph(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= code <= 0x4DBF  # extension A
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0x20000 <= code <= 0x2FA1F  # extensions B-F and supplement
    )


def detect_language(text: str, *, default: str = "en") -> str:
    """``zh`` when at least half of the letters of ``text`` are CJK ideographs, else ``en``.

    ``default`` answers for a text without letters (empty, digits, punctuation).
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return default
    ideographs = sum(1 for c in letters if _is_ideograph(c))
    return "zh" if 2 * ideographs >= len(letters) else "en"


def check_language(value: str, *, field: str = "language") -> str:
    """``value`` if it is ``en`` or ``zh``; :class:`InputError` otherwise."""
    if value not in LANGUAGES:
        raise InputError(f"expected one of {', '.join(LANGUAGES)}, got {value!r}", field=field)
    return value


def other_language(language: str) -> str:
    """The other of the two statement languages."""
    return "zh" if check_language(language) == "en" else "en"


def original_of(text_en: str, text_zh: str, *, default: str = "en") -> str:
    """The original language of a statement whose record does not say it.

    One text present: its language.  Both: ``default`` (a dialogue's working language).
    """
    if text_zh.strip() and not text_en.strip():
        return "zh"
    if text_en.strip() and not text_zh.strip():
        return detect_language(text_en, default=default)
    return default
