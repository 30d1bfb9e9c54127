"""YAML files shipped inside the package, or given by the user as a path.

Scenarios, exercises and other named inputs are looked up the same way: a bare name
is a built-in file of a package folder; anything else is a path on disk.  This module
is that lookup, so every loader reports a missing or unreadable file alike.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import NamedTuple

from stratstab.errors import InputError, NotFoundError


def builtin_yaml_files(package: str) -> dict[str, Traversable]:
    """The ``*.yaml`` files of a package folder, keyed by name without the suffix."""
    folder = resources.files(package)
    return {
        entry.name.removesuffix(".yaml"): entry
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    }


class NamedText(NamedTuple):
    """Text of a built-in or user file, with the label errors should name."""

    text: str
    source: str
    name: str
    builtin: bool


def read_builtin_or_path(key: str | Path, *, package: str, kind: str) -> NamedText:
    """Read built-in ``key`` from ``package``, else the file at path ``key``.

    ``kind`` ("scenario", "exercise" ...) words the errors: an unknown name lists the
    built-in ones (NotFoundError); an unreadable file is an InputError.
    """
    name = str(key)
    builtins = builtin_yaml_files(package)
    if name in builtins:
        text = builtins[name].read_text(encoding="utf-8")
        return NamedText(text=text, source=f"{name} (built-in)", name=name, builtin=True)
    path = Path(name)
    if not path.is_file():
        raise NotFoundError(
            f"{name}: no such {kind} file, and not a built-in {kind} "
            f"(built-in: {', '.join(sorted(builtins))})"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {kind} file: {exc}", source=str(path)) from None
    return NamedText(text=text, source=str(path), name=path.stem, builtin=False)
