"""Helpers shared by the command modules: consoles and JSON output."""

from __future__ import annotations

import json
import math
import sys
from typing import Any

from rich.console import Console

console = Console(highlight=False)
error_console = Console(stderr=True, highlight=False)


def _jsonable(value: Any) -> Any:
    # NumPy is looked up, not imported: values can only be NumPy's if a command loaded it,
    # and commands that never use it (``--help``, the dialogue ledger) start faster.
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if np is not None and isinstance(value, np.generic):
        return _jsonable(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def to_json(data: Any) -> str:
    """Serialise results (NumPy scalars and arrays included) as indented JSON."""
    return json.dumps(_jsonable(data), indent=2, ensure_ascii=False, sort_keys=False)


def print_json(data: Any) -> None:
    """Write JSON to standard output without Rich markup or wrapping."""
    print(to_json(data))
