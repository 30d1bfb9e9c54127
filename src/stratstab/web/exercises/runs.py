"""Exercise runs played through the web, stored in the database and rebuilt by replay.

A run is stored as its specification (exercise, players, seed), the people who play
each side (their seats), every decision people or a language model made, and the
control cell's log (:mod:`stratstab.exercises.store`).  Its state is rebuilt by
replaying the engine from the seed: doctrines draw the same numbers again, and each
side played by people answers with the decision stored for that turn.  Where a turn's
decision is not in yet, the replay stops with every waiting side's observation: moves
are simultaneous and sealed, because a turn is played only once every side has moved
(or its deadline passed).  Rebuilding rather than keeping a paused engine means a page
reload, a second tab, a second server or a restart can never leave a run half-stepped.

Who decides for a side:

* ``human`` — the run's owner, on one screen (a single person practising);
* ``delegation`` — the side's seats: its head decides (``head`` mode), or every
  delegate votes and the plurality wins, ties going to the lower rung (``vote`` mode);
* a doctrine (``cautious``, ``hawkish``, ``tit-for-tat``), or ``llm`` — the
  OpenAI-compatible endpoint the operator configured; its replies are stored, so a
  replay never asks it twice.

When the turn's deadline passes (or the control cell closes the turn), a side with
votes gets their plurality, and a side without any decision holds: it takes the least
escalatory action on its menu, with the reason saying that no decision came in time.

References: the turn structure is :class:`stratstab.exercises.ExerciseModel`'s; the
replay relies on its determinism for a fixed seed (tested in ``tests/exercises``).
"""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

from stratstab.errors import NotFoundError
from stratstab.exercises import ExerciseModel, LoadedExercise, build_players, load_exercise
from stratstab.exercises.actors.base import (
    Decision,
    DecisionPending,
    Observation,
    OutgoingMessage,
    Player,
    TurnPending,
)
from stratstab.exercises.ladder import score
from stratstab.exercises.schema import Inject
from stratstab.exercises.store import (
    DuplicateMove,
    ExerciseControlRow,
    ExerciseMoveRow,
    ExerciseRunRow,
    ExerciseSeatRow,
    RunRepository,
)

MAX_RUNS_PER_USER = 200  # runs one person may start (a quota, not a cache size)
PEOPLE = ("human", "delegation")


@lru_cache(maxsize=16)
def loaded_exercise(exercise_id: str) -> LoadedExercise:
    """A built-in exercise, loaded once per process (the engine never mutates it)."""
    return load_exercise(exercise_id)


def _no_run(run_id: str) -> NotFoundError:
    """One answer for a run that does not exist and one the reader may not see."""
    return NotFoundError(f"no exercise run {run_id!r} of yours").with_key(
        "exerr.no_run", run=run_id
    )


