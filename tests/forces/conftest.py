"""Fixtures for the force-data tests: a small valid dataset as a dict and as a file."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml


def _estimate(central: float, source: str = "src-a", **extra: Any) -> dict[str, Any]:
    return {"central": central, "source": source, **extra}


MINIMAL: dict[str, Any] = {
    "kind": "posture",
    "id": "tiny",
    "version": "1",
    "title": "Tiny test force",
    "country": "XX",
    "as_of": "2024-01-01",
    "sources": [
        {
            "key": "src-a",
            "citation": {
                "authors": ["A. Author"],
                "title": "T",
                "venue": "V",
                "publisher": "P",
                "year": 2024,
            },
            "url": "https://example.org/report",
            "published": "2024-01",
            "accessed": "2024-02-01",
        }
    ],
    "systems": [
        {
            "name": "SILO-1",
            "kind": "icbm",
            "basing": "silo",
            "strategic": True,
            "launchers": _estimate(10, low=8, high=12),
            "warheads_per_launcher": _estimate(1),
            "deployed_warheads": _estimate(10, low=8, high=12),
            "yield_kt": _estimate(300),
            "cep_m": _estimate(120, assumption=True, basis="public estimate"),
            "reliability": _estimate(0.85),
            "hardness_psi": _estimate(2000),
            "aim_points": _estimate(12),
            "survivability": {"day_to_day": _estimate(0), "generated": _estimate(0)},
        },
        {
            "name": "MOBILE-1",
            "kind": "icbm",
            "basing": "road-mobile",
            "strategic": True,
            "launchers": _estimate(20),
            "warheads_per_launcher": _estimate(3, low=1, high=3),
            "deployed_warheads": _estimate(60),
            "yield_kt": _estimate(250),
            "cep_m": _estimate(200),
            "reliability": _estimate(0.8),
            "aim_points": _estimate(4),
            "home_hardness_psi": _estimate(15),
            "survivability": {
                "day_to_day": _estimate(0.3, low=0.1, high=0.7),
                "generated": _estimate(0.75),
            },
        },
    ],
    "totals": {"deployed": _estimate(70, low=60, high=80)},
}


@pytest.fixture()
def minimal() -> dict[str, Any]:
    """A fresh deep copy of the minimal valid dataset."""
    return copy.deepcopy(MINIMAL)


@pytest.fixture()
def write_yaml(tmp_path: Path):
    """Write a mapping (or raw text) to a YAML file and return its path."""

    def write(content: Any, name: str = "force.yaml") -> Path:
        path = tmp_path / name
        text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    return write
