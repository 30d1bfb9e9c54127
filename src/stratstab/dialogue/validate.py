"""Small input checks shared by the store's writes; each raises a named InputError."""

from __future__ import annotations

import re
from collections.abc import Iterable

from stratstab.errors import InputError

_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def nonempty(text: str, *, field: str) -> str:
    """``text`` stripped; empty text is refused."""
    stripped = (text or "").strip()
    if not stripped:
        raise InputError("must not be empty", field=field)
    return stripped


def slug_text(text: str, *, field: str) -> str:
    """A slug: lower-case letters, digits, ``.``, ``_`` and ``-``, at most 64 characters."""
    if not _SLUG.match(text or ""):
        raise InputError(
            "expected a slug (lower-case letters, digits, '.', '_', '-'; 1-64 characters), "
            f"got {text!r}",
            field=field,
        )
    return text


def choice(value: object, allowed: Iterable[object], *, field: str) -> None:
    """Refuse ``value`` unless it is one of ``allowed``."""
    options = tuple(allowed)
    if value not in options:
        listed = ", ".join(str(o) for o in options)
        raise InputError(f"expected one of {listed}, got {value!r}", field=field)


def vote_fields(*, value: int, importance: int | None) -> None:
    """A vote is 1, -1 or 0; importance, when given, is 1, 2 or 3."""
    if isinstance(value, bool) or value not in (-1, 0, 1):
        raise InputError(
            f"expected 1 (agree), -1 (disagree) or 0 (pass), got {value!r}", field="vote"
        )
    if importance is not None and (isinstance(importance, bool) or importance not in (1, 2, 3)):
        raise InputError(f"expected importance 1, 2 or 3, got {importance!r}", field="importance")


def priority_value(priority: int) -> int:
    """A scope priority: an integer from 1 (low) to 5 (high)."""
    if isinstance(priority, bool) or not isinstance(priority, int) or not 1 <= priority <= 5:
        raise InputError(f"expected a priority from 1 to 5, got {priority!r}", field="priority")
    return priority


_PARTY = re.compile(r"^[A-Z]{2,16}$")
MIN_PARTIES, MAX_PARTIES = 2, 4


def party_codes(parties: Iterable[str]) -> list[str]:
    """Upper-cased party codes: 2 to 4 of them, distinct, 2-16 capital letters each."""
    codes = [str(p).strip().upper() for p in parties]
    for code in codes:
        if not _PARTY.match(code):
            raise InputError(
                f"a party code is 2-16 letters, e.g. CN, got {code!r}", field="parties"
            )
    if len(set(codes)) != len(codes):
        raise InputError(f"duplicate party in {codes}", field="parties")
    if not MIN_PARTIES <= len(codes) <= MAX_PARTIES:
        raise InputError(
            f"a dialogue has {MIN_PARTIES} to {MAX_PARTIES} parties, got {len(codes)}",
            field="parties",
        )
    return codes
