"""Browser test: three delegations (United States, China, Russia) play each other.

The United States plays in English, China in Chinese and Russia in English, each in its
own browser; the control cell works in Chinese.  Moves are simultaneous and sealed: a
seat that has moved sees no trace of the others' moves until all three are in.  The
United States sends Russia an addressed query with its translation; Russia leaves it
unacknowledged past its deadline, and on the last turn Russia misses the turn itself,
so the control cell closes it.  The after-action report opens in both languages.
Screenshots go to ``test-artifacts/screenshots/`` (numbered 40 and up).
"""

from __future__ import annotations

import re

import pytest

from .exercise_pages import decide, demo_with_russia, seat_delegations
from .exercise_pages import set_locale as _locale
from .test_browser import CHROMIUM, open_page, shot  # noqa: F401

pytestmark = pytest.mark.browser
assert CHROMIUM

EXERCISE = "pacific-incident-russian-alert"
QUERY = (
    "Please state the scope and end date of your exercise.",
    "请说明贵方演习的范围和结束日期。",
)
# What each side's first move would show if it leaked: its label in either language.
US_MOVE = ("asw-sweep-russia", "Begin anti-submarine sweeps", "反潜搜索")
RU_MOVE = ("launch-on-warning-readiness", "Ready launch under attack", "遭袭即发射准备")
CN_MOVE = ("hold-and-consult", "Hold positions and consult", "保持现有部署")
CHINESE_PAGE_ENGLISH = ("Choose your action", "Control cell", "Crisis stability index", "Decide")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    """The demo workspace with a Russian delegation added (head ru1, delegate ru2)."""
    with demo_with_russia(tmp_path_factory.mktemp("three")) as url:
        yield url


def _decide(page, action: str, reason: str, **options) -> None:
    page.reload()
    decide(page, action=action, reason=reason, **options)


def _sees_no_trace(page, *moves: tuple[str, str, str]) -> None:
    """Neither the id nor the label (in English or Chinese) of any move is on the page,
    outside the seat's own menu of choices (which may offer the same move)."""
    page.reload()
    html = page.evaluate(
        """() => {
            const copy = document.documentElement.cloneNode(true);
            copy.querySelectorAll('[data-testid=action-menu]').forEach(m => m.remove());
            return copy.outerHTML;
        }"""
    )
    for move in moves:
        for trace in move:
            assert trace not in html, trace


