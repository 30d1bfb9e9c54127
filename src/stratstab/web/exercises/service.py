"""Exercise logic for the web: list scenarios, start runs, take human decisions, reports."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import HTTPException

from stratstab.errors import InputError, NotFoundError
from stratstab.exercises import list_exercises
from stratstab.exercises.actors.base import PlayerError
from stratstab.exercises.ladder import rung
from stratstab.exercises.report import render_report
from stratstab.web.exercises.runs import (
    ExerciseRun,
    HumanDecision,
    RunState,
    RunStore,
    loaded_exercise,
    new_run_id,
)
from stratstab.web.exercises.schemas import (
    ActionPublic,
    ActorPublic,
    ChannelEntry,
    DecisionCreate,
    ExerciseDetail,
    ExerciseSummary,
    InboxItemPublic,
    MenuItemPublic,
    RunCreate,
    RunPublic,
    TurnPublic,
)

WEB_PLAYERS = ("cautious", "hawkish", "tit-for-tat", "human")
DEFAULT_PLAYER = "tit-for-tat"


class StaleTurn(HTTPException):
    """The decision is for a turn or side that is not the one awaited (409)."""

    def __init__(self, message: str) -> None:
        super().__init__(status_code=409, detail=message)


@cache
def exercises() -> tuple[ExerciseSummary, ...]:
    """The built-in exercise scenarios (read once per process)."""
    return tuple(ExerciseSummary(**item) for item in list_exercises())


def exercise_detail(exercise_id: str) -> ExerciseDetail:
    """Setting, actors and action menu of a built-in exercise."""
    if exercise_id not in {e.id for e in exercises()}:
        known = ", ".join(e.id for e in exercises())
        raise NotFoundError(f"no built-in exercise {exercise_id!r} (built-in: {known})")
    scenario = loaded_exercise(exercise_id).exercise
    return ExerciseDetail(
        id=scenario.id,
        name=scenario.name,
        description=scenario.description,
        turns=scenario.turns,
        sides=list(scenario.sides),
        setting=scenario.setting,
        minutes_per_turn=scenario.minutes_per_turn,
        actors={s: ActorPublic(**a.model_dump()) for s, a in scenario.actors.items()},
        actions=[
            ActionPublic(
                id=a.id,
                label=a.label,
                rung=a.rung,
                score=rung(a.rung).score,
                description=a.description,
                available_to=a.available_to,
            )
            for a in scenario.actions
        ],
        history=list(scenario.history),
    )


def start_run(store: RunStore, *, owner_id: int, owner_name: str, body: RunCreate) -> ExerciseRun:
    """Set up and keep a run; doctrine-only runs are played to the end at once."""
    detail = exercise_detail(body.exercise)
    unknown = set(body.players) - set(detail.sides)
    if unknown:
        raise InputError(
            f"unknown side(s) {sorted(unknown)}; expected {detail.sides}", field="players"
        )
    # Side order of the scenario: the player factory gives random streams by position.
    players = {side: body.players.get(side, DEFAULT_PLAYER) for side in detail.sides}
    run = ExerciseRun(
        id=new_run_id(),
        owner_id=owner_id,
        exercise_id=detail.id,
        players=players,
        seed=body.seed,
        turns=body.turns,
        human_name=owner_name,
    )
    try:
        run.state()
    except PlayerError as exc:
        raise InputError(str(exc), field="players") from None
    return store.add(run)


def _check_decision(state: RunState, body: DecisionCreate) -> HumanDecision:
    """Refuse a decision that is stale or names anything the side cannot use."""
    if state.status != "awaiting":
        raise StaleTurn("this run has ended; open its report")
    if body.side != state.awaiting_side or body.turn != state.turn:
        raise StaleTurn(
            f"turn {state.turn} of {state.awaiting_side} is awaited, not turn {body.turn} "
            f"of {body.side}; reload the page"
        )
    observation = state.observation
    assert observation is not None
    if body.action not in {m.id for m in observation.menu}:
        raise InputError(f"{body.action!r} is not on {body.side}'s menu", field="action")
    inbox = {m.seq for m in observation.inbox}
    acknowledge = sorted(inbox) if body.acknowledge is None else sorted(set(body.acknowledge))
    if not set(acknowledge) <= inbox:
        raise InputError(
            f"only messages delivered this turn can be acknowledged: {sorted(inbox)}",
            field="acknowledge",
        )
    message = body.message
    if message and message.in_reply_to is not None:
        received = {m.seq for m in state.model.channel.received_by(body.side)}
        if message.in_reply_to not in received:
            raise InputError(
                f"message {message.in_reply_to} was not delivered to {body.side}",
                field="message.in_reply_to",
            )
    return HumanDecision(
        action=body.action,
        reason=body.reason.strip(),
        message_kind=message.kind if message else None,
        message_text=message.text.strip() if message else "",
        in_reply_to=message.in_reply_to if message else None,
        acknowledge=tuple(acknowledge),
    )


def decide(run: ExerciseRun, body: DecisionCreate) -> RunState:
    """Apply a human decision and play on until the next human turn or the end."""
    with run.lock:  # one decision at a time per run: double submits meet a 409
        state = run.state()
        decision = _check_decision(state, body)
        key = (body.turn, body.side)
        try:
            new_state = run.replay({**run.decisions, key: decision})
        except PlayerError as exc:
            raise InputError(str(exc), field="action") from None
        run.commit(key, decision, new_state)
        return new_state


def channel_log(state: RunState, side: str) -> list[ChannelEntry]:
    """Messages ``side`` has sent, and those delivered to it, in sending order."""
    out = []
    for m in state.model.channel.messages:
        if m.sender != side and not (m.recipient == side and m.delivered):
            continue
        out.append(
            ChannelEntry(
                seq=m.seq,
                direction="sent" if m.sender == side else "received",
                kind=m.kind,
                text=m.text,
                sent_turn=m.sent_turn,
                deadline_turn=m.deadline_turn,
                in_reply_to=m.in_reply_to,
                delivered_turn=m.delivered_turn,
                acknowledged_turn=m.acknowledged_turn,
            )
        )
    return out


def turn_public(run: ExerciseRun, state: RunState) -> TurnPublic | None:
    """The awaited turn as the human side sees it."""
    observation = state.observation
    if state.status != "awaiting" or observation is None:
        return None
    scenario = loaded_exercise(run.exercise_id).exercise
    descriptions = {a.id: a.description for a in scenario.actions}
    return TurnPublic(
        turn=observation.turn,
        turns=observation.turns,
        side=observation.side,
        opponent=observation.opponent,
        objectives=list(observation.objectives),
        crisis_stability_index=observation.crisis_stability_index,
        index_history=list(observation.index_history),
        own_moves=list(observation.own_moves),
        opponent_moves=list(observation.opponent_moves),
        injects=list(observation.injects),
        inbox=[InboxItemPublic(**vars(m)) for m in observation.inbox],
        channel_up=observation.channel_up,
        menu=[
            MenuItemPublic(**vars(m), description=descriptions.get(m.id, ""))
            for m in observation.menu
        ],
        channel_log=channel_log(state, observation.side),
    )


def run_public(run: ExerciseRun) -> RunPublic:
    """The JSON form of a run for its owner."""
    state = run.state()
    record = state.record()
    finished = state.status == "finished"
    return RunPublic(
        id=run.id,
        exercise=run.exercise_id,
        name=record["name"],
        players=dict(record["players"]),
        seed=run.seed,
        status=state.status,
        turn=state.turn,
        awaiting_side=state.awaiting_side,
        awaiting=turn_public(run, state),
        ended_by=record.get("ended_by"),
        summary=record["summary"],
        report_url=f"/exercises/runs/{run.id}/report" if finished else None,
    )


def finished_record(run: ExerciseRun) -> dict[str, Any]:
    """The full record of a finished run (409 while a human still has to decide)."""
    state = run.state()
    if state.status != "finished":
        raise StaleTurn("the after-action report is ready once the run has ended")
    return state.record()


def report_html(run: ExerciseRun, *, lang: str = "en") -> str:
    """The after-action report of a finished run as a standalone HTML page in ``lang``."""
    record = finished_record(run)
    cited = list(loaded_exercise(run.exercise_id).exercise.history)
    return render_report(record, cited_history=cited, lang=lang)


def past_turns(state: RunState, side: str) -> list[dict[str, Any]]:
    """Turns played so far as ``side`` saw them: its own reasons, the other's moves only."""
    rows = []
    for turn in state.model.recorder.turns:
        own = turn["decisions"][side]
        other = next(d for s, d in turn["decisions"].items() if s != side)
        rows.append(
            {
                "turn": turn["turn"],
                "injects": [i["text"] for i in turn["injects"] if i["to"] in ("all", side)],
                "own": own,
                "other": {k: other[k] for k in ("label", "rung", "score")},
                "index": turn["reading"]["crisis_stability_index"],
            }
        )
    return rows


def index_figure(history: list[float], menu: list[MenuItemPublic], *, title: str) -> dict:
    """A Plotly figure of the index so far, with each option's predicted next value."""
    turns = list(range(len(history)))
    next_turn = len(history)
    return {
        "data": [
            {"type": "scatter", "mode": "lines+markers", "x": turns, "y": history, "name": title},
            {
                "type": "scatter",
                "mode": "markers",
                "x": [next_turn] * len(menu),
                "y": [m.predicted_index for m in menu],
                "text": [m.label for m in menu],
                "hovertemplate": "%{text}: %{y:.2f}<extra></extra>",
                "marker": {"symbol": "diamond-open", "size": 9},
                "name": "options",
            },
        ],
        "layout": {
            "height": 260,
            "showlegend": False,
            "yaxis": {"range": [0, 1.02], "title": {"text": "index"}},
            "xaxis": {"dtick": 1, "title": {"text": "turn"}},
            "margin": {"t": 10, "r": 10, "b": 40, "l": 50},
        },
    }
