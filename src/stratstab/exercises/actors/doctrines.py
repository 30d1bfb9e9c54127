"""Rule-based doctrines: cautious, hawkish and tit-for-tat players.

Each doctrine reads the menu (with the crisis-stability index the models predict for
each action) and the opponent's past moves, picks one action by a fixed rule, and
breaks ties with its own seeded generator, so a run is reproducible from its seed.

With three or more sides every doctrine follows one stated rule for whom it acts on
and whom it writes to:

- **Moves**: it chooses among the moves aimed at the side it faces (the observation's
  ``opponent``: the one that used nuclear weapons against it, else the one whose last
  move was most escalated, else its partner in the weakest pair) and the moves aimed at
  nobody in particular; a move aimed at a third side is left aside unless nothing else
  is on the menu.
- **Messages**: a reply goes to the sender of what it answers; a question about the
  opponent's last move, a warning after nuclear use and the hawk's threat ("unless you
  withdraw") go to the opponent (the threat to the move's target where it has one);
  the cautious side's reassuring advance notice of its own move goes to that move's
  target, or to every other side when the move is aimed at nobody (an alert change is
  seen by all); its proposal to stand down goes to every other side.  A message to
  several sides is several messages.

With two sides every one of these is the other side, so two-sided runs are unchanged.

References: R. Axelrod, *The Evolution of Cooperation* (1984), for tit-for-tat; the
cautious and hawkish rules are stratstab's own simple caricatures for teaching.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from stratstab.exercises.actors.base import Decision, MenuItem, Observation, OutgoingMessage
from stratstab.exercises.ladder import rung

HAWK_CEILING_SCORE = 4  # the hawk threatens but never uses nuclear weapons first


def _pick(items: list[MenuItem], rng: np.random.Generator) -> MenuItem:
    """Uniform tie-break among equally good items, through the player's generator."""
    ordered = sorted(items, key=lambda m: m.id)
    return ordered[int(rng.integers(len(ordered)))]


def _best(
    items: list[MenuItem], key: Callable[[MenuItem], Any], rng: np.random.Generator
) -> MenuItem:
    """The item with the largest ``key`` (keys are rounded, so ties compare equal)."""
    top = max(key(m) for m in items)
    return _pick([m for m in items if key(m) == top], rng)


def _aimed(observation: Observation) -> list[MenuItem]:
    """The moves aimed at the side faced or at nobody (all of them if none is)."""
    mine = [m for m in observation.menu if m.target in (None, observation.opponent)]
    return mine or list(observation.menu)


def _to_every_other(observation: Observation, message: OutgoingMessage) -> list[OutgoingMessage]:
    """One copy of ``message`` to each other side (the default recipient if none known)."""
    if not observation.others:
        return [message]
    return [replace(message, to=side) for side in observation.others]


def _notice(
    observation: Observation, choice: MenuItem, kind: str, en: str, zh: str
) -> list[OutgoingMessage]:
    """Advance notice of ``choice``: to its target, else to every other side."""
    message = _message(kind, en, zh)
    if choice.target is not None:
        return [replace(message, to=choice.target)]
    return _to_every_other(observation, message)


def _to_opponent(observation: Observation, message: OutgoingMessage) -> OutgoingMessage:
    return replace(message, to=observation.opponent) if observation.others else message


def _zh(item: MenuItem) -> str:
    return item.label_zh or item.label


def _message(kind: str, en: str, zh: str, *, in_reply_to: int | None = None) -> OutgoingMessage:
    """A doctrine's message, written in English with its Chinese translation."""
    return OutgoingMessage(kind=kind, text=en, translation=zh, in_reply_to=in_reply_to)


def _replies(observation: Observation, *, answer: tuple[str, str]) -> list[OutgoingMessage]:
    """A clarification for every query delivered this turn."""
    return [
        _message("clarification", answer[0], answer[1], in_reply_to=m.seq)
        for m in observation.inbox
        if m.kind == "query"
    ]


