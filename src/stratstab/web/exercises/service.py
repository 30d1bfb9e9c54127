"""Exercise logic for the web: list scenarios, start runs, take human decisions, reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from stratstab.errors import Forbidden, InputError, NotFoundError
from stratstab.exercises import list_exercises
from stratstab.exercises.actors.base import PlayerError
from stratstab.exercises.ladder import rung
from stratstab.exercises.report import render_report
from stratstab.exercises.store import DuplicateMove, ExerciseRunRow
from stratstab.web.errors import LocalizedError
from stratstab.web.exercises import runs
from stratstab.web.exercises.runs import (
    MAX_RUNS_PER_USER,
    ExerciseRun,
    HumanDecision,
    RunState,
    RunStore,
    hold_action,
    loaded_exercise,
    new_run_id,
    plurality,
)
from stratstab.web.exercises.schemas import (
    ActionPublic,
    ActorPublic,
    ChannelEntry,
    ControlCreate,
    DecisionCreate,
    ExerciseDetail,
    ExerciseSummary,
    InboxItemPublic,
    MenuItemPublic,
    RunCreate,
    RunPublic,
    SidePublic,
    TurnPublic,
)

WEB_PLAYERS = ("cautious", "hawkish", "tit-for-tat", "human")
CONTROL_PLAYERS = ("delegation", "llm")  # offered to facilitators and administrators
DEFAULT_PLAYER = "tit-for-tat"
CONTROL_ROLES = ("facilitator", "admin")


class QuotaExceeded(LocalizedError):
    """A person has started as many runs as one may keep (429)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(429, key, **values)


