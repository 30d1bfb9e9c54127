# ruff: noqa: F811  (the browser fixtures are imported from test_browser)
"""Browser: the three-sided explorer in Chinese updates its pair table in place when a
Russian lever changes; the page fits a 390 px screen in both languages.  Screenshots go
to ``test-artifacts/screenshots/``."""

from __future__ import annotations

import pytest

from stratstab.analysis.assessment.assess import assess
from stratstab.analysis.spec.scenario import load_builtin_scenario

from .test_browser import base_url, open_page, shot  # noqa: F401

pytestmark = pytest.mark.browser

PAGE = "/assess?scenario=us-china-russia-2024"


def _drawn(page) -> None:
    """Let the next 'stratstab:drawn' event (charts redrawn after a swap) be awaited."""
    page.evaluate(
        "() => { window.__drawn = new Promise(done => document.addEventListener("
        "'stratstab:drawn', done, { once: true })); }"
    )


def _fits(page, name: str) -> None:
    page.set_viewport_size({"width": 390, "height": 900})
    # Plotly redraws its responsive charts after the resize: wait for the triangle to fit.
    page.wait_for_function(
        "() => document.querySelector('[data-plot-key=triangle] .main-svg')"
        ".getBoundingClientRect().width <= 390"
    )
    shot(page, name)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name}: {width} px wide on a 390 px screen"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_three_sided_explorer_follows_a_russian_lever_in_chinese(open_page):
    page = open_page("observer")
    page.goto(PAGE)
    page.wait_for_selector("[data-plot-key=triangle] .main-svg")
    shot(page, "31-explorer-three-sided-en")
    _fits(page, "32-explorer-three-sided-en-390")
    # The page reloads in Chinese with a first three-sided assessment: wait however long.
    page.click("button[name=locale][value=zh]", no_wait_after=True)
    try:
        page.wait_for_selector("html[lang=zh-Hans] [data-plot-key=triangle] .main-svg", timeout=0)
        result = page.locator("[data-testid=assessment-result]")
        assert "各有序对" in result.inner_text() and "反应矩阵" in result.inner_text()
        before = page.locator("[data-testid=pair-index]").all_inner_texts()
        chart = page.locator("[data-plot-key=triangle]")
        chart.evaluate("el => { el.dataset.marker = 'same-element'; }")
        _drawn(page)
        field = page.locator("input[name='a.RU.arsenal_scale']")
        field.fill("0.5")
        field.dispatch_event("change")
        # A three-sided assessment takes seconds: wait for the new table, however long.
        page.wait_for_function(
            "before => JSON.stringify([...document.querySelectorAll("
            "'[data-testid=pair-index]')].map(e => e.innerText)) !== JSON.stringify(before)",
            arg=before,
            timeout=0,
        )
        page.evaluate("() => window.__drawn")
        # "Computing…" is there, in Chinese, for updates that take long; hidden once done.
        busy = page.locator("[data-testid=assess-busy]")
        assert busy.text_content() == "正在计算…"
        page.wait_for_function(
            "() => !document.querySelector('#levers').classList.contains('htmx-request')",
            timeout=0,
        )
        assert not busy.is_visible()
        expected = assess(
            load_builtin_scenario("us-china-russia-2024"),
            "US-view",
            levers={"RU.arsenal_scale": 0.5},
        ).to_dict()
        shown = page.locator("[data-testid=pair-index]").all_inner_texts()
        assert shown == [f"{p['crisis_stability_index']:.3f}" for p in expected["pairs"]]
        assert page.locator("[data-testid=job-progress]").count() == 0  # no polling
        assert chart.get_attribute("data-marker") == "same-element"  # redrawn in place
        text = result.inner_text()
        for english in ("ordered pair", "Striker", "Reaction matrix", "weakest", "Driven by"):
            assert english not in text
        shot(page, "33-explorer-three-sided-zh-russian-lever")
        _fits(page, "34-explorer-three-sided-zh-390")
        _drawn(page)
        page.click("[data-testid=compare]")
        page.wait_for_selector("[data-testid=comparison-result][data-sides='3']", timeout=0)
        page.evaluate("() => window.__drawn")
        assert "系统危机稳定指数" in page.inner_text("[data-testid=comparison-result]")
        shot(page, "35-explorer-three-sided-zh-compare")
    finally:
        page.click("button[name=locale][value=en]", no_wait_after=True)
        page.wait_for_selector("html[lang=en] [data-testid=assessment-result]", timeout=0)
