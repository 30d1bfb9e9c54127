"""Every domain's routers are mounted by name: a missing one stops the app from being
built instead of silently leaving the workbench without that domain."""

from __future__ import annotations

import importlib
import sys

import pytest

from tests.web.helpers import build_app


def test_every_domain_is_mounted(tmp_path):
    app = build_app(f"sqlite:///{tmp_path}/db.sqlite")
    paths = list(app.openapi()["paths"])
    for prefix in (
        "/api/v1/dialogues",
        "/api/v1/scenarios",
        "/api/v1/history",
        "/api/v1/exercises",
    ):
        assert any(path.startswith(prefix) for path in paths), prefix


@pytest.mark.parametrize("domain", ["dialogues", "assessment", "history", "exercises"])
def test_a_missing_domain_router_fails_loudly(tmp_path, monkeypatch, domain):
    # None in sys.modules makes the import fail as a missing module does.
    package = importlib.import_module(f"stratstab.web.{domain}")
    monkeypatch.delattr(package, "router", raising=False)
    monkeypatch.setitem(sys.modules, f"stratstab.web.{domain}.router", None)
    with pytest.raises(ImportError):
        build_app(f"sqlite:///{tmp_path}/db.sqlite")
