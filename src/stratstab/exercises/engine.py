"""The turn-based exercise model: ``step()`` plays one turn, ``run()`` plays to the end.

A turn goes: injects fire (timed ones on their turn, conditional ones when their
condition holds on the state left by the previous turn); the channel delivers what was
sent last turn, if the link is up; both players decide at once on what they know; their
acknowledgements and messages go on the channel; their actions' effects change the
levers; the models give the new crisis-stability reading.  The run ends after the
planned turns, on nuclear use, or on an action that ends the exercise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from stratstab.exercises.actors.base import (
    Decision,
    DecisionPending,
    InboxItem,
    MenuItem,
    Observation,
    Player,
    PlayerError,
    TurnPending,
)
from stratstab.exercises.adjudication import StabilityReading, apply_effects, crisis_reading
from stratstab.exercises.channel import Channel, ChannelError, Message
from stratstab.exercises.consequences import (
    CrisisState,
    Measures,
    advance_escalation,
    apply_nuclear_use,
    explain,
    lever_changes,
    measure,
    next_credibility,
)
from stratstab.exercises.ladder import score
from stratstab.exercises.loader import LoadedExercise
from stratstab.exercises.recorder import Recorder
from stratstab.exercises.schema import Inject


@dataclass(frozen=True)
class TurnOutcome:
    """What happened in one turn (given to the recorder)."""

    turn: int
    injects: tuple[Inject, ...]
    channel_up: bool
    delivered: tuple[int, ...]
    decisions: dict[str, Decision]
    sent: dict[str, tuple[int, ...]]
    measures: Measures
    explanations: dict[str, dict[str, str]]  # side -> {"en": ..., "zh": ...}
    turn_explanation: dict[str, str]  # {"en": ..., "zh": ...}


class ExerciseModel:
    """One run of an exercise scenario between two or more players."""

    def __init__(
        self,
        loaded: LoadedExercise,
        players: dict[str, Player],
        *,
        seed: int,
        turns: int | None = None,
        recorder: Recorder | None = None,
        extra_injects: tuple[Inject, ...] = (),
    ) -> None:
        self.exercise = loaded.exercise
        self.base = loaded.base
        missing = set(self.exercise.sides) - set(players)
        if missing:
            raise PlayerError(f"no player for side(s) {sorted(missing)}")
        self.players = players
        self.player_names = {side: players[side].name for side in self.exercise.sides}
        self.seed = seed
        self.rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
        self.turns = turns if turns is not None else self.exercise.turns
        self.turn = 0
        self.levers: dict[str, Any] = dict(self.exercise.assessment.levers)
        self.reading: StabilityReading = crisis_reading(self.base, self.levers)
        self.index_history: list[float] = [self.reading.crisis_stability_index]
        self.channel = Channel(
            sides=self.exercise.sides, ack_deadline_turns=self.exercise.ack_deadline_turns
        )
        self.hours_per_turn = self.exercise.minutes_per_turn / 60.0
        self.state = CrisisState(channel_credibility=self.exercise.channel_credibility)
        self.measures: Measures = self._measure(self.levers, self.state, turn=1)
        self.moves: dict[str, list[str]] = {side: [] for side in self.exercise.sides}
        self.fired: set[str] = set()
        self.extra_injects = extra_injects  # events a control cell adds, each with its turn
        self.running = True
        self.ended_by = ""
        self.recorder = recorder or Recorder()
        self.recorder.record_start(self)

    def _measure(self, levers: dict[str, Any], state: CrisisState, *, turn: int) -> Measures:
        return measure(
            self.base,
            levers,
            state,
            channel_up=self.channel.is_up(turn),
            hours_per_turn=self.hours_per_turn,
        )

    def _play(
        self, side: str, action_id: str, levers: dict[str, Any], state: CrisisState
    ) -> dict[str, Any]:
        """Levers after ``side`` takes ``action_id``; nuclear use is recorded in ``state``."""
        action = self.exercise.action(action_id)
        targets = self.exercise.targets(side, action_id)
        levers = apply_effects(self.base, levers, action.effects, actor=side, targets=targets)
        if action.nuclear is not None:
            (target,) = targets  # the schema requires one target for nuclear use
            levers = apply_nuclear_use(
                self.base, levers, state, actor=side, target=target, strike=action.nuclear
            )
        return levers

    def predict(self, side: str, action_id: str) -> Measures:
        """The measures if ``side`` alone takes ``action_id`` now (the others hold)."""
        return self._predict(side, action_id)[1]

    def _predict(self, side: str, action_id: str) -> tuple[dict[str, Any], Measures]:
        state = self.state.copy()
        levers = self._play(side, action_id, dict(self.levers), state)
        score_ = score(self.exercise.action(action_id).rung)
        advance_escalation(state, [score_])
        state.channel_credibility = next_credibility(
            state.channel_credibility,
            timely_acks=0,
            missed_deadlines=0,
            scores=[score_],
            nuclear_used=self.exercise.action(action_id).nuclear is not None,
        )
        return levers, self._measure(levers, state, turn=max(self.turn, 1))

    # -- injects ---------------------------------------------------------------------
    def _condition_holds(self, inject: Inject) -> bool:
        when = inject.when
        assert when is not None
        last_scores = [score(self.exercise.action(m[-1]).rung) for m in self.moves.values() if m]
        index = self.reading.crisis_stability_index
        return all(
            (
                when.index_below is None or index < when.index_below,
                when.index_above is None or index > when.index_above,
                when.rung_at_least is None or any(s >= when.rung_at_least for s in last_scores),
                when.action_taken is None
                or any(when.action_taken in m for m in self.moves.values()),
                when.after_turn is None or self.turn > when.after_turn,
            )
        )

    def _fire_injects(self) -> list[Inject]:
        fired = []
        for inject in self.extra_injects:
            if inject.turn == self.turn and inject.id not in self.fired:
                self.fired.add(inject.id)
                fired.append(inject)
                self.channel.fail(from_turn=self.turn, turns=inject.channel_outage_turns)
        for inject in self.exercise.injects:
            if inject.id in self.fired:
                continue
            due = (
                inject.turn == self.turn
                if inject.turn is not None
                else self._condition_holds(inject)
            )
            # Draw only for due injects so that unrelated edits do not shift the stream.
            if not due or (inject.probability < 1.0 and self.rng.random() >= inject.probability):
                continue
            self.fired.add(inject.id)
            fired.append(inject)
            if inject.effects:
                self.levers = apply_effects(self.base, self.levers, inject.effects)
            self.channel.fail(from_turn=self.turn, turns=inject.channel_outage_turns)
        if any(i.effects for i in fired) or any(i.channel_outage_turns for i in fired):
            self.reading = crisis_reading(self.base, self.levers)
            self.measures = self._measure(self.levers, self.state, turn=self.turn)
        return fired

    # -- observations ----------------------------------------------------------------
    def _menu(self, side: str) -> tuple[MenuItem, ...]:
        items = []
        for action in self.exercise.menu(side):
            predicted = self.predict(side, action.id)
            items.append(
                MenuItem(
                    id=action.id,
                    label=action.label,
                    label_zh=action.label_zh,
                    rung=action.rung,
                    score=score(action.rung),
                    predicted_index=predicted.crisis_stability_index,
                    predicted_risk=predicted.nuclear_use_risk,
                    target=action.target,
                )
            )
        return tuple(items)

    def opponent(self, side: str) -> str:
        """The side ``side`` faces most: with two sides the other one.

        With three or more: the opponent whose last move was most escalated (nuclear use
        against ``side`` first); on a tie the one in the weakest pair with ``side``, then
        file order.  Doctrines answer this side's moves.
        """
        others = self.exercise.opponents(side)
        if len(others) == 1:
            return others[0]
        pairs = self.reading.pair_indices

        def pair_index(other: str) -> float:
            key = f"{side}-{other}" if f"{side}-{other}" in pairs else f"{other}-{side}"
            return pairs.get(key, 1.0)

        def threat(other: str) -> tuple[int, int, float, int]:
            moves = self.moves[other]
            last = score(self.exercise.action(moves[-1]).rung) if moves else -1
            struck_me = bool(moves) and self.exercise.action(moves[-1]).target == side
            return (-int(struck_me and last >= 5), -last, pair_index(other), others.index(other))

        return min(others, key=threat)

    def observe(self, side: str, injects: list[Inject], delivered: list[Message]) -> Observation:
        """What ``side`` knows at its decision point this turn."""
        opponent = self.opponent(side)
        inbox = tuple(
            InboxItem(
                seq=m.seq,
                kind=m.kind,
                text=m.text,
                sent_turn=m.sent_turn,
                in_reply_to=m.in_reply_to,
                acknowledged=False,
                lang=m.lang,
                translation=m.translation,
            )
            for m in delivered
            if m.recipient == side
        )
        return Observation(
            turn=self.turn,
            turns=self.turns,
            side=side,
            opponent=opponent,
            objectives=tuple(self.exercise.actors[side].objectives),
            crisis_stability_index=self.reading.crisis_stability_index,
            index_history=tuple(self.index_history),
            own_moves=tuple(self.moves[side]),
            opponent_moves=tuple(self.moves[opponent]),
            opponent_scores=tuple(
                score(self.exercise.action(a).rung) for a in self.moves[opponent]
            ),
            injects=tuple(i.text for i in injects if i.to in ("all", side)),
            inbox=inbox,
            channel_up=self.channel.is_up(self.turn),
            menu=self._menu(side),
            escalation_level=self.state.escalation_level,
            nuclear_use_risk=self.measures.nuclear_use_risk,
            channel_credibility=self.state.channel_credibility,
            nuclear_used_by=tuple(sorted(self.state.nuclear_users)),
            injects_zh=tuple(i.text_zh or i.text for i in injects if i.to in ("all", side)),
            others=self.exercise.opponents(side),
        )

    # -- the turn --------------------------------------------------------------------
    def _apply_decision(
        self, side: str, decision: Decision, observation: Observation
    ) -> tuple[int, ...]:
        observation.item(decision.action)  # raises PlayerError when off the menu
        sent = []
        try:
            for seq in decision.acknowledge:
                self.channel.acknowledge(seq, by=side, turn=self.turn)
            for message in decision.messages:
                sent.append(
                    self.channel.send(
                        sender=side,
                        kind=message.kind,
                        text=message.text,
                        turn=self.turn,
                        in_reply_to=message.in_reply_to,
                        lang=message.lang,
                        translation=message.translation,
                        to=message.to or self._recipient(side, message.in_reply_to),
                    ).seq
                )
        except ChannelError as exc:
            raise PlayerError(f"{side} ({self.player_names[side]}): {exc}") from None
        return tuple(sent)

    def _recipient(self, side: str, in_reply_to: int | None) -> str:
        """Who a message goes to when the sender names nobody: the sender of the message
        it answers, else the side ``side`` faces most (:meth:`opponent`)."""
        if in_reply_to is not None and 0 <= in_reply_to < len(self.channel.messages):
            return self.channel.messages[in_reply_to].sender
        return self.opponent(side)

    def step(self) -> TurnOutcome:
        """Play one turn."""
        if not self.running:
            raise RuntimeError("the exercise has ended")
        self.turn += 1
        injects = self._fire_injects()
        delivered = self.channel.deliver(turn=self.turn)
        observations = {s: self.observe(s, injects, delivered) for s in self.exercise.sides}
        decisions = {}
        pending = {}
        for side in self.exercise.sides:  # every side decides on what it knows, at once
            try:
                decisions[side] = self.players[side].decide(observations[side])
            except DecisionPending as waiting:
                pending[side] = waiting.observation
        if pending:
            raise TurnPending(pending)
        sent = {s: self._apply_decision(s, decisions[s], observations[s]) for s in decisions}
        before_levers, before_measures = dict(self.levers), self.measures
        explanations = {}
        for side, decision in decisions.items():
            action = self.exercise.action(decision.action)
            after_alone, alone = self._predict(side, decision.action)
            explanations[side] = {
                lang: explain(
                    self.exercise.label(action.id, lang)
                    if lang == "en"
                    else f"「{self.exercise.label(action.id, lang)}」",
                    before_measures,
                    alone,
                    changes=lever_changes(self.base, before_levers, after_alone, lang=lang),
                    lang=lang,
                )
                for lang in ("en", "zh")
            }
        scores = []
        nuclear_used = False
        for side, decision in decisions.items():
            self.moves[side].append(decision.action)
            action = self.exercise.action(decision.action)
            self.levers = self._play(side, decision.action, self.levers, self.state)
            scores.append(score(action.rung))
            nuclear_used = nuclear_used or action.nuclear is not None
        advance_escalation(self.state, scores)
        self.state.channel_credibility = next_credibility(
            self.state.channel_credibility,
            timely_acks=sum(
                1
                for m in self.channel.messages
                if m.acknowledged_turn == self.turn and m.acknowledged_turn <= m.deadline_turn
            ),
            missed_deadlines=sum(
                1
                for m in self.channel.messages
                if m.deadline_turn == self.turn and m.acknowledged_turn is None
            ),
            scores=scores,
            nuclear_used=nuclear_used,
        )
        self.reading = crisis_reading(self.base, self.levers)
        self.measures = self._measure(self.levers, self.state, turn=self.turn)
        self.index_history.append(self.reading.crisis_stability_index)
        turn_explanation = {
            lang: explain(
                "Together" if lang == "en" else "本回合合计",
                before_measures,
                self.measures,
                changes=lever_changes(self.base, before_levers, self.levers, lang=lang),
                lang=lang,
            )
            for lang in ("en", "zh")
        }
        outcome = TurnOutcome(
            turn=self.turn,
            injects=tuple(injects),
            channel_up=self.channel.is_up(self.turn),
            delivered=tuple(m.seq for m in delivered),
            decisions=decisions,
            sent=sent,
            measures=self.measures,
            explanations=explanations,
            turn_explanation=turn_explanation,
        )
        self.recorder.record_turn(self, outcome)
        self._check_end(decisions)
        return outcome

    def _check_end(self, decisions: dict[str, Decision]) -> None:
        actions = [self.exercise.action(d.action) for d in decisions.values()]
        if max(self.measures.damage.values(), default=0.0) >= self.exercise.war_damage_threshold:
            self.ended_by = "nuclear-war"
        elif any(a.ends_exercise for a in actions):
            self.ended_by = "action"
        elif self.turn >= self.turns:
            self.ended_by = "turn-limit"
        if self.ended_by:
            self.running = False
            self.recorder.record_end(self, ended_by=self.ended_by)

    def run(self) -> Recorder:
        """Play until the exercise ends; returns the recorder."""
        while self.running:
            self.step()
        return self.recorder
