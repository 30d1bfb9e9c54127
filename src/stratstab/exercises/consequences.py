"""What a turn does beyond the crisis-stability index, and the reasons in words.

Adjudication gives every turn five measures, so that moves the index cannot tell apart
(a diplomatic note and a limited nuclear strike may leave first-strike incentives
alike) still have clearly different outcomes:

* the crisis-stability index (Kent–Thaler, :mod:`stratstab.exercises.adjudication`);
* the escalation level on the ladder, which climbs at once and comes down slowly
  (:func:`stratstab.models.escalation.next_escalation_level`);
* the probability of nuclear use that nobody chose during the turn, from a hazard rate
  built of stated factors (:mod:`stratstab.models.escalation`);
* damage: each side's share of value destroyed by nuclear use so far
  (:func:`stratstab.models.crisis.damage_fraction`) and the warheads detonated on it;
* the credibility of the risk-reduction channel, which grows with acknowledgements on
  time, falls with missed deadlines and violence, and collapses with nuclear use.

Nuclear use also changes the forces: the side that uses and the side that is struck go
to generated alert, and the struck side readies launch under attack (to at least
:data:`STRUCK_LAUNCH_UNDER_ATTACK`).  Those changes go through levers, so the index
moves for the reasons the models give.

Every outcome comes with a paragraph that says which move moved which measure, in
English and Chinese.  ``docs/models.md`` ("Exercise adjudication") derives the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from stratstab.analysis.reference.values import lever_value
from stratstab.exercises.adjudication import crisis_reading
from stratstab.exercises.ladder import LADDER, NUCLEAR_USE_SCORE
from stratstab.exercises.schema import Effect, NuclearStrike
from stratstab.exercises.wording import pair_name, side_name
from stratstab.models.crisis import damage_fraction
from stratstab.models.escalation import (
    DEFAULT_FACTORS,
    HazardFactors,
    inadvertent_use_hazard_per_hour,
    next_escalation_level,
    probability_within,
)

# Value damage of one warhead by kind of target, in warheads on value targets.
VALUE_EQUIVALENT = {"demonstration": 0.0, "military": 0.1, "value": 1.0}
STRUCK_LAUNCH_UNDER_ATTACK = 0.9
CREDIBILITY_PER_TIMELY_ACK = 0.05
CREDIBILITY_PER_MISSED_DEADLINE = 0.10
CREDIBILITY_PER_VIOLENT_MOVE = 0.10
CREDIBILITY_KEPT_AFTER_NUCLEAR_USE = 0.25
VIOLENT_SCORE = 4


@dataclass(frozen=True)
class Measures:
    """The five measures of a position in an exercise."""

    crisis_stability_index: float
    escalation_level: float
    nuclear_use_risk: float  # probability of unchosen nuclear use within one turn
    channel_credibility: float
    damage: dict[str, float]  # share of each side's value destroyed so far
    detonations: dict[str, int] = field(default_factory=dict)  # warheads detonated on each side
    # Three or more sides: every pair's index ("A-B") and the weakest pair, whose index
    # is ``crisis_stability_index``; empty with two sides.
    pair_indices: dict[str, float] = field(default_factory=dict)
    weakest_pair: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form."""
        out: dict[str, Any] = {
            "crisis_stability_index": self.crisis_stability_index,
            "escalation_level": self.escalation_level,
            "nuclear_use_risk": self.nuclear_use_risk,
            "channel_credibility": self.channel_credibility,
            "damage": dict(self.damage),
            "detonations": dict(self.detonations),
        }
        if self.pair_indices:
            out["pair_indices"] = dict(self.pair_indices)
            out["weakest_pair"] = list(self.weakest_pair)
        return out


@dataclass
class CrisisState:
    """The state the measures depend on besides the levers (kept by the engine)."""

    escalation_level: float = 1.0
    channel_credibility: float = 0.7
    value_warheads: dict[str, float] = field(default_factory=dict)
    detonations: dict[str, int] = field(default_factory=dict)
    nuclear_users: set[str] = field(default_factory=set)

    def copy(self) -> CrisisState:
        """An independent copy (the explanations try moves on copies)."""
        return replace(
            self,
            value_warheads=dict(self.value_warheads),
            detonations=dict(self.detonations),
            nuclear_users=set(self.nuclear_users),
        )