class StaleTurn(LocalizedError):
    """The decision is for a turn or side that is not the one awaited, or the run is not
    in the state the request assumed (409)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(409, key, **values)


@cache
def exercises() -> tuple[ExerciseSummary, ...]:
    """The built-in exercise scenarios (read once per process)."""
    return tuple(ExerciseSummary(**item) for item in list_exercises())


def exercise_detail(exercise_id: str) -> ExerciseDetail:
    """Setting, actors and action menu of a built-in exercise."""
    if exercise_id not in {e.id for e in exercises()}:
        known = ", ".join(e.id for e in exercises())
        raise NotFoundError(f"no built-in exercise {exercise_id!r} (built-in: {known})").with_key(
            "exerr.no_exercise", exercise=exercise_id, known=known
        )
    scenario = loaded_exercise(exercise_id).exercise
    return ExerciseDetail(
        id=scenario.id,
        name=scenario.name,
        description=scenario.description,
        description_zh=scenario.description_zh,
        turns=scenario.turns,
        sides=list(scenario.sides),
        setting=scenario.setting,
        name_zh=scenario.name_zh,
        setting_zh=scenario.setting_zh,
        minutes_per_turn=scenario.minutes_per_turn,
        actors={s: ActorPublic(**a.model_dump()) for s, a in scenario.actors.items()},
        actions=[
            ActionPublic(
                id=a.id,
                label=a.label,
                label_zh=a.label_zh,
                rung=a.rung,
                score=rung(a.rung).score,
                description=a.description,
                available_to=a.available_to,
            )
            for a in scenario.actions
        ],
        history=list(scenario.history),
    )


def start_run(
    store: RunStore,
    *,
    owner_id: int,
    owner_name: str,
    owner_role: str,
    body: RunCreate,
    user_ids: Callable[[str], int | None],
    llm_configured: bool,
) -> ExerciseRun:
    """Set up and store a run; doctrine-only runs are played to the end at once.

    Runs with delegations (seated people) or the operator's language model are set up
    by a facilitator or an administrator: they are the control cell of that run.
    """
    detail = exercise_detail(body.exercise)
    unknown = (set(body.players) | set(body.seats)) - set(detail.sides)
    if unknown:
        raise InputError(
            f"unknown side(s) {sorted(unknown)}; expected {detail.sides}", field="players"
        ).with_key(
            "exerr.unknown_sides", sides=", ".join(sorted(unknown)), known=", ".join(detail.sides)
        )
    # Side order of the scenario: the player factory gives random streams by position.
    players = {side: body.players.get(side, DEFAULT_PLAYER) for side in detail.sides}
    for side in body.seats:
        players[side] = "delegation"
    multiplayer = any(p in ("delegation", "llm") for p in players.values())
    if multiplayer and owner_role not in CONTROL_ROLES:
        raise Forbidden(
            "only a facilitator or an administrator can set up delegations or llm"
        ).with_key("exerr.control_roles")
    if "llm" in players.values() and not llm_configured:
        raise InputError(
            "no language-model endpoint is configured on this server", field="players"
        ).with_key("exerr.no_llm")
    seats: list[tuple[str, int, bool]] = []
    modes: dict[str, str] = {}
    for side, kind in players.items():
        if kind != "delegation":
            continue
        seat = body.seats.get(side)
        if seat is None or not (seat.head or seat.delegates):
            raise InputError(
                f"name the head or the delegates who play {side}", field="seats"
            ).with_key("exerr.seat_needed", side=side)
        modes[side] = seat.mode
        names = ([seat.head] if seat.head else []) + [d for d in seat.delegates if d != seat.head]
        for name in names:
            user_id = user_ids(name)
            if user_id is None:
                raise InputError(f"no active account {name!r}", field=f"seats.{side}").with_key(
                    "exerr.no_account", name=name
                )
            if any(u == user_id for _, u, _ in seats):
                raise InputError(
                    f"{name!r} already has a seat in this run", field="seats"
                ).with_key("exerr.seat_taken", name=name)
            seats.append((side, user_id, name == seat.head))
    if store.repository.count_owned(owner_id) >= MAX_RUNS_PER_USER:
        raise QuotaExceeded("exerr.quota", n=MAX_RUNS_PER_USER)
    row = ExerciseRunRow(
        id=new_run_id(),
        owner_id=owner_id,
        exercise_id=detail.id,
        players=players,
        modes=modes,
        seed=body.seed,
        turns=body.turns,
        human_name=owner_name,
        turn_minutes=body.turn_minutes,
    )
    run = store.load(row)
    run.llm_factory = None  # the model is first asked once the run is stored
    try:
        state = run.replay()  # a bad player set-up fails before anything is stored
    except PlayerError as exc:
        raise _player_failed(exc, field="players") from None
    run = store.add(row, seats)
    state = run.state()
    run.start_clock(state, at=runs.now())
    return run


def viewer_side(run: ExerciseRun, state: RunState, user_id: int) -> str | None:
    """The side whose turn this viewer decides now (their seat, or the owner's own side)."""
    seat = run.seat_of(user_id)
    if seat is not None:
        return seat.side
    if user_id == run.owner_id:
        own = [s for s, kind in run.players.items() if kind == "human"]
        waiting = [s for s in state.waiting if s in own]
        return (waiting or own or [None])[0]
    return None


def may_decide(run: ExerciseRun, side: str, user_id: int) -> str:
    """Whether ``user_id`` may move for ``side`` now: "decision", "vote", or refuse (403)."""
    kind = run.players.get(side)
    if kind == "human" and user_id == run.owner_id:
        return "decision"
    seat = run.seat_of(user_id)
    if kind == "delegation" and seat is not None and seat.side == side:
        if run.mode(side) == "vote":
            return "vote"
        heads = [s for s in run.seats_of(side) if s.is_head]
        if seat.is_head or not heads:
            return "decision"
        raise Forbidden(f"the head of delegation decides for {side} in this run").with_key(
            "exerr.head_decides", side=side
        )
    refused = Forbidden(f"you do not play {side} in this run")
    raise refused.with_key("exerr.not_your_side", side=side)


def _player_failed(exc: PlayerError, *, field: str) -> InputError:
    """A player (the language model, a doctrine) could not decide: the English detail
    goes to English readers, a Chinese reader gets the keyed sentence alone."""
    return InputError(str(exc), field=field).with_key("exerr.player_failed", detail=str(exc))


def _check_decision(state: RunState, body: DecisionCreate) -> HumanDecision:
    """Refuse a decision that is stale or names anything the side cannot use."""
    if state.status != "awaiting":
        raise StaleTurn("exerr.run_ended")
    if body.side not in state.waiting or body.turn != state.turn:
        raise StaleTurn(
            "exerr.stale_turn",
            turn=state.turn,
            waiting=", ".join(state.waiting),
            asked_turn=body.turn,
            side=body.side,
        )
    observation = state.waiting[body.side]
    if body.action not in {m.id for m in observation.menu}:
        raise InputError(f"{body.action!r} is not on {body.side}'s menu", field="action").with_key(
            "exerr.not_on_menu", action=body.action, side=body.side
        )
    inbox = {m.seq for m in observation.inbox}
    acknowledge = sorted(inbox) if body.acknowledge is None else sorted(set(body.acknowledge))
    if not set(acknowledge) <= inbox:
        raise InputError(
            f"only messages delivered this turn can be acknowledged: {sorted(inbox)}",
            field="acknowledge",
        ).with_key("exerr.acknowledge", delivered=", ".join(map(str, sorted(inbox))) or "-")
    message = body.message
    if message and message.in_reply_to is not None:
        received = {m.seq for m in state.model.channel.received_by(body.side)}
        if message.in_reply_to not in received:
            raise InputError(
                f"message {message.in_reply_to} was not delivered to {body.side}",
                field="message.in_reply_to",
            ).with_key("exerr.reply_unknown", message=message.in_reply_to, side=body.side)
    if message and message.to is not None:
        others = [s for s in state.model.exercise.sides if s != body.side]
        if message.to not in others:
            raise InputError(
                f"a message goes to one of {others}, not {message.to!r}", field="message.to"
            ).with_key("exerr.message_to", sides=", ".join(others), to=message.to)
    return HumanDecision(
        message_to=message.to if message else None,
        action=body.action,
        reason=body.reason.strip(),
        message_kind=message.kind if message else None,
        message_text=message.text.strip() if message else "",
        in_reply_to=message.in_reply_to if message else None,
        acknowledge=tuple(acknowledge),
        message_lang=message.lang if message else "en",
        message_translation=message.translation.strip() if message else "",
    )


def _store_move(
    run: ExerciseRun,
    *,
    turn: int,
    side: str,
    kind: str,
    user_id: int | None,
    decision: HumanDecision,
) -> None:
    try:
        run.repository.add_move(
            run.id, turn=turn, side=side, kind=kind, user_id=user_id, payload=decision.payload()
        )
    except DuplicateMove:
        raise StaleTurn("exerr.already_moved", side=side, turn=turn) from None


def decide(run: ExerciseRun, body: DecisionCreate, *, user_id: int) -> RunState:
    """Take one move (a decision, or a delegate's vote) and play on when the turn is full."""
    with run.lock:  # one decision at a time per run object: double submits meet a 409
        settle_deadline(run, at=runs.now())
        if run.row.paused:
            raise StaleTurn("exerr.paused")
        kind = may_decide(run, body.side, user_id)  # before anything about the side is said
        state = run.state()
        decision = _check_decision(state, body)
        if kind == "decision":
            try:
                run.replay({**run.decisions(), (body.turn, body.side): decision})
            except PlayerError as exc:
                raise _player_failed(exc, field="action") from None
            _store_move(
                run,
                turn=body.turn,
                side=body.side,
                kind="decision",
                user_id=user_id,
                decision=decision,
            )
        else:
            _store_move(
                run, turn=body.turn, side=body.side, kind="vote", user_id=user_id, decision=decision
            )
            run.refresh()
            voters = {s.user_id for s in run.seats_of(body.side)}
            votes = run.votes(body.turn, body.side)
            if voters <= set(votes):
                _store_move(
                    run,
                    turn=body.turn,
                    side=body.side,
                    kind="decision",
                    user_id=None,
                    decision=plurality(votes, run.exercise_id),
                )
        run.refresh()
        new_state = run.state()
        run.start_clock(new_state, at=runs.now())
        return new_state


def close_turn(run: ExerciseRun, *, reason: str) -> None:
    """Close the awaited turn: a side with votes gets their plurality, others hold."""
    state = run.state()
    if state.status != "awaiting":
        return
    for side, observation in state.waiting.items():
        votes = run.votes(state.turn, side)
        if votes:
            chosen, kind = plurality(votes, run.exercise_id), "decision"
        else:
            chosen = HumanDecision(
                action=hold_action(observation),
                reason=reason,
                reason_zh="未在时限内作出决定；该方保持现状。",
            )
            kind = "default"
        try:
            run.repository.add_move(
                run.id,
                turn=state.turn,
                side=side,
                kind=kind,
                user_id=None,
                payload=chosen.payload(),
            )
        except DuplicateMove:
            continue
    run.repository.update_run(run.id, deadline_at=None)
    run.refresh()


def settle_deadline(run: ExerciseRun, *, at: datetime) -> None:
    """Close the current turn if its deadline has passed (checked whenever a run is read)."""
    deadline = run.deadline()
    if deadline is None or at < deadline:
        return
    if run.row.deadline_turn != run.state().turn:
        return
    close_turn(run, reason="No decision by the deadline; the side holds.")
    run.start_clock(run.state(), at=at)


def control(run: ExerciseRun, body: ControlCreate, *, user_id: int) -> None:
    """An action of the control cell (the run's owner only)."""
    if user_id != run.owner_id:
        raise Forbidden("only the control cell of this run can do that").with_key(
            "exerr.control_cell_only"
        )
    with run.lock:
        state = run.state()
        if state.status != "awaiting":
            raise StaleTurn("exerr.run_ended")
        at = runs.now()
        payload: dict[str, Any] = {}
        if body.kind == "inject":
            if not body.text.strip():
                raise InputError("an injected event needs a text", field="text").with_key(
                    "exerr.inject_text"
                )
            sides = run.players
            if body.to != "all" and body.to not in sides:
                raise InputError(f"'to' must be all or one of {list(sides)}", field="to").with_key(
                    "exerr.inject_to", sides=", ".join(sides)
                )
            payload = {
                "text": body.text.strip(),
                "text_zh": body.text_zh.strip(),
                "to": body.to,
                "outage_turns": body.outage_turns,
            }
        elif body.kind == "pause":
            if run.row.paused:
                raise StaleTurn("exerr.already_paused")
            deadline = run.deadline()
            remaining = (deadline - at).total_seconds() if deadline else None
            run.repository.update_run(run.id, paused=True, paused_remaining_s=remaining)
        elif body.kind == "resume":
            if not run.row.paused:
                raise StaleTurn("exerr.not_paused")
            remaining = run.row.paused_remaining_s
            run.repository.update_run(
                run.id,
                paused=False,
                paused_remaining_s=None,
                deadline_at=None if remaining is None else at + timedelta(seconds=remaining),
            )
        elif body.kind == "extend":
            deadline = run.deadline()
            if deadline is None or body.minutes <= 0:
                raise InputError(
                    "extend a running deadline by at least one minute", field="minutes"
                ).with_key("exerr.extend")
            run.repository.update_run(
                run.id, deadline_at=deadline + timedelta(minutes=body.minutes)
            )
            payload = {"minutes": body.minutes}
        run.repository.add_control(
            run.id, turn=state.turn, kind=body.kind, user_id=user_id, payload=payload
        )
        run.refresh()
        if body.kind == "close":
            close_turn(run, reason="The control cell closed the turn; the side holds.")
            run.start_clock(run.state(), at=at)


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
                lang=m.lang,
                translation=m.translation,
                deadline_missed=m.deadline_missed(now_turn=state.turn),
            )
        )
    return out


