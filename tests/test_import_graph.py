"""The package's import graph: no circle, and analysis/ layered one way.

The graph is built from the source with :mod:`ast` (module-level imports only: imports
inside functions and under ``if TYPE_CHECKING`` do not run when a module loads), so it
checks the code as written rather than what happens to be imported in this process.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

import stratstab

PACKAGE_ROOT = Path(stratstab.__file__).parent
PACKAGE = "stratstab"

#: analysis/ subpackages from the bottom up: each may import only those before it.
ANALYSIS_LAYERS = ("spec", "reference", "batch", "assessment", "uncertainty", "transparency")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE_ROOT.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Import statements that run when the module loads (not in functions or classes'
    methods, not under ``if TYPE_CHECKING``)."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.Import | ast.ImportFrom):
                found.append(node)
            elif isinstance(node, ast.If):
                if not _is_type_checking(node.test):
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                for block in (node.body, node.orelse, node.finalbody):
                    visit(block)
                for handler in node.handlers:
                    visit(handler.body)
            elif isinstance(node, ast.ClassDef):
                visit(node.body)
            elif isinstance(node, ast.With):
                visit(node.body)

    visit(tree.body)
    return found


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> set[str]:
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        stem = ".".join([*base, node.module] if node.module else base)
    else:
        stem = node.module or ""
    return {stem} | {f"{stem}.{alias.name}" for alias in node.names}


def import_graph() -> dict[str, set[str]]:
    """Module → the package's modules it imports when it loads (and their packages)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        own_ancestors = {".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 1)}
        edges: set[str] = set()
        for node in _module_level_imports(tree):
            for target in _targets(module, path.name == "__init__.py", node):
                if target not in modules:
                    continue
                parts = target.split(".")
                # Importing a.b.c runs a and a.b first; the importer's own packages are
                # already loading, so they are not new edges.
                chain = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
                edges |= {name for name in chain if name in modules} - own_ancestors - {module}
        graph[module] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (each one a circle)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def strongconnect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                strongconnect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            strongconnect(node)
    return found


def test_graph_covers_the_package():
    graph = import_graph()
    assert "stratstab.analysis.spec.scenario" in graph
    assert "stratstab.analysis.spec.levers" in graph["stratstab.analysis.spec.scenario"]


def test_no_import_circle():
    graph = import_graph()
    assert cycles(graph) == []
    # The same check through the standard library: a topological order exists.
    graphlib.TopologicalSorter(graph).prepare()


def test_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    with pytest.raises(graphlib.CycleError):
        graphlib.TopologicalSorter({"a": {"b"}, "b": {"a"}}).prepare()


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) >= 3 and parts[:2] == ["stratstab", "analysis"]:
        return parts[2] if parts[2] in ANALYSIS_LAYERS else None
    return None


def test_analysis_imports_run_one_way():
    """spec imports nothing else of analysis; each layer only those below it."""
    graph = import_graph()
    wrong = []
    for module, targets in graph.items():
        layer = _layer(module)
        if layer is None:
            continue
        allowed = set(ANALYSIS_LAYERS[: ANALYSIS_LAYERS.index(layer) + 1])
        for target in targets:
            target_layer = _layer(target)
            if target.startswith("stratstab.analysis.") and target_layer not in allowed:
                if target == "stratstab.analysis.scenarios":
                    continue
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_every_analysis_module_is_in_a_layer():
    loose = [
        module
        for module in _modules()
        if module.startswith("stratstab.analysis.")
        and _layer(module) is None
        and module.split(".")[2] not in (*ANALYSIS_LAYERS, "scenarios")
    ]
    assert loose == []


#: Packages below the presentation layers, and those layers: nothing in the first may
#: import the second, not even inside a function (where the module graph above does not
#: look).  Results reach figures through a maker the package registers
#: (``analysis.assessment.plotting``).
LIBRARY = ("forces", "models", "analysis", "dialogue", "history")
PRESENTATION = ("reports", "cli", "web")


def _all_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]


def upward_imports() -> list[str]:
    """``module -> target`` for every import, anywhere in a module of ``LIBRARY``, of a
    module of ``PRESENTATION``."""
    wrong = []
    for module, path in _modules().items():
        parts = module.split(".")
        if len(parts) < 2 or parts[1] not in LIBRARY:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _all_imports(tree):
            for target in _targets(module, path.name == "__init__.py", node):
                target_parts = target.split(".")
                if (
                    len(target_parts) >= 2
                    and target_parts[:1] == [PACKAGE]
                    and (target_parts[1] in PRESENTATION)
                ):
                    wrong.append(f"{module} -> {target} (line {node.lineno})")
    return sorted(set(wrong))


def test_library_never_imports_presentation_even_inside_functions():
    assert upward_imports() == []
