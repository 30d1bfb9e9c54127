"""Shared test configuration."""

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture()
def tmp_workdir(tmp_path, monkeypatch):
    """Run a test inside its own empty working directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
