"""Provenance records attached to every result: version, datasets, parameters, seed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from stratstab import __version__


def parameters_digest(parameters: Mapping[str, Any]) -> str:
    """A short, stable SHA-256 digest of a JSON-serialisable parameter mapping."""
    text = json.dumps(parameters, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def provenance(
    *,
    datasets: Mapping[str, str] | None = None,
    parameters: Mapping[str, Any] | None = None,
    seed: int | None = None,
    scenario: str | None = None,
) -> dict[str, Any]:
    """Build the provenance block that results carry.

    ``datasets`` maps dataset id to its version string.  The record holds no clock
    time so that two runs of the same inputs give byte-identical output.
    """
    params = dict(parameters or {})
    return {
        "stratstab_version": __version__,
        "scenario": scenario,
        "datasets": dict(sorted((datasets or {}).items())),
        "parameters_digest": parameters_digest(params),
        "seed": seed,
    }