def turn_public(run: ExerciseRun, state: RunState, side: str | None = None) -> TurnPublic | None:
    """The awaited turn as ``side`` sees it (default: the first awaited side)."""
    side = side or state.awaiting_side
    if state.status != "awaiting" or side not in state.waiting:
        return None
    observation = state.waiting[side]
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
        injects_zh=list(observation.injects_zh),
        inbox=[InboxItemPublic(**vars(m)) for m in observation.inbox],
        channel_up=observation.channel_up,
        menu=[
            MenuItemPublic(**vars(m), description=descriptions.get(m.id, ""))
            for m in observation.menu
        ],
        channel_log=channel_log(state, observation.side),
    )


def _sides_public(
    run: ExerciseRun, state: RunState, names: Callable[[int], str]
) -> list[SidePublic]:
    out = []
    for side, kind in run.players.items():
        members = [names(s.user_id) + (" ★" if s.is_head else "") for s in run.seats_of(side)]
        out.append(
            SidePublic(
                side=side,
                player=kind,
                mode=run.mode(side) if kind == "delegation" else None,
                members=members,
                decided=state.status == "awaiting" and side not in state.waiting,
                votes=len(run.votes(state.turn, side)) if state.status == "awaiting" else 0,
            )
        )
    return out


def run_public(
    run: ExerciseRun, *, viewer_id: int | None = None, names: Callable[[int], str] = str
) -> RunPublic:
    """A run as ``viewer_id`` may see it (the owner when not given).

    A player sees the awaited turn of its own side only, and whether its own move is in;
    the control cell sees which sides have moved, never their choices, until the turn is
    played.
    """
    viewer_id = run.owner_id if viewer_id is None else viewer_id
    settle_deadline(run, at=runs.now())
    state = run.state()
    record = state.record()
    finished = state.status == "finished"
    side = viewer_side(run, state, viewer_id)
    is_control = viewer_id == run.owner_id
    my_move_in = False
    if side is not None and state.status == "awaiting":
        my_move_in = side not in state.waiting or (
            run.mode(side) == "vote" and viewer_id in run.votes(state.turn, side)
        )
    deadline = run.deadline()
    return RunPublic(
        id=run.id,
        exercise=run.exercise_id,
        name=record["name"],
        players=dict(record["players"]),
        seed=run.seed,
        status=state.status,
        turn=state.turn,
        turns=run.row.turns or loaded_exercise(run.exercise_id).exercise.turns,
        awaiting_side=side if side in state.waiting else None,
        awaiting=None if my_move_in or side is None else turn_public(run, state, side),
        ended_by=record.get("ended_by"),
        summary=record["summary"],
        report_url=f"/exercises/runs/{run.id}/report" if finished else None,
        role="control" if is_control and run.seat_of(viewer_id) is None else "player",
        my_side=side,
        my_move_in=my_move_in,
        paused=bool(run.row.paused),
        deadline=deadline.isoformat() if deadline and not finished else None,
        sides=_sides_public(run, state, names) if is_control else [],
    )