def measure(
    base,
    levers: dict[str, Any],
    state: CrisisState,
    *,
    channel_up: bool,
    hours_per_turn: float,
    factors: HazardFactors = DEFAULT_FACTORS,
) -> Measures:
    """The five measures of ``levers`` and ``state`` (``base`` is the assessment scenario).

    With three or more sides the index in the hazard is the system index, so the
    weakest pair drives the instability factor; every side on generated alert and every
    side's launch-under-attack readiness count, whichever pair it belongs to.
    """
    from stratstab.analysis.reference.inputs import resolve

    reading = crisis_reading(base, levers)
    resolved = resolve(base, None, levers)
    sides = list(base.sides)
    on_alert = sum(lever_value(resolved, s, "posture") == "generated" for s in sides)
    lua = [float(lever_value(resolved, s, "launch_under_attack")) for s in sides]
    hazard = inadvertent_use_hazard_per_hour(
        escalation_level=state.escalation_level,
        sides_on_alert=on_alert,
        launch_under_attack=lua,
        crisis_stability_index=reading.crisis_stability_index,
        channel_credibility=state.channel_credibility,
        channel_up=channel_up,
        factors=factors,
    )
    damage = {}
    for side in sides:
        w80 = float(lever_value(resolved, side, "w80"))
        damage[side] = float(
            damage_fraction(arriving_warheads=state.value_warheads.get(side, 0.0), w80=w80)
        )
    return Measures(
        crisis_stability_index=reading.crisis_stability_index,
        escalation_level=state.escalation_level,
        nuclear_use_risk=float(probability_within(hazard_per_hour=hazard, hours=hours_per_turn)),
        channel_credibility=state.channel_credibility,
        damage=damage,
        detonations={s: int(state.detonations.get(s, 0)) for s in sides},
        pair_indices=dict(reading.pair_indices),
        weakest_pair=tuple(reading.weakest_pair),
    )


def nuclear_effects(actor: str, target: str) -> list[Effect]:
    """Lever changes that follow nuclear use by ``actor`` against ``target``."""
    return [
        Effect(side=actor, lever="posture", set="generated"),
        Effect(side=target, lever="posture", set="generated"),
    ]


def apply_nuclear_use(
    base,
    levers: dict[str, Any],
    state: CrisisState,
    *,
    actor: str,
    target: str,
    strike: NuclearStrike,
) -> dict[str, Any]:
    """Record a nuclear strike in ``state`` and return the levers it leaves."""
    from stratstab.analysis.reference.inputs import resolve
    from stratstab.exercises.adjudication import apply_effects

    state.nuclear_users.add(actor)
    if strike.targets != "demonstration":
        state.detonations[target] = state.detonations.get(target, 0) + strike.warheads
        state.value_warheads[target] = (
            state.value_warheads.get(target, 0.0)
            + VALUE_EQUIVALENT[strike.targets] * strike.warheads
        )
    out = apply_effects(base, levers, nuclear_effects(actor, target), actor=actor)
    current = float(lever_value(resolve(base, None, out), target, "launch_under_attack"))
    out[f"{target}.launch_under_attack"] = max(current, STRUCK_LAUNCH_UNDER_ATTACK)
    return out


def next_credibility(
    previous: float,
    *,
    timely_acks: int,
    missed_deadlines: int,
    scores: list[int],
    nuclear_used: bool,
) -> float:
    """Channel credibility after a turn (rules in the module docstring)."""
    value = (
        previous
        + CREDIBILITY_PER_TIMELY_ACK * timely_acks
        - CREDIBILITY_PER_MISSED_DEADLINE * missed_deadlines
        - CREDIBILITY_PER_VIOLENT_MOVE * sum(1 for s in scores if s == VIOLENT_SCORE)
    )
    if nuclear_used:
        value *= CREDIBILITY_KEPT_AFTER_NUCLEAR_USE
    return float(min(max(value, 0.0), 1.0))


def advance_escalation(state: CrisisState, scores: list[int]) -> None:
    """Move ``state``'s escalation level after moves of ``scores``."""
    used_before = bool(state.nuclear_users)
    state.escalation_level = next_escalation_level(
        previous=state.escalation_level, move_scores=scores, nuclear_used_before=used_before
    )


# -- explanations -----------------------------------------------------------------------

LEVER_WORDS: dict[str, tuple[str, str]] = {
    "posture": ("alert posture", "戒备状态"),
    "launch_under_attack": ("readiness to launch under attack", "遭袭即发射准备"),
    "survivability_mobile": ("survivability of mobile missiles", "机动导弹生存率"),
    "survivability_ssbn": ("share of missile submarines at sea", "战略核潜艇在航比例"),
    "survivability_bomber": ("share of bombers on alert", "战略轰炸机值班比例"),
    "interceptors": ("missile-defense interceptors", "导弹防御拦截弹"),
    "arsenal_scale": ("arsenal size", "核武库规模"),
    "w80": ("value-target hardness (w80)", "价值目标承受力（w80）"),
}
POSTURE_WORDS = {"day-to-day": ("day-to-day", "日常"), "generated": ("generated", "战备")}
RUNG_WORDS = {r.score: (r.label.lower(), r.label_zh) for r in LADDER}


