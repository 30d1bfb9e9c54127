"""Rewrite the lever reference in docs/scenarios.md from the lever table."""

from __future__ import annotations

from pathlib import Path

from stratstab.analysis.spec.lever_table import with_lever_reference

DOC = Path(__file__).resolve().parents[1] / "docs" / "scenarios.md"

if __name__ == "__main__":
    DOC.write_text(with_lever_reference(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote the lever reference into {DOC}")
