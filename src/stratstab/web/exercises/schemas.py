"""Shapes of the exercise API: scenarios, runs, turns and decisions."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from stratstab.web.params import MessageNumber, Seed, TurnNumber
from stratstab.web.shapes import InputModel

# Players the web offers: the built-in doctrines, the logged-in user ("human"), a
# delegation of seated people ("delegation", set up by a facilitator), or "llm": the one
# endpoint the operator configured.  No user may type a URL: a URL typed into a shared
# server would let any user make the server send requests wherever they like.
WebPlayer = Literal["cautious", "hawkish", "tit-for-tat", "human", "delegation", "llm"]
MessageKindName = Literal["notification", "query", "clarification", "proposal", "acknowledgement"]
MAX_TEXT_CHARS = 1000
Username = str


class SeatCreate(InputModel):
    """Who plays a delegation side: its head and delegates (user names), and how it decides."""

    model_config = ConfigDict(extra="forbid")
    mode: Literal["head", "vote"] = "head"
    head: Username | None = Field(default=None, min_length=1, max_length=64)
    delegates: list[Username] = Field(default_factory=list, max_length=50)


class ExerciseSummary(BaseModel):
    """A built-in exercise scenario."""

    id: str
    name: str
    description: str
    turns: int
    sides: list[str]
    name_zh: str = ""
    description_zh: str = ""


class ActorPublic(BaseModel):
    """One side of an exercise."""

    name: str
    name_zh: str
    objectives: list[str]
    objectives_zh: list[str] = Field(default_factory=list)


class ActionPublic(BaseModel):
    """One entry of the action menu."""

    id: str
    label: str
    label_zh: str = ""
    rung: str
    score: int
    description: str
    available_to: list[str] | None


class ExerciseDetail(ExerciseSummary):
    """An exercise scenario with its setting, actors and action menu."""

    setting: str
    name_zh: str = ""
    setting_zh: str = ""
    minutes_per_turn: int
    actors: dict[str, ActorPublic]
    actions: list[ActionPublic]
    history: list[str]


class RunCreate(InputModel):
    """Start a run: the exercise, a player per side (default tit-for-tat) and a seed."""

    model_config = ConfigDict(extra="forbid")
    exercise: str = Field(min_length=1, max_length=100)
    players: dict[str, WebPlayer] = Field(default_factory=dict)
    seed: Seed = 0
    turns: TurnNumber | None = None
    seats: dict[str, SeatCreate] = Field(default_factory=dict, max_length=4)
    turn_minutes: int | None = Field(default=None, ge=1, le=7 * 24 * 60)


class MessageCreate(InputModel):
    """A message on the risk-reduction channel."""

    model_config = ConfigDict(extra="forbid")
    kind: MessageKindName
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    in_reply_to: MessageNumber | None = None
    lang: Literal["en", "zh"] = "en"
    translation: str = Field(default="", max_length=MAX_TEXT_CHARS)
    # Recipient side with three or more sides; by default the sender of the message it
    # answers, else the side the sender faces most.
    to: str | None = Field(default=None, max_length=16)


class ControlCreate(InputModel):
    """An action of the control cell: inject an event, pause, resume, extend, close a turn."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["inject", "pause", "resume", "extend", "close"]
    text: str = Field(default="", max_length=MAX_TEXT_CHARS)
    text_zh: str = Field(default="", max_length=MAX_TEXT_CHARS)
    to: str = Field(default="all", max_length=16)
    outage_turns: int = Field(default=0, ge=0, le=10)
    minutes: int = Field(default=0, ge=0, le=7 * 24 * 60)


class DecisionCreate(InputModel):
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
    predicted_risk: float = 0.0
    label_zh: str = ""
    description: str = ""


class InboxItemPublic(BaseModel):
    """A message delivered to the side this turn."""

    seq: int
    kind: str
    text: str
    sent_turn: int
    in_reply_to: int | None
    lang: str = "en"
    translation: str = ""


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
    lang: str = "en"
    translation: str = ""
    deadline_missed: bool = False


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
    injects_zh: list[str] = Field(default_factory=list)
    inbox: list[InboxItemPublic]
    channel_up: bool
    menu: list[MenuItemPublic]
    channel_log: list[ChannelEntry]


class SidePublic(BaseModel):
    """A side's status as the control cell sees it: who plays it and whether it moved."""

    side: str
    player: str
    mode: str | None = None
    members: list[str] = Field(default_factory=list)
    decided: bool = False
    votes: int = 0


class RunPublic(BaseModel):
    """A run as a viewer sees it; ``awaiting`` carries the viewer's turn to decide.

    Moves are sealed until the turn is played: a player sees only its own side, and the
    control cell sees which sides have moved, never what they chose.
    """

    id: str
    exercise: str
    name: str
    players: dict[str, str]
    seed: int
    status: Literal["awaiting", "finished"]
    turn: int
    turns: int = 0  # turns the run plays unless it ends early
    awaiting_side: str | None
    awaiting: TurnPublic | None
    ended_by: str | None
    summary: dict[str, Any]
    report_url: str | None
    role: Literal["control", "player"] = "control"
    my_side: str | None = None
    my_move_in: bool = False
    paused: bool = False
    deadline: str | None = None
    sides: list[SidePublic] = Field(default_factory=list)