def now() -> datetime:
    """The current time (UTC)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class HumanDecision:
    """What a person (or the language model) chose for one turn."""

    action: str
    reason: str
    message_kind: str | None = None
    message_text: str = ""
    in_reply_to: int | None = None
    acknowledge: tuple[int, ...] = ()
    message_lang: str = "en"
    message_translation: str = ""
    reason_zh: str = ""
    message_to: str | None = None  # recipient side (three or more sides); None: the default

    def to_decision(self) -> Decision:
        """The engine's form of this decision."""
        messages: tuple[OutgoingMessage, ...] = ()
        if self.message_kind and self.message_text.strip():
            messages = (
                OutgoingMessage(
                    kind=self.message_kind,
                    text=self.message_text.strip(),
                    in_reply_to=self.in_reply_to,
                    lang=self.message_lang,
                    translation=self.message_translation.strip(),
                    to=self.message_to,
                ),
            )
        return Decision(
            action=self.action,
            reason=self.reason,
            reason_zh=self.reason_zh,
            messages=messages,
            acknowledge=self.acknowledge,
        )

    def payload(self) -> dict[str, Any]:
        """Plain JSON form for the database."""
        data = asdict(self)
        data["acknowledge"] = list(self.acknowledge)
        return data

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> HumanDecision:
        """Back from :meth:`payload` (unknown keys from older rows are ignored)."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["acknowledge"] = tuple(known.get("acknowledge", ()))
        return cls(**known)


class StoredPlayer:
    """A side played by people (or a stored LLM reply): answers from the stored decisions."""

    def __init__(self, *, side: str, name: str, decisions: dict[tuple[int, str], HumanDecision]):
        self.side = side
        self.name = name
        self.decisions = decisions

    def decide(self, observation: Observation) -> Decision:
        """The stored decision for this turn, or say that it is not in yet."""
        stored = self.decisions.get((observation.turn, self.side))
        if stored is None:
            raise DecisionPending(self.side, observation)
        return stored.to_decision()


class RecordingLLM:
    """The operator's language-model player; each reply is stored and replayed after."""

    def __init__(self, *, side: str, inner: Player, stored: StoredPlayer, save) -> None:
        self.side = side
        self.inner = inner
        self.stored = stored
        self.save = save
        self.name = inner.name

    def decide(self, observation: Observation) -> Decision:
        """A stored reply if there is one; otherwise ask the model once and store it."""
        try:
            return self.stored.decide(observation)
        except DecisionPending:
            pass
        decision = self.inner.decide(observation)
        message = decision.messages[0] if decision.messages else None
        self.save(
            observation.turn,
            self.side,
            HumanDecision(
                action=decision.action,
                reason=decision.reason,
                message_kind=message.kind if message else None,
                message_text=message.text if message else "",
                in_reply_to=message.in_reply_to if message else None,
                acknowledge=tuple(decision.acknowledge),
            ),
        )
        return decision


@dataclass
class RunState:
    """Where a run stands after replaying every stored decision."""

    status: Literal["awaiting", "finished"]
    model: ExerciseModel
    waiting: dict[str, Observation] = field(default_factory=dict)

    @property
    def turn(self) -> int:
        """The turn being decided (awaiting) or the last turn played (finished)."""
        return self.model.turn

    @property
    def awaiting_side(self) -> str | None:
        """The first side (in scenario order) whose decision is awaited."""
        return next(iter(self.waiting), None)

    @property
    def observation(self) -> Observation | None:
        """What the first awaited side sees."""
        side = self.awaiting_side
        return self.waiting[side] if side else None

    def record(self) -> dict[str, Any]:
        """The recorder's JSON of the turns played so far."""
        return self.model.recorder.to_dict()


