"""Lessons of a run, drawn from its record by stated rules, in English or Chinese.

Each rule looks for one pattern a delegation should talk about afterwards: missed
acknowledgements, a move that raised the index and the risk together, nuclear use,
channel outages, the lowest point of crisis stability.  A run that shows none of them
gets one lesson saying so.
"""

from __future__ import annotations

from typing import Any

from stratstab.exercises.wording import side_name


def _pick(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def _alerting_trades(record: dict[str, Any]) -> list[tuple[int, str, float, float]]:
    """(turn, side, index change, risk change) of moves that raised both index and risk."""
    out = []
    previous = record["measures"]
    for turn in record["turns"]:
        now = turn["measures"]
        d_index = now["crisis_stability_index"] - previous["crisis_stability_index"]
        d_risk = now["nuclear_use_risk"] - previous["nuclear_use_risk"]
        scores = [d["score"] for d in turn["decisions"].values()]
        if d_index > 0.01 and d_risk > 0 and max(scores) < 5:  # nuclear use has its own lesson
            movers = [s for s, d in turn["decisions"].items() if 2 <= d["score"] <= 3]
            out.append((turn["turn"], movers[0] if movers else "", d_index, d_risk))
        previous = now
    return out


def lessons(record: dict[str, Any], *, lang: str = "en") -> list[str]:
    """The lessons of a run record (``Recorder.to_dict()``)."""
    s = record["summary"]
    found: list[str] = []
    missed = s["deadlines_missed"]
    if missed:
        found.append(
            _pick(
                lang,
                f"{missed} message(s) were not acknowledged by their deadline. Each missed "
                "deadline cost the channel credibility, and a distrusted channel raises the "
                "risk of acting on a false warning: acknowledge first, answer later.",
                f"有 {missed} 条消息未在时限内确认。每次逾期都会降低渠道可信度，而不被信任的渠道"
                "会提高依据错误预警采取行动的风险：先确认，后答复。",
            )
        )
    trades = _alerting_trades(record)
    if trades:
        turn, side, d_index, d_risk = trades[0]
        who = side_name(side, lang) if side else ""
        found.append(
            _pick(
                lang,
                f"Survivable is not safe: on turn {turn} {who} raised the crisis-stability "
                f"index by {d_index:+.2f} while the risk of nuclear use nobody chose rose by "
                f"{d_risk * 100:+.2f} points. Alerting and dispersal remove the reason to "
                "strike first but put more weapons, and more people, closer to use.",
                f"生存能力不等于安全：第 {turn} 回合{who}使危机稳定指数变化 {d_index:+.2f}，"
                f"同时无人决定的核使用风险上升 {d_risk * 100:+.2f} 个百分点。提升戒备和疏散"
                "消除了首先打击的动机，但也让更多武器和更多人员更接近使用。",
            )
        )
    users = sorted(
        {side for t in record["turns"] for side, d in t["decisions"].items() if d["score"] >= 5}
    )
    if users:
        names = (
            "、".join(side_name(u, lang) for u in users)
            if lang == "zh"
            else " and ".join(side_name(u, lang) for u in users)
        )
        found.append(
            _pick(
                lang,
                f"Nuclear weapons were used (by {names}). After first use the escalation "
                "level cannot fall below 4, the channel keeps a quarter of its credibility and "
                f"the whole run's risk of further, unchosen use reached "
                f"{s['cumulative_risk'] * 100:.1f} %. Limited use did not end the crisis.",
                f"发生了核武器使用（使用方：{names}）。首次使用后升级程度不会低于 4，渠道可信度"
                "只剩四分之一，全程进一步无人决定的核使用风险达到 "
                f"{s['cumulative_risk'] * 100:.1f}%。"
                "有限使用并未结束危机。",
            )
        )
    down = [t["turn"] for t in record["turns"] if not t["channel_up"]]
    if down:
        turns = ", ".join(str(t) for t in down)
        found.append(
            _pick(
                lang,
                f"The channel was down on turn(s) {turns}; messages queued and arrived late. "
                "A second, independent link is worth agreeing on before a crisis.",
                f"沟通渠道在第 {turns} 回合中断；消息排队并延迟送达。值得在危机之前商定第二条独立的"
                "沟通链路。",
            )
        )
    low = min(range(len(s["index_trajectory"])), key=lambda i: s["index_trajectory"][i])
    if s["index_trajectory"][low] < 0.3:
        found.append(
            _pick(
                lang,
                f"First-strike incentives peaked at turn {low} (index "
                f"{s['index_trajectory'][low]:.2f}): at that point each side had most to gain "
                "by striking first, the moment for restraint and notification.",
                f"首先打击的动机在第 {low} 回合达到顶峰（指数 {s['index_trajectory'][low]:.2f}）："
                "此时双方首先打击的收益最大，正是需要克制和通报的时刻。",
            )
        )
    if not found:
        found.append(
            _pick(
                lang,
                "The run stayed calm: no missed deadlines, no outages, no move that traded "
                "risk for survivability. Try the same seed with a hawkish opponent.",
                "本次演习保持平稳：没有逾期、没有中断，也没有以风险换取生存能力的行动。"
                "可用同一随机种子换一个鹰派对手再试。",
            )
        )
    return found
