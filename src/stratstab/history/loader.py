"""Read and validate the bundled (or a user-supplied) history and glossary YAML files.

Every problem becomes an :class:`~stratstab.errors.InputError` naming the file and
the dotted field path; unknown ids become a :class:`~stratstab.errors.NotFoundError`
that suggests the closest existing ids.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from stratstab.errors import InputError, NotFoundError, from_validation_error
from stratstab.history.schema import (
    Entry,
    GlossaryFile,
    GlossaryTerm,
    HistoryFile,
    date_parts_sort_key,
)

_DATA = "stratstab.history.data"
AGREEMENTS_FILE = "agreements.yaml"
GLOSSARY_FILE = "glossary.yaml"

_Model = TypeVar("_Model", bound=BaseModel)


def _read_yaml(path: Path | None, default_name: str) -> tuple[object, str]:
    if path is None:
        text = resources.files(_DATA).joinpath(default_name).read_text(encoding="utf-8")
        source = default_name
    else:
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read the file ({exc.strerror})", source=source) from exc
    try:
        return yaml.safe_load(text), source
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError(f"not valid YAML{where}", source=source) from exc


def _validate(model: type[_Model], data: object, source: str) -> _Model:
    if not isinstance(data, dict):
        raise InputError("expected a mapping at the top level", source=source)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, source=source) from exc


def _unique_ids(ids: Sequence[str], *, source: str, field: str) -> None:
    seen: set[str] = set()
    for index, item in enumerate(ids):
        if item in seen:
            raise InputError(f"duplicate id {item!r}", source=source, field=f"{field}[{index}].id")
        seen.add(item)


def close_matches(wanted: str, known: Iterable[str], *, limit: int = 3) -> list[str]:
    """Ids that look like ``wanted`` (prefix or substring hits first, then difflib)."""
    known = list(known)
    hits = [k for k in known if wanted and (k.startswith(wanted) or wanted in k)]
    hits += [k for k in difflib.get_close_matches(wanted, known, n=limit, cutoff=0.5)]
    return list(dict.fromkeys(hits))[:limit]


def not_found(kind: str, wanted: str, known: Iterable[str]) -> NotFoundError:
    """A one-line NotFoundError that proposes close matches."""
    matches = close_matches(wanted, known)
    hint = f"; did you mean {', '.join(matches)}?" if matches else ""
    return NotFoundError(f"no {kind} with id {wanted!r}{hint}")


def check_links(entries: Sequence[Entry], terms: Sequence[GlossaryTerm], *, source: str) -> None:
    """Every ``glossary_terms`` and ``related`` id must name an existing glossary term."""
    term_ids = {t.id for t in terms}
    for i, entry in enumerate(entries):
        for j, tid in enumerate(entry.glossary_terms):
            if tid not in term_ids:
                raise InputError(
                    f"unknown glossary term {tid!r}",
                    source=source,
                    field=f"entries[{i}].glossary_terms[{j}]",
                )
    for i, term in enumerate(terms):
        for j, tid in enumerate(term.related):
            if tid not in term_ids or tid == term.id:
                raise InputError(
                    f"related term {tid!r} does not resolve to another glossary term",
                    source=source,
                    field=f"terms[{i}].related[{j}]",
                )


def read_history_file(path: Path | None = None) -> HistoryFile:
    """Parse and validate an agreements file (the bundled one when ``path`` is None)."""
    data, source = _read_yaml(path, AGREEMENTS_FILE)
    parsed = _validate(HistoryFile, data, source)
    _unique_ids([e.id for e in parsed.entries], source=source, field="entries")
    return parsed


def read_glossary_file(path: Path | None = None) -> GlossaryFile:
    """Parse and validate a glossary file (the bundled one when ``path`` is None)."""
    data, source = _read_yaml(path, GLOSSARY_FILE)
    parsed = _validate(GlossaryFile, data, source)
    _unique_ids([t.id for t in parsed.terms], source=source, field="terms")
    check_links([], parsed.terms, source=source)
    return parsed


@lru_cache(maxsize=1)
def _bundled() -> tuple[tuple[Entry, ...], tuple[GlossaryTerm, ...]]:
    history = read_history_file()
    glossary = read_glossary_file()
    check_links(history.entries, glossary.terms, source=AGREEMENTS_FILE)
    return tuple(history.entries), tuple(glossary.terms)


def load_history(path: Path | str | None = None) -> list[Entry]:
    """All history entries, oldest first; the bundled dataset unless ``path`` is given.

    A user file is checked against the bundled glossary, so its ``glossary_terms``
    must name bundled terms.
    """
    if path is None:
        entries = list(_bundled()[0])
    else:
        entries = list(read_history_file(Path(path)).entries)
        check_links(entries, _bundled()[1], source=str(path))
    return sorted(entries, key=lambda e: (date_parts_sort_key(e.first_date()), e.id))


def get_entry(entry_id: str, *, entries: Sequence[Entry] | None = None) -> Entry:
    """The entry with ``entry_id``; NotFoundError with close matches otherwise."""
    pool = load_history() if entries is None else entries
    for entry in pool:
        if entry.id == entry_id:
            return entry
    raise not_found("history entry", entry_id, (e.id for e in pool))
