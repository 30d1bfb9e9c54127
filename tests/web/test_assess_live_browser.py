# ruff: noqa: F811  (the browser fixtures are imported from test_browser)
"""Browser: the explorer updates in place on a lever change; a map click loads a variant;
pages fit a 390 px phone screen.  Screenshots go to ``test-artifacts/screenshots/``."""

from __future__ import annotations

import pytest

from .helpers import SLUG
from .test_browser import base_url, open_page, shot  # noqa: F401

pytestmark = pytest.mark.browser


def _csi(page) -> str:
    return page.inner_text("[data-testid=assessment-result] [data-testid=csi]")


def test_lever_change_updates_the_explorer_in_place(open_page):
    page = open_page("observer")
    page.goto("/assess")
    page.wait_for_selector("[data-testid=assessment-result] div.plot .main-svg")
    field = page.locator("input[name='a.US.interceptors']")
    assert field.input_value() == "44"  # the scenario's own value is shown
    before = _csi(page)
    chart = page.locator("[data-plot-key=cost-US]")
    chart.evaluate("el => { el.dataset.marker = 'same-element'; }")
    # The charts of a swap are put back and redrawn after the new text is in: wait for the
    # page's own "drawn" event, not for the text alone.
    page.evaluate(
        "() => { window.__drawn = new Promise(done => document.addEventListener("
        "'stratstab:drawn', done, { once: true })); }"
    )
    field.fill("300")
    field.dispatch_event("change")
    page.wait_for_function(
        "before => document.querySelector('[data-testid=csi]').innerText !== before", arg=before
    )
    page.evaluate("() => window.__drawn")
    assert page.locator("[data-testid=job-progress]").count() == 0  # no polling
    # The chart element survived the update: redrawn in place, not rebuilt.
    assert page.locator("[data-plot-key=cost-US]").get_attribute("data-marker") == "same-element"
    assert "US-view + 1" in page.inner_text("[data-testid=assessment-result] h2")
    shot(page, "11-explorer-live-update")
    page.click("[data-testid=compare]")
    page.wait_for_selector(
        "[data-testid=comparison-result] td.effect-better, "
        "[data-testid=comparison-result] td.effect-worse"
    )
    shot(page, "12-explorer-compare-coloured")


def _own_page(browser, base_url, username: str, width: int = 1280):
    """A logged-in page whose console is not checked (a 422 is logged as an error)."""
    from stratstab.web.demo import demo_password

    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", demo_password(username))
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")
    return page


def test_bad_lever_value_is_explained_in_words(browser, base_url):
    page = _own_page(browser, base_url, "observer")
    page.goto("/assess")
    page.fill("input[name='a.CN.arsenal_scale']", "-2")
    page.locator("input[name='a.CN.arsenal_scale']").dispatch_event("change")
    page.wait_for_selector("#results .alert.error")
    assert "Arsenal size must be a positive multiple, e.g. 1.5" in page.inner_text("#results")
    page.click("button[name=locale][value=zh]")
    page.wait_for_load_state("networkidle")
    page.fill("input[name='a.CN.arsenal_scale']", "-2")
    page.locator("input[name='a.CN.arsenal_scale']").dispatch_event("change")
    page.wait_for_selector("#results .alert.error")
    assert "核武库规模必须是正的倍数" in page.inner_text("#results")
    shot(page, "15-explorer-bad-input-zh")
    page.click("button[name=locale][value=en]")
    page.context.close()


def test_map_cell_click_loads_the_variant(open_page):
    page = open_page("observer")
    page.goto("/assess")
    page.wait_for_selector("[data-testid=assessment-result] div.plot .main-svg")
    page.fill("#map-form input[name=steps]", "12")
    page.click("[data-testid=draw-map]")
    page.wait_for_selector("[data-testid=map-panel] .main-svg")
    assert page.locator("[data-testid=map-panel]").count() == 2  # US-view and CN-view
    shot(page, "13-stability-map")
    # The served Plotly bundle is a partial one: every trace type drawn must be in it.
    known, used = page.evaluate(
        """() => [Object.keys(Plotly.PlotSchema.get().traces),
                  [...document.querySelectorAll("div.plot")].flatMap(
                    (el) => (el.data || []).map((trace) => trace.type || "scatter"))]"""
    )
    assert {"scatter", "bar", "heatmap"} <= set(used) <= set(known)
    before = _csi(page)
    panel = page.locator("[data-testid=map-panel]").nth(1)  # CN-view
    panel.scroll_into_view_if_needed()
    box = panel.locator(".nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.2)
    page.wait_for_function(
        "before => document.querySelector('[data-testid=csi]').innerText !== before", arg=before
    )
    assert page.locator("select[name=a_view]").input_value() == "CN-view"
    interceptors = float(page.locator("input[name='a.US.interceptors']").input_value())
    survivability = float(page.locator("input[name='a.CN.survivability_mobile']").input_value())
    assert interceptors > 250 and survivability > 0.5
    shot(page, "14-map-click-loaded")


@pytest.mark.parametrize(
    "path",
    ["/assess", f"/dialogues/{SLUG}/consensus", f"/dialogues/{SLUG}/ledger", "/", "/history"],
)
def test_pages_fit_a_phone_screen(browser, base_url, path):
    page = _own_page(browser, base_url, "facilitator", width=390)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    shot(page, "phone-" + (path.strip("/").replace("/", "-") or "home"))
    page.context.close()
    assert width <= 390, f"{path} is {width} px wide on a 390 px screen"