def finished_record(run: ExerciseRun) -> dict[str, Any]:
    """The full record of a finished run (409 while a human still has to decide)."""
    state = run.state()
    if state.status != "finished":
        raise StaleTurn("exerr.report_not_ready")
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
        others = {s: d for s, d in turn["decisions"].items() if s != side}
        other = next(iter(others.values()))
        rows.append(
            {
                "turn": turn["turn"],
                "injects": [i for i in turn["injects"] if i["to"] in ("all", side)],
                "own": own,
                "other": {k: other[k] for k in ("action", "label", "label_zh", "rung", "score")},
                "others": {
                    s: {k: d[k] for k in ("action", "label", "label_zh", "rung", "score")}
                    for s, d in others.items()
                },
                "index": turn["reading"]["crisis_stability_index"],
                "measures": turn["measures"],
                "outcome": turn["outcome"],
            }
        )
    return rows


def index_figure(
    history: list[float],
    menu: list[MenuItemPublic],
    *,
    title: str,
    turn_label: str = "turn",
    options_label: str = "options",
    zh: bool = False,
) -> dict:
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
                "text": [(m.label_zh or m.label) if zh else m.label for m in menu],
                "hovertemplate": "%{text}: %{y:.2f}<extra></extra>",
                "marker": {"symbol": "diamond-open", "size": 9},
                "name": options_label,
            },
        ],
        "layout": {
            "height": 260,
            "showlegend": False,
            "yaxis": {"range": [0, 1.02], "title": {"text": title}},
            "xaxis": {"dtick": 1, "title": {"text": turn_label}},
            "margin": {"t": 10, "r": 10, "b": 40, "l": 50},
        },
    }
