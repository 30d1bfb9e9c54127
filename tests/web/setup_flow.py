"""Browser steps of setting up and running a dialogue, shared by the browser tests.

Each helper drives one step through the pages, the way a person does, and waits for
the page that follows.  Selectors are ``data-testid`` attributes, so the same steps
run in English and in Chinese.
"""

from __future__ import annotations

import time
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


class Timer:
    """Wall-clock seconds per step, written to a report (never asserted)."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, float]] = []
        self._started = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.steps.append((name, now - self._started))
        self._started = now

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"{name}\t{seconds:.2f} s" for name, seconds in self.steps]
        total = sum(s for _, s in self.steps)
        path.write_text("\n".join([*lines, f"total\t{total:.2f} s"]) + "\n", encoding="utf-8")


def shot(page, name: str) -> None:
    """A full-page screenshot under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(page, username: str, password: str) -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")
    assert "/login" not in page.url


def create_dialogue(
    page, *, slug: str, title: str, title_zh: str, track: str, parties: list[str]
) -> None:
    """The facilitator fills the new-dialogue form; ends on the members page."""
    page.goto("/dialogues")
    page.click("[data-testid=new-dialogue]")
    page.fill("input[name=slug]", slug)
    page.fill("input[name=title]", title)
    page.fill("input[name=title_zh]", title_zh)
    page.select_option("select[name=track]", track)
    for box in page.locator("input[name=parties]").all():
        box.set_checked(box.get_attribute("value") in parties)
    page.click("[data-testid=create-dialogue]")
    page.wait_for_url(f"**/dialogues/{slug}/members?done=created")


def invite(page, slug: str, *, role: str, party: str | None, note: str = "") -> str:
    """Make an invitation link on the members page; returns the link."""
    page.goto(f"/dialogues/{slug}/members")
    page.select_option("[data-testid=invite-form] select[name=role]", role)
    page.select_option("[data-testid=invite-form] select[name=party]", party or "")
    page.fill("[data-testid=invite-form] input[name=note]", note)
    page.click("[data-testid=create-invitation]")
    return page.input_value("[data-testid=invitation-url]")


def accept(page, url: str, *, username: str, password: str, display_name: str) -> None:
    """Someone without an account opens the link and joins; ends logged in, in the room."""
    page.goto(url)
    page.fill("[data-testid=accept-form] input[name=username]", username)
    page.fill("[data-testid=accept-form] input[name=display_name]", display_name)
    page.fill("[data-testid=accept-form] input[name=password]", password)
    page.click("[data-testid=accept]")
    page.wait_for_selector("[data-testid=banner]")


def set_position(page, slug: str, *, topic: str, stance: str, priority: int, note: str) -> None:
    page.goto(f"/dialogues/{slug}/scope")
    page.select_option("select[name=topic]", topic)
    page.select_option("select[name=stance]", stance)
    page.fill("input[name=priority]", str(priority))
    page.fill("input[name=note]", note)
    page.click("[data-testid=set-position]")
    page.wait_for_selector("[data-testid=banner]")


def confirm(page) -> None:
    """Pass a confirmation step (a plain form) and wait for the banner after it."""
    page.wait_for_selector("[data-testid=confirm-step]")
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=banner]")


def declare_complete(page, slug: str) -> None:
    page.goto(f"/dialogues/{slug}/scope")
    page.click("[data-testid=declare-complete]")
    confirm(page)


def reveal(page, slug: str) -> None:
    page.goto(f"/dialogues/{slug}/scope")
    page.click("[data-testid=reveal]")
    confirm(page)


def close_round(page, slug: str, *, outcome: str) -> None:
    page.goto(f"/dialogues/{slug}/ledger")
    page.fill("textarea[name=outcome]", outcome)
    page.click("[data-testid=close-round]")
    confirm(page)


def open_round(page, slug: str, *, date: str, place: str, staged_agenda: bool) -> None:
    page.goto(f"/dialogues/{slug}/ledger")
    form = "[data-testid=open-round-form]"
    page.fill(f"{form} input[name=date]", date)
    page.fill(f"{form} input[name=place]", place)
    page.locator(f"{form} input[name=use_staged_agenda]").set_checked(staged_agenda)
    page.click("[data-testid=open-round]")
    page.wait_for_selector("[data-testid=banner]")


def column(page, slug: str, party: str, topics: list[str]) -> list[str]:
    """The scope cells of one party for ``topics``, as the page shows them."""
    page.goto(f"/dialogues/{slug}/scope")
    return [page.inner_text(f"[data-testid=cell-{topic}-{party}]") for topic in topics]