def _lang(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "zh" else pair[0]


def _value_words(lever: str, value: Any, lang: str) -> str:
    if lever == "posture":
        return _lang(POSTURE_WORDS.get(str(value), (str(value), str(value))), lang)
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def lever_changes(base, before: dict[str, Any], after: dict[str, Any], *, lang: str) -> list[str]:
    """The lever changes between two lever sets, in words."""
    from stratstab.analysis.reference.inputs import resolve

    resolved_before = resolve(base, None, before)
    resolved_after = resolve(base, None, after)
    phrases = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) == after.get(key):
            continue
        side, _, lever = key.partition(".")
        try:
            old = lever_value(resolved_before, side, lever)
            new = lever_value(resolved_after, side, lever)
        except KeyError:
            old, new = before.get(key), after.get(key)
        if old == new:
            continue
        who = side_name(side, lang)
        if who == "United States":
            who = "the United States"
        what = _lang(LEVER_WORDS.get(lever, (lever, lever)), lang)
        if lang == "zh":
            owner = f"{who}的"
        else:
            owner = f"{who}' " if who.endswith("s") else f"{who}'s "
        phrases.append(
            f"{owner}{what} {_value_words(lever, old, lang)} → {_value_words(lever, new, lang)}"
        )
    return phrases


def _points(delta: float) -> str:
    return f"{delta * 100:+.2f}"


def _pair_words(before: Measures, after: Measures, lang: str) -> str:
    """With three or more sides: the weakest pair, and every pair whose index moved."""
    if not after.pair_indices:
        return ""
    weakest = pair_name(after.weakest_pair, lang)
    moved = [
        (key, value - before.pair_indices.get(key, value))
        for key, value in after.pair_indices.items()
        if abs(value - before.pair_indices.get(key, value)) > 5e-4
    ]
    if lang == "zh":
        text = f"，最弱的一对为{weakest}"
        if moved:
            text += "；" + "，".join(f"{pair_name(k, lang)} {d:+.2f}" for k, d in moved)
        return text
    text = f", weakest pair {weakest}"
    if moved:
        text += "; " + ", ".join(f"{pair_name(k, lang)} {d:+.2f}" for k, d in moved)
    return text


def explain(
    label: str,
    before: Measures,
    after: Measures,
    *,
    changes: list[str],
    lang: str = "en",
) -> str:
    """One paragraph that says what a move (or a whole turn) did to each measure."""
    d_index = after.crisis_stability_index - before.crisis_stability_index
    d_risk = after.nuclear_use_risk - before.nuclear_use_risk
    index_better = d_index > 5e-4
    risk_worse = d_risk > 5e-6
    contrast = index_better == risk_worse and (abs(d_index) > 5e-4 and abs(d_risk) > 5e-6)
    rung_after = RUNG_WORDS[min(int(round(after.escalation_level)), NUCLEAR_USE_SCORE)]
    damaged = {s: v for s, v in after.damage.items() if v > before.damage.get(s, 0.0) + 1e-9}
    credibility = after.channel_credibility - before.channel_credibility
    pairs = _pair_words(before, after, lang)
    if lang == "zh":
        parts = [f"{label}：" + ("；".join(changes) + "；" if changes else "")]
        parts.append(
            f"{'体系' if pairs else ''}危机稳定指数 {d_index:+.2f}"
            f"（{before.crisis_stability_index:.2f} → {after.crisis_stability_index:.2f}{pairs}）"
        )
        parts.append("，但" if contrast else "，")
        parts.append(
            f"本回合无人决定的核使用风险变化 {_points(d_risk)} 个百分点，为 "
            f"{after.nuclear_use_risk * 100:.2f}%"
        )
        parts.append(f"；升级程度 {after.escalation_level:.1f}（{_lang(rung_after, 'zh')}）")
        for side, value in damaged.items():
            who = side_name(side, "zh")
            parts.append(
                f"；{who}遭受核打击，{after.detonations.get(side, 0)} 枚弹头爆炸，"
                f"价值损失 {value * 100:.1f}%"
            )
        if abs(credibility) > 1e-9:
            parts.append(f"；沟通渠道可信度 {credibility:+.2f}，为 {after.channel_credibility:.2f}")
        return "".join(parts) + "。"
    parts = [f"{label}: " + ("; ".join(changes) + "; " if changes else "")]
    parts.append(
        f"{'system ' if pairs else ''}crisis-stability index {d_index:+.2f} "
        f"({before.crisis_stability_index:.2f} → {after.crisis_stability_index:.2f}{pairs})"
    )
    parts.append(", but " if contrast else ", and ")
    parts.append(
        f"the risk of nuclear use nobody chose {_points(d_risk)} points to "
        f"{after.nuclear_use_risk * 100:.2f} % this turn"
    )
    parts.append(f"; escalation level {after.escalation_level:.1f} ({rung_after[0]})")
    for side, value in damaged.items():
        who = side_name(side, "en")
        who = "the United States" if who == "United States" else who
        parts.append(
            f"; {after.detonations.get(side, 0)} warheads detonated on {who}, "
            f"{value * 100:.1f} % of its value destroyed"
        )
    if abs(credibility) > 1e-9:
        parts.append(f"; channel credibility {credibility:+.2f} to {after.channel_credibility:.2f}")
    return "".join(parts) + "."