class Cautious:
    """Keeps the index high: never goes past posturing, acknowledges at once, talks early."""

    name = "cautious"

    def __init__(self, *, rng: np.random.Generator) -> None:
        self.rng = rng

    def decide(self, observation: Observation) -> Decision:
        """Choose the action with the highest predicted index among rungs up to posturing."""
        aimed = _aimed(observation)
        allowed = [m for m in aimed if m.score <= 2] or aimed
        # Highest predicted index first; among equals, the lower rung, then the lower risk.
        choice = _best(
            allowed,
            lambda m: (round(m.predicted_index, 9), -m.score, -round(m.predicted_risk, 12)),
            self.rng,
        )
        now = observation.crisis_stability_index
        reason = (
            f"Keeps crisis stability highest among moves up to posturing: predicted "
            f"index {choice.predicted_index:.2f} (now {now:.2f})."
        )
        reason_zh = (
            f"在不超过姿态展示的行动中使危机稳定性保持最高：预计指数 "
            f"{choice.predicted_index:.2f}（当前 {now:.2f}）。"
        )
        messages = _replies(
            observation,
            answer=(
                f"Our forces act defensively; our move this turn is '{choice.label}'. "
                "We seek no escalation.",
                f"我方部队的行动是防御性的；本回合我方的行动是「{_zh(choice)}」。我方不寻求升级。",
            ),
        )
        if choice.score >= 2:
            messages += _notice(
                observation,
                choice,
                "notification",
                f"Advance notice: we will '{choice.label}'. This is a defensive measure.",
                f"预先通报：我方将「{_zh(choice)}」。这是一项防御性措施。",
            )
        if observation.opponent_scores and observation.opponent_scores[-1] >= 3:
            last = observation.opponent_moves[-1]
            messages.append(
                _to_opponent(
                    observation,
                    _message(
                        "query",
                        f"Please clarify the intent of your last move '{last}'.",
                        f"请说明贵方上一步行动「{last}」的意图。",
                    ),
                )
            )
        if observation.opponent in observation.nuclear_used_by:
            reason += (
                " The opponent has used nuclear weapons; the cautious side withholds "
                "retaliation and demands an immediate halt."
            )
            reason_zh += "对方已使用核武器；谨慎方暂不报复，并要求立即停止。"
            messages.append(
                _to_opponent(
                    observation,
                    _message(
                        "notification",
                        "Your nuclear use is noted. We demand an immediate halt; "
                        "further use will be answered.",
                        "我方已注意到贵方使用核武器。我方要求立即停止；再次使用将受到回应。",
                    ),
                )
            )
        if observation.turn == 1 or observation.crisis_stability_index < 0.5:
            several = len(observation.others) > 1
            messages += _to_every_other(
                observation,
                _message(
                    "proposal",
                    f"We propose that {'all' if several else 'both'} sides return "
                    "strategic forces to day-to-day alert.",
                    f"我方提议{'各方' if several else '双方'}将战略力量恢复至日常戒备状态。",
                ),
            )
        return Decision(
            action=choice.id,
            reason=reason,
            reason_zh=reason_zh,
            messages=tuple(messages),
            acknowledge=tuple(m.seq for m in observation.inbox),
        )