def test_three_delegations_play_each_other_to_the_report(open_page):  # noqa: F811
    control = open_page("facilitator")
    _locale(control, "zh")
    seats = {"US": ("us1", "us2"), "CN": ("cn1", "cn2"), "RU": ("ru1", "ru2")}
    run_url = seat_delegations(control, EXERCISE, seats, seed=4, turns=3)
    heading = control.inner_text("[data-testid=control-panel] h2")
    assert "共 3 回合" in heading and "ex." not in control.inner_text("main")
    shot(control, "40-three-seats-control-zh")
    us, cn, ru = open_page("us1"), open_page("cn1"), open_page("ru1")
    for page, lang in ((us, "en"), (cn, "zh"), (ru, "en")):
        _locale(page, lang)
        page.goto(run_url)
    chinese = cn.inner_text("main")
    assert re.search("[\u4e00-\u9fff]", chinese)
    for english in CHINESE_PAGE_ENGLISH:
        assert english not in chinese, english
    # Each seat is offered the other two as recipients, never itself.
    recipients = us.locator("[data-testid=message-to] option").all_inner_texts()
    assert recipients[1:] == ["China", "Russia"]
    assert cn.locator("[data-testid=message-to] option").all_inner_texts()[1:] == [
        "美国",
        "俄罗斯",
    ]

    # Turn 1.  The United States sweeps Russia's bastion and asks Russia a question.
    _decide(us, US_MOVE[0], "watch the bastion", message=QUERY, to="RU")
    assert us.locator("[data-testid=move-in]").count() == 1
    shot(us, "41-three-seats-us-moved-en")
    _sees_no_trace(ru, US_MOVE)
    _sees_no_trace(cn, US_MOVE)
    control.reload()
    assert "✓" in control.inner_text("[data-testid=decided-US]")
    for side in ("CN", "RU"):
        assert "✓" not in control.inner_text(f"[data-testid=decided-{side}]")
    _sees_no_trace(control, US_MOVE)
    # The query waits for delivery with the turn: Russia's inbox is still empty.
    assert QUERY[0] not in ru.content()

    # Russia moves second: the United States, already in, sees nothing of it.
    _decide(ru, RU_MOVE[0], "answer the sweep")
    _sees_no_trace(us, RU_MOVE)
    _sees_no_trace(cn, US_MOVE, RU_MOVE)
    shot(cn, "42-three-seats-cn-waiting-zh")
    _decide(cn, CN_MOVE[0], "保持克制，通过渠道磋商")

    # Turn 2.  All three moves are in and shown; the query reached Russia, and Russia
    # alone, with its translation beside it.  Russia lets the deadline pass.
    ru.reload()
    assert "Turn 2" in ru.inner_text("[data-testid=turn-heading]")
    inbox = ru.inner_text("[data-testid=inbox]")
    assert QUERY[0] in inbox and QUERY[1] in inbox
    past = ru.inner_text("[data-testid=past-turns]")
    assert US_MOVE[1] in past and CN_MOVE[1] in past
    cn.reload()
    assert QUERY[0] not in cn.content() and QUERY[1] not in cn.content()
    assert US_MOVE[2] in cn.inner_text("[data-testid=past-turns]")
    shot(ru, "43-three-seats-ru-turn2-en")
    shot(cn, "44-three-seats-cn-turn2-zh")
    _decide(ru, "notify-exercise", "say what the exercise is", acknowledge=False)
    _decide(us, "hold-and-consult", "wait for Russia's answer")
    _decide(cn, "joint-search-and-rescue", "搜救优先")

    # Turn 3.  The missed acknowledgement shows in the US channel log.  The United States
    # and China move; Russia misses the turn and the control cell closes it.
    us.reload()
    assert us.locator("[data-testid=missed-deadline]").count() >= 1
    # The side the United States faces is named with that side's own last move.
    faced = us.inner_text("[data-testid=opponent-last]")
    assert faced.startswith("Russia") and "Notify the others of the exercise" in faced
    shot(us, "45-three-seats-us-turn3-en")
    _decide(us, "stand-down-alert", "step back")
    _decide(cn, "stand-down-alert", "同样退一步")
    control.reload()
    assert "✓" not in control.inner_text("[data-testid=decided-RU]")
    control.check("[data-testid=close-confirm]")
    control.click("[data-testid=close-turn]")
    control.wait_for_load_state("networkidle")
    control.reload()
    control.wait_for_selector("[data-testid=run-finished]")
    shot(control, "46-three-seats-finished-zh")

    # The after-action report, in Chinese for the control cell, in English for the US.
    control.click("[data-testid=open-report]")
    control.wait_for_load_state("networkidle")
    report_zh = control.inner_text("body")
    assert "经验教训" in report_zh and "俄罗斯" in report_zh
    assert QUERY[0] in report_zh and QUERY[1] in report_zh
    assert control.locator("#fig-index svg").count() == 1
    assert "体系指数" in control.inner_html("#fig-index")
    shot(control, "47-three-seats-report-zh")
    report_url = control.url
    _locale(control, "en")
    control.goto(report_url)
    report_en = control.inner_text("body")
    assert "Lessons" in report_en and "Russia" in report_en
    for pair in ("United States–Russia", "China–Russia", "United States–China"):
        assert pair in control.inner_html("#fig-index")
    shot(control, "48-three-seats-report-en")
    for page in (us, cn, ru):
        _locale(page, "en")
