"""Shapes of the exercise API: scenarios, runs, turns and decisions."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from stratstab.web.params import MessageNumber, Seed, TurnNumber

# Players the web offers: the built-in doctrines, or the logged-in user ("human").  The
# LLM player is left to the command line: a URL typed into a shared server would let any
# user make the server send requests wherever they like.
WebPlayer = Literal["cautious", "hawkish", "tit-for-tat", "human"]
MessageKindName = Literal["notification", "query", "clarification", "proposal"]
MAX_TEXT_CHARS = 1000


class ExerciseSummary(BaseModel):
    """A built-in exercise scenario."""

    id: str
    name: str
    description: str
    turns: int
    sides: list[str]


class ActorPublic(BaseModel):
    """One side of an exercise."""

    name: str
    name_zh: str
    objectives: list[str]


class ActionPublic(BaseModel):
    """One entry of the action menu."""

    id: str
    label: str
    rung: str
    score: int
    description: str
    available_to: list[str] | None


class ExerciseDetail(ExerciseSummary):
    """An exercise scenario with its setting, actors and action menu."""

    setting: str
    minutes_per_turn: int
    actors: dict[str, ActorPublic]
    actions: list[ActionPublic]
    history: list[str]


class RunCreate(BaseModel):
    """Start a run: the exercise, a player per side (default tit-for-tat) and a seed."""

    model_config = ConfigDict(extra="forbid")
    exercise: str = Field(min_length=1, max_length=100)
    players: dict[str, WebPlayer] = Field(default_factory=dict)
    seed: Seed = 0
    turns: TurnNumber | None = None


class MessageCreate(BaseModel):
    """A message on the risk-reduction channel."""

    model_config = ConfigDict(extra="forbid")
    kind: MessageKindName
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    in_reply_to: MessageNumber | None = None


class DecisionCreate(BaseModel):
    """A human side's move for the turn it is asked about.

    ``acknowledge`` lists the delivered message numbers to acknowledge; ``null``
    acknowledges every message delivered this turn, as a watch officer would.
    """

    model_config = ConfigDict(extra="forbid")
    side: str
    turn: TurnNumber
    action: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    message: MessageCreate | None = None
    acknowledge: list[MessageNumber] | None = Field(default=None, max_length=1000)


class MenuItemPublic(BaseModel):
    """An action open to the side, with the index the models predict if only it is taken."""

    id: str
    label: str
    rung: str
    score: int
    predicted_index: float
    description: str = ""


class InboxItemPublic(BaseModel):
    """A message delivered to the side this turn."""

    seq: int
    kind: str
    text: str
    sent_turn: int
    in_reply_to: int | None


class ChannelEntry(BaseModel):
    """A message the side sent or received, with its life on the channel."""

    seq: int
    direction: Literal["sent", "received"]
    kind: str
    text: str
    sent_turn: int
    deadline_turn: int
    in_reply_to: int | None
    delivered_turn: int | None
    acknowledged_turn: int | None


class TurnPublic(BaseModel):
    """The situation a human side decides on."""

    turn: int
    turns: int
    side: str
    opponent: str
    objectives: list[str]
    crisis_stability_index: float
    index_history: list[float]
    own_moves: list[str]
    opponent_moves: list[str]
    injects: list[str]
    inbox: list[InboxItemPublic]
    channel_up: bool
    menu: list[MenuItemPublic]
    channel_log: list[ChannelEntry]


class RunPublic(BaseModel):
    """A run as its owner sees it; ``awaiting`` carries the turn to decide."""

    id: str
    exercise: str
    name: str
    players: dict[str, str]
    seed: int
    status: Literal["awaiting", "finished"]
    turn: int
    awaiting_side: str | None
    awaiting: TurnPublic | None
    ended_by: str | None
    summary: dict[str, Any]
    report_url: str | None
