"""The demo dialogues: one with round 1 under way, one whose first round is finished.

``us-china-track2`` is where visitors act: round 1 is open, the Chinese delegation has
filed sealed scope positions and the US delegation has not, so the reveal still waits.
``us-china-track2-2025`` holds one finished round, so that the consensus page and the
outcome report have content: bilingual statements (each with its original language
and a translator's version), votes from every delegate, scope positions filed by both
delegations and revealed, ledger items with their history, and the round's outcome.

Votes come from the four demo delegates' accounts and from twelve further simulated
delegation members, drawn with a fixed seed from per-delegation leanings so that the
consensus view shows opinion groups, bridging statements and cruxes at once.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from stratstab.dialogue.models import Round
from stratstab.dialogue.queries import dialogue_by_slug
from stratstab.dialogue.store import DialogueStore

DEMO_SLUG = "us-china-track2"
DEMO_TITLE = ("US–China Track II dialogue on strategic stability", "中美战略稳定二轨对话")
FINISHED_SLUG = "us-china-track2-2025"
FINISHED_TITLE = (
    "US–China Track II dialogue, 2025 session (round 1 concluded)",
    "中美战略稳定二轨对话 2025 年会议（第一轮已结束）",
)

# (text_en, text_zh, topics, probability of agreement for CN, for US)
DEMO_STATEMENTS: tuple[tuple[str, str, tuple[str, ...], float, float], ...] = (
    (
        "A nuclear war cannot be won and must never be fought.",
        "核战争打不赢也绝不能打。",
        ("nuclear-forces",),
        0.95,
        0.9,
    ),
    (
        "Both sides should keep a dedicated crisis communication link tested every month.",
        "双方应保持一条专用危机沟通渠道，并每月测试。",
        ("crisis-communication",),
        0.8,
        0.9,
    ),
    (
        "Human control must be kept over every decision to use nuclear weapons.",
        "任何使用核武器的决定都必须保持人类控制。",
        ("ai-nc3",),
        0.9,
        0.9,
    ),
    (
        "US homeland missile defense threatens China's second-strike capability.",
        "美国本土导弹防御威胁中国的第二次打击能力。",
        ("missile-defense",),
        0.9,
        0.2,
    ),
    (
        "China should publish the size of its nuclear arsenal.",
        "中国应公布其核武库的规模。",
        ("transparency-cbm", "nuclear-forces"),
        0.15,
        0.9,
    ),
    (
        "A mutual no-first-use pledge would strengthen crisis stability.",
        "相互不首先使用核武器的承诺将增强危机稳定性。",
        ("nuclear-forces",),
        0.9,
        0.3,
    ),
    (
        "Conventional prompt strike weapons belong in any strategic stability dialogue.",
        "常规快速打击武器应纳入任何战略稳定对话。",
        ("conventional-prompt-strike",),
        0.85,
        0.45,
    ),
    (
        "Cyber attacks on each other's nuclear command-and-control systems should be off-limits.",
        "双方应避免以网络手段攻击对方的核指挥控制系统。",
        ("cyber",),
        0.75,
        0.7,
    ),
    (
        "Advance notification of ballistic missile launches reduces the risk of miscalculation.",
        "弹道导弹发射的事先通报可以降低误判风险。",
        ("transparency-cbm",),
        0.6,
        0.85,
    ),
    (
        "Arms reductions must start with the countries holding the largest arsenals.",
        "核裁军必须从拥有最大核武库的国家开始。",
        ("nuclear-forces",),
        0.95,
        0.25,
    ),
    (
        "Space-based early-warning satellites should not be targeted in a conflict.",
        "冲突中不应攻击天基预警卫星。",
        ("outer-space",),
        0.7,
        0.75,
    ),
    (
        "Regional crises should be discussed in the same channel as nuclear issues.",
        "地区危机应与核问题在同一渠道中讨论。",
        ("regional-hotspots",),
        0.4,
        0.6,
    ),
)

DEMO_DELEGATE_ACCOUNTS = {"CN": ("cn1", "cn2"), "US": ("us1", "us2")}
SIMULATED_PER_DELEGATION = 6


def _vote_value(rng: np.random.Generator, p_agree: float) -> int:
    draw = rng.random()
    if draw < 0.1:
        return 0  # some pass
    return 1 if rng.random() < p_agree else -1


# Display names of the demo accounts in the dialogues (the web accounts carry the same).
DEMO_DISPLAY_NAMES = {
    "cn1": "Li Wei",
    "cn2": "Zhang Min",
    "us1": "Alex Carter",
    "us2": "Jordan Reyes",
}


def _original_language(p_cn: float, p_us: float) -> str:
    """Statements the Chinese side favours were written in Chinese, the others in English."""
    return "zh" if p_cn > p_us else "en"


def _author(number: int, language: str) -> str:
    accounts = DEMO_DELEGATE_ACCOUNTS["CN" if language == "zh" else "US"]
    return f"user:{accounts[number % len(accounts)]}"


def _setup(store: DialogueStore, slug: str, title: tuple[str, str], description: str) -> list:
    """A dialogue with both delegations and every demo voter; returns (voter, code) pairs."""
    store.create_dialogue(
        slug=slug,
        title=title[0],
        title_zh=title[1],
        track="II",
        parties=["CN", "US"],
        description=description,
    )
    store.add_delegation(slug, code="CN", name_en="Chinese delegation", name_zh="中方代表团")
    store.add_delegation(slug, code="US", name_en="US delegation", name_zh="美方代表团")
    voters: list[tuple[str, str]] = []
    for code, accounts in DEMO_DELEGATE_ACCOUNTS.items():
        for username in accounts:
            voters.append((f"user:{username}", code))
        for index in range(1, SIMULATED_PER_DELEGATION + 1):
            voters.append((f"{code.lower()}-member-{index}", code))
    for external_id, code in voters:
        username = external_id.removeprefix("user:")
        store.add_participant(
            slug,
            external_id=external_id,
            display_name=DEMO_DISPLAY_NAMES.get(username, external_id),
            delegation=code,
            role="delegate",
        )
    for number, (text_en, text_zh, topics, p_cn, p_us) in enumerate(DEMO_STATEMENTS):
        language = _original_language(p_cn, p_us)
        store.add_statement(
            slug,
            external_id=str(number),
            text_en=text_en,
            text_zh=text_zh,
            topics=list(topics),
            moderation="accepted",
            original_language=language,
            author=_author(number, language),
        )
        store.set_translation(
            slug,
            str(number),
            language="en" if language == "zh" else "zh",
            text=text_en if language == "zh" else text_zh,
            translated_by="translator",
        )
    return voters


def _cast_votes(
    store: DialogueStore, slug: str, voters: list, *, seed: int, everyone: bool
) -> None:
    rng = np.random.default_rng(seed)
    for external_id, code in voters:
        if external_id.startswith("user:") and not everyone:
            continue  # the demo accounts vote themselves in the browser
        for number, (*_, p_cn, p_us) in enumerate(DEMO_STATEMENTS):
            value = _vote_value(rng, p_cn if code == "CN" else p_us)
            store.cast_vote(
                slug,
                participant=external_id,
                statement=str(number),
                value=value,
                importance=int(rng.integers(1, 4)),
            )


def seed_dialogue(store: DialogueStore, *, seed: int = 2024) -> bool:
    """Create the demo dialogues that are missing; True when any was created."""
    existing = {d.slug for d in store.list_dialogues()}
    created = False
    if DEMO_SLUG not in existing:
        voters = _setup(
            store, DEMO_SLUG, DEMO_TITLE, "Demo workspace: two delegations, round 1 under way."
        )
        _cast_votes(store, DEMO_SLUG, voters, seed=seed, everyone=False)
        _seed_scope_and_ledger(store)
        created = True
    if FINISHED_SLUG not in existing:
        seed_finished_dialogue(store, seed=seed + 1)
        created = True
    return created


def _seed_scope_and_ledger(store: DialogueStore) -> None:
    # The Chinese delegation has submitted (sealed); the US delegation has not yet,
    # so the facilitator cannot reveal until it does.
    for topic, stance, priority, links in (
        ("nuclear-forces", "include", 5, ()),
        ("missile-defense", "include", 5, ()),
        ("conventional-prompt-strike", "include", 4, ()),
        ("outer-space", "include", 3, ()),
        ("transparency-cbm", "only-if-linked", 2, ("missile-defense",)),
        ("regional-hotspots", "exclude", 1, ()),
    ):
        store.set_scope_position(
            DEMO_SLUG,
            delegation="CN",
            topic=topic,
            stance=stance,
            priority=priority,
            linked_topics=list(links),
            sealed=True,
        )
    store.add_ledger_item(
        DEMO_SLUG,
        key="hotline",
        title_en="Monthly test of the crisis link",
        title_zh="每月测试危机沟通渠道",
        topic="crisis-communication",
        status="agreed",
    )
    store.add_ledger_item(
        DEMO_SLUG,
        key="human-control",
        title_en="Human control over nuclear use",
        title_zh="对核使用决定保持人类控制",
        topic="ai-nc3",
        status="open",
    )
    store.add_ledger_item(
        DEMO_SLUG,
        key="bmd",
        title_en="Missile defense on the agenda",
        title_zh="导弹防御列入议程",
        topic="missile-defense",
        status="disputed",
    )


# Positions of both delegations in the finished round: (topic, stance, priority, links, note)
FINISHED_POSITIONS = {
    "CN": (
        ("nuclear-forces", "include", 5, (), ""),
        ("missile-defense", "include", 5, (), "Central to any discussion of stability."),
        ("conventional-prompt-strike", "include", 4, (), ""),
        ("crisis-communication", "include", 3, (), ""),
        ("transparency-cbm", "only-if-linked", 2, ("missile-defense",), ""),
        ("regional-hotspots", "exclude", 1, (), ""),
    ),
    "US": (
        ("nuclear-forces", "include", 5, (), ""),
        ("transparency-cbm", "include", 5, (), "Launch notification first."),
        ("crisis-communication", "include", 5, (), ""),
        ("ai-nc3", "include", 4, (), ""),
        ("missile-defense", "only-if-linked", 2, ("nuclear-forces",), ""),
        ("regional-hotspots", "include", 2, (), ""),
    ),
}
FINISHED_LEDGER = (
    # key, English, Chinese, topic, status in the round, later status and its note
    (
        "hotline",
        "Monthly test of the crisis link",
        "每月测试危机沟通渠道",
        "crisis-communication",
        "open",
        ("agreed", "Both delegations will propose it at home."),
    ),
    (
        "human-control",
        "Human control over nuclear use",
        "对核使用决定保持人类控制",
        "ai-nc3",
        "agreed",
        None,
    ),
    (
        "launch-notice",
        "Advance notice of ballistic missile launches",
        "弹道导弹发射事先通报",
        "transparency-cbm",
        "open",
        None,
    ),
    (
        "bmd",
        "Missile defense on the agenda",
        "导弹防御列入议程",
        "missile-defense",
        "disputed",
        None,
    ),
)
FINISHED_OUTCOME = (
    "Both delegations agreed to recommend a monthly test of the crisis link and reaffirmed "
    "human control over nuclear use. Missile defense remains disputed; launch notification "
    "stays open for the next round. / 双方同意建议每月测试危机沟通渠道，并重申对核使用决定"
    "保持人类控制。导弹防御问题仍有分歧；发射事先通报留待下一轮讨论。"
)


def seed_finished_dialogue(store: DialogueStore, *, seed: int = 2025) -> None:
    """The dialogue whose first round is over: votes, revealed scope, ledger, outcome."""
    slug = FINISHED_SLUG
    voters = _setup(
        store,
        slug,
        FINISHED_TITLE,
        "Demo workspace: the first round is concluded; its outcome report has content.",
    )
    with store.session(write=True) as session:  # the round's record, as the facilitator kept it
        first = session.query(Round).filter_by(dialogue_id=dialogue_by_slug(session, slug).id).one()
        first.date, first.place = date(2025, 11, 12), "Beijing / 北京"
        first.agenda = ["nuclear-forces", "crisis-communication", "missile-defense", "ai-nc3"]
    _cast_votes(store, slug, voters, seed=seed, everyone=True)
    for code, positions in FINISHED_POSITIONS.items():
        for topic, stance, priority, links, note in positions:
            store.set_scope_position(
                slug,
                delegation=code,
                topic=topic,
                stance=stance,
                priority=priority,
                linked_topics=list(links),
                note=note,
                sealed=True,
            )
    store.reveal_scope(slug)
    for key, title_en, title_zh, topic, status, later in FINISHED_LEDGER:
        store.add_ledger_item(
            slug, key=key, title_en=title_en, title_zh=title_zh, topic=topic, status=status
        )
        if later:
            store.set_ledger_status(slug, key=key, status=later[0], note=later[1])
    store.close_round(slug, outcome=FINISHED_OUTCOME)
