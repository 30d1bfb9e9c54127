"""Setting up and running a dialogue in the browser, once in English, once in Chinese.

On a fresh database a facilitator creates a dialogue, invites a head of delegation and
a delegate per party and an observer by link; they accept and join; the parties seal
their scope positions and declare them complete; the facilitator reveals (confirming)
and closes the round, then opens the next.  At each step the test checks what each
participant must see and must not see.  Step timings go to
``test-artifacts/setup-flow-timings-<lang>.txt``; screenshots to
``test-artifacts/screenshots/setup-<lang>-*.png``.
"""

from __future__ import annotations

import pytest

from stratstab.accounts import service as accounts

from . import setup_flow as flow
from .browser_support import CHROMIUM, CHROMIUM_ARGS
from .helpers import build_app
from .server import running

pytestmark = pytest.mark.browser

PASSWORD = "Flow-test passphrase 93k!"
SLUG = "cn-us-2026"
CN_TOPICS = {"missile-defense": ("include", 5), "conventional-prompt-strike": ("include", 4)}
US_TOPICS = {"missile-defense": ("exclude", 3), "transparency-cbm": ("include", 5)}
CHECKED = ["missile-defense", "conventional-prompt-strike", "transparency-cbm", "cyber"]
LOCALES = {"en": "en-GB", "zh": "zh-CN"}
# Words that must appear on a page in each language (and the other must not show).
HEADINGS = {"en": ("Scope matrix", "范围矩阵"), "zh": ("范围矩阵", "Scope matrix")}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_set_up_and_run_a_round(browser, tmp_path, lang):
    app = build_app(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    with app.state.session_factory() as db:
        accounts.create_user(db, username="fac", password=PASSWORD, role="facilitator", locale=lang)
        db.commit()
    errors: list[str] = []
    timer = flow.Timer()
    with running(app) as base_url:
        pages = {}

        def page_for(name: str, *, expect_error: bool = False):
            context = browser.new_context(
                base_url=base_url, locale=LOCALES[lang], viewport={"width": 1280, "height": 900}
            )
            page = context.new_page()
            if not expect_error:  # a 410 page logs its status in the console, as it should
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            pages[name] = page
            return page

        fac = page_for("fac")
        flow.log_in(fac, "fac", PASSWORD)
        timer.lap("facilitator logs in")
        flow.create_dialogue(
            fac,
            slug=SLUG,
            title="China–US strategic stability dialogue",
            title_zh="中美战略稳定对话",
            track="II",
            parties=["CN", "US"],
        )
        assert fac.locator("[data-testid=banner]").count() == 1
        assert ("中美战略稳定对话" if lang == "zh" else "China–US") in fac.inner_text("h1")
        flow.shot(fac, f"setup-{lang}-01-created")
        timer.lap("dialogue created")

        people = [
            ("cn-head", "head", "CN"),
            ("cn-member", "delegate", "CN"),
            ("us-head", "head", "US"),
            ("us-member", "delegate", "US"),
            ("watcher", "observer", None),
        ]
        links = {
            name: flow.invite(fac, SLUG, role=role, party=party, note=name)
            for name, role, party in people
        }
        flow.shot(fac, f"setup-{lang}-02-invitation")
        timer.lap("five invitation links made")
        for name, _, _ in people:
            flow.accept(
                page_for(name),
                links[name],
                username=name,
                password=PASSWORD,
                display_name=name.replace("-", " ").title(),
            )
        flow.shot(pages["cn-head"], f"setup-{lang}-03-joined")
        timer.lap("five people accepted and joined")
        # A used link is gone, in the reader's language.
        again = page_for("late", expect_error=True)
        again.goto(links["cn-member"])
        assert again.locator("[data-testid=invitation-gone]").count() == 1
        flow.shot(again, f"setup-{lang}-04-link-used")
        fac.goto(f"/dialogues/{SLUG}/members")
        for name, _, _ in people:
            assert fac.locator(f"[data-testid=member-{name}]").count() == 1
        flow.shot(fac, f"setup-{lang}-05-members")
        timer.lap("members checked")

        for topic, (stance, priority) in CN_TOPICS.items():
            flow.set_position(
                pages["cn-member"], SLUG, topic=topic, stance=stance, priority=priority,
                note=f"CN note on {topic}",
            )  # fmt: skip
        for topic, (stance, priority) in US_TOPICS.items():
            flow.set_position(
                pages["us-head"], SLUG, topic=topic, stance=stance, priority=priority,
                note=f"US note on {topic}",
            )  # fmt: skip
        timer.lap("four sealed positions set")
        # Before the reveal: nobody outside China can tell which topics China filed.
        for viewer in ("us-member", "watcher", "fac"):
            cells = flow.column(pages[viewer], SLUG, "CN", CHECKED)
            assert len(set(cells)) == 1, (viewer, cells)
            assert "CN note" not in pages[viewer].content()
        own = flow.column(pages["cn-head"], SLUG, "CN", CHECKED)
        assert own[0] != own[3]  # China sees its own positions
        assert "US note" not in pages["cn-head"].content()
        heading, other = HEADINGS[lang]
        assert heading in pages["us-member"].inner_text("main")
        assert other not in pages["us-member"].inner_text("main")
        flow.shot(pages["us-member"], f"setup-{lang}-06-sealed-us-view")
        flow.shot(pages["cn-head"], f"setup-{lang}-07-sealed-cn-view")
        # Only heads declare; the facilitator cannot reveal before both did.
        pages["cn-member"].goto(f"/dialogues/{SLUG}/scope")
        assert pages["cn-member"].locator("[data-testid=declare-complete]").count() == 0
        fac.goto(f"/dialogues/{SLUG}/scope")
        assert fac.locator("[data-testid=reveal]").is_disabled()
        flow.declare_complete(pages["cn-head"], SLUG)
        flow.declare_complete(pages["us-head"], SLUG)
        flow.shot(pages["us-head"], f"setup-{lang}-08-declared")
        timer.lap("both heads declared complete")

        flow.reveal(fac, SLUG)
        flow.shot(fac, f"setup-{lang}-09-revealed")
        timer.lap("facilitator revealed (confirmed)")
        after = flow.column(pages["us-member"], SLUG, "CN", CHECKED)
        assert len(set(after)) > 1 and "P5" in after[0]
        assert "CN note on missile-defense" in pages["us-member"].content()
        assert pages["watcher"].locator("[data-testid=set-position]").count() == 0
        flow.shot(pages["watcher"], f"setup-{lang}-10-observer-after-reveal")

        flow.close_round(fac, SLUG, outcome="Agreed to continue on missile defense.")
        fac.goto(f"/dialogues/{SLUG}/ledger")
        assert fac.locator("[data-testid=round-2]").count() == 0  # no round opened itself
        flow.shot(fac, f"setup-{lang}-11-round-closed")
        timer.lap("round closed (confirmed)")
        flow.open_round(fac, SLUG, date="2026-09-14", place="Beijing", staged_agenda=True)
        assert fac.locator("[data-testid=round-2]").count() == 1
        assert "Beijing" in fac.inner_text("[data-testid=round-2]")
        pages["us-member"].goto(f"/dialogues/{SLUG}/ledger")
        assert "Beijing" in pages["us-member"].inner_text("[data-testid=round-2]")
        flow.shot(fac, f"setup-{lang}-12-next-round")
        timer.lap("next round opened")
        for page in pages.values():
            page.context.close()
    timer.write(flow.SCREENSHOTS.parent / f"setup-flow-timings-{lang}.txt")
    assert not errors, f"browser console errors: {errors}"
