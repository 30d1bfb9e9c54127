"""The demo workspace of ``stratstab serve --demo``: accounts, a dialogue, votes, scope.

Seeding is idempotent: a workspace that already has the demo users is left as it is,
so restarting the demo keeps what visitors did.  The passwords are fixed and printed
on start; they protect nothing but a throwaway demo database.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from stratstab.accounts import service as accounts
from stratstab.accounts.models import User
from stratstab.db import transaction

# (user name, display name, role, delegation)
DEMO_USERS: tuple[tuple[str, str, str, str | None], ...] = (
    ("admin", "Workbench administrator", "admin", None),
    ("facilitator", "Dialogue facilitator", "facilitator", None),
    ("cn1", "Li Wei (CN)", "delegate", "CN"),
    ("cn2", "Zhang Min (CN)", "delegate", "CN"),
    ("us1", "Alex Carter (US)", "delegate", "US"),
    ("us2", "Jordan Reyes (US)", "delegate", "US"),
    ("observer", "Observer", "observer", None),
    ("translator", "Interpreter (EN/中文)", "member", None),
)

# Each demo account's role in the demo dialogue: (user name, role, party).
DEMO_MEMBERS: tuple[tuple[str, str, str | None], ...] = (
    ("facilitator", "facilitator", None),
    ("cn1", "head", "CN"),
    ("cn2", "delegate", "CN"),
    ("us1", "head", "US"),
    ("us2", "delegate", "US"),
    ("observer", "observer", None),
    ("translator", "translator", None),
)


def demo_password(username: str) -> str:
    """The fixed demo password of a demo account."""
    return f"{username}-demo-2024"


def seed_accounts(factory: sessionmaker[Session]) -> list[tuple[str, str, str]]:
    """Create the demo accounts that are missing; return (user, password, role) rows."""
    rows = []
    with transaction(factory, write=True) as session:
        existing = set(session.scalars(select(User.username)))
        for username, display, role, delegation in DEMO_USERS:
            if username not in existing:
                accounts.create_user(
                    session,
                    username=username,
                    password=demo_password(username),
                    role=role,
                    display_name=display,
                    delegation_code=delegation,
                    locale="zh" if delegation == "CN" else "en",
                )
                accounts.record(
                    session, actor=None, action="demo.seed", target_type="user", target_id=username
                )
            label = f"{role} ({delegation})" if delegation else role
            rows.append((username, demo_password(username), label))
    return rows


def seed_demo(
    factory: sessionmaker[Session], *, store: object | None
) -> list[tuple[str, str, str]]:
    """Seed accounts and, when the dialogue store is available, the demo dialogues."""
    credentials = seed_accounts(factory)
    if store is not None:
        from stratstab.web.demo_dialogue import DEMO_SLUG, FINISHED_SLUG, seed_dialogue

        seed_dialogue(store)
        seed_members(store, DEMO_SLUG)
        seed_members(store, FINISHED_SLUG)
    seed_exercise(factory)
    return credentials


DEMO_RUN_ID = "demo-maritime-incident"


def seed_exercise(factory: sessionmaker[Session]) -> None:
    """An exercise run ready to start: the two demo delegations play each other.

    The facilitator is its control cell; us1 and cn1 decide for their delegations, us2
    and cn2 follow along.  A restarted demo keeps the run as visitors left it.
    """
    from stratstab.exercises.store import ExerciseRunRow, RunRepository

    repository = RunRepository(factory)
    if repository.run(DEMO_RUN_ID) is not None:
        return
    with factory() as session:
        ids = {u.username: u.id for u in session.scalars(select(User))}
    row = ExerciseRunRow(
        id=DEMO_RUN_ID,
        owner_id=ids["facilitator"],
        exercise_id="maritime-incident",
        players={"US": "delegation", "CN": "delegation"},
        modes={"US": "head", "CN": "head"},
        seed=1,
        turns=4,
        human_name="",
    )
    seats = [
        ("US", ids["us1"], True),
        ("US", ids["us2"], False),
        ("CN", ids["cn1"], True),
        ("CN", ids["cn2"], False),
    ]
    repository.add_run(row, seats)


def seed_members(store, slug: str) -> None:
    """Give the demo accounts their roles in the demo dialogue (missing ones only)."""
    from stratstab.errors import ConflictError
    from stratstab.web.dialogues.members import add_member

    for username, role, party in DEMO_MEMBERS:
        try:
            add_member(store, slug, username=username, role=role, party=party)
        except ConflictError:
            continue  # a member already (a restarted demo keeps what visitors changed)
