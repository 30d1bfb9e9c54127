"""Debian's chromium for the browser tests: where it is, how it starts, where shots go."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = os.environ.get("STRATSTAB_TEST_CHROMIUM") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
