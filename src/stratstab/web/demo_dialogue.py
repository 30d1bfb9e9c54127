"""The demo dialogue: two delegations, a round, bilingual statements, votes, scope, ledger.

Votes come from the four demo delegates' accounts and from twelve further simulated
delegation members, drawn with a fixed seed from per-delegation leanings so that the
consensus view shows opinion groups, bridging statements and cruxes at once.
"""

from __future__ import annotations

import numpy as np

from stratstab.dialogue.store import DialogueStore

DEMO_SLUG = "us-china-track2"

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


def seed_dialogue(store: DialogueStore, *, seed: int = 2024) -> bool:
    """Create the demo dialogue unless it exists; True when it was created."""
    if any(d.slug == DEMO_SLUG for d in store.list_dialogues()):
        return False
    store.create_dialogue(
        slug=DEMO_SLUG,
        title="US–China Track II dialogue on strategic stability",
        track="II",
        parties=["CN", "US"],
        description="Demo workspace: two delegations, round 1 under way.",
    )
    store.add_delegation(DEMO_SLUG, code="CN", name_en="Chinese delegation", name_zh="中方代表团")
    store.add_delegation(DEMO_SLUG, code="US", name_en="US delegation", name_zh="美方代表团")
    voters: list[tuple[str, str]] = []
    for code, accounts in DEMO_DELEGATE_ACCOUNTS.items():
        for username in accounts:
            voters.append((f"user:{username}", code))
        for index in range(1, SIMULATED_PER_DELEGATION + 1):
            voters.append((f"{code.lower()}-member-{index}", code))
    for external_id, code in voters:
        store.add_participant(
            DEMO_SLUG,
            external_id=external_id,
            display_name=external_id,
            delegation=code,
            role="delegate",
        )
    for number, (text_en, text_zh, topics, _, _) in enumerate(DEMO_STATEMENTS):
        store.add_statement(
            DEMO_SLUG,
            external_id=str(number),
            text_en=text_en,
            text_zh=text_zh,
            topics=list(topics),
            moderation="accepted",
        )
    rng = np.random.default_rng(seed)
    for external_id, code in voters:
        if external_id.startswith("user:"):
            continue  # the demo accounts vote themselves in the browser
        for number, (*_, p_cn, p_us) in enumerate(DEMO_STATEMENTS):
            value = _vote_value(rng, p_cn if code == "CN" else p_us)
            store.cast_vote(
                DEMO_SLUG,
                participant=external_id,
                statement=str(number),
                value=value,
                importance=int(rng.integers(1, 4)),
            )
    _seed_scope_and_ledger(store)
    return True


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