@dataclass
class ExerciseRun:
    """One run as stored, with what is needed to rebuild and to play it."""

    row: ExerciseRunRow
    seats: list[ExerciseSeatRow]
    moves: list[ExerciseMoveRow]
    controls: list[ExerciseControlRow]
    repository: RunRepository
    llm_factory: Any = None  # side -> Player, for the operator's endpoint
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _state: RunState | None = field(default=None, repr=False)

    # -- identity ----------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.row.id

    @property
    def owner_id(self) -> int:
        return self.row.owner_id

    @property
    def exercise_id(self) -> str:
        return self.row.exercise_id

    @property
    def players(self) -> dict[str, str]:
        return dict(self.row.players)

    @property
    def seed(self) -> int:
        return self.row.seed

    @property
    def turns(self) -> int | None:
        return self.row.turns

    @property
    def human_name(self) -> str:
        return self.row.human_name

    def mode(self, side: str) -> str:
        """How a delegation side decides: ``head`` or ``vote``."""
        return str((self.row.modes or {}).get(side, "head"))

    def seats_of(self, side: str) -> list[ExerciseSeatRow]:
        """The people seated on ``side``."""
        return [s for s in self.seats if s.side == side]

    def seat_of(self, user_id: int) -> ExerciseSeatRow | None:
        """The seat of a user, if they play a side."""
        return next((s for s in self.seats if s.user_id == user_id), None)

    def can_view(self, user_id: int) -> bool:
        """The owner (control cell) and the seated players may open the run."""
        return user_id == self.owner_id or self.seat_of(user_id) is not None

    # -- decisions ---------------------------------------------------------------------
    def decisions(self) -> dict[tuple[int, str], HumanDecision]:
        """Each (turn, side) whose decision is in: people's, the LLM's or a default."""
        out: dict[tuple[int, str], HumanDecision] = {}
        for move in self.moves:
            if move.kind in ("decision", "default", "llm"):
                out.setdefault((move.turn, move.side), HumanDecision.from_payload(move.payload))
        return out

    def votes(self, turn: int, side: str) -> dict[int, HumanDecision]:
        """The votes cast on ``side`` for ``turn``, by user id."""
        return {
            int(m.user_id): HumanDecision.from_payload(m.payload)
            for m in self.moves
            if m.kind == "vote" and m.turn == turn and m.side == side and m.user_id is not None
        }

    def extra_injects(self) -> tuple[Inject, ...]:
        """Events the control cell injected, each on the turn it was injected."""
        out = []
        for i, control in enumerate(self.controls):
            if control.kind != "inject":
                continue
            p = control.payload
            out.append(
                Inject(
                    id=f"control-{i + 1}",
                    text=str(p.get("text", "")),
                    text_zh=str(p.get("text_zh", "")),
                    turn=control.turn,
                    to=str(p.get("to", "all")),
                    channel_outage_turns=int(p.get("outage_turns", 0)),
                )
            )
        return tuple(out)

    def _save_llm(self, turn: int, side: str, decision: HumanDecision) -> None:
        try:
            self.repository.add_move(
                self.id,
                turn=turn,
                side=side,
                kind="llm",
                user_id=None,
                payload=decision.payload(),
            )
        except DuplicateMove:
            pass  # another request stored the same turn's reply first
        self.moves = self.repository.moves(self.id)

    def replay(self, decisions: dict[tuple[int, str], HumanDecision] | None = None) -> RunState:
        """Rebuild the run from its seed with ``decisions`` (default: the stored ones)."""
        chosen = self.decisions() if decisions is None else decisions
        loaded = loaded_exercise(self.exercise_id)
        kinds = {
            side: ("cautious" if kind in PEOPLE or kind == "llm" else kind)
            for side, kind in self.players.items()
        }
        # Every side is built through the library factory so that doctrines get the same
        # random streams as `stratstab exercise run` with the same seed and players.
        players: dict[str, Player] = build_players(
            kinds, seed=self.seed, prompt=_no_terminal, show=_no_terminal
        )
        for side, kind in self.players.items():
            if kind in PEOPLE:
                name = f"human ({self.human_name})" if kind == "human" else "delegation"
                players[side] = StoredPlayer(side=side, name=name, decisions=chosen)
            elif kind == "llm":
                stored = StoredPlayer(side=side, name="llm", decisions=chosen)
                if self.llm_factory is None:
                    players[side] = stored
                else:
                    players[side] = RecordingLLM(
                        side=side,
                        inner=self.llm_factory(side),
                        stored=stored,
                        save=self._save_llm,
                    )
        model = ExerciseModel(
            loaded,
            players,
            seed=self.seed,
            turns=self.turns,
            extra_injects=self.extra_injects(),
        )
        try:
            model.run()
        except TurnPending as pending:
            return RunState("awaiting", model, dict(pending.observations))
        return RunState("finished", model)

    def state(self) -> RunState:
        """The current state, replayed once per change of the stored moves."""
        if self._state is None:
            self._state = self.replay()
        return self._state

    def refresh(self) -> None:
        """Read the run again after a write (its moves, controls and clock)."""
        self.row = self.repository.run(self.id) or self.row
        self.moves = self.repository.moves(self.id)
        self.controls = self.repository.controls(self.id)
        self._state = None

    # -- deadlines -----------------------------------------------------------------------
    def deadline(self) -> datetime | None:
        """When the current turn closes (``None``: no deadline, or paused)."""
        if self.row.paused or self.row.deadline_at is None:
            return None
        at = self.row.deadline_at
        return at if at.tzinfo else at.replace(tzinfo=UTC)

    def start_clock(self, state: RunState, *, at: datetime) -> None:
        """Start the deadline of an awaited turn that has none yet."""
        if state.status != "awaiting" or not self.row.turn_minutes:
            return
        if self.row.deadline_turn == state.turn or self.row.paused:
            return
        self.repository.update_run(
            self.id,
            deadline_at=at + timedelta(minutes=self.row.turn_minutes),
            deadline_turn=state.turn,
        )
        self.row = self.repository.run(self.id) or self.row


