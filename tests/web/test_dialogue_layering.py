"""The dialogue web layer reads and writes through the dialogue store only.

Modules under ``web/dialogues/`` decide who may do what; sessions, queries and the
audit records that go with a change belong to :class:`DialogueStore` and the
dialogue layer's ``*_queries`` modules.  This scan fails when a web module opens a
store session itself or imports SQLAlchemy.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

WEB_DIALOGUES = Path(__file__).resolve().parents[2] / "src" / "stratstab" / "web" / "dialogues"


def _database_access(source: str) -> list[str]:
    """Where ``source`` imports SQLAlchemy or calls ``<something>.session(...)``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            if name == "sqlalchemy" or name.startswith("sqlalchemy."):
                found.append(f"imports {name} (line {node.lineno})")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "session"
        ):
            found.append(f"opens .session() (line {node.lineno})")
    return found


def test_no_dialogue_web_module_touches_the_database_itself():
    modules = sorted(WEB_DIALOGUES.rglob("*.py"))
    assert len(modules) > 10  # the scan looks where the modules are
    offenders = {
        path.name: found
        for path in modules
        if (found := _database_access(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from sqlalchemy import select\n", ["imports sqlalchemy (line 1)"]),
        ("import sqlalchemy.orm as orm\n", ["imports sqlalchemy.orm (line 1)"]),
        ("from sqlalchemy.orm import Session\n", ["imports sqlalchemy.orm (line 1)"]),
        (
            "def f(store):\n    with store.session(write=True) as s:\n        pass\n",
            ["opens .session() (line 2)"],
        ),
        ("def f(store):\n    return store.members('cnus')\n", []),
        ("from stratstab.dialogue.store import DialogueStore\n", []),
    ],
)
def test_the_scan_finds_database_access(source, expected):
    assert _database_access(source) == expected
