"""Fixtures of the web tests: an app per database, demo data."""

from __future__ import annotations

import pytest

from stratstab.web.demo import DEMO_USERS, seed_demo

from .helpers import build_app


@pytest.fixture()
def app(tmp_path):
    """An empty workbench on a temporary SQLite file."""
    return build_app(f"sqlite:///{tmp_path / 'web.sqlite'}")


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    """A workbench seeded with the demo workspace (shared by a module's read-mostly tests)."""
    folder = tmp_path_factory.mktemp("demo")
    application = build_app(f"sqlite:///{folder / 'demo.sqlite'}")
    seed_demo(application.state.session_factory, store=application.state.store)
    return application


@pytest.fixture(scope="module")
def demo_users():
    """(username, role, delegation) of every demo account."""
    return [(u, role, d) for u, _, role, d in DEMO_USERS]


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium under Playwright (the browser tests skip where it is missing)."""
    from playwright.sync_api import sync_playwright

    from .browser_support import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