def hold_action(observation: Observation) -> str:
    """The action a side takes when it did not decide: holding (communication) if it can,
    otherwise the least escalatory action on its menu."""
    return min(observation.menu, key=lambda m: (m.score != 1, m.score, m.id)).id


def plurality(votes: dict[int, HumanDecision], exercise_id: str) -> HumanDecision:
    """The action most delegates voted for; ties go to the lower rung, then the id."""
    scenario = loaded_exercise(exercise_id).exercise
    counts = Counter(v.action for v in votes.values())
    best = max(counts.values())
    tied = [a for a, n in counts.items() if n == best]
    chosen = min(tied, key=lambda a: (score(scenario.action(a).rung), a))
    backers = [v for v in votes.values() if v.action == chosen]
    reasons = " / ".join(v.reason for v in backers if v.reason)
    first = backers[0]
    return HumanDecision(
        action=chosen,
        reason=f"Chosen by {best} of {len(votes)} votes: {reasons}",
        reason_zh=f"以 {len(votes)} 票中的 {best} 票选定：{reasons}",
        message_kind=first.message_kind,
        message_text=first.message_text,
        in_reply_to=first.in_reply_to,
        acknowledge=tuple(sorted({a for v in backers for a in v.acknowledge})),
        message_lang=first.message_lang,
        message_translation=first.message_translation,
        message_to=first.message_to,
    )


def _no_terminal(*_: object) -> str:
    raise RuntimeError("a web run has no terminal")  # never called: people are replaced


class RunStore:
    """Runs in the database, visible to their owner (control cell) and seated players."""

    def __init__(self, repository: RunRepository, *, llm_factory=None) -> None:
        self.repository = repository
        self.llm_factory = llm_factory

    def load(self, row: ExerciseRunRow) -> ExerciseRun:
        """A run object with its seats, moves and controls."""
        return ExerciseRun(
            row=row,
            seats=self.repository.seats(row.id),
            moves=self.repository.moves(row.id),
            controls=self.repository.controls(row.id),
            repository=self.repository,
            llm_factory=self.llm_factory,
        )

    def add(self, row: ExerciseRunRow, seats: list[tuple[str, int, bool]] = ()) -> ExerciseRun:
        """Store a new run with its seats."""
        return self.load(self.repository.add_run(row, list(seats)))

    def get(self, run_id: str, *, user_id: int) -> ExerciseRun:
        """The run ``run_id`` if the user controls or plays it; NotFoundError otherwise."""
        row = self.repository.run(run_id)
        if row is None:
            raise _no_run(run_id)
        run = self.load(row)
        if not run.can_view(user_id):
            raise _no_run(run_id)
        return run

    def of_user(self, user_id: int) -> list[ExerciseRun]:
        """Runs the user controls or plays, newest first."""
        return [self.load(row) for row in self.repository.runs_of(user_id)]


def new_run_id() -> str:
    """A random, unguessable run id (128 bits, hex)."""
    return secrets.token_hex(16)
