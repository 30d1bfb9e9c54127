"""Words of the exercise reports and explanations, in English and Chinese (one place)."""

from __future__ import annotations

SIDE_NAMES: dict[str, tuple[str, str]] = {
    "US": ("United States", "美国"),
    "CN": ("China", "中国"),
    "RU": ("Russia", "俄罗斯"),
}


def side_name(side: str, lang: str) -> str:
    """A side's name in ``lang`` (its code where the side is not a known country)."""
    pair = SIDE_NAMES.get(side, (side, side))
    return pair[1] if lang == "zh" else pair[0]


def pair_name(pair: tuple[str, ...] | list[str] | str, lang: str) -> str:
    """A pair of sides in words, e.g. "United States–China" / "美国—中国" ("US-CN" or a tuple)."""
    sides = pair.split("-") if isinstance(pair, str) else list(pair)
    return ("—" if lang == "zh" else "–").join(side_name(s, lang) for s in sides)


PLAYER_NAMES: dict[str, tuple[str, str]] = {
    "cautious": ("cautious doctrine", "谨慎型准则"),
    "hawkish": ("hawkish doctrine", "强硬型准则"),
    "tit-for-tat": ("tit-for-tat doctrine", "针锋相对型准则"),
    "human": ("human player", "人类玩家"),
    "delegation": ("delegation", "代表团"),
    "llm": ("language model", "语言模型"),
}


def player_name(name: str, lang: str) -> str:
    """A player's kind in ``lang``; a language-model player keeps its endpoint."""
    if name.startswith("llm:"):
        return ("语言模型 " if lang == "zh" else "language model ") + name[4:]
    if name.startswith("human ("):  # a web player: "human (display name)"
        return ("人类玩家 " if lang == "zh" else "human player ") + name[len("human ") :]
    pair = PLAYER_NAMES.get(name, (name, name))
    return pair[1] if lang == "zh" else pair[0]


# key -> (English, Chinese)
T: dict[str, tuple[str, str]] = {
    "title": ("After-action report", "演习复盘报告"),
    "exercise": ("Exercise", "演习"),
    "summary": ("Summary", "概要"),
    "lessons": ("Lessons", "经验教训"),
    "setting": ("Setting and objectives", "背景与目标"),
    "figures": ("Figures", "图表"),
    "turns": ("Turn by turn: decisions, reasons and outcomes", "逐回合：决策、理由与结果"),
    "channel_log": ("Risk-reduction channel log", "降低风险沟通渠道记录"),
    "history": ("History that speaks to this run", "与本次演习相关的历史"),
    "measure": ("Measure", "指标"),
    "sources": ("Sources of the scenario", "情景的资料来源"),
    "accessed": ("accessed", "访问于"),
    "value": ("Value", "数值"),
    "players": ("Players", "参与方"),
    "seed": ("Seed", "随机种子"),
    "turns_played": ("Turns played / planned", "已进行 / 计划回合"),
    "ended_by": ("Ended by", "结束方式"),
    "ended_turn-limit": ("the planned number of turns", "达到计划回合数"),
    "ended_action": ("an action that ends the exercise", "终止演习的行动"),
    "ended_nuclear-war": ("nuclear war (damage past the threshold)", "核战争（损失超过阈值）"),
    "peak_move": ("Highest move", "最高行动级别"),
    "index_start_end": ("Crisis-stability index, start → end", "危机稳定指数，开始 → 结束"),
    "lowest": ("lowest", "最低"),
    "escalation_peak": ("Highest escalation level", "最高升级程度"),
    "cumulative_risk": (
        "Risk of nuclear use nobody chose, whole run",
        "全程无人决定的核使用风险",
    ),
    "damage": ("Share of value destroyed", "价值损失比例"),
    "detonations": ("Warheads detonated on each side", "各方领土上爆炸的弹头数"),
    "credibility": ("Channel credibility, start → end", "沟通渠道可信度，开始 → 结束"),
    "traffic": (
        "Messages / acknowledged / deadlines missed",
        "消息 / 已确认 / 逾期未确认",
    ),
    "turn": ("Turn", "第"),
    "channel_down": (
        "The risk-reduction channel is down this turn.",
        "本回合降低风险沟通渠道中断。",
    ),
    "inject": ("Event", "事件"),
    "to_all": ("to all", "告知各方"),
    "side": ("Side", "一方"),
    "decision": ("Decision", "决策"),
    "stated_reason": ("Stated reason", "陈述的理由"),
    "outcome": ("Outcome (adjudicated)", "裁决结果"),
    "sent_turn": ("Sent (turn)", "发送（回合）"),
    "from_to": ("From → to", "发送方 → 接收方"),
    "kind": ("Kind", "类型"),
    "text": ("Text", "内容"),
    "delivered_turn": ("Delivered (turn)", "送达（回合）"),
    "response_time": ("Response time", "响应时间"),
    "ack_deadline": ("Acknowledgement deadline", "确认时限"),
    "missed": ("missed", "逾期"),
    "met": ("met", "按时"),
    "not_delivered": ("not delivered", "未送达"),
    "no_messages": ("No messages were sent.", "未发送任何消息。"),
    "kind_notification": ("notification", "通报"),
    "kind_query": ("request for clarification", "请求澄清"),
    "kind_clarification": ("clarification", "澄清"),
    "kind_proposal": ("proposal", "提议"),
    "kind_acknowledgement": ("acknowledgement", "确认"),
    "footer": (
        "Outcomes are adjudicated by stratstab's models under stated teaching assumptions "
        "(docs/models.md); they are not predictions.",
        "结果由 stratstab 模型依据所述教学假设裁决（见 docs/models.md），并非预测。",
    ),
    # figures
    "fig_escalation": ("Escalation: level and each side's moves", "升级：升级程度与各方行动"),
    "fig_risk": ("Risk of nuclear use nobody chose, per turn", "每回合无人决定的核使用风险"),
    "fig_index": ("Crisis-stability index", "危机稳定指数"),
    "fig_credibility": ("Channel credibility", "沟通渠道可信度"),
    "axis_turn": ("turn (0 = start)", "回合（0 = 开始）"),
    "axis_risk": ("probability within the turn (%)", "本回合内概率（%）"),
    "axis_index": ("index (1 = most stable)", "指数（1 = 最稳定）"),
    "axis_index_system": ("system index", "体系指数"),
    "axis_index_pair": ("index of each pair", "各对指数"),
    "index_system": ("System index (the weakest pair's)", "体系指数（取最弱的一对）"),
    "axis_credibility": ("credibility (0–1)", "可信度（0–1）"),
    "escalation_level": ("escalation level", "升级程度"),
}
