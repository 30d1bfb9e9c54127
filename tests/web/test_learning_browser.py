"""Browser test of the learning pages: timeline, entry in Chinese, glossary, an exercise.

Reuses the chromium, server and page fixtures of ``test_browser``; screenshots go to
``test-artifacts/screenshots/`` (numbered after the other browser tests' 01-10).
"""

from __future__ import annotations

import re

import pytest

from .test_browser import CHROMIUM, base_url, open_page, shot  # noqa: F401

pytestmark = pytest.mark.browser
assert CHROMIUM  # the import above skips this module when chromium is missing


def test_timeline_filter_and_entry_in_chinese(open_page):  # noqa: F811
    page = open_page("us1")
    page.goto("/history")
    page.wait_for_selector("div.plot .main-svg", timeout=20_000)
    total = page.locator("[data-testid=timeline-event]").count()
    assert total > 40
    shot(page, "11-history-timeline")
    page.select_option("[data-testid=filter-type]", "channel")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=timeline-event]')]"
        ".every(r => r.dataset.type === 'channel')"
    )
    assert 0 < page.locator("[data-testid=timeline-event]").count() < total
    assert "type=channel" in page.url  # the filter is in the address, so it can be shared
    page.select_option("[data-testid=filter-party]", "CN")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=timeline-count]').innerText.includes('entries')"
        " && !document.querySelector('[data-entry=hotline-mou-1963]')"
    )
    shot(page, "12-history-filtered")
    page.locator("[data-testid=timeline-event] a").first.click()
    page.wait_for_selector("[data-testid=history-entry]")
    english_name = page.inner_text("[data-testid=entry-name]")
    page.click("button[name=locale][value=zh]")
    page.wait_for_load_state("networkidle")
    chinese_name = page.inner_text("[data-testid=entry-name]")
    assert chinese_name != english_name and re.search("[\u4e00-\u9fff]", chinese_name)
    assert english_name in page.inner_text("[data-testid=entry-other-name]")
    assert "对中美对话的启示" in page.inner_text("main")
    assert page.locator("[data-testid=sources] a[href^=http]").count() >= 1
    shot(page, "13-history-entry-zh")
    page.goto("/glossary")
    page.fill("[data-testid=glossary-q]", "SSPK")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=glossary-term]').length < 5"
    )
    assert page.locator("[data-term=sspk]").count() >= 1
    shot(page, "14-glossary-zh")
    page.click("button[name=locale][value=en]")
    page.wait_for_load_state("networkidle")


def _play_turn(page, *, reason: str, message: str | None = None) -> None:
    page.locator("[data-testid=action-menu] input[type=radio]").nth(2).check()
    page.fill("[data-testid=reason]", reason)
    if message:
        page.select_option("[data-testid=message-kind]", "proposal")
        page.fill("[data-testid=message-text]", message)
    page.click("[data-testid=submit-decision]")
    page.wait_for_load_state("networkidle")


def test_play_an_exercise_as_a_human_and_open_the_report(open_page):  # noqa: F811
    page = open_page("observer")
    page.goto("/exercises")
    page.click("[data-testid=exercise-maritime-incident]")
    page.select_option("[data-testid=player-US]", "human")
    page.select_option("[data-testid=player-CN]", "cautious")
    page.fill("[data-testid=seed]", "7")
    page.fill("[data-testid=turns]", "2")
    page.click("[data-testid=start-run]")
    page.wait_for_selector("[data-testid=decision-form]")
    page.wait_for_selector("div.plot .main-svg", timeout=20_000)
    assert "Turn 1 of 2" in page.inner_text("[data-testid=turn-heading]")
    shot(page, "15-exercise-turn-1")
    _play_turn(page, reason="Hold while we learn what happened.", message="Joint search?")
    assert "Turn 2 of 2" in page.inner_text("[data-testid=turn-heading]")
    page.reload()  # the run lives on the server: a reload shows the same turn
    assert "Turn 2 of 2" in page.inner_text("[data-testid=turn-heading]")
    assert "Joint search?" in page.inner_text("[data-testid=channel-log]")
    assert "Hold while we learn" in page.inner_text("[data-testid=past-turns]")
    shot(page, "16-exercise-turn-2")
    _play_turn(page, reason="Keep the channel open.")
    page.wait_for_selector("[data-testid=run-finished]")
    shot(page, "17-exercise-finished")
    page.click("[data-testid=open-report]")
    page.wait_for_selector("section#channel")
    assert "Hold while we learn what happened." in page.inner_text("section#turns")
    assert "Joint search?" in page.inner_text("section#channel")
    shot(page, "18-exercise-report")
