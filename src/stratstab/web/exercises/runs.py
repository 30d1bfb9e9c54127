"""Exercise runs played through the web, kept in a process-local store.

A run is stored as its specification (exercise, players, seed) plus the decisions its
human players have made.  Its state is rebuilt by replaying the engine from the seed:
doctrines draw the same numbers again, and each web human answers with the decision
it already gave for that turn.  When a human is asked about a turn it has not decided
yet, the replay stops there and the observation of that moment is what the page
shows.  Rebuilding rather than keeping a paused engine means a page reload, a second
tab or a late double submit can never leave a run half-stepped.

References: the turn structure is :class:`stratstab.exercises.ExerciseModel`'s; the
replay relies on its determinism for a fixed seed (tested in ``tests/exercises``).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from stratstab.errors import NotFoundError
from stratstab.exercises import ExerciseModel, LoadedExercise, build_players, load_exercise
from stratstab.exercises.actors.base import Decision, Observation, OutgoingMessage

MAX_RUNS = 500  # runs kept in one server process, least recently used dropped first
MAX_RUNS_PER_USER = 30


@lru_cache(maxsize=16)
def loaded_exercise(exercise_id: str) -> LoadedExercise:
    """A built-in exercise, loaded once per process (the engine never mutates it)."""
    return load_exercise(exercise_id)


@dataclass(frozen=True)
class HumanDecision:
    """What a web human chose for one turn."""

    action: str
    reason: str
    message_kind: str | None = None
    message_text: str = ""
    in_reply_to: int | None = None
    acknowledge: tuple[int, ...] = ()

    def to_decision(self) -> Decision:
        """The engine's form of this decision."""
        messages: tuple[OutgoingMessage, ...] = ()
        if self.message_kind and self.message_text.strip():
            messages = (
                OutgoingMessage(
                    kind=self.message_kind,
                    text=self.message_text.strip(),
                    in_reply_to=self.in_reply_to,
                ),
            )
        return Decision(
            action=self.action,
            reason=self.reason,
            messages=messages,
            acknowledge=self.acknowledge,
        )


class AwaitingDecision(Exception):
    """Raised inside a replay when a web human must decide the current turn."""

    def __init__(self, side: str, observation: Observation) -> None:
        super().__init__(f"{side} must decide turn {observation.turn}")
        self.side = side
        self.observation = observation


class WebHuman:
    """A player whose moves come from the decisions stored with the run."""

    def __init__(self, *, side: str, name: str, decisions: dict[tuple[int, str], HumanDecision]):
        self.side = side
        self.name = name
        self.decisions = decisions

    def decide(self, observation: Observation) -> Decision:
        """The stored decision for this turn, or stop the replay to ask for one."""
        stored = self.decisions.get((observation.turn, self.side))
        if stored is None:
            raise AwaitingDecision(self.side, observation)
        return stored.to_decision()


@dataclass
class RunState:
    """Where a run stands after replaying every stored decision."""

    status: Literal["awaiting", "finished"]
    model: ExerciseModel
    awaiting_side: str | None = None
    observation: Observation | None = None

    @property
    def turn(self) -> int:
        """The turn being decided (awaiting) or the last turn played (finished)."""
        return self.model.turn

    def record(self) -> dict[str, Any]:
        """The recorder's JSON of the turns played so far."""
        return self.model.recorder.to_dict()


@dataclass
class ExerciseRun:
    """One run: who owns it, how it was set up, and the human decisions so far."""

    id: str
    owner_id: int
    exercise_id: str
    players: dict[str, str]  # side -> doctrine name or "human"
    seed: int
    turns: int | None
    human_name: str
    created_s: float = field(default_factory=time.time)
    decisions: dict[tuple[int, str], HumanDecision] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _state: RunState | None = field(default=None, repr=False)

    def replay(self, decisions: dict[tuple[int, str], HumanDecision] | None = None) -> RunState:
        """Rebuild the run from its seed with ``decisions`` (default: the stored ones)."""
        chosen = self.decisions if decisions is None else decisions
        loaded = loaded_exercise(self.exercise_id)
        # Build every side through the library factory so that doctrines get the same
        # random streams as `stratstab exercise run` with the same seed and players.
        players = build_players(
            self.players, seed=self.seed, prompt=_no_terminal, show=_no_terminal
        )
        for side, kind in self.players.items():
            if kind == "human":
                players[side] = WebHuman(
                    side=side, name=f"human ({self.human_name})", decisions=chosen
                )
        model = ExerciseModel(loaded, players, seed=self.seed, turns=self.turns)
        try:
            model.run()
        except AwaitingDecision as waiting:
            return RunState("awaiting", model, waiting.side, waiting.observation)
        return RunState("finished", model)

    def state(self) -> RunState:
        """The current state, replayed once per change of the stored decisions."""
        if self._state is None:
            self._state = self.replay()
        return self._state

    def commit(self, key: tuple[int, str], decision: HumanDecision, state: RunState) -> None:
        """Keep a decision whose replay succeeded, with the state it led to."""
        self.decisions[key] = decision
        self._state = state


def _no_terminal(*_: object) -> str:
    raise RuntimeError("a web run has no terminal")  # never called: humans are replaced


class RunStore:
    """Runs of one server process, keyed by a random id and visible to their owner only."""

    def __init__(self, *, max_runs: int = MAX_RUNS, max_per_user: int = MAX_RUNS_PER_USER):
        self.max_runs = max_runs
        self.max_per_user = max_per_user
        self._runs: OrderedDict[str, ExerciseRun] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, run: ExerciseRun) -> ExerciseRun:
        """Keep ``run``, dropping the owner's oldest (and the least recently used) if full."""
        with self._lock:
            mine = [r for r in self._runs.values() if r.owner_id == run.owner_id]
            for old in mine[: max(0, len(mine) - self.max_per_user + 1)]:
                del self._runs[old.id]
            while len(self._runs) >= self.max_runs:
                self._runs.popitem(last=False)
            self._runs[run.id] = run
        return run

    def get(self, run_id: str, *, owner_id: int) -> ExerciseRun:
        """The run ``run_id`` of this owner; NotFoundError for anyone else's or unknown."""
        with self._lock:
            run = self._runs.get(run_id)
            if run is None or run.owner_id != owner_id:
                raise NotFoundError(f"no exercise run {run_id!r} of yours in this server")
            self._runs.move_to_end(run_id)
            return run

    def of_owner(self, owner_id: int) -> list[ExerciseRun]:
        """The owner's runs, newest first."""
        with self._lock:
            runs = [r for r in self._runs.values() if r.owner_id == owner_id]
        return sorted(runs, key=lambda r: r.created_s, reverse=True)


def new_run_id() -> str:
    """A random, unguessable run id (128 bits, hex)."""
    return secrets.token_hex(16)
