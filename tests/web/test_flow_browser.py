"""A round of a dialogue in the browser, once in English and once in Chinese.

Two delegates per party write statements in their own language, a translator adds the
other language, the facilitator accepts them, everyone votes, each party files a
sealed scope position, the facilitator reveals and closes the round, and every
participant takes the outcome report home as HTML and PDF.  At each step the test
checks what each participant must and must not see.  The time of each step is
written to ``test-artifacts/flow-timings-LANG.json`` (measured, never asserted);
screenshots, and the PDF's pages as PNG where ``pdftoppm`` exists, go to
``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from stratstab.accounts.models import User
from stratstab.reports.pdf import find_chromium

from .browser_support import CHROMIUM, SCREENSHOTS
from .dialogue_setup import PASSWORD, add_members, make_accounts
from .helpers import build_app
from .server import running

pytestmark = pytest.mark.browser

if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
    pytest.skip(f"chromium not found at {CHROMIUM}", allow_module_level=True)

ARTIFACTS = SCREENSHOTS.parent
SLUG = "flow"
WRITTEN = {  # what each delegate writes, in their own language
    "cn-a": ("zh", "双方应每月测试危机沟通渠道。"),
    "cn-b": ("zh", "美国导弹防御削弱中国的二次打击能力。"),
    "us-a": ("en", "Both sides should give advance notice of ballistic missile launches."),
    "us-b": ("en", "China should publish the size of its nuclear arsenal."),
}
TRANSLATED = {  # what the translator adds
    "cn-a": "Both sides should test the crisis communication link every month.",
    "cn-b": "US missile defense weakens China's second-strike capability.",
    "us-a": "双方应事先通报弹道导弹发射。",
    "us-b": "中国应公布其核武库的规模。",
}
VOTES = {  # author -> value cast by each voter
    "cn-a": {"cn-a": 1, "cn-b": 1, "us-a": 1, "us-b": 1},
    "cn-b": {"cn-a": 1, "cn-b": 1, "us-a": -1, "us-b": -1},
    "us-a": {"cn-a": 1, "cn-b": 1, "us-a": 1, "us-b": 1},
    "us-b": {"cn-a": -1, "cn-b": -1, "us-a": 1, "us-b": 1},
}
CN_NOTE = "Only together with missile defense."
TEXT = {
    "en": {"accept": "Accept", "report": "Outcome report", "both": "Both delegations agree"},
    "zh": {"accept": "接受", "report": "成果报告", "both": "双方代表团都同意"},
}


class Flow:
    """Browser contexts per user, a clock per step, screenshots."""

    def __init__(self, browser, base_url: str, lang: str) -> None:
        self.browser, self.base_url, self.lang = browser, base_url, lang
        self.pages: dict[str, object] = {}
        self.timings: dict[str, float] = {}
        self.errors: list[str] = []

    def page(self, user: str):
        if user not in self.pages:
            context = self.browser.new_context(
                base_url=self.base_url,
                locale="zh-CN" if self.lang == "zh" else "en-GB",
                viewport={"width": 1280, "height": 900},
                accept_downloads=True,
            )
            page = context.new_page()
            page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: self.errors.append(str(e)))
            page.goto("/login")
            page.fill("input[name=username]", user)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit].primary")
            page.wait_for_load_state("networkidle")
            assert "/login" not in page.url
            self.pages[user] = page
        return self.pages[user]

    def step(self, name: str):
        flow = self

        class _Clock:
            def __enter__(self):
                self.start = time.perf_counter()

            def __exit__(self, *exc):
                flow.timings[name] = round(time.perf_counter() - self.start, 3)

        return _Clock()

    def shot(self, user: str, name: str, *, full_page: bool = True) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"flow-{self.lang}-{name}.png"
        self.page(user).screenshot(path=str(path), full_page=full_page)

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


def _fresh_workbench(tmp_path, lang: str):
    """Accounts in the flow's language, and an empty two-party dialogue."""
    app = build_app(f"sqlite:///{tmp_path / 'flow.sqlite'}")
    make_accounts(app)
    with app.state.session_factory() as session:  # everyone reads the flow's language
        for user in session.query(User):
            user.locale = lang
        session.commit()
    app.state.store.create_dialogue(
        slug=SLUG,
        title="China–US Track II round",
        title_zh="中美二轨对话本轮会议",
        track="II",
        parties=["CN", "US"],
    )
    add_members(app, SLUG, ("CN", "US"))
    return app


