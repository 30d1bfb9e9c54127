"""Browser tests: Debian chromium driven by Playwright against a live loopback server.

Screenshots go to ``test-artifacts/screenshots/`` for a human to look at.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stratstab.web.demo import demo_password, seed_demo

from .browser_support import CHROMIUM, SCREENSHOTS
from .helpers import SLUG, build_app
from .server import running

pytestmark = pytest.mark.browser

if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
    pytest.skip(
        f"chromium not found at {CHROMIUM} (scripts/test.sh installs Debian's chromium)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    app = build_app(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'demo.sqlite'}")
    seed_demo(app.state.session_factory, store=app.state.store)
    with running(app) as url:
        yield url


@pytest.fixture()
def open_page(browser, base_url):
    """A factory of logged-in pages; console errors are collected and must stay empty."""
    contexts, errors = [], []

    def make(username: str | None, locale: str = "en-GB"):
        context = browser.new_context(
            base_url=base_url, locale=locale, viewport={"width": 1280, "height": 900}
        )
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        if username:
            page.goto("/login")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", demo_password(username))
            page.click("button[type=submit].primary")
            page.wait_for_load_state("networkidle")
            assert "/login" not in page.url
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"browser console errors: {errors}"


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_login_and_vote(open_page):
    page = open_page("us1")
    page.goto(f"/dialogues/{SLUG}/vote")
    first = page.inner_text("[data-testid=statement-text]")
    shot(page, "01-vote-card")
    page.select_option("select[name=importance]", "3")
    page.click("[data-testid=vote-agree]")
    page.wait_for_function(
        "t => document.querySelector('[data-testid=statement-text]').innerText !== t", arg=first
    )
    assert "1 of 12 voted" in page.inner_text("[data-testid=vote-card]")
    shot(page, "02-vote-next")


def test_script_statement_is_shown_as_text(open_page, base_url):
    cn = open_page("cn2")
    cn.goto(f"/dialogues/{SLUG}/vote")
    cn.fill("textarea[name=text]", "<script>window.pwned = 1</script><b>bold?</b>")
    cn.select_option("select[name=original_language]", "en")
    cn.click("[data-testid=submit-statement]")
    facilitator = open_page("facilitator")
    facilitator.goto(f"/dialogues/{SLUG}/statements")
    row = facilitator.locator("tr", has_text="window.pwned").first
    row.get_by_role("button", name="Accept").click()
    facilitator.wait_for_load_state("networkidle")
    assert facilitator.evaluate("window.pwned") is None
    assert facilitator.locator("b", has_text="bold?").count() == 0
    shot(facilitator, "03-statements-moderation")


def test_sealed_positions_and_reveal(open_page):
    us = open_page("us2")
    us.goto(f"/dialogues/{SLUG}/scope")
    filed = us.inner_text("[data-testid=cell-missile-defense-CN]")
    assert filed == us.inner_text("[data-testid=cell-cyber-CN]")  # nothing tells them apart
    shot(us, "04-scope-sealed")
    us.select_option("select[name=topic]", "missile-defense")
    us.select_option("select[name=stance]", "exclude")
    us.fill("input[name=priority]", "4")
    us.click("[data-testid=set-position]")
    us.wait_for_load_state("networkidle")
    assert us.locator("[data-testid=declare-complete]").count() == 0  # the head declares
    for head in ("us1", "cn1"):
        page = open_page(head)
        page.goto(f"/dialogues/{SLUG}/scope")
        page.click("[data-testid=declare-complete]")
        page.click("[data-testid=confirm]")
        page.wait_for_load_state("networkidle")
        assert page.locator("[data-testid=banner]").count() == 1
    facilitator = open_page("facilitator")
    facilitator.goto(f"/dialogues/{SLUG}/scope")
    facilitator.click("[data-testid=reveal]")
    assert facilitator.locator("[data-testid=confirm-step]").count() == 1
    facilitator.click("[data-testid=confirm]")
    facilitator.wait_for_load_state("networkidle")
    assert facilitator.locator("[data-testid=banner]").count() == 1
    us.goto(f"/dialogues/{SLUG}/scope")
    cell = us.inner_text("[data-testid=cell-missile-defense-CN]")
    assert "include" in cell and "P5" in cell
    assert us.locator("[data-testid=agenda-waiting]").count() == 0
    shot(us, "05-scope-revealed")


def test_consensus_view(open_page):
    page = open_page("observer")
    page.goto(f"/dialogues/{SLUG}/consensus")
    page.wait_for_selector("div.plot .main-svg", timeout=20_000)
    assert page.locator("[data-testid=consensus]").count() == 1
    shot(page, "06-consensus")


def test_run_and_compare_assessment(open_page):
    page = open_page("observer")
    page.goto("/assess")
    page.fill("input[name='a.US.interceptors']", "400")
    page.click("[data-testid=run]")
    page.wait_for_selector("[data-testid=assessment-result]", timeout=60_000)
    page.wait_for_selector("[data-testid=assessment-result] div.plot .main-svg", timeout=20_000)
    shot(page, "07-assessment")
    page.click("[data-testid=compare]")
    page.wait_for_selector("[data-testid=comparison-result]", timeout=60_000)
    assert page.locator("[data-testid=comparison-result] tr.changed").count() > 0
    shot(page, "08-comparison")


def test_switch_language(open_page):
    page = open_page("us1")
    page.goto("/")
    page.click("button[name=locale][value=zh]")
    page.wait_for_load_state("networkidle")
    assert "战略稳定对话的共同工作台" in page.inner_text("h1")
    page.goto(f"/dialogues/{SLUG}/scope")
    assert "范围矩阵" in page.inner_text("main")
    shot(page, "09-chinese-scope")
    page.goto("/")  # the preference is stored with the account
    assert "首页" in page.inner_text("nav")
    page.click("button[name=locale][value=en]")
    anonymous = open_page(None, locale="zh-CN")
    anonymous.goto("/")
    assert "登录" in anonymous.inner_text("header")
    shot(anonymous, "10-anonymous-chinese")
