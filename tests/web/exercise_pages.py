"""What a delegate or the control cell does on the exercise pages, for the browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stratstab.accounts import service as accounts
from stratstab.web.demo import demo_password, seed_demo

from .helpers import build_app
from .server import running


def set_locale(page, lang: str) -> None:
    """Switch the interface language with the page's own language buttons."""
    page.goto("/exercises")
    page.click(f"button[name=locale][value={lang}]")
    page.wait_for_load_state("networkidle")


def decide(
    page,
    *,
    reason: str,
    action: str | None = None,
    action_index: int | None = None,
    message: tuple[str, str] | None = None,
    to: str | None = None,
    acknowledge: bool = True,
) -> None:
    """Take a move on the run page: by action id or by its place on the menu, with the
    stated reason, optionally a query (text and translation) to the side ``to``, and
    with the inbox acknowledged or left unacknowledged."""
    page.wait_for_selector("[data-testid=decision-form]")
    if not acknowledge:
        for box in page.locator("[data-testid=inbox] input[type=checkbox]").all():
            box.uncheck()
    if action is not None:
        page.check(f"[data-testid=action-{action}]")
    else:
        page.locator("[data-testid=action-menu] input[type=radio]").nth(action_index).check()
    page.fill("[data-testid=reason]", reason)
    if message:
        page.select_option("[data-testid=message-kind]", "query")
        if to:
            page.select_option("[data-testid=message-to]", to)
        page.fill("[data-testid=message-text]", message[0])
        page.fill("[data-testid=message-translation]", message[1])
    page.click("[data-testid=submit-decision]")
    page.wait_for_load_state("networkidle")


def seat_delegations(
    control, exercise: str, seats: dict[str, tuple[str, str]], *, seed: int, turns: int
) -> str:
    """As the facilitator, start a run with each side played by its delegation
    (``side: (head, delegate)``); return the run page's address."""
    control.goto(f"/exercises/{exercise}")
    for side, (head, aide) in seats.items():
        control.select_option(f"[data-testid=player-{side}]", "delegation")
        control.fill(f"[data-testid=head-{side}]", head)
        control.fill(f"[data-testid=delegates-{side}]", aide)
    control.fill("[data-testid=seed]", str(seed))
    control.fill("[data-testid=turns]", str(turns))
    control.click("[data-testid=start-run]")
    control.wait_for_selector("[data-testid=control-panel]")
    return control.url


@contextmanager
def demo_with_russia(directory: Path) -> Iterator[str]:
    """A running demo workspace with a Russian delegation added (head ru1, delegate ru2);
    yields its base URL."""
    app = build_app(f"sqlite:///{directory / 'demo.sqlite'}")
    seed_demo(app.state.session_factory, store=app.state.store)
    with app.state.session_factory() as db:
        for name, display in (("ru1", "Pavel Orlov (RU)"), ("ru2", "Irina Volkova (RU)")):
            accounts.create_user(
                db,
                username=name,
                password=demo_password(name),
                role="delegate",
                display_name=display,
                delegation_code="RU",
            )
        db.commit()
    with running(app) as url:
        yield url
