"""A fresh three-party dialogue (United States, China, Russia) for the content tests.

Accounts are made directly in the database, the dialogue through the store and the
memberships through :func:`stratstab.web.dialogues.members.add_member`; what the
tests check then goes through the web API like a user's requests.
"""

from __future__ import annotations

from stratstab.accounts import service as accounts
from stratstab.db import transaction
from stratstab.web.dialogues.members import add_member

SLUG = "trilateral"
PASSWORD = "Correct-Horse-Battery-41"
PARTIES = ("CN", "RU", "US")
# (user name, role in the dialogue, party, interface language)
PEOPLE = (
    ("fac", "facilitator", None, "en"),
    ("tr", "translator", None, "en"),
    ("obs", "observer", None, "en"),
    ("cn-a", "head", "CN", "zh"),
    ("cn-b", "delegate", "CN", "zh"),
    ("us-a", "head", "US", "en"),
    ("us-b", "delegate", "US", "en"),
    ("ru-a", "head", "RU", "en"),
)
# Agreement probability per party for each public statement (text_en, text_zh, original)
STATEMENTS = (
    (
        "A nuclear war cannot be won and must never be fought.",
        "核战争打不赢也绝不能打。",
        "en",
        {"CN": 1.0, "RU": 1.0, "US": 1.0},
    ),
    (
        "Missile defense undermines strategic stability.",
        "导弹防御破坏战略稳定。",
        "zh",
        {"CN": 1.0, "RU": 1.0, "US": 0.0},
    ),
    (
        "Each side should publish its warhead count.",
        "各方应公布其弹头数量。",
        "en",
        {"CN": 0.0, "RU": 0.0, "US": 1.0},
    ),
)
SIMULATED_PER_PARTY = 4


def make_accounts(app) -> None:
    """Create every account of :data:`PEOPLE` (password :data:`PASSWORD`)."""
    with transaction(app.state.session_factory) as session:
        for username, role, _, locale in PEOPLE:
            accounts.create_user(
                session,
                username=username,
                password=PASSWORD,
                role="facilitator" if role == "facilitator" else "member",
                display_name=f"{username} display",
                locale=locale,
            )


def add_members(app, slug: str, parties: tuple[str, ...]) -> None:
    """Everyone of :data:`PEOPLE` whose party takes part joins ``slug`` in their role."""
    for username, role, party, _ in PEOPLE:
        if party is None or party in parties:
            add_member(app.state.store, slug, username=username, role=role, party=party)


def make_dialogue(app, *, votes: bool = True) -> None:
    """The dialogue, its public statements and simulated voters (so consensus has content)."""
    store = app.state.store
    store.create_dialogue(
        slug=SLUG,
        title="Trilateral strategic stability dialogue",
        title_zh="三方战略稳定对话",
        track="1.5",
        parties=list(PARTIES),
    )
    store.add_delegation(SLUG, code="CN", name_en="Chinese delegation", name_zh="中方代表团")
    store.add_delegation(SLUG, code="RU", name_en="Russian delegation", name_zh="俄方代表团")
    store.add_delegation(SLUG, code="US", name_en="US delegation", name_zh="美方代表团")
    add_members(app, SLUG, PARTIES)
    for number, (text_en, text_zh, original, _) in enumerate(STATEMENTS):
        store.add_statement(
            SLUG,
            external_id=str(number),
            text_en=text_en,
            text_zh=text_zh,
            original_language=original,
            moderation="accepted",
        )
    if not votes:
        return
    for code in PARTIES:
        for index in range(SIMULATED_PER_PARTY):
            voter = f"{code.lower()}-sim-{index}"
            store.add_participant(SLUG, external_id=voter, display_name=voter, delegation=code)
            for number, (*_, leaning) in enumerate(STATEMENTS):
                store.cast_vote(
                    SLUG,
                    participant=voter,
                    statement=str(number),
                    value=1 if leaning[code] >= 0.5 else -1,
                )
