"""Browser test: two delegations play each other for three turns, in English and in Chinese.

A facilitator sets the run up as its control cell; the United States' head of delegation
and China's head of delegation decide in their own browsers.  A query goes over the
channel with its translation, China leaves it unacknowledged past its deadline, the
control cell injects an event, and the after-action report opens at the end.
Screenshots go to ``test-artifacts/screenshots/`` (numbered 30 and up).
"""

from __future__ import annotations

import re

import pytest

from .exercise_pages import decide as _decide
from .exercise_pages import seat_delegations
from .exercise_pages import set_locale as _locale
from .test_browser import CHROMIUM, base_url, open_page, shot  # noqa: F401

pytestmark = pytest.mark.browser
assert CHROMIUM

ENGLISH_UI = ("Choose your action", "Control cell", "Crisis stability index", "Decide")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_two_delegations_play_three_turns_to_the_report(open_page, lang):  # noqa: F811
    control = open_page("facilitator")
    _locale(control, lang)
    seats = {"US": ("us1", "us2"), "CN": ("cn1", "cn2")}
    run_url = seat_delegations(control, "maritime-incident", seats, seed=5, turns=3)
    shot(control, f"30-exercise-control-{lang}")

    us, cn = open_page("us1"), open_page("cn1")
    _locale(us, lang)
    _locale(cn, lang)
    us.goto(run_url)
    cn.goto(run_url)
    if lang == "zh":
        text = us.inner_text("main")
        assert re.search("[\u4e00-\u9fff]", text)
        for english in ENGLISH_UI:
            assert english not in text, english

    # Turn 1: the US asks a question with its translation; China moves.
    _decide(
        us,
        action_index=3,
        reason="hold and ask",
        message=("Please clarify your patrols.", "请说明贵方的巡逻意图。"),
    )
    assert us.locator("[data-testid=move-in]").count() == 1
    control.reload()
    assert "✓" in control.inner_text("[data-testid=decided-US]")
    assert "✓" not in control.inner_text("[data-testid=decided-CN]")
    assert "hold and ask" not in control.inner_text("main")  # sealed from the control cell
    cn.reload()
    assert "hold and ask" not in cn.inner_text("main")  # sealed from the other side
    _decide(cn, action_index=4, reason="show presence")

    # The control cell injects an event for turn 2.
    control.reload()
    control.fill("[data-testid=inject-text]", "A fishing boat reports a periscope.")
    control.fill("[data-testid=inject-text-zh]", "一艘渔船报告发现潜望镜。")
    control.click("[data-testid=inject-submit]")
    control.wait_for_load_state("networkidle")

    # Turn 2: China sees the query with its translation and lets it go unacknowledged.
    cn.reload()
    inbox = cn.inner_text("[data-testid=inbox]")
    assert "Please clarify your patrols." in inbox and "请说明贵方的巡逻意图。" in inbox
    injected = cn.inner_text("[data-testid=turn-panel]")
    assert ("一艘渔船报告发现潜望镜。" if lang == "zh" else "A fishing boat reports") in injected
    shot(cn, f"31-exercise-cn-turn2-{lang}")
    _decide(cn, action_index=0, reason="search and rescue", acknowledge=False)
    us.reload()
    _decide(us, action_index=0, reason="offer help")

    # Turn 3: the missed deadline shows in the US channel log; both decide; the run ends.
    us.reload()
    assert us.locator("[data-testid=missed-deadline]").count() >= 1
    shot(us, f"32-exercise-us-turn3-{lang}")
    _decide(us, action_index=1, reason="pull back")
    cn.reload()
    _decide(cn, action_index=1, reason="pull back too")

    control.reload()
    control.wait_for_selector("[data-testid=run-finished]")
    control.click("[data-testid=open-report]")
    control.wait_for_load_state("networkidle")
    report = control.inner_text("body")
    assert ("经验教训" if lang == "zh" else "Lessons") in report
    assert "Please clarify your patrols." in report
    assert control.locator("svg").count() >= 4
    shot(control, f"33-exercise-report-{lang}")
    for page in (control, us, cn):
        _locale(page, "en")