def _statement_ids(flow: Flow) -> dict[str, str]:
    """Statement id per author, read from the facilitator's statements page."""
    page = flow.page("fac")
    page.goto(f"/dialogues/{SLUG}/statements")
    ids = {}
    for author, (_, text) in WRITTEN.items():
        row = page.locator("tr[data-testid^=statement-row-]", has_text=text)
        ids[author] = row.get_attribute("data-testid").removeprefix("statement-row-")
    return ids


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_round_from_statements_to_report(browser, tmp_path, lang):
    app = _fresh_workbench(tmp_path, lang)
    words = TEXT[lang]
    with running(app) as base_url:
        flow = Flow(browser, base_url, lang)
        try:
            _run(flow, app, words)
        finally:
            flow.close()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            (ARTIFACTS / f"flow-timings-{lang}.json").write_text(
                json.dumps(flow.timings, indent=2), encoding="utf-8"
            )
    assert not flow.errors, flow.errors


def _run(flow: Flow, app, words: dict[str, str]) -> None:
    lang = flow.lang
    with flow.step("log in seven people"):
        for user in ("fac", "tr", "obs", "cn-a", "cn-b", "us-a", "us-b"):
            flow.page(user)

    with flow.step("four delegates write a statement in their own language"):
        for author, (language, text) in WRITTEN.items():
            page = flow.page(author)
            page.goto(f"/dialogues/{SLUG}/vote")
            page.fill("[data-testid=statement-input]", text)
            page.select_option("[data-testid=statement-language]", language)
            page.click("[data-testid=submit-statement]")
            page.wait_for_load_state("networkidle")
    # Pending statements: the translator and facilitator see them, the other party not.
    us = flow.page("us-a")
    us.goto(f"/dialogues/{SLUG}/statements")
    assert WRITTEN["cn-a"][1] not in us.inner_text("main")
    ids = _statement_ids(flow)

    with flow.step("translator adds the other language"):
        page = flow.page("tr")
        page.goto(f"/dialogues/{SLUG}/statements")
        assert WRITTEN["cn-b"][1] in page.inner_text("main")
        for author, sid in ids.items():
            page.fill(f"[data-testid=translation-text-{sid}]", TRANSLATED[author])
            page.click(f"[data-testid=save-translation-{sid}]")
            page.wait_for_load_state("networkidle")
        flow.shot("tr", "01-translator")

    with flow.step("facilitator accepts the statements"):
        page = flow.page("fac")
        for sid in ids.values():
            page.goto(f"/dialogues/{SLUG}/statements")
            row = page.locator(f"[data-testid=statement-row-{sid}]")
            row.get_by_role("button", name=words["accept"], exact=True).click()
            page.wait_for_load_state("networkidle")
        flow.shot("fac", "02-moderated")

    with flow.step("everyone votes on every statement"):
        order = {sid: author for author, sid in ids.items()}
        for voter in ("cn-a", "cn-b", "us-a", "us-b"):
            page = flow.page(voter)
            page.goto(f"/dialogues/{SLUG}/vote")
            for _ in range(len(ids)):
                card = page.locator("[data-testid=vote-card]")
                sid = page.locator("input[name=statement]").get_attribute("value")
                author = order[sid]
                text = card.inner_text()
                # The reader's language first, the original beside it.
                shown = card.locator("[data-language]")
                assert shown.first.get_attribute("data-language") == lang
                assert WRITTEN[author][1] in text and TRANSLATED[author] in text
                if voter == "us-a" and author == "cn-a":
                    flow.shot("us-a", "03-vote-card-translation", full_page=False)
                value = VOTES[author][voter]
                testid = "vote-agree" if value == 1 else "vote-disagree"
                page.click(f"[data-testid={testid}]")
                page.wait_for_function(
                    "s => !document.querySelector('input[name=statement]') || "
                    "document.querySelector('input[name=statement]').value !== s",
                    arg=sid,
                )
            assert page.locator("[data-testid=vote-done]").count() == 1

    with flow.step("each party files a sealed scope position and declares it complete"):
        for user, topic, stance, note in (
            ("cn-a", "missile-defense", "include", CN_NOTE),
            ("us-a", "transparency-cbm", "include", ""),
        ):
            page = flow.page(user)
            page.goto(f"/dialogues/{SLUG}/scope")
            page.select_option("select[name=topic]", topic)
            page.select_option("select[name=stance]", stance)
            page.fill("input[name=note]", note)
            page.click("[data-testid=set-position]")
            page.wait_for_load_state("networkidle")
            page.click("[data-testid=declare-complete]")  # the head declares complete
            page.click("[data-testid=confirm]")  # after the confirm step
            page.wait_for_load_state("networkidle")
    # Before the reveal the US report holds nothing of the Chinese position.
    sealed = flow.page("us-a").request.get(f"/api/v1/dialogues/{SLUG}/report?format=json")
    assert sealed.ok and CN_NOTE not in sealed.text()

    with flow.step("consensus page"):
        page = flow.page("cn-a")
        page.goto(f"/dialogues/{SLUG}/consensus")
        page.wait_for_selector("div.plot .main-svg", timeout=30_000)
        findings = page.inner_text("[data-testid=consensus]")
        assert words["both"] in findings
        assert page.inner_text("[data-testid=you-are-here]").strip()
        assert not page.locator("[data-testid=delegation-details]").evaluate("d => d.open")
        flow.shot("cn-a", "04-consensus")
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        page.wait_for_selector("div.plot .main-svg", timeout=30_000)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, f"the consensus page scrolls sideways at 390 px ({width} px)"
        flow.shot("cn-a", "05-consensus-390px")

    with flow.step("facilitator reveals and closes the round"):
        page = flow.page("fac")
        page.goto(f"/dialogues/{SLUG}/scope")
        page.click("[data-testid=reveal]")
        page.click("[data-testid=confirm]")
        page.wait_for_load_state("networkidle")
        page.goto(f"/dialogues/{SLUG}/ledger")
        page.fill("textarea[name=outcome]", "Round closed in the browser test.")
        page.click("[data-testid=close-round]")
        if page.locator("[data-testid=confirm]").count():
            page.click("[data-testid=confirm]")
        page.wait_for_load_state("networkidle")

    with flow.step("every participant downloads the report (HTML and PDF)"):
        for user in ("cn-a", "us-a", "obs"):
            page = flow.page(user)
            page.goto(f"/dialogues/{SLUG}/report")
            assert words["report"] in page.inner_text("main")
            with page.expect_popup() as popup_info:
                page.click("[data-testid=report-html]")
            report = popup_info.value
            report.wait_for_load_state()
            body = report.inner_text("body")
            assert "中美二轨对话本轮会议" in body if lang == "zh" else "China–US Track II" in body
            assert CN_NOTE in body  # revealed now: everyone reads it
            for author, (_, text) in WRITTEN.items():
                assert text in body and TRANSLATED[author] in body
            if user == "us-a":
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                report.screenshot(
                    path=str(SCREENSHOTS / f"flow-{lang}-06-report-html.png"), full_page=True
                )
            report.close()
            if find_chromium() is None:
                continue
            with page.expect_download(timeout=120_000) as download_info:
                page.click("[data-testid=report-pdf]")
            target = ARTIFACTS / f"flow-{lang}-report-{user}.pdf"
            download_info.value.save_as(target)
            assert target.read_bytes().startswith(b"%PDF")
    _pdf_pages(ARTIFACTS / f"flow-{lang}-report-us-a.pdf", lang)


def _pdf_pages(pdf_file: Path, lang: str) -> None:
    """The first pages of a downloaded PDF as PNG, for a person to look at."""
    if not pdf_file.exists() or shutil.which("pdftoppm") is None:
        return
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-l",
            "3",
            str(pdf_file),
            str(SCREENSHOTS / f"flow-{lang}-07-report-pdf"),
        ],
        check=True,
        capture_output=True,
    )