class Hawkish:
    """Shows resolve: answers any move one rung higher (up to violent escalation)."""

    name = "hawkish"

    def __init__(self, *, rng: np.random.Generator) -> None:
        self.rng = rng
        self._late_acks: tuple[int, ...] = ()

    def decide(self, observation: Observation) -> Decision:
        """Climb to one rung above the opponent's last move, at least posturing."""
        last = observation.opponent_scores[-1] if observation.opponent_scores else 1
        # Nuclear use against it lifts the ceiling: the hawk answers in kind.
        struck = observation.opponent in observation.nuclear_used_by
        ceiling = 5 if struck else HAWK_CEILING_SCORE
        target = min(max(last + 1, 2), ceiling)
        aimed = _aimed(observation)
        allowed = [m for m in aimed if m.score <= target] or aimed
        # Highest rung within reach; among equals, the move that leaves the index lowest
        # (pressure on the opponent), then the generator.
        choice = _best(allowed, lambda m: (m.score, -round(m.predicted_index, 9)), self.rng)
        band = rung(choice.rung)
        reason = (
            f"Opponent's last move scored {last}; answering at {band.label.lower()} "
            f"({choice.score}) to show resolve."
        )
        reason_zh = (
            f"对方上一步行动得分 {last}；以{band.label_zh}（{choice.score}）回应，以示决心。"
        )
        if struck:
            reason += " The opponent has used nuclear weapons; the hawk answers in kind."
            reason_zh += "对方已使用核武器；鹰派以同等方式回应。"
        messages = _replies(
            observation,
            answer=(
                "Our actions respond to your provocation. "
                "Responsibility for escalation lies with you.",
                "我方的行动是对贵方挑衅的回应。升级的责任在贵方。",
            ),
        )
        if choice.score >= 3:
            threat = _message(
                "notification",
                f"We will '{choice.label}' unless you withdraw.",
                f"除非贵方撤回，我方将「{_zh(choice)}」。",
            )
            if choice.target is not None:
                messages.append(replace(threat, to=choice.target))
            else:
                messages.append(_to_opponent(observation, threat))
        # Acknowledges only a turn late: deliberate coolness on the channel.
        acknowledge, self._late_acks = self._late_acks, tuple(m.seq for m in observation.inbox)
        return Decision(
            action=choice.id,
            reason=reason,
            reason_zh=reason_zh,
            messages=tuple(messages),
            acknowledge=acknowledge,
        )


class TitForTat:
    """Opens cooperatively, then mirrors the opponent's last rung."""

    name = "tit-for-tat"

    def __init__(self, *, rng: np.random.Generator) -> None:
        self.rng = rng

    def decide(self, observation: Observation) -> Decision:
        """Match the opponent's last score (or the nearest lower one on the menu)."""
        if observation.opponent_scores:
            target = observation.opponent_scores[-1]
            basis = f"Mirrors the opponent's last move (score {target})"
            basis_zh = f"对等回应对方上一步行动（得分 {target}）"
        else:
            target = min(m.score for m in observation.menu)
            basis, basis_zh = "Opens with cooperation", "以合作开局"
        aimed = _aimed(observation)
        reachable = [m for m in aimed if m.score <= target] or [min(aimed, key=lambda m: m.score)]
        top = max(m.score for m in reachable)
        choice = _best(
            [m for m in reachable if m.score == top],
            lambda m: round(m.predicted_index, 9),
            self.rng,
        )
        index = choice.predicted_index
        reason = f"{basis}: '{choice.label}', predicted index {index:.2f}."
        reason_zh = f"{basis_zh}：「{_zh(choice)}」，预计指数 {index:.2f}。"
        messages = _replies(
            observation,
            answer=(
                f"We will answer as you act: our move is '{choice.label}'.",
                f"我方将视贵方行动作出回应：我方的行动是「{_zh(choice)}」。",
            ),
        )
        for proposal in (m for m in observation.inbox if m.kind == "proposal"):
            if target <= 1:
                messages.append(
                    _message(
                        "clarification",
                        "We accept if you act likewise.",
                        "若贵方采取同样行动，我方接受。",
                        in_reply_to=proposal.seq,
                    )
                )
        return Decision(
            action=choice.id,
            reason=reason,
            reason_zh=reason_zh,
            messages=tuple(messages),
            acknowledge=tuple(m.seq for m in observation.inbox),
        )


DOCTRINES = {"cautious": Cautious, "hawkish": Hawkish, "tit-for-tat": TitForTat}
