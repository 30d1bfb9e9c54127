"""Data collection for an exercise run, kept apart from the model (Mesa's DataCollector idea).

The recorder is told what happened each turn and builds the run's record: a timeline,
the index per turn, each side's escalation score per turn, the decisions with their
stated reasons, and the channel log with response times.  Its :meth:`Recorder.to_dict`
is the JSON of ``stratstab exercise run --json``; it holds no wall-clock time, so the
same seed gives the same JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stratstab import __version__
from stratstab.exercises.ladder import rung

if TYPE_CHECKING:
    from stratstab.exercises.engine import ExerciseModel, TurnOutcome

SCHEMA_VERSION = 2


class Recorder:
    """Collects one exercise run turn by turn."""

    def __init__(self) -> None:
        self.start: dict[str, Any] = {}
        self.turns: list[dict[str, Any]] = []
        self.end: dict[str, Any] = {}

    def record_start(self, model: ExerciseModel) -> None:
        """The state before the first turn."""
        exercise = model.exercise
        self.start = {
            "exercise": exercise.id,
            "name": exercise.name,
            "name_zh": exercise.name_zh,
            "setting": exercise.setting,
            "setting_zh": exercise.setting_zh,
            "sources": [
                s if isinstance(s, str) else s.model_dump(exclude_none=True)
                for s in exercise.sources
            ],
            "seed": model.seed,
            "players": dict(model.player_names),
            "turns_planned": model.turns,
            "minutes_per_turn": exercise.minutes_per_turn,
            "actors": {s: a.model_dump() for s, a in exercise.actors.items()},
            "levers": dict(model.levers),
            "reading": model.reading.to_dict(),
            "measures": model.measures.to_dict(),
        }

    def record_turn(self, model: ExerciseModel, outcome: TurnOutcome) -> None:
        """One turn: injects, deliveries, decisions, levers and the new reading."""
        decisions = {}
        for side, decision in outcome.decisions.items():
            action = model.exercise.action(decision.action)
            decisions[side] = {
                "action": action.id,
                "label": action.label,
                "label_zh": action.label_zh,
                "rung": action.rung,
                "score": rung(action.rung).score,
                "reason": decision.reason,
                "reason_zh": decision.reason_zh,
                "outcome": outcome.explanations[side],
                "messages_sent": list(outcome.sent[side]),
                "acknowledged": list(decision.acknowledge),
            }
        self.turns.append(
            {
                "turn": outcome.turn,
                "injects": [
                    {"id": i.id, "text": i.text, "text_zh": i.text_zh, "to": i.to}
                    for i in outcome.injects
                ],
                "channel_up": outcome.channel_up,
                "delivered": list(outcome.delivered),
                "decisions": decisions,
                "levers": dict(model.levers),
                "reading": model.reading.to_dict(),
                "measures": outcome.measures.to_dict(),
                "outcome": outcome.turn_explanation,
            }
        )

    def record_end(self, model: ExerciseModel, *, ended_by: str) -> None:
        """Why the run ended and the channel's full log."""
        minutes = model.exercise.minutes_per_turn
        log = []
        for message in model.channel.messages:
            entry = message.to_dict()
            turns = message.response_turns()
            entry["response_minutes"] = None if turns is None else turns * minutes
            entry["deadline_missed"] = message.deadline_missed(now_turn=model.turn)
            log.append(entry)
        self.end = {
            "ended_by": ended_by,
            "turns_played": model.turn,
            "channel_log": log,
            "failed_delivery_turns": list(model.channel.failed_deliveries),
        }

    def summary(self) -> dict[str, Any]:
        """Headline numbers: peak escalation per side, index trajectory, traffic."""
        sides = list(self.start.get("actors", {}))
        index = [self.start["reading"]["crisis_stability_index"]] + [
            t["reading"]["crisis_stability_index"] for t in self.turns
        ]
        log = self.end.get("channel_log", [])
        responses = [m["response_minutes"] for m in log if m["response_minutes"] is not None]
        measures = [self.start["measures"]] + [t["measures"] for t in self.turns]
        risk = [m["nuclear_use_risk"] for m in measures[1:]]
        no_use = 1.0
        for p in risk:
            no_use *= 1.0 - p
        return {
            "peak_score": {
                s: max((t["decisions"][s]["score"] for t in self.turns), default=0) for s in sides
            },
            "index_start": index[0],
            "index_end": index[-1],
            "index_min": min(index),
            "index_trajectory": index,
            "messages": len(log),
            "acknowledged": len(responses),
            "deadlines_missed": sum(1 for m in log if m["deadline_missed"]),
            "mean_response_minutes": sum(responses) / len(responses) if responses else None,
            "escalation_trajectory": [m["escalation_level"] for m in measures],
            "risk_trajectory": [m["nuclear_use_risk"] for m in measures],
            "cumulative_risk": 1.0 - no_use,
            "credibility_trajectory": [m["channel_credibility"] for m in measures],
            "damage_end": dict(measures[-1]["damage"]),
            "detonations_end": dict(measures[-1]["detonations"]),
        }

    def escalation_curves(self) -> dict[str, list[int]]:
        """Each side's ladder score per turn."""
        sides = list(self.start.get("actors", {}))
        return {s: [t["decisions"][s]["score"] for t in self.turns] for s in sides}

    def to_dict(self) -> dict[str, Any]:
        """The run's JSON record (stable keys; deterministic for a seed)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "stratstab_version": __version__,
            **self.start,
            "turns": self.turns,
            **self.end,
            "summary": self.summary(),
        }
